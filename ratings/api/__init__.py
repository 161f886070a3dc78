"""REST endpoints of the ratings app, by concern: `ratings`
(the caller's ratings), `rankings` (stored rankings, comparison, distribution)."""

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
    "LonglistRankingsView",
    "GroupComparisonView",
    "GroupRankingsView",
    "LazyAuthMixin",
    "RatingsMineView",
    "TheoryDistributionView",
]
