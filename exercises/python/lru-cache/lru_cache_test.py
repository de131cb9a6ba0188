import pytest

from lru_cache import LRUCache


def test_put_and_get():
    cache = LRUCache(3)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    assert cache.get("b") == 2
    assert len(cache) == 2


def test_missing_key_returns_default():
    cache = LRUCache(2)
    assert cache.get("nope") is None
    assert cache.get("nope", 42) == 42
    assert cache.peek("nope", "x") == "x"


def test_none_values_are_stored():
    cache = LRUCache(2)
    cache.put("k", None)
    assert "k" in cache
    assert cache.get("k", "default") is None
    assert cache.peek("k", "default") is None


def test_evicts_least_recently_used():
    evicted = []
    cache = LRUCache(2, on_evict=lambda k, v: evicted.append((k, v)))
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert evicted == [("b", 2)]
    assert cache.keys() == ["c", "a"]
    assert "b" not in cache


def test_replacing_value_refreshes_and_does_not_evict():
    evicted = []
    cache = LRUCache(2, on_evict=lambda k, v: evicted.append(k))
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 10)
    assert evicted == []
    assert cache.keys() == ["a", "b"]
    cache.put("c", 3)
    assert evicted == ["b"]
    assert cache.get("a") == 10


def test_peek_contains_len_and_keys_do_not_refresh():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.peek("a") == 1
    assert "a" in cache
    assert len(cache) == 2
    assert cache.keys() == ["b", "a"]
    cache.get("zzz")
    cache.put("c", 3)
    assert cache.keys() == ["c", "b"]


def test_keys_returns_a_new_list():
    cache = LRUCache(3)
    cache.put(1, "x")
    keys = cache.keys()
    keys.append(99)
    assert cache.keys() == [1]


def test_delete():
    evicted = []
    cache = LRUCache(2, on_evict=lambda k, v: evicted.append(k))
    cache.put("a", 1)
    assert cache.delete("a") is True
    assert cache.delete("a") is False
    assert len(cache) == 0
    assert evicted == []


def test_delete_frees_room():
    evicted = []
    cache = LRUCache(2, on_evict=lambda k, v: evicted.append(k))
    cache.put("a", 1)
    cache.put("b", 2)
    cache.delete("a")
    cache.put("c", 3)
    assert evicted == []
    assert cache.keys() == ["c", "b"]


def test_capacity_one():
    cache = LRUCache(1)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.keys() == ["b"]
    assert cache.get("a") is None


def test_resize_down_evicts_in_lru_order():
    evicted = []
    cache = LRUCache(5, on_evict=lambda k, v: evicted.append((k, v)))
    for i in range(5):
        cache.put(i, i * i)
    cache.get(0)
    cache.resize(2)
    assert evicted == [(1, 1), (2, 4), (3, 9)]
    assert cache.keys() == [0, 4]
    cache.resize(4)
    cache.put("x", 0)
    cache.put("y", 0)
    assert len(cache) == 4
    assert len(evicted) == 3


def test_clear_does_not_call_on_evict():
    evicted = []
    cache = LRUCache(3, on_evict=lambda k, v: evicted.append(k))
    cache.put("a", 1)
    cache.put("b", 2)
    cache.clear()
    assert len(cache) == 0
    assert cache.keys() == []
    assert evicted == []
    cache.put("c", 3)
    assert cache.keys() == ["c"]


@pytest.mark.parametrize("capacity", [0, -1, 1.5, "3", None, True])
def test_invalid_capacity(capacity):
    with pytest.raises(ValueError):
        LRUCache(capacity)


def test_invalid_resize_keeps_cache_intact():
    cache = LRUCache(2)
    cache.put("a", 1)
    with pytest.raises(ValueError):
        cache.resize(0)
    assert cache.keys() == ["a"]
    cache.put("b", 2)
    cache.put("c", 3)
    assert len(cache) == 2


def test_on_evict_exception_propagates_after_removal():
    def boom(key, value):
        raise RuntimeError(f"evicted {key}")

    cache = LRUCache(1, on_evict=boom)
    cache.put("a", 1)
    with pytest.raises(RuntimeError):
        cache.put("b", 2)
    assert "a" not in cache


def test_mixed_hashable_keys():
    cache = LRUCache(4)
    cache.put((1, 2), "tuple")
    cache.put(frozenset({3}), "set")
    cache.put("ключ", "unicode")
    assert cache.get((1, 2)) == "tuple"
    assert cache.get(frozenset({3})) == "set"
    assert cache.get("ключ") == "unicode"


def test_many_operations_on_large_cache():
    evictions = 0

    def count(key, value):
        nonlocal evictions
        evictions += 1

    cache = LRUCache(50_000, on_evict=count)
    for i in range(150_000):
        cache.put(i, i)
        if i >= 10:
            assert cache.get(i - 10) == i - 10
    assert len(cache) == 50_000
    assert evictions == 100_000
    assert cache.keys()[:2] == [149_989, 149_999]
    assert 100_000 in cache
    assert 99_989 not in cache
