"""Redis pub/sub of "this stored ranking has a new version" (issue 24): the recompute publishes
after its commit, the events process (live/) listens and pushes to the open pages.

A message says only which scope changed (its key names the channel) and its new version: never
a result. What a viewer is then sent is decided by the events process, by asking the rankings
API itself what it would answer (live/topics.py), so the read rules stay written once.

Publishing fails open like every other use of Redis here (impactboard.cache): Redis down never
fails a recompute, the pages then learn of the change by polling. Without REDIS_URL (the
embedded default) there is nobody to tell, and nothing is published.
"""

from functools import cache

import redis
from django.conf import settings
from redis.connection import parse_url

from .cache import cache_guard, fail_open


@cache
def _prefix(redis_url: str) -> str:
    # Pub/sub channels are the Redis server's, not one database's: a message published from
    # database 3 reaches a subscriber connected to database 14. The database number in the
    # channel keeps sites (or test processes) that share a server on different databases from
    # hearing each other's changes.
    return f"ib:live:{parse_url(redis_url).get('db', 0)}:ranking:"


def ranking_channel(scope_key: str) -> str:
    """The channel of one scope (`rankings.scope.Scope.key`: `group:7`, `global`, …), on
    this site's Redis database."""
    return _prefix(settings.REDIS_URL) + scope_key


def channel_pattern() -> str:
    """Every scope's channel on this site's Redis database (the events process's one
    subscription)."""
    return _prefix(settings.REDIS_URL) + "*"


def scope_key_of(channel: str) -> str:
    return channel.removeprefix(_prefix(settings.REDIS_URL))


@cache
def _client() -> redis.Redis:
    # redis-py's pool notices a fork (Celery's prefork pool) and opens new sockets in the child.
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
    )


def ranking_changed_publish(*, scope_key: str, version: int) -> None:
    """Tell the events processes that `scope_key`'s stored ranking is now `version` (call it on
    commit: a listener that reads the ranking must find that version)."""
    if not settings.REDIS_URL:
        return
    with cache_guard("live publish"):
        _client().publish(ranking_channel(scope_key), str(version))


def reachable() -> bool:
    """Whether Redis answers now (an events stream is only opened while it does: without it
    the stream would never carry a change, and the page must poll instead)."""
    return bool(settings.REDIS_URL) and fail_open(
        "live ping", lambda: bool(_client().ping()), False
    )
