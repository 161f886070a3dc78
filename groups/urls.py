"""Page URLs and API URLs of groups, included by impactboard/urls.py."""

from django.urls import path

from .api import GroupViewSet, GuestsView, MemberRoleView
from .api.manage import InviteRotateView
from .views import groups, invitations, manage

# Registered on the site's API router (impactboard/urls.py), which serves the API root.
api_viewsets = [("groups", GroupViewSet, "group")]

api_urlpatterns = [
    path("groups/<slug:slug>/guests/", GuestsView.as_view(), name="api-group-guests"),
    path(
        "groups/<slug:slug>/members/<str:username>/",
        MemberRoleView.as_view(),
        name="api-member-role",
    ),
    path(
        "groups/<slug:slug>/invite/rotate/",
        InviteRotateView.as_view(),
        name="api-invite-rotate",
    ),
]

urlpatterns = [
    path("groups/", groups.group_list, name="group_list"),
    path("groups/new/", groups.group_new, name="group_new"),
    path("groups/invite-code/", invitations.group_invite_code, name="group_invite_code"),
    path("groups/<slug:slug>/join/", groups.group_join, name="group_join"),
    path("groups/<slug:slug>/leave/", groups.group_leave, name="group_leave"),
    path("groups/<slug:slug>/members/", groups.group_member_list, name="group_members"),
    path(
        "groups/<slug:slug>/ratings-open/",
        groups.group_ratings_open,
        name="group_ratings_open",
    ),
    path(
        "groups/<slug:slug>/invite/<str:code>/",
        invitations.group_invite,
        name="group_invite",
    ),
    path(
        "groups/<slug:slug>/guests/<int:participant_id>/remove/",
        invitations.group_guest_remove,
        name="group_guest_remove",
    ),
    path(
        "groups/<slug:slug>/results-hidden/",
        groups.group_results_hidden,
        name="group_results_hidden",
    ),
    # The global ranking counts staff-listed groups only.
    path("groups/<slug:slug>/listing/", groups.group_listing, name="group_listing"),
    path("moderation/listings/", groups.listing_queue, name="listing_queue"),
    path(
        "groups/<slug:slug>/rotate-invite/",
        manage.group_invite_rotate_page,
        name="group_invite_rotate",
    ),
    path(
        "groups/<slug:slug>/members/remove/",
        manage.group_member_remove,
        name="group_member_remove",
    ),
    path(
        "groups/<slug:slug>/newcomers/",
        manage.group_newcomer_decide,
        name="group_newcomer_decide",
    ),
    path("groups/<slug:slug>/delete/", manage.group_delete_page, name="group_delete"),
]
