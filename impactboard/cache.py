"""The one fail-open wrapper around the application cache (Redis in production).

The cache only ever holds derived or advisory data (ranking bodies, ETags, throttle counters,
coalescing markers), so an unreachable cache must never fail a request: the caller gets its
`default` and goes the long way. Only the cache's own errors are swallowed: a database error
raised inside the block propagates. The first failure of an outage is logged as a warning, the
rest at debug level, until the cache answers again.
"""

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.cache import cache
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

logger = logging.getLogger("impactboard.cache")

T = TypeVar("T")

# What an unreachable or misbehaving cache raises: redis-py's errors, the socket errors of a
# connection that died under it, and kombu's error for a broker (the same Redis) that is down.
# Django's database errors are none of these, so they always propagate.
CACHE_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError, BrokerError)


class _Outage:
    """Whether the last cache call of this process failed: log once per outage, not per call."""

    failing = False


def _failed(what: str, exc: BaseException) -> None:
    if _Outage.failing:
        logger.debug("cache unavailable (%s): %s", what, exc)
    else:
        _Outage.failing = True
        logger.warning("cache unavailable (%s), going on without it: %s", what, exc)


def _succeeded() -> None:
    if _Outage.failing:
        _Outage.failing = False
        logger.warning("cache available again")


def fail_open(what: str, call: Callable[[], T], default: T) -> T:
    """`call()`, or `default` if the cache is unreachable."""
    try:
        result = call()
    except CACHE_ERRORS as exc:
        _failed(what, exc)
        return default
    _succeeded()
    return result


@contextmanager
def cache_guard(what: str) -> Iterator[None]:
    """A block of cache calls whose failure is ignored (writes of advisory data)."""
    try:
        yield
    except CACHE_ERRORS as exc:
        _failed(what, exc)
    else:
        _succeeded()


BODY_TIMEOUT = 60  # as a ranking's cached ETag: a version nobody asks for leaves the cache
BUILD_WAIT = 2.0  # at most this long for another request to finish building a body


def body_cached(*, key: str, etag: str, build: Callable[[], bytes]) -> bytes:
    """The body of version `etag` stored at `key`, built at most once per version however many
    requests ask for it at the same moment (issue 24: a ranking's change sends every open page
    for the same answer within a second, and a figure takes milliseconds of plotly to build).

    The first request to miss takes a short lock and builds; the others wait for its body (a
    few tens of ms) instead of building it again; after BUILD_WAIT they build it themselves.
    The stored value is (etag, body), so an older version is never served for a newer ETag.
    With the cache unreachable, every request builds."""

    def stored() -> bytes | None:
        found: Any = fail_open("body", lambda: cache.get(key), None)
        return found[1] if found and found[0] == etag else None

    if (body := stored()) is not None:
        return body
    lock = f"{key}:building:{etag}"
    if fail_open("body", lambda: cache.add(lock, 1, timeout=BUILD_WAIT), True):
        body = build()
        with cache_guard("body"):
            cache.set(key, (etag, body), timeout=BODY_TIMEOUT)
        return body
    deadline = time.monotonic() + BUILD_WAIT
    while time.monotonic() < deadline:
        time.sleep(0.01)
        if (body := stored()) is not None:
            return body
    return build()
