"""REST endpoints of rounds and changes of mind (the contract's "Rounds and changes of mind")."""

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from groups.access import Need, group_access, results_visible_to
from groups.selectors import participant_of
from impactboard.request_types import AuthedRequest
from impactboard.throttling import WriteThrottle

from ..selectors.changes import changes_between
from ..selectors.rounds import round_exists, round_list, submission_history
from ..serializers.rounds import ChangesSerializer, HistorySerializer, RoundSerializer
from ..services.rounds import round_open_next
from .answers import hidden_answer
from .schema import round_number_param


class RoundsView(generics.ListAPIView):
    """The group's rounds (read rules as for its rankings); a facilitator opens the next one."""

    serializer_class = RoundSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_classes = [WriteThrottle]
    throttle_scope = "writes"

    def get_queryset(self) -> list[dict[str, Any]]:  # type: ignore[override]  # a list pages too
        access = group_access(slug=self.kwargs["slug"], user=self.request.user)
        return round_list(group=access.group)

    @extend_schema(
        request=None,
        responses={
            201: RoundSerializer,
            403: OpenApiResponse(description="Only facilitators open rounds."),
            404: OpenApiResponse(description="No such group, or a private one."),
            409: OpenApiResponse(description="Someone opened the next round a moment ago."),
        },
    )
    def post(self, request: AuthedRequest, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
        opened = round_open_next(group=access.group, user=request.user)
        body = {
            "number": opened.number,
            "opened_at": opened.opened_at,
            "closed_at": None,
            "raters": 0,
        }
        return Response(RoundSerializer(body).data, status=status.HTTP_201_CREATED)


class ChangesView(APIView):
    """Who changed their mind between two rounds, per theory (read rules as for rankings)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, description="Round A (default: the one before B)."),
            OpenApiParameter("to", int, description="Round B (default: the open round)."),
        ],
        responses={200: ChangesSerializer, 400: OpenApiResponse(description="Bad round.")},
    )
    def get(self, request: Request, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user)
        group = access.group
        last = round_number_param(request, "to") or group.current_round
        first = round_number_param(request, "from") or max(1, last - 1)
        for number in (first, last):
            if not round_exists(group=group, number=number):
                raise Http404(f"No round {number} in this group.")
        if not results_visible_to(access=access, user=request.user):
            return hidden_answer({"from": first, "to": last, "summary": None, "results": []})
        changes = changes_between(group=group, first=first, last=last)
        return Response(ChangesSerializer({"hidden": False, **changes}).data)


class HistoryView(generics.ListAPIView):
    """The caller's submissions in the group, newest first, each item with the score it replaced."""

    serializer_class = HistorySerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> list[dict[str, Any]]:  # type: ignore[override]  # a list pages too
        access = group_access(slug=self.kwargs["slug"], user=self.request.user, need=Need.MEMBER)
        return submission_history(
            participant=participant_of(group=access.group, user=self.request.user)
        )
