"""REST endpoints of the ratings app, by concern: `groups` (groups and memberships), `ratings`
(the caller's ratings), `rankings` (stored rankings, comparison, distribution), `figures` (the
charts of each, drawn by `charts`); `answers` is the one hidden / 304 / 200 answer they share."""

from .groups import GroupViewSet, MemberRoleView
from .guests import GuestsView
from .rankings import (
    GlobalRankingsView,
    GroupComparisonView,
    GroupRankingsView,
    LazyAuthMixin,
    TheoryDistributionView,
)
from .ratings import RatingsMineView

__all__ = [
    "GlobalRankingsView",
    "GroupComparisonView",
    "GroupRankingsView",
    "GroupViewSet",
    "GuestsView",
    "LazyAuthMixin",
    "MemberRoleView",
    "RatingsMineView",
    "TheoryDistributionView",
]
