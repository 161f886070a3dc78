"""The figure endpoints, mounted under /api/v1/ beside the answers they are drawn from."""

from django.urls import path

from . import api

api_urlpatterns = [
    path(
        "groups/<slug:slug>/rankings/figures/",
        api.GroupRankingFiguresView.as_view(),
        name="api-group-ranking-figures",
    ),
    path(
        "groups/<slug:slug>/rankings/compare/figure/",
        api.GroupComparisonFigureView.as_view(),
        name="api-group-compare-figure",
    ),
    path(
        "rankings/figures/",
        api.GlobalRankingFiguresView.as_view(),
        name="api-ranking-figures",
    ),
    path(
        "theories/<int:pk>/distribution/figure/",
        api.TheoryDistributionFigureView.as_view(),
        name="api-theory-distribution-figure",
    ),
]
