"""The caller's ratings in a group. RatingsClosed (409) and SubmissionInvalid (400, by item) are
answered by the project's exception handler."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from groups.access import Need, group_access
from groups.selectors import participant_of
from groups.services import participant_for_user
from impactboard.request_types import AuthedRequest
from impactboard.schema import BAD_REQUEST, FORBIDDEN, NOT_FOUND, UNAUTHENTICATED
from impactboard.serializers import DetailSerializer
from impactboard.throttling import WriteThrottle

from ..models import Submission
from ..selectors.ratings import ratings_mine, ratings_unrated
from ..selectors.rounds import ratings_of_round
from ..serializers.ratings import RatingsMineSerializer, RatingsSubmitSerializer
from ..services import RatingItem, rating_submission_create
from .schema import ROUND_PARAMETER, round_of_group


class RatingsMineView(APIView):
    """The caller's current ratings in a group; PUT is one all-or-nothing submission."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [WriteThrottle]
    throttle_scope = "ratings"

    @extend_schema(
        parameters=[ROUND_PARAMETER],
        responses={200: RatingsMineSerializer, 400: BAD_REQUEST, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user, need=Need.MEMBER)
        participant = participant_of(group=access.group, user=request.user)
        number = round_of_group(request, access.group)
        if number is None:
            mine = ratings_mine(group=access.group, participant=participant)
            body: dict[str, Any] = mine._asdict()
        else:
            current = ratings_of_round(participant=participant, number=number)
            unrated = ratings_unrated(group=access.group, rated=current)
            body = {"ratings": current, "unrated": unrated, "reworded": []}
        return Response(RatingsMineSerializer(body).data)

    @extend_schema(
        request=RatingsSubmitSerializer,
        responses={
            200: RatingsMineSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(DetailSerializer, description="Ratings are closed."),
        },
    )
    def put(self, request: AuthedRequest, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user, need=Need.MEMBER)
        serializer = RatingsSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        items = [
            RatingItem(
                theory_id=item["theory"],
                score=item["score"],
                rationale=item.get("rationale"),
                moved_by=item.get("moved_by"),
            )
            for item in serializer.validated_data["ratings"]
        ]
        participant = participant_for_user(group=access.group, user=request.user)
        rating_submission_create(
            participant=participant,
            items=items,
            submitted_by=request.user,
            source=Submission.Source.API,
        )
        # The full current set, as GET returns it, in the one query the answer always cost.
        mine = ratings_mine(group=access.group, participant=participant)
        return Response(RatingsMineSerializer(mine._asdict()).data)
