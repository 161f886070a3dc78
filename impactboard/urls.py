from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts import profile_views
from accounts import views as account_views
from accounts.api import RegisterView, TokenRevokeView, TokenView
from charts import urls as chart_urls
from discussion import urls as discussion_urls
from exports import api as export_api
from exports import views as export_views
from ratings import facilitator_views, round_views
from ratings import views as rating_views
from ratings.api import (
    GlobalRankingsView,
    GroupComparisonView,
    GroupRankingsView,
    GroupViewSet,
    GuestsView,
    MemberRoleView,
    RatingsMineView,
    TheoryDistributionView,
)
from ratings.api import manage as manage_api
from ratings.api import rounds as rounds_api
from theories import views as theory_views
from theories.api import TheoryViewSet

from . import views

# No `.json` suffix routes: they are not in the contract (`?format=` is), and views that take
# only `slug` answered them with a 500.
router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False
router.register("theories", TheoryViewSet, basename="theory")
router.register("groups", GroupViewSet, basename="group")

api_v1: list[URLPattern | URLResolver] = [
    path("auth/register/", RegisterView.as_view(), name="api-register"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path("groups/<slug:slug>/ratings/mine/", RatingsMineView.as_view(), name="api-ratings-mine"),
    path("groups/<slug:slug>/rankings/", GroupRankingsView.as_view(), name="api-group-rankings"),
    path("groups/<slug:slug>/guests/", GuestsView.as_view(), name="api-group-guests"),
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
    path(
        "groups/<slug:slug>/members/<str:username>/",
        MemberRoleView.as_view(),
        name="api-member-role",
    ),
    path("groups/<slug:slug>/rounds/", rounds_api.RoundsView.as_view(), name="api-rounds"),
    path("groups/<slug:slug>/changes/", rounds_api.ChangesView.as_view(), name="api-changes"),
    path(
        "groups/<slug:slug>/ratings/mine/history/",
        rounds_api.HistoryView.as_view(),
        name="api-ratings-history",
    ),
    path(
        "groups/<slug:slug>/invite/rotate/",
        manage_api.InviteRotateView.as_view(),
        name="api-invite-rotate",
    ),
    path("rankings/", GlobalRankingsView.as_view(), name="api-rankings"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs page is the same for everyone, so it authenticates no one: a bad token must not
    # turn its error pages (rendered with the user in their context) into a 500.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", authentication_classes=[]),
        name="api-docs",
    ),
    *discussion_urls.api_urlpatterns,
    *chart_urls.api_urlpatterns,
    path(
        "groups/<slug:slug>/export/ratings.csv",
        export_api.RatingsCSVView.as_view(),
        name="api-export-ratings",
    ),
    path(
        "groups/<slug:slug>/export/rankings.csv",
        export_api.RankingsCSVView.as_view(),
        name="api-export-rankings",
    ),
    path(
        "groups/<slug:slug>/export/changes.csv",
        export_api.ChangesCSVView.as_view(),
        name="api-export-changes",
    ),
    path(
        "groups/<slug:slug>/export/comments.csv",
        export_api.CommentsCSVView.as_view(),
        name="api-export-comments",
    ),
    path("groups/<slug:slug>/import/", export_api.ImportView.as_view(), name="api-group-import"),
    path(
        "groups/<slug:slug>/import/<int:job_id>/",
        export_api.ImportJobView.as_view(),
        name="api-group-import-job",
    ),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("methods/", views.methods, name="methods"),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/login/", account_views.InvitedLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/token/", account_views.api_token, name="api_token"),
    path("accounts/profile/", profile_views.profile, name="profile"),
    path("accounts/profile/data.json", profile_views.profile_data, name="profile_data"),
    path("accounts/profile/delete/", profile_views.profile_delete, name="profile_delete"),
    path("accounts/email/<str:token>/", profile_views.email_confirm, name="email_confirm"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        profile_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        profile_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("theories/", theory_views.theory_index, name="theory_list"),
    path("theories/<slug:slug>/", theory_views.theory_detail, name="theory_detail"),
    path("groups/", rating_views.group_list, name="group_list"),
    path("groups/new/", rating_views.group_new, name="group_new"),
    path("groups/invite-code/", rating_views.group_invite_code, name="group_invite_code"),
    path("groups/<slug:slug>/", rating_views.group_detail, name="group_detail"),
    path("groups/<slug:slug>/rate/", rating_views.group_rate, name="group_rate"),
    path("groups/<slug:slug>/rounds/", round_views.round_open, name="group_round_open"),
    path("groups/<slug:slug>/changes/", round_views.changes_page, name="group_changes"),
    path("groups/<slug:slug>/me/", round_views.my_history, name="group_me"),
    path("groups/<slug:slug>/join/", rating_views.group_join, name="group_join"),
    path("groups/<slug:slug>/leave/", rating_views.group_leave, name="group_leave"),
    path("groups/<slug:slug>/members/", rating_views.group_member_list, name="group_members"),
    path(
        "groups/<slug:slug>/ratings-open/",
        rating_views.group_ratings_open,
        name="group_ratings_open",
    ),
    path("groups/<slug:slug>/import/", export_views.import_upload, name="group_import"),
    path(
        "groups/<slug:slug>/import/<int:job_id>/",
        export_views.import_job_page,
        name="group_import_job",
    ),
    path("groups/<slug:slug>/invite/<str:code>/", rating_views.group_invite, name="group_invite"),
    path(
        "groups/<slug:slug>/guests/<int:participant_id>/remove/",
        rating_views.group_guest_remove,
        name="group_guest_remove",
    ),
    path(
        "groups/<slug:slug>/results-hidden/",
        rating_views.group_results_hidden,
        name="group_results_hidden",
    ),
    # Issue 16 item 1: the global ranking counts staff-listed groups only.
    path("groups/<slug:slug>/listing/", rating_views.group_listing, name="group_listing"),
    path("moderation/listings/", rating_views.listing_queue, name="listing_queue"),
    path(
        "groups/<slug:slug>/facilitate/",
        facilitator_views.group_facilitate,
        name="group_facilitate",
    ),
    path(
        "groups/<slug:slug>/rotate-invite/",
        facilitator_views.group_invite_rotate_page,
        name="group_invite_rotate",
    ),
    path(
        "groups/<slug:slug>/members/remove/",
        facilitator_views.group_member_remove,
        name="group_member_remove",
    ),
    path("groups/<slug:slug>/delete/", facilitator_views.group_delete_page, name="group_delete"),
    *discussion_urls.urlpatterns,
]

handler404 = "impactboard.views.api_not_found"
handler500 = "impactboard.views.server_error"
