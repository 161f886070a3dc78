"""Page URLs and API URLs of the facilitator's console, included by impactboard/urls.py."""

from django.urls import path

from . import views
from .api import PresentView, ProgressView

api_urlpatterns = [
    path("groups/<slug:slug>/progress/", ProgressView.as_view(), name="api-group-progress"),
    path("groups/<slug:slug>/present/", PresentView.as_view(), name="api-group-present"),
]

urlpatterns = [
    path("groups/<slug:slug>/facilitate/", views.group_facilitate, name="group_facilitate"),
    path("groups/<slug:slug>/present/", views.group_present, name="group_present"),
]
