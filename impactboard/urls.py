"""The site's URL map: each app owns its routes (`<app>/urls.py`: `api_urlpatterns` under
/api/v1/, `urlpatterns` for pages); this file only mounts them, with the site's own pages."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts import urls as account_urls
from console import urls as console_urls
from discussion import urls as discussion_urls
from exports import urls as export_urls
from groups import urls as group_urls
from live import urls as live_urls
from rankings import urls as ranking_urls
from ratings import urls as rating_urls
from theories import urls as theory_urls

from . import views

# No `.json` suffix routes: they are not in the contract (`?format=` is), and views that take
# only `slug` answered them with a 500.
router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False
for prefix, viewset, basename in (*theory_urls.api_viewsets, *group_urls.api_viewsets):
    router.register(prefix, viewset, basename=basename)

api_v1: list[URLPattern | URLResolver] = [
    *account_urls.api_urlpatterns,
    *group_urls.api_urlpatterns,
    *rating_urls.api_urlpatterns,
    *ranking_urls.api_urlpatterns,
    *console_urls.api_urlpatterns,
    # Server-sent events of the rankings (issue 24): only where Redis carries the changes.
    *(live_urls.api_urlpatterns if settings.LIVE_EVENTS else []),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs page is the same for everyone, so it authenticates no one: a bad token must not
    # turn its error pages (rendered with the user in their context) into a 500.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", authentication_classes=[]),
        name="api-docs",
    ),
    *discussion_urls.api_urlpatterns,
    *export_urls.api_urlpatterns,
    path("", include(router.urls)),
]

# Groups before rankings: `groups/new/` and `groups/invite-code/` before `groups/<slug>/`.
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("methods/", views.methods, name="methods"),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
    *account_urls.urlpatterns,
    *theory_urls.urlpatterns,
    *group_urls.urlpatterns,
    *ranking_urls.urlpatterns,
    *rating_urls.urlpatterns,
    *console_urls.urlpatterns,
    *export_urls.urlpatterns,
    *discussion_urls.urlpatterns,
]

handler404 = "impactboard.views.api_not_found"
handler500 = "impactboard.views.server_error"
