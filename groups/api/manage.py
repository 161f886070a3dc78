"""The facilitator's API writes beyond PATCH: rotating the invitation (deleting the group is the
group item's DELETE, on the viewset)."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from impactboard.schema import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED
from impactboard.throttling import WriteThrottle

from ..access import Need, group_access
from ..serializers import GroupSerializer
from ..services import group_invite_rotate


class InviteRotateView(APIView):
    """POST /groups/{slug}/invite/rotate/: a new join code; the old invite link is dead at once."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [WriteThrottle]
    throttle_scope = "writes"

    @extend_schema(
        request=None,
        responses={200: GroupSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request: Request, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
        group = group_invite_rotate(group=access.group)
        return Response(
            GroupSerializer(group, context={"request": request, "role": access.role}).data
        )
