"""Reads of a participant's ratings."""

from typing import Any, NamedTuple

from django.db.models import FilteredRelation, Q

from groups.models import DiscussionGroup, Participant
from theories.models import Theory

from ..models import Rating


def ratings_current(*, participant: Participant | None) -> list[Any]:
    """The participant's current ratings in theory order, as rows with `theory_id`, `score`,
    `rationale`, `updated_at` and `round` (plain rows: the submission reads them back on its
    hot path)."""
    if participant is None:
        return []
    return list(
        Rating.objects.filter(participant=participant)
        .order_by("theory__number")
        .values_list("theory_id", "score", "rationale", "updated_at", "round", named=True)
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


def ratings_current_and_unrated(
    *, group: DiscussionGroup, participant: Participant | None
) -> tuple[list[CurrentRating], list[int]]:
    """ratings_current and ratings_unrated in the one query ratings_current costs: the items of
    the group's list, left-joined to the participant's ratings (a submission reads its answer
    back through this on its hot path). Ratings can only be of the list's items."""
    items = Theory.objects.filter(longlist_id=group.longlist_id).order_by("number")
    if participant is None:
        return [], list(items.filter(status=Theory.Status.ACTIVE).values_list("pk", flat=True))
    rows = items.annotate(
        mine=FilteredRelation("ratings", condition=Q(ratings__participant=participant))
    ).values_list(
        "pk", "status", "mine__score", "mine__rationale", "mine__updated_at", "mine__round"
    )
    rated: list[CurrentRating] = []
    unrated: list[int] = []
    for pk, status, score, rationale, updated_at, rated_round in rows:
        if score is not None:
            rated.append(CurrentRating(pk, score, rationale, updated_at, rated_round))
        elif status == Theory.Status.ACTIVE:
            unrated.append(pk)
    return rated, unrated
