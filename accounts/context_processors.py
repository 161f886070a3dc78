"""The header's counts for every page of a signed-in person: unread "for you" entries, and the
proposals waiting in the queues of the lists they own."""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse

from impactboard.cache import fail_open
from theories.models import Proposal
from theories.proposals import proposal_queue_key

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

    def queue() -> dict[str, Any] | None:
        """{"count", "url"} of the pending proposals on the person's own lists, or None."""
        key = proposal_queue_key(user.pk)
        cached = fail_open("proposal queue", lambda: cache.get(key), None)
        if cached is None:
            per_list = list(
                Proposal.objects.filter(longlist__owner=user, status=Proposal.Status.PENDING)
                .values("longlist__slug")
                .annotate(n=Count("id"))
                .order_by("-n")
            )
            count = sum(row["n"] for row in per_list)
            url = (
                reverse("list_proposals", kwargs={"slug": per_list[0]["longlist__slug"]})
                if len(per_list) == 1
                else reverse("list_index")
            )
            cached = {"count": count, "url": url}
            fail_open("proposal queue", lambda: cache.set(key, cached, COUNT_SECONDS), None)
        return cached if cached["count"] else None

    return {"for_you_unread": unread, "proposal_queue": queue}
