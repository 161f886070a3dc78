"""Page URLs and API URLs of ratings, rounds and rankings, included by impactboard/urls.py."""

from django.urls import path

from .api import (
    GlobalRankingsView,
    GroupComparisonView,
    GroupRankingsView,
    LonglistRankingsView,
    RatingsMineView,
    TheoryDistributionView,
)
from .api import figures as figures_api
from .api import rounds as rounds_api
from .views import rankings, ratings, rounds

api_urlpatterns = [
    path("groups/<slug:slug>/ratings/mine/", RatingsMineView.as_view(), name="api-ratings-mine"),
    path("groups/<slug:slug>/rankings/", GroupRankingsView.as_view(), name="api-group-rankings"),
    path(
        "groups/<slug:slug>/rankings/compare/",
        GroupComparisonView.as_view(),
        name="api-group-compare",
    ),
    path(
        "theories/<int:pk>/distribution/",
        TheoryDistributionView.as_view(),
        name="api-theory-distribution",
    ),
    path("groups/<slug:slug>/rounds/", rounds_api.RoundsView.as_view(), name="api-rounds"),
    path("groups/<slug:slug>/changes/", rounds_api.ChangesView.as_view(), name="api-changes"),
    path(
        "groups/<slug:slug>/ratings/mine/history/",
        rounds_api.HistoryView.as_view(),
        name="api-ratings-history",
    ),
    path("rankings/", GlobalRankingsView.as_view(), name="api-rankings"),
    path(
        "longlists/<slug:slug>/rankings/",
        LonglistRankingsView.as_view(),
        name="api-longlist-rankings",
    ),
    # The figures, beside the answers they are drawn from (charts/ draws them).
    path(
        "groups/<slug:slug>/rankings/figures/",
        figures_api.GroupRankingFiguresView.as_view(),
        name="api-group-ranking-figures",
    ),
    path(
        "groups/<slug:slug>/rankings/compare/figure/",
        figures_api.GroupComparisonFigureView.as_view(),
        name="api-group-compare-figure",
    ),
    path(
        "rankings/figures/",
        figures_api.GlobalRankingFiguresView.as_view(),
        name="api-ranking-figures",
    ),
    path(
        "theories/<int:pk>/distribution/figure/",
        figures_api.TheoryDistributionFigureView.as_view(),
        name="api-theory-distribution-figure",
    ),
]

urlpatterns = [
    path("groups/<slug:slug>/", rankings.group_detail, name="group_detail"),
    # A list's page: theories' own, with the list's global ranking (issue 21 item 5).
    path("lists/<slug:slug>/", rankings.list_detail, name="list_detail"),
    path("groups/<slug:slug>/rate/", ratings.group_rate, name="group_rate"),
    path("groups/<slug:slug>/rate/save/", ratings.group_rate_save, name="group_rate_save"),
    path("groups/<slug:slug>/rounds/", rounds.round_open, name="group_round_open"),
    path("groups/<slug:slug>/changes/", rounds.changes_page, name="group_changes"),
    path("groups/<slug:slug>/me/", rounds.my_history, name="group_me"),
]
