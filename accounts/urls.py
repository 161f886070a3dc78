"""Page URLs and API URLs of accounts, included by impactboard/urls.py."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import profile_views, views
from .api import RegisterView, TokenRevokeView, TokenView

api_urlpatterns = [
    path("auth/register/", RegisterView.as_view(), name="api-register"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", TokenRevokeView.as_view(), name="api-token-revoke"),
]

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.InvitedLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/token/", views.api_token, name="api_token"),
    path("accounts/for-you/", views.for_you_page, name="for_you"),
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
]
