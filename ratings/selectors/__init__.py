"""Every read of groups, ratings and rankings, by concern: `groups`, `ratings`, `rankings`.

The names are re-exported here so that `from ratings.selectors import ranking_get` works for the
other apps. The ranking cache's reads live in `ratings.ranking_cache`; its names used to live
here and are re-exported too.
"""

from ..ranking_cache import (
    RankingView,
    group_meta_cached,
    group_meta_forget,
    group_ranking_cached,
    ranking_body,
    ranking_cached,
    ranking_etag,
    ranking_payload,
)
from .groups import (
    group_guests,
    group_list_visible_to,
    group_listing_queue,
    group_member_count,
    group_members,
    participant_of,
)
from .progress import RaterProgress, group_rated_counts, group_rating_progress
from .rankings import (
    ranking_comparison,
    ranking_get,
    ranking_global,
    ranking_scopes_stale,
    rankings_of_groups,
    theory_distribution,
)
from .ratings import ratings_current

__all__ = [
    "RankingView",
    "RaterProgress",
    "group_guests",
    "group_list_visible_to",
    "group_listing_queue",
    "group_member_count",
    "group_members",
    "group_rated_counts",
    "group_rating_progress",
    "group_meta_cached",
    "group_meta_forget",
    "group_ranking_cached",
    "participant_of",
    "ranking_body",
    "ranking_cached",
    "ranking_comparison",
    "ranking_etag",
    "ranking_get",
    "ranking_global",
    "ranking_payload",
    "ranking_scopes_stale",
    "rankings_of_groups",
    "ratings_current",
    "theory_distribution",
]
