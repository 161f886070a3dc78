"""Reads about one account: everything it holds, for "download my data"."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse

from discussion.models import Comment
from groups.models import Membership
from ratings.models import Rating, Round, Submission
from theories.access import longlists_visible_to
from theories.models import LonglistChange, Proposal

from .models import ForYouSeen


def account_data(*, user: User) -> dict[str, Any]:
    """The account's data as plain JSON-able values: profile, groups, current ratings, the
    history of every save, and comments. Four queries beside the account, whatever its size."""
    groups = [
        {
            "group": m.group.slug,
            "name": m.group.name,
            "role": m.role,
            "joined_at": m.joined_at.isoformat(),
        }
        for m in Membership.objects.filter(user=user).select_related("group").order_by("joined_at")
    ]
    ratings = [
        {
            "group": r.group.slug,
            "theory": r.theory.number,
            "theory_title": r.theory.title,
            "score": r.score,
            "rationale": r.rationale,
            "round": r.round,
            "updated_at": r.updated_at.isoformat(),
        }
        for r in Rating.objects.filter(participant__user=user)
        .select_related("group", "theory")
        .order_by("group__slug", "theory__number")
    ]
    history = [
        {
            "group": s.group.slug,
            "round": s.round,
            "source": s.source,
            "created_at": s.created_at.isoformat(),
            "items": [
                {"theory": i.theory.number, "score": i.score, "rationale": i.rationale}
                for i in s.items.all()
            ],
        }
        for s in Submission.objects.filter(participant__user=user)
        .select_related("group")
        .prefetch_related("items__theory")
        .order_by("created_at", "id")
    ]
    comments = [
        {
            "id": c.pk,
            "theory": c.theory.number,
            "group": c.group.slug if c.group else None,
            "parent": c.parent_id,
            "body": c.body,
            "stance": c.stance,
            "created_at": c.created_at.isoformat(),
            "edited_at": c.edited_at.isoformat() if c.edited_at else None,
            "retracted": c.retracted,
            "deleted": c.deleted,
        }
        for c in Comment.objects.filter(author=user)
        .select_related("theory", "group")
        .order_by("created_at", "id")
    ]
    return {
        "account": {
            "username": user.username,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
        },
        "groups": groups,
        "ratings": ratings,
        "history": history,
        "comments": comments,
    }


@dataclass(frozen=True)
class ForYou:
    """One entry of a person's "for you" list."""

    kind: str  # "reply", "round", "item", "proposal"
    at: datetime
    text: str
    url: str


FOR_YOU_LIMIT = 30

# What one entry says: when it happened, the sentence, and the link.
_Facts = tuple[datetime, str, str]


def for_you(*, user: User, limit: int = FOR_YOU_LIMIT) -> list[ForYou]:
    """What happened for `user`, newest first: replies to their comments (in threads they can
    still read: public ones, and those of the groups they are a member of), a later round opened
    in one of their groups by someone else, and an item added to a list they have rated in one
    of their groups after they first rated it, and the decision on a proposal they made (with
    the owner's reason). Four queries, each capped at `limit`."""
    groups = Membership.objects.filter(user=user).values("group_id")
    replies = (
        Comment.objects.filter(parent__author=user, deleted=False, hidden=False)
        .exclude(author=user)
        .filter(Q(group__isnull=True) | Q(group_id__in=groups))
        .select_related("author", "theory", "group")
        .order_by("-created_at")[:limit]
    )
    rounds = (
        Round.objects.filter(group_id__in=groups, number__gt=1)
        .exclude(opened_by=user)
        .select_related("group")
        .order_by("-opened_at")[:limit]
    )
    first_rated = (
        Rating.objects.filter(participant__user=user, theory__longlist=OuterRef("longlist"))
        .order_by("updated_at")
        .values("updated_at")[:1]
    )
    rated_lists = Rating.objects.filter(participant__user=user, group_id__in=groups).values(
        "theory__longlist"
    )
    added = (
        LonglistChange.objects.filter(
            kind=LonglistChange.Kind.ADDED, longlist_id__in=rated_lists, item__isnull=False
        )
        .annotate(first_rated=Subquery(first_rated))
        .filter(created_at__gt=F("first_rated"))
        .select_related("longlist", "item")
        .order_by("-created_at")[:limit]
    )
    decided = (
        Proposal.objects.filter(proposer=user, decided_at__isnull=False)
        # only on lists the proposer may still see: a private list's news stays with its people
        .filter(longlist__in=longlists_visible_to(user=user))
        .exclude(decided_by=user)  # an open list accepts one's own at once: nothing to tell
        .select_related("longlist", "item")
        .order_by("-decided_at")[:limit]
    )
    # One entry per row of each source: what happened when, in words, and where to read it.
    sources: tuple[tuple[str, Iterable[Any], Callable[[Any], _Facts]], ...] = (
        ("reply", replies, _reply),
        ("round", rounds, _round),
        ("item", added, _item),
        ("proposal", decided, _decision),
    )
    entries = [
        ForYou(kind, at, text, url)
        for kind, rows, facts in sources
        for at, text, url in map(facts, rows)
    ]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def _reply(comment: Comment) -> _Facts:
    where = f" in {comment.group.name}" if comment.group else ""
    text = f"{_author(comment)} replied to your comment on “{comment.theory.title}”{where}"
    return comment.created_at, text, _comment_link(comment)


def _round(round_: Round) -> _Facts:
    text = f"Round {round_.number} opened in {round_.group.name}: rate again"
    return round_.opened_at, text, reverse("group_rate", kwargs={"slug": round_.group.slug})


def _item(change: LonglistChange) -> _Facts:
    item = change.item
    assert item is not None  # the query asks for changes that name their item
    text = f"New in “{change.longlist.title}”: {item.number}. {item.title}"
    return change.created_at, text, reverse("theory_detail", kwargs={"slug": item.slug})


def _decision(proposal: Proposal) -> _Facts:
    assert proposal.decided_at is not None  # the query asks for decided ones
    text = (
        f"Your proposal “{proposal.title}” for “{proposal.longlist.title}” was {proposal.status}"
        + (f" as item {proposal.item.number}" if proposal.item is not None else "")
        + (f": {proposal.reason}" if proposal.reason else "")
    )
    link = reverse("list_proposals", kwargs={"slug": proposal.longlist.slug})
    return proposal.decided_at, text, f"{link}#proposal-{proposal.pk}"


def _comment_link(comment: Comment) -> str:
    if comment.group is not None:
        thread = reverse(
            "group_theory", kwargs={"slug": comment.group.slug, "theory_slug": comment.theory.slug}
        )
    else:
        thread = reverse("theory_detail", kwargs={"slug": comment.theory.slug})
    return f"{thread}#c-{comment.pk}"


def _author(comment: Comment) -> str:
    return comment.author.username if comment.author else "Someone"


def for_you_seen_at(*, user: User) -> datetime | None:
    return ForYouSeen.objects.filter(user=user).values_list("seen_at", flat=True).first()


def for_you_unread(*, user: User) -> int:
    """How many entries of `for_you` came after the person last opened the list."""
    seen = for_you_seen_at(user=user)
    return sum(1 for e in for_you(user=user) if seen is None or e.at > seen)
