from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from groups.invitations import invitation_group
from groups.services import group_enter
from impactboard.request_types import AuthedRequest
from impactboard.throttling import ScopedThrottle, WriteThrottle, sign_up_throttle

from .serializers import (
    RegisterResponseSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)
from .services import token_for, token_revoke, user_create


class RegisterView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=RegisterSerializer,
        responses={
            201: RegisterResponseSerializer,
            400: OpenApiResponse(description="Invalid."),
            404: OpenApiResponse(description="No such group, or a wrong join code."),
            409: OpenApiResponse(description="The group is full; no account is made."),
            429: OpenApiResponse(description="Too many sign-ups; retry later."),
        },
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        group = None
        if "group" in data or "join_code" in data:
            # Checked first: a wrong code creates no account, and says nothing of the group.
            group = invitation_group(
                slug=str(data.get("group") or ""), code=str(data.get("join_code") or "")
            )
            if group is None:
                raise Http404("No such group.")
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Counted once the input is valid: per group with a valid invitation, else per address.
        throttle = sign_up_throttle(group.pk if group else None)
        if not throttle.allow_request(request, self):
            raise Throttled(throttle.wait())
        fields = serializer.validated_data
        entered = None
        with transaction.atomic():
            # UsernameTaken: the handler's 400; GroupFull: 409, and no account is made.
            user = user_create(username=fields["username"], password=fields["password"])
            if group is not None:
                entered = group_enter(group=group, user=user, via_invite=True)
        answer: dict[str, object] = {"username": user.username, "token": token_for(user=user)}
        if group is not None:
            answer["group"] = group.slug
            if entered is None:  # the group approves newcomers: said only when waiting
                answer["pending"] = True
        return Response(RegisterResponseSerializer(answer).data, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenResponseSerializer, 400: OpenApiResponse(description="Wrong.")},
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token = token_for(user=serializer.validated_data["user"])
        return Response(TokenResponseSerializer({"token": token}).data)


class TokenRevokeView(APIView):
    """Revoke the caller's own API token (by that token, or a signed-in session with CSRF)."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [WriteThrottle]
    throttle_scope = "writes"

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="Revoked: the token no longer authenticates."),
            401: OpenApiResponse(description="Not logged in."),
        },
    )
    def post(self, request: AuthedRequest) -> Response:
        token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
