"""How a guest is recognised: by a signed, HttpOnly, SameSite=Lax cookie on the pages, and by its
token (`Authorization: Token guest_…`) on the API, each only on its own group's URLs. Anywhere
else the cookie is ignored (the request stays anonymous) and the token is refused (401): a guest
never sees another group, never acts outside its own.
"""

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.http import HttpRequest, HttpResponse
from drf_spectacular.authentication import TokenScheme
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from .models import GuestToken
from .services.guests import TOKEN_PREFIX

COOKIE_NAME = "ib_guest"
COOKIE_SALT = "ratings.guest"
COOKIE_MAX_AGE = 60 * 60 * 24 * 90  # a reading group meets for a season

# The URLs of one group: its pages and its API. Theory comments over the API name their group
# in `?group=` (or the body's "group").
GROUP_PATH = re.compile(r"^/(?:api/v1/)?groups/(?P<slug>[-\w]+)/")
THREAD_PATH = re.compile(r"^/api/v1/theories/\d+/comments/$")


def guest_cookie_value(guest: GuestToken) -> str:
    """The signed cookie naming the guest and its group: tampering or replaying it on another
    group's pages gets nothing."""
    return signing.dumps(
        {"k": guest.key, "g": guest.participant.group_id}, salt=COOKIE_SALT, compress=True
    )


def guest_cookie_set(response: HttpResponse, guest: GuestToken) -> None:
    response.set_cookie(
        COOKIE_NAME,
        guest_cookie_value(guest),
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def guest_from_cookie(request: HttpRequest) -> GuestToken | None:
    """The guest the request's cookie names (whatever the URL), or None."""
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        payload = signing.loads(raw, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
        key, group_id = str(payload["k"]), int(payload["g"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (
        GuestToken.objects.select_related("participant__group", "participant__user")
        .filter(key=key, participant__group_id=group_id)
        .first()
    )


def _slug_of(path: str) -> str | None:
    match = GROUP_PATH.match(path)
    return match.group("slug") if match else None


def guest_may_act_here(guest: GuestToken, request: HttpRequest, data: Any = None) -> bool:
    """True if `request` is addressed to the guest's own group."""
    slug = guest.participant.group.slug
    if _slug_of(request.path) == slug:
        return True
    if THREAD_PATH.match(request.path):
        named = request.GET.get("group")
        if named is None and isinstance(data, dict):
            named = data.get("group")
        return named == slug
    return False


class GuestCookieMiddleware:
    """After AuthenticationMiddleware: an anonymous request that carries a guest cookie acts as
    that guest on its group's own URLs. Elsewhere the cookie is ignored (anonymous)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if COOKIE_NAME in request.COOKIES and _slug_of(request.path) is not None:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                guest = guest_from_cookie(request)
                # A guest whose account is gone (declined, deleted) is nobody.
                account = guest.participant.user if guest is not None else None
                if guest is not None and account is not None and guest_may_act_here(guest, request):
                    request.user = account
                    request.guest = guest  # type: ignore[attr-defined]
        return self.get_response(request)


class GuestTokenAuthentication(TokenAuthentication):
    """`Authorization: Token guest_…`: the guest, on its group's API URLs only; 401 elsewhere.
    Keys of accounts' tokens are left to TokenAuthentication (next in the list)."""

    def authenticate(self, request: Request) -> tuple[User, GuestToken] | None:
        parts = get_authorization_header(request).split()
        if len(parts) != 2 or parts[0].lower() != self.keyword.lower().encode():
            return None
        try:
            key = parts[1].decode()
        except UnicodeError:
            return None  # TokenAuthentication answers that one
        if not key.startswith(TOKEN_PREFIX):
            return None
        guest = (
            GuestToken.objects.select_related("participant__group", "participant__user")
            .filter(key=key)
            .first()
        )
        if guest is None or guest.participant.user is None:
            raise AuthenticationFailed("Invalid token.")
        data = None
        if THREAD_PATH.match(request._request.path) and request.method not in ("GET", "HEAD"):
            data = request.data
        if not guest_may_act_here(guest, request._request, data):
            raise AuthenticationFailed("This guest token works only in its own group.")
        return guest.participant.user, guest


class GuestTokenScheme(TokenScheme):
    """The schema's name for the guest token: the same header as an account's token."""

    target_class = "groups.guest_auth.GuestTokenAuthentication"
    name = "guestTokenAuth"
    priority = 1  # ahead of TokenScheme, which matches subclasses too
