"""Every read of ratings and rankings, by concern: `ratings`, `rankings`, `progress`, `rounds`,
`changes`.

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
from .progress import RaterProgress, group_progress, group_rating_progress
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
    "group_meta_cached",
    "group_meta_forget",
    "group_progress",
    "group_ranking_cached",
    "group_rating_progress",
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
