"""Page URLs and API URLs of the exports and imports, included by impactboard/urls.py."""

from django.urls import path

from . import api, views

api_urlpatterns = [
    path(
        "groups/<slug:slug>/export/ratings.csv",
        api.RatingsCSVView.as_view(),
        name="api-export-ratings",
    ),
    path(
        "groups/<slug:slug>/export/rankings.csv",
        api.RankingsCSVView.as_view(),
        name="api-export-rankings",
    ),
    path(
        "groups/<slug:slug>/export/changes.csv",
        api.ChangesCSVView.as_view(),
        name="api-export-changes",
    ),
    path(
        "groups/<slug:slug>/export/comments.csv",
        api.CommentsCSVView.as_view(),
        name="api-export-comments",
    ),
    path("groups/<slug:slug>/import/", api.ImportView.as_view(), name="api-group-import"),
    path(
        "groups/<slug:slug>/import/<int:job_id>/",
        api.ImportJobView.as_view(),
        name="api-group-import-job",
    ),
]

urlpatterns = [
    path("groups/<slug:slug>/import/", views.import_upload, name="group_import"),
    path(
        "groups/<slug:slug>/import/<int:job_id>/",
        views.import_job_page,
        name="group_import_job",
    ),
]
