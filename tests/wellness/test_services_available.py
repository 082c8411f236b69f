"""The services the app can switch to answer for real (skipped locally, required in CI)."""

import os

import pytest
from django.core.cache.backends.redis import RedisCache

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL}")
    return client


@pytest.mark.services
def test_redis_cache_backend_round_trips_a_value():
    redis_or_skip()
    cache = RedisCache(TEST_REDIS_URL, {})
    cache.set("wellness-test-key", {"ok": True}, timeout=5)

    assert cache.get("wellness-test-key") == {"ok": True}
    cache.delete("wellness-test-key")


@pytest.mark.services
def test_celery_app_reaches_a_redis_broker():
    redis_or_skip()
    from wellness.celery import app

    with app.connection_for_write(TEST_REDIS_URL) as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.connected
