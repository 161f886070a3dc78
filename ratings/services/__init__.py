"""Every write to ratings and rankings, by concern: `submissions` (the one submission path),
`outbox` (stale marks and the coalesced enqueue), `recompute` (a stored ranking from the truth).

The names are re-exported here so that `from ratings.services import rating_submission_create`
works for the other apps; the ranking maths (`ranking_rows`, `ranking_summary`) lives in
`maths.ranking`.
"""

from maths.ranking import ranking_rows, ranking_rows_from_histograms, ranking_summary

from .outbox import rankings_enqueue, rankings_mark_stale, rankings_queued_clear
from .recompute import ranking_recompute
from .submissions import (
    RatingItem,
    RatingsClosed,
    SubmissionInvalid,
    rating_items_validate,
    rating_submission_create,
    ratings_open_check,
)

__all__ = [
    "RatingItem",
    "RatingsClosed",
    "SubmissionInvalid",
    "ranking_recompute",
    "ranking_rows",
    "ranking_rows_from_histograms",
    "ranking_summary",
    "rankings_enqueue",
    "rankings_mark_stale",
    "rankings_queued_clear",
    "rating_items_validate",
    "rating_submission_create",
    "ratings_open_check",
]
