class LRUCache:
    def __init__(self, capacity: int, on_evict=None):
        raise NotImplementedError("implement LRUCache")

    def get(self, key, default=None):
        raise NotImplementedError

    def peek(self, key, default=None):
        raise NotImplementedError

    def put(self, key, value) -> None:
        raise NotImplementedError

    def delete(self, key) -> bool:
        raise NotImplementedError

    def resize(self, capacity: int) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def keys(self) -> list:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def __contains__(self, key) -> bool:
        raise NotImplementedError
