"""Every write to groups, memberships, participants, ratings and rankings, by concern:
`groups`, `submissions` (the one submission path), `outbox` (stale marks and the coalesced
enqueue), `recompute` (a stored ranking from the truth).

The names are re-exported here so that `from ratings.services import group_create` works for the
other apps; the ranking maths (`ranking_rows`, `ranking_summary`) lives in `ratings.maths.ranking`.
"""

from ..maths.ranking import ranking_rows, ranking_rows_from_histograms, ranking_summary
from .groups import (
    LastFacilitator,
    ListingNotAllowed,
    group_create,
    group_listing_decide,
    group_listing_request,
    group_update,
    membership_join,
    membership_leave,
    membership_set_role,
    participant_for_user,
)
from .manage import group_delete, group_invite_rotate, membership_remove
from .outbox import rankings_enqueue, rankings_mark_stale, rankings_queued_clear
from .recompute import ranking_recompute
from .submissions import (
    RatingItem,
    RatingsClosed,
    SubmissionInvalid,
    rating_items_validate,
    rating_submission_create,
)

__all__ = [
    "LastFacilitator",
    "ListingNotAllowed",
    "RatingItem",
    "RatingsClosed",
    "SubmissionInvalid",
    "group_create",
    "group_delete",
    "group_invite_rotate",
    "group_listing_decide",
    "group_listing_request",
    "group_update",
    "membership_join",
    "membership_leave",
    "membership_remove",
    "membership_set_role",
    "participant_for_user",
    "ranking_recompute",
    "ranking_rows",
    "ranking_rows_from_histograms",
    "ranking_summary",
    "rankings_enqueue",
    "rankings_mark_stale",
    "rankings_queued_clear",
    "rating_items_validate",
    "rating_submission_create",
]
