"""Every write to ratings, by concern: `submissions` (the one submission path), `rounds` (the
next round). What a write means for the stored rankings is announced by `ratings.signals`; the
`rankings` app marks them stale and recomputes them.

The names are re-exported here so that `from ratings.services import rating_submission_create`
works for the other apps.
"""

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
    "rating_items_validate",
    "rating_submission_create",
    "ratings_open_check",
]
