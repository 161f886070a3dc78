"""The header's unread count of "for you", for every page of a signed-in person."""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from impactboard.cache import fail_open

from .selectors import for_you_unread
from .services import for_you_count_key

COUNT_SECONDS = 30  # a new reply shows in the header within half a minute


def for_you(request: HttpRequest) -> dict[str, Callable[[], int] | Any]:
    """`for_you_unread`: a callable the template calls only where it shows the count, read
    from the cache (computed at most every 30 s per person; the list page clears it)."""
    user = request.user
    if not user.is_authenticated or getattr(request, "guest", None) is not None:
        return {}

    def unread() -> int:
        key = for_you_count_key(user.pk)
        cached = fail_open("for-you count", lambda: cache.get(key), None)
        if cached is not None:
            return int(cached)
        count = for_you_unread(user=user)
        fail_open("for-you count", lambda: cache.set(key, count, COUNT_SECONDS), None)
        return count

    return {"for_you_unread": unread}
