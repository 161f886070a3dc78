"""The reads of ratings that a discussion thread shows (`discussion.rating_facts`), provided
to it at start-up."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Subquery

from ..models import Rating, SubmissionItem


def author_scores(*, group_id: int, theory_id: int, authors: set[int]) -> dict[int, int]:
    return dict(
        Rating.objects.filter(
            group_id=group_id, theory_id=theory_id, participant__user_id__in=authors
        ).values_list("participant__user_id", "score")
    )


def cited_items(
    *, comment_ids: list[int], groups: Any
) -> Iterable[tuple[int, int | None, int | None, datetime]]:
    previous = (
        SubmissionItem.objects.filter(
            submission__participant=OuterRef("submission__participant"),
            theory=OuterRef("theory"),
            submission__created_at__lt=OuterRef("submission__created_at"),
        )
        .order_by("-submission__created_at", "-submission_id")
        .values("score")[:1]
    )
    items = SubmissionItem.objects.filter(moved_by__in=comment_ids)
    if groups is not None:
        items = items.filter(submission__group_id__in=groups)
    return items.annotate(previous=Subquery(previous)).values_list(
        "moved_by_id", "score", "previous", "submission__created_at"
    )
