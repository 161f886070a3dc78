"""Throttles that fail open: their counters live in the cache (Redis), and an unreachable Redis
must not turn a rating submission into a 500. Availability wins over rate limiting here."""

from typing import Any

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle, SimpleRateThrottle

from .cache import fail_open


def client_address(request: HttpRequest) -> str:
    """The client's address as every limit sees it: DRF's rule, which trusts X-Forwarded-For
    only as far as settings NUM_PROXIES says proxies append to it (0: not at all)."""
    # get_ident reads only request.META, which a page's HttpRequest has too; the stubs type its
    # argument as DRF's Request.
    return BaseThrottle().get_ident(request)  # type: ignore[arg-type]


class FailOpenThrottleMixin(BaseThrottle):
    """Allow the request when the throttle's cache is unreachable (logged once per outage)."""

    def allow_request(self, request: Any, view: Any) -> bool:
        allow = super().allow_request
        return fail_open("throttle", lambda: allow(request, view), True)


class ScopedThrottle(FailOpenThrottleMixin, ScopedRateThrottle):
    pass


class WriteThrottle(ScopedThrottle):
    """Throttle writes only: reading a ranking or a group is never throttled."""

    def allow_request(self, request: Any, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


class SignUpPageThrottle(FailOpenThrottleMixin, SimpleRateThrottle):
    """The API's sign-up throttle for the sign-up page: the same bucket, per client address."""

    scope = "register"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ImportPageThrottle(FailOpenThrottleMixin, SimpleRateThrottle):
    """The import API's throttle for the import pages: the same bucket (scope "imports", keyed by
    the signed-in user as ScopedRateThrottle keys it), so pages and API share one allowance."""

    scope = "imports"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class InvitedThrottle(FailOpenThrottleMixin, SimpleRateThrottle):
    """Sign-ups and guest joins that carry a valid invitation: one bucket per group, not per
    address, so that a room behind one Wi-Fi address is never refused at its 11th person while a
    script without an invitation still meets the per-address limit."""

    scope = "invited"

    def __init__(self, group_id: int) -> None:
        super().__init__()
        self.group_id = group_id

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": f"group-{self.group_id}"}


def sign_up_throttle(group_id: int | None) -> FailOpenThrottleMixin:
    """The throttle of one sign-up or guest join: per group with a valid invitation (its
    group's id), per address without one. Call it once the input has passed validation, so
    that a form sent back with an error never counts."""
    return InvitedThrottle(group_id) if group_id is not None else SignUpPageThrottle()
