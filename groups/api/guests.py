"""POST /api/v1/groups/{slug}/guests/: join a group with just a name, through its invitation."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from impactboard.schema import BAD_REQUEST, NOT_FOUND
from impactboard.serializers import DetailSerializer
from impactboard.throttling import sign_up_throttle

from ..invitations import invitation_group
from ..serializers import GuestJoinSerializer, GuestTokenSerializer
from ..services import newcomer_is_waiting
from ..services.guests import GuestsNotAllowed, guest_join, guest_name_clean


class GuestsView(APIView):
    """A guest's token acts as that guest in that one group only (rate, comment, read as a
    member) and is 401 everywhere else."""

    # Nobody is authenticated here: a guest is made from the invitation alone.
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=GuestJoinSerializer,
        responses={
            201: GuestTokenSerializer,
            400: BAD_REQUEST,
            403: OpenApiResponse(DetailSerializer, description="This group takes no guests."),
            404: NOT_FOUND,
            409: OpenApiResponse(DetailSerializer, description="The group is full."),
            429: OpenApiResponse(DetailSerializer, description="Too many joins; retry later."),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = GuestJoinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = invitation_group(slug=slug, code=serializer.validated_data["join_code"])
        if group is None:
            raise Http404("No such group.")  # a wrong code reveals nothing
        if not group.guests_allowed:
            raise GuestsNotAllowed("This group does not take guests: sign up or log in to join.")
        guest_name_clean(group=group, name=serializer.validated_data["name"])
        # Counted only once the input is valid, and per group: the invitation is valid.
        throttle = sign_up_throttle(group.pk)
        if not throttle.allow_request(request, self):
            raise Throttled(throttle.wait())
        guest = guest_join(group=group, name=serializer.validated_data["name"])  # GroupFull: 409
        pending = guest.participant.user is not None and newcomer_is_waiting(
            group=group, user=guest.participant.user
        )
        answer: dict[str, object] = {"token": guest.key, "name": guest.participant.name}
        if pending:  # said only when waiting, as for the sign-up
            answer["pending"] = True
        body = GuestTokenSerializer(answer)
        return Response(body.data, status=status.HTTP_201_CREATED)
