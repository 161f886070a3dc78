"""Django's Redis cache backend, reusing one `redis.Redis` client per connection pool.

Django builds a new `redis.Redis` for every cache call, and redis-py's constructor builds its
table of response callbacks each time: a measurable share of a cached poll's CPU (bench/run.py).
A client is a thin, thread-safe handle on its pool, so one per pool serves every call.
"""

from typing import Any

from django.core.cache.backends import redis as django_redis


class _ReusingClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient
