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


class PageThrottle(FailOpenThrottleMixin, SimpleRateThrottle):
    """An API scope's throttle for the page forms that do the same thing ("comments" for the
    discussion's forms, "imports" for the import pages): the same bucket, keyed as DRF's
    ScopedRateThrottle keys it (the signed-in user, else the client address), so that pages and
    API share one allowance. `allow_request(request, None)`: a page has no DRF view."""

    def __init__(self, scope: str) -> None:
        self.scope = scope  # before SimpleRateThrottle reads the scope's rate
        super().__init__()

    def get_cache_key(self, request: Any, view: Any) -> str:
        user = request.user
        ident = user.pk if user and user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class InvitedThrottle(FailOpenThrottleMixin, SimpleRateThrottle):
    """Sign-ups and guest joins that carry a valid invitation, per group (`THROTTLE_INVITED`,
    high): a room behind one Wi-Fi address is never refused at its 11th person, as the
    per-address sign-up limit would."""

    scope = "invited"

    def __init__(self, group_id: int) -> None:
        super().__init__()
        self.group_id = group_id

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": f"group-{self.group_id}"}


class InvitedAddressThrottle(InvitedThrottle):
    """The same, per (group, address) (`THROTTLE_INVITED_ADDRESS`): enough for a room of 30
    behind one address within a minute, not for a script. Checked before the group's bucket,
    so a script at one address stops here and never empties the group's (issue 23: one address
    made 200 guests in 4 s and the next real person was refused)."""

    scope = "invited_address"

    def get_cache_key(self, request: Any, view: Any) -> str:
        ident = f"group-{self.group_id}-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AllThrottles:
    """Several throttles as one: allowed if each allows, in order (a refusal stops the later
    ones from counting the request); `wait` is the refusing one's."""

    def __init__(self, *throttles: FailOpenThrottleMixin) -> None:
        self.throttles = throttles
        self.refused: FailOpenThrottleMixin | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        for throttle in self.throttles:
            if not throttle.allow_request(request, view):
                self.refused = throttle
                return False
        return True

    def wait(self) -> float | None:
        return self.refused.wait() if self.refused is not None else None


def sign_up_throttle(group_id: int | None) -> FailOpenThrottleMixin | AllThrottles:
    """The throttle of one sign-up or guest join: with a valid invitation, per (group, address)
    and per group (its group's id); without one, per address. Call it once the input has
    passed validation, so that a form sent back with an error never counts."""
    if group_id is None:
        return SignUpPageThrottle()
    return AllThrottles(InvitedAddressThrottle(group_id), InvitedThrottle(group_id))
