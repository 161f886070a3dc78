"""Reads of a participant's ratings."""

from typing import Any, NamedTuple

from django.db.models import FilteredRelation, Q

from groups.models import DiscussionGroup, Participant
from theories.models import LonglistChange, Theory
from theories.selectors import theory_revision_texts

from ..models import Rating, Submission


def ratings_current(*, participant: Participant | None) -> list[Any]:
    """The participant's current ratings in theory order, as rows with `theory_id`, `score`,
    `rationale`, `updated_at` and `round` (plain rows: the submission reads them back on its
    hot path)."""
    if participant is None:
        return []
    return list(
        Rating.objects.filter(participant=participant)
        .order_by("theory__number")
        .values_list(
            "theory_id", "score", "rationale", "updated_at", "round", "revision", named=True
        )
    )


def ratings_unrated(*, group: DiscussionGroup, rated: list[Any]) -> list[int]:
    """Ids of the active items of the group's list with no rating among `rated` (the rows of
    ratings_current, or the dicts of ratings_of_round), in number order: what is left to rate."""
    done = {row["theory_id"] if isinstance(row, dict) else row.theory_id for row in rated}
    items = Theory.objects.filter(longlist_id=group.longlist_id, status=Theory.Status.ACTIVE)
    return [pk for pk in items.order_by("number").values_list("pk", flat=True) if pk not in done]


class CurrentRating(NamedTuple):
    theory_id: int
    score: int
    rationale: str
    updated_at: Any
    round: int
    revision: int = 1


class Mine(NamedTuple):
    ratings: list[CurrentRating]
    unrated: list[int]  # active items with no current rating
    reworded: list[int]  # items whose current rating was given on an earlier wording


def ratings_mine(*, group: DiscussionGroup, participant: Participant | None) -> Mine:
    """The participant's current ratings, what is left to rate and what was reworded since it
    was rated, in the one query ratings_current costs: the items of the group's list,
    left-joined to the participant's ratings (a submission reads its answer back through this
    on its hot path). Ratings can only be of the list's items."""
    items = Theory.objects.filter(longlist_id=group.longlist_id).order_by("number")
    if participant is None:
        active = items.filter(status=Theory.Status.ACTIVE).values_list("pk", flat=True)
        return Mine([], list(active), [])
    rows = items.annotate(
        mine=FilteredRelation("ratings", condition=Q(ratings__participant=participant))
    ).values_list(
        "pk",
        "status",
        "revision",
        "mine__score",
        "mine__rationale",
        "mine__updated_at",
        "mine__round",
        "mine__revision",
    )
    mine = Mine([], [], [])
    for pk, status, revision, score, rationale, updated_at, rated_round, rated_revision in rows:
        if score is not None:
            mine.ratings.append(
                CurrentRating(pk, score, rationale, updated_at, rated_round, rated_revision)
            )
            if rated_revision < revision:
                mine.reworded.append(pk)
        elif status == Theory.Status.ACTIVE:
            mine.unrated.append(pk)
    return mine


def rate_page_notes(
    *, participant: Participant | None, theories: list[Theory], current: dict[int, Any]
) -> dict[int, dict[str, Any]]:
    """What the rate page says above each item (by theory id; see ratings.forms.RatingForm):

    - "reworded": the item was reworded since the rater's score was given: the earlier wording
      (title, summary) and the score, to keep or re-rate;
    - "offer": the rater has no score here but rated a retired item this one replaces: that
      item and the score, offered (never copied);
    - "new": the rater had rated this group before the item was added, and has not rated it.

    Three small queries, none of them per item."""
    notes: dict[int, dict[str, Any]] = {}
    by_id = {t.id: t for t in theories}
    stale = [tid for tid, r in current.items() if tid in by_id and r.revision < by_id[tid].revision]
    if stale:
        texts = theory_revision_texts(theory_ids=stale)
        for tid in stale:
            title, summary = texts.get((tid, current[tid].revision), ("", ""))
            notes.setdefault(tid, {})["reworded"] = {
                "title": title,
                "summary": summary,
                "score": current[tid].score,
            }
    if participant is None or not theories:
        return notes
    retired = Theory.objects.filter(
        longlist_id=theories[0].longlist_id,
        status=Theory.Status.RETIRED,
        replaced_by_id__in=[t.id for t in theories if t.id not in current],
    ).values_list("id", "number", "title", "replaced_by_id")
    for rid, number, title, target in retired:
        if rid in current:
            notes.setdefault(target, {})["offer"] = {
                "number": number,
                "title": title,
                "score": current[rid].score,
            }
    first = (
        Submission.objects.filter(participant=participant)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if first is not None:
        unrated = [t.id for t in theories if t.id not in current]
        added = LonglistChange.objects.filter(
            kind=LonglistChange.Kind.ADDED, item_id__in=unrated, created_at__gt=first
        ).values_list("item_id", flat=True)
        for tid in added:
            notes.setdefault(tid, {})["new"] = True
    return notes
