"""REST endpoints of the rankings app, by concern: `rankings` (stored rankings, comparison,
distribution), `figures` (the charts of each, drawn by `charts`). Both answer through
`ratings.api.answers`, the one hidden / 304 / 200 answer of every ranking-shaped GET (the
changes between rounds, in `ratings`, are one too)."""

from .rankings import (
    GlobalRankingsView,
    GroupComparisonView,
    GroupRankingsView,
    LazyAuthMixin,
    LonglistRankingsView,
    TheoryDistributionView,
)

__all__ = [
    "GlobalRankingsView",
    "GroupComparisonView",
    "GroupRankingsView",
    "LazyAuthMixin",
    "LonglistRankingsView",
    "TheoryDistributionView",
]
