"""The events streams, each beside the rankings answer it keeps live (`<that URL>events/`),
mounted under /api/v1/ by impactboard/urls.py only where Redis carries the changes
(settings.LIVE_EVENTS). The proxy sends these paths to the events process
(deploy/nginx.conf)."""

from django.urls import path

from . import views

api_urlpatterns = [
    path("groups/<slug:slug>/rankings/events/", views.group_events, name="live-group-events"),
    path("rankings/events/", views.ranking_events, name="live-ranking-events"),
    path(
        "longlists/<slug:slug>/rankings/events/",
        views.longlist_events,
        name="live-longlist-events",
    ),
]
