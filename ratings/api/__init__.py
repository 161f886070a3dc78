"""REST endpoints of the ratings app, by concern: `ratings` (the caller's ratings), `rankings`
(stored rankings, comparison, distribution), `figures` (the charts of each, drawn by `charts`);
`answers` is the one hidden / 304 / 200 answer they share."""

from .rankings import (
    GlobalRankingsView,
    GroupComparisonView,
    GroupRankingsView,
    LazyAuthMixin,
    LonglistRankingsView,
    TheoryDistributionView,
)
from .ratings import RatingsMineView

__all__ = [
    "GlobalRankingsView",
    "GroupComparisonView",
    "GroupRankingsView",
    "LazyAuthMixin",
    "LonglistRankingsView",
    "RatingsMineView",
    "TheoryDistributionView",
]
