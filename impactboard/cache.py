"""The one fail-open wrapper around the application cache (Redis in production).

The cache only ever holds derived or advisory data (ranking bodies, ETags, throttle counters,
coalescing markers), so an unreachable cache must never fail a request: the caller gets its
`default` and goes the long way. Only the cache's own errors are swallowed: a database error
raised inside the block propagates. The first failure of an outage is logged as a warning, the
rest at debug level, until the cache answers again.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

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
