"""Writes of proposals (issue 22 item 1): anyone signed in who may see a list proposes an item
while its owner allows it; the owner accepts or rejects, with a reason the proposer reads.
Guards against duplicates and spam: one pending proposal per title and list (a constraint), the
list's own titles refused, and at most PROPOSALS_PER_DAY proposals per person in 24 hours
(counted with the person's row locked, so two at once cannot both slip under the limit)."""

import math
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from impactboard.cache import fail_open
from impactboard.errors import Conflict, DomainError, Forbidden

from .items import MAX_SUMMARY, ItemsInvalid, ItemText, items_check, title_key
from .models import Longlist, Proposal
from .services import LonglistInvalid, longlist_item_add
from .similar import Similar, longlist_similar

PROPOSALS_PER_DAY = 10


class ProposalsClosed(Forbidden):
    """The list's owner takes no proposals (403)."""


class ProposalLimit(DomainError):
    """Over the per-person daily limit (429: try again in `retry_after` seconds, when the
    oldest proposal of the last 24 hours leaves the count)."""

    status_code = 429

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


def _per_day() -> int:
    return int(getattr(settings, "PROPOSALS_PER_DAY", PROPOSALS_PER_DAY))


def proposal_queue_key(owner_id: int | None) -> str:
    """The cache key of a list owner's header count of waiting proposals
    (accounts.context_processors)."""
    return f"proposal-queue:{owner_id}"


def _queue_changed(longlist: Longlist) -> None:
    fail_open("proposal queue", lambda: cache.delete(proposal_queue_key(longlist.owner_id)), None)


def _checked(*, longlist: Longlist, title: str, summary: str, why: str) -> ItemText:
    existing = list(longlist.items.values_list("title", flat=True))
    try:
        (item,) = items_check([ItemText(title=title, summary=summary)], existing=existing)
    except ItemsInvalid as exc:
        messages = [m.removeprefix("Item 1: ") for m in exc.messages]
        field = "summary" if all("summary" in m for m in messages) else "title"
        raise LonglistInvalid(field, messages) from exc
    if len(why.strip()) > MAX_SUMMARY:
        raise LonglistInvalid("why", [f"At most {MAX_SUMMARY:,} characters."])
    return item


def proposal_create(
    *, longlist: Longlist, user: User, title: str, summary: str = "", why: str = ""
) -> tuple[Proposal, list[Similar]]:
    """Propose an item, with the items and pending proposals worded alike (read before it is
    saved, so it is not its own neighbour). On an "open" list it is accepted at once (the item
    is added, by the proposer); on a "moderated" one it waits for the owner."""
    if longlist.proposals == Longlist.Proposals.CLOSED:
        raise ProposalsClosed("This list takes no proposals.")
    item = _checked(longlist=longlist, title=title, summary=summary, why=why)
    similar = longlist_similar(longlist=longlist, text=item.title)
    key = title_key(item.title)
    try:
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=user.pk).first()
            now = timezone.now()
            today = Proposal.objects.filter(proposer=user, created_at__gte=now - timedelta(days=1))
            if today.count() >= _per_day():
                # None when the limit is 0: then a whole day.
                oldest = today.aggregate(oldest=Min("created_at"))["oldest"] or now
                wait = oldest + timedelta(days=1) - now
                raise ProposalLimit(
                    f"At most {_per_day()} proposals a day: try again tomorrow.",
                    retry_after=max(1, math.ceil(wait.total_seconds())),
                )
            proposal = Proposal.objects.create(
                longlist=longlist,
                proposer=user,
                title=item.title,
                title_key=key,
                summary=item.summary,
                why=why.strip(),
            )
            if longlist.proposals == Longlist.Proposals.OPEN:
                _accept(proposal=proposal, by=user, reason="")
    except IntegrityError as exc:
        raise LonglistInvalid(
            "title", [f"\u201c{item.title}\u201d is already proposed and waits for the owner."]
        ) from exc
    _queue_changed(longlist)
    return proposal, similar


def _accept(*, proposal: Proposal, by: User, reason: str) -> None:
    theory = longlist_item_add(
        longlist=proposal.longlist, by=by, title=proposal.title, summary=proposal.summary
    )
    proposal.status, proposal.item = Proposal.Status.ACCEPTED, theory
    proposal.reason, proposal.decided_at = reason, timezone.now()
    proposal.decided_by = by
    proposal.save(update_fields=["status", "item", "reason", "decided_at", "decided_by"])


def proposal_decide(*, proposal: Proposal, by: User, decision: str, reason: str = "") -> Proposal:
    """Accept (the item is added, numbered after the highest number ever used) or reject, with
    a reason the proposer sees. All or nothing: an item that cannot be added (its title now on
    the list, the list full) leaves the proposal pending. A decided proposal is decided once:
    the conditional update tells "someone decided first" (409)."""
    reason = reason.strip()
    if len(reason) > MAX_SUMMARY:
        raise LonglistInvalid("reason", [f"At most {MAX_SUMMARY:,} characters."])
    if decision not in ("accept", "reject"):
        raise LonglistInvalid("decision", ["Say accept or reject."])
    with transaction.atomic():
        now = timezone.now()
        claimed = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.PENDING).update(
            status=Proposal.Status.REJECTED, reason=reason, decided_by=by, decided_at=now
        )
        if not claimed:
            raise Conflict("This proposal was already decided.")
        proposal.refresh_from_db()
        if decision == "accept":
            _accept(proposal=proposal, by=by, reason=reason)
    _queue_changed(proposal.longlist)
    return proposal
