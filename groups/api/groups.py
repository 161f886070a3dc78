"""REST endpoints for groups and memberships. Parse, call a service, shape the answer; domain
errors (LastFacilitator: 409) are answered by the project's exception handler."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from impactboard.request_types import AuthedRequest
from impactboard.schema import (
    BAD_REQUEST,
    FORBIDDEN,
    LAST_FACILITATOR,
    NOT_FOUND,
    UNAUTHENTICATED,
    write_responses,
)
from impactboard.serializers import DetailSerializer
from impactboard.throttling import WriteThrottle
from theories.access import longlist_access

from ..access import WAITING, GroupAccess, Need, group_access, group_joinable, role_parse
from ..models import DiscussionGroup, Membership
from ..selectors import group_list_visible_to, group_members
from ..serializers import (
    GroupCreateSerializer,
    GroupSerializer,
    GroupUpdateSerializer,
    JoinSerializer,
    MemberSerializer,
)
from ..services import (
    group_create,
    group_delete,
    group_enter,
    group_listing_decide,
    group_listing_request,
    group_update,
    membership_leave,
    membership_set_role,
)


def _longlist_named(request: Request, fields: dict[str, Any]) -> None:
    """Replace the slug in `fields["longlist"]` with the list, if the caller may see it; a list
    they may not see is refused as unknown (400), revealing nothing."""
    if "longlist" not in fields:
        return
    try:
        fields["longlist"] = longlist_access(slug=fields["longlist"], user=request.user)
    except Http404:
        raise ValidationError({"longlist": ["No such list."]}) from None


def _group_payload(request: Request, group: DiscussionGroup, role: str | None) -> dict[str, Any]:
    return GroupSerializer(group, context={"request": request, "role": role}).data


def _role_after(request: Request, group: DiscussionGroup) -> str | None:
    """The caller's role once a write is done (its membership may just have changed)."""
    return group_access(slug=group.slug, user=request.user).role


class GroupViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Discussion groups: every public group, and the private groups the caller belongs to."""

    serializer_class = GroupSerializer
    lookup_field = "slug"
    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_classes = [WriteThrottle]
    throttle_scope = "writes"

    def get_queryset(self) -> QuerySet[DiscussionGroup]:
        return group_list_visible_to(user=self.request.user)

    def retrieve(self, request: Request, slug: str) -> Response:
        access: GroupAccess = group_access(slug=slug, user=request.user)
        return Response(_group_payload(request, access.group, access.role))

    @extend_schema(
        request=GroupCreateSerializer,
        responses={201: GroupSerializer, 400: BAD_REQUEST, 401: UNAUTHENTICATED},
    )
    def create(self, request: AuthedRequest) -> Response:
        serializer = GroupCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        _longlist_named(request, fields)
        group = group_create(user=request.user, **fields)
        return Response(
            _group_payload(request, group, _role_after(request, group)),
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=GroupUpdateSerializer,
        responses=write_responses(GroupSerializer),
    )
    def partial_update(self, request: Request, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
        serializer = GroupUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        by = request.user if isinstance(request.user, User) else None
        fields = dict(serializer.validated_data)
        _longlist_named(request, fields)
        listing = fields.pop("listing", None)
        visibility = fields.get("visibility", access.group.visibility)
        if listing == DiscussionGroup.Listing.REQUESTED and visibility != "public":
            # Refused before anything is saved: the request is all or nothing.
            raise ValidationError({"listing": ["Only a public group can ask to be listed."]})
        if fields:
            group_update(group=access.group, by=by, **fields)
        if listing == DiscussionGroup.Listing.REQUESTED:
            group_listing_request(group=access.group)
        elif listing == DiscussionGroup.Listing.UNLISTED:
            group_listing_decide(group=access.group, listed=False)
        return Response(_group_payload(request, access.group, _role_after(request, access.group)))

    @extend_schema(
        request=None,
        responses={204: None, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def destroy(self, request: Request, slug: str) -> Response:
        """Delete the group and everything in it (facilitators only); the rankings follow."""
        access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
        group_delete(group=access.group)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=JoinSerializer,
        responses={
            200: GroupSerializer,
            202: OpenApiResponse(
                GroupSerializer, description="The group approves newcomers: waiting for approval."
            ),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
            409: OpenApiResponse(DetailSerializer, description="The group is full."),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def join(self, request: AuthedRequest, slug: str) -> Response:
        serializer = JoinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        code = serializer.validated_data.get("join_code") or ""
        group = group_joinable(slug=slug, user=request.user, join_code=code)
        # The right join code is the invitation: only the group's own people hand it out.
        entered = group_enter(group=group, user=request.user, via_invite=code == group.join_code)
        if entered is None:  # the group approves newcomers: 202, with the group as it shows
            body = {**_group_payload(request, group, None), "pending": True, "detail": WAITING}
            return Response(body, status=status.HTTP_202_ACCEPTED)
        return Response(_group_payload(request, group, _role_after(request, group)))

    @extend_schema(
        request=None,
        responses={204: None, 401: UNAUTHENTICATED, 404: NOT_FOUND, 409: LAST_FACILITATOR},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def leave(self, request: AuthedRequest, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user)
        membership_leave(group=access.group, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: MemberSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated])
    def members(self, request: Request, slug: str) -> Response:
        """Members of the group and their roles (members only)."""
        access = group_access(slug=slug, user=request.user, need=Need.MEMBER)
        page = self.paginate_queryset(group_members(group=access.group))
        return self.get_paginated_response(MemberSerializer(page, many=True).data)


class MemberRoleView(APIView):
    """PATCH /groups/{slug}/members/{username}/ {"role"}: facilitators promote or step down."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [WriteThrottle]
    throttle_scope = "writes"

    @extend_schema(
        request=MemberSerializer,
        responses={
            200: MemberSerializer,
            400: BAD_REQUEST,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: LAST_FACILITATOR,
        },
    )
    def patch(self, request: Request, slug: str, username: str) -> Response:
        access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
        role = role_parse(request.data.get("role") if isinstance(request.data, dict) else None)
        if role is None:
            raise ValidationError({"role": ["Must be 'facilitator' or 'member'."]})
        user = User.objects.filter(username=username).first()
        if user is None:
            raise Http404("No such member.")
        try:
            membership = membership_set_role(group=access.group, user=user, role=role)
        except Membership.DoesNotExist as exc:
            raise Http404("No such member.") from exc
        return Response(MemberSerializer(membership).data)
