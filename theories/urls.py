"""Page URLs and API URLs of the theories, included by impactboard/urls.py. The theory page
itself, with the discussion it shows, is the discussion's (discussion/urls.py)."""

from django.urls import path

from . import views
from .api import LonglistViewSet, TheoryViewSet

# Registered on the site's API router (impactboard/urls.py), which serves the API root.
api_viewsets = [
    ("theories", TheoryViewSet, "theory"),
    ("longlists", LonglistViewSet, "longlist"),
]

urlpatterns = [
    path("theories/", views.theory_index, name="theory_list"),
    path("lists/", views.list_index, name="list_index"),
    path("lists/new/", views.list_new, name="list_new"),
    # `lists/<slug>/`, the list's page with its ranking, is the ratings app's (ratings/urls.py).
    path("lists/<slug:slug>/items/", views.list_item_add, name="list_item_add"),
]
