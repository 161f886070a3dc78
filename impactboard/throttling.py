"""Throttles that fail open: their counters live in the cache (Redis), and an unreachable Redis
must not turn a rating submission into a 500. Availability wins over rate limiting here."""

import logging
from typing import Any

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle, SimpleRateThrottle

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str:
    """The client's address as every limit sees it: DRF's rule, which trusts X-Forwarded-For
    only as far as settings NUM_PROXIES says proxies append to it (0: not at all)."""
    return BaseThrottle().get_ident(request)


class ScopedThrottle(ScopedRateThrottle):
    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # the cache is down
            logger.warning("throttle cache unavailable, allowing the request: %s", exc)
            return True


class WriteThrottle(ScopedThrottle):
    """Throttle writes only: reading a ranking or a group is never throttled."""

    def allow_request(self, request: Any, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


class SignUpPageThrottle(SimpleRateThrottle):
    """The API's sign-up throttle for the sign-up page: the same bucket, per client address."""

    scope = "register"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as exc:
            logger.warning("throttle cache unavailable, allowing the request: %s", exc)
            return True
