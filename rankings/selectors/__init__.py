"""Every read of the stored rankings (`rankings`): a ranking as stored, several groups' at once,
the comparison with the global ranking, a theory's distribution, the stale scopes.

The names are re-exported here so that `from rankings.selectors import ranking_get` works for
the other apps. The ranking cache's reads live in `rankings.ranking_cache` and are re-exported
too.
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
from .rankings import (
    open_round_scope,
    ranking_comparison,
    ranking_get,
    ranking_global,
    ranking_results,
    ranking_scopes_stale,
    rankings_of_groups,
    round_scope,
    theory_distribution,
)

__all__ = [
    "RankingView",
    "group_meta_cached",
    "group_meta_forget",
    "group_ranking_cached",
    "open_round_scope",
    "ranking_body",
    "ranking_cached",
    "ranking_comparison",
    "ranking_etag",
    "ranking_get",
    "ranking_global",
    "ranking_payload",
    "ranking_results",
    "ranking_scopes_stale",
    "rankings_of_groups",
    "round_scope",
    "theory_distribution",
]
