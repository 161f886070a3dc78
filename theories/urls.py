"""Page URLs and API URLs of the theories, included by impactboard/urls.py. The theory page
itself, with the discussion it shows, is the discussion's (discussion/urls.py)."""

from django.urls import path

from . import views
from .api import TheoryViewSet

# Registered on the site's API router (impactboard/urls.py), which serves the API root.
api_viewsets = [("theories", TheoryViewSet, "theory")]

urlpatterns = [
    path("theories/", views.theory_index, name="theory_list"),
]
