"""Reads of a participant's ratings."""

from typing import Any

from groups.models import Participant

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
