"""Page URLs and API URLs of ratings and rounds, included by impactboard/urls.py."""

from django.urls import path

from .api import RatingsMineView
from .api import rounds as rounds_api
from .views import ratings, rounds

api_urlpatterns = [
    path("groups/<slug:slug>/ratings/mine/", RatingsMineView.as_view(), name="api-ratings-mine"),
    path("groups/<slug:slug>/rounds/", rounds_api.RoundsView.as_view(), name="api-rounds"),
    path("groups/<slug:slug>/changes/", rounds_api.ChangesView.as_view(), name="api-changes"),
    path(
        "groups/<slug:slug>/ratings/mine/history/",
        rounds_api.HistoryView.as_view(),
        name="api-ratings-history",
    ),
]

urlpatterns = [
    path("groups/<slug:slug>/rate/", ratings.group_rate, name="group_rate"),
    path("groups/<slug:slug>/rate/save/", ratings.group_rate_save, name="group_rate_save"),
    path("groups/<slug:slug>/rounds/", rounds.round_open, name="group_round_open"),
    path("groups/<slug:slug>/changes/", rounds.changes_page, name="group_changes"),
    path("groups/<slug:slug>/me/", rounds.my_history, name="group_me"),
]
