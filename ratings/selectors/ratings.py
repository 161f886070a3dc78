"""Reads of a participant's ratings."""

from typing import Any

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
