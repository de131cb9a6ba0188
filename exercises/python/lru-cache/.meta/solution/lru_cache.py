from collections import OrderedDict


def _check_capacity(capacity):
    if type(capacity) is not int or capacity < 1:
        raise ValueError(f"capacity must be a positive int, got {capacity!r}")


class LRUCache:
    def __init__(self, capacity: int, on_evict=None):
        _check_capacity(capacity)
        self._capacity = capacity
        self._on_evict = on_evict
        self._data = OrderedDict()  # least recently used first

    def get(self, key, default=None):
        if key not in self._data:
            return default
        self._data.move_to_end(key)
        return self._data[key]

    def peek(self, key, default=None):
        return self._data.get(key, default) if key in self._data else default

    def put(self, key, value) -> None:
        if key in self._data:
            self._data[key] = value
            self._data.move_to_end(key)
            return
        self._shrink_to(self._capacity - 1)
        self._data[key] = value

    def delete(self, key) -> bool:
        if key in self._data:
            del self._data[key]
            return True
        return False

    def resize(self, capacity: int) -> None:
        _check_capacity(capacity)
        self._capacity = capacity
        self._shrink_to(capacity)

    def clear(self) -> None:
        self._data.clear()

    def keys(self) -> list:
        return list(reversed(self._data))

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key) -> bool:
        return key in self._data

    def _shrink_to(self, size):
        while len(self._data) > size:
            key, value = self._data.popitem(last=False)
            if self._on_evict is not None:
                self._on_evict(key, value)
