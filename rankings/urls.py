"""Page URLs and API URLs of the stored rankings and their figures, included by
impactboard/urls.py."""

from django.urls import path

from .api import (
    GlobalRankingsView,
    GroupComparisonView,
    GroupRankingsView,
    LonglistRankingsView,
    TheoryDistributionView,
)
from .api import figures as figures_api
from .views import rankings

api_urlpatterns = [
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
]
