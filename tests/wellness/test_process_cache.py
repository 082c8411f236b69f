"""The in-process copy of rendered answers: least recently used first out, within a byte budget."""

import pytest

from wellness import process_cache
from wellness.process_cache import ProcessCache


@pytest.fixture
def clock(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: now[0])
    return now


def test_keeps_within_the_budget_dropping_the_least_recently_used(settings, clock):
    settings.PROCESS_CACHE_MAX_BYTES = 100
    copies = ProcessCache()
    copies.put("a", "A", size=25)
    copies.put("b", "B", size=25)
    copies.put("c", "C", size=25)
    copies.get("a")  # used: b is now the least recently used

    copies.put("d", "D", size=25)
    copies.put("e", "E", size=25)

    assert [copies.get(key) for key in "abcde"] == ["A", None, "C", "D", "E"]


def test_an_entry_expires(clock):
    copies = ProcessCache()
    copies.put("a", "A", size=1, timeout=60)

    clock[0] += 59.9
    assert copies.get("a") == "A"
    clock[0] += 0.1
    assert copies.get("a") is None


def test_one_answer_larger_than_a_quarter_of_the_budget_is_not_kept(settings, clock):
    settings.PROCESS_CACHE_MAX_BYTES = 100
    copies = ProcessCache()
    copies.put("small", "S", size=25)

    copies.put("large", "L", size=26)

    assert copies.get("large") is None and copies.get("small") == "S"


def test_putting_a_key_again_replaces_it_and_counts_its_size_once(settings, clock):
    settings.PROCESS_CACHE_MAX_BYTES = 100
    copies = ProcessCache()
    for _ in range(10):
        copies.put("a", "A", size=25)
    copies.put("b", "B", size=25)
    copies.put("c", "C", size=25)

    assert [copies.get(key) for key in "abc"] == ["A", "B", "C"]


class SharedCacheDown:
    def get(self, *args, **kwargs):
        raise AssertionError("the shared cache was asked")

    set = get


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", ["/therapies/", "/api/v1/therapies/"])
def test_a_warm_answer_comes_from_this_process_without_a_round_trip(
    client, settings, monkeypatch, django_assert_max_num_queries, url
):
    from evidence.catalogue import catalogue_load

    settings.CATALOGUE_MARKER_MAX_AGE = 0
    catalogue_load()
    cold = client.get(url)
    monkeypatch.setattr(process_cache, "cache", SharedCacheDown())

    with django_assert_max_num_queries(1):  # the change marker; nothing rendered
        warm = client.get(url)

    assert warm.status_code == 200 and warm.content == cold.content
