"""REST endpoints for groups, ratings and rankings. Parse, call a service, shape the answer."""

from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.fields import DateTimeField
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from impactboard.throttling import WriteThrottle
from theories.models import Theory

from .access import Need, group_access, results_visible_to
from .models import GLOBAL_SCOPE, DiscussionGroup, Membership, Submission
from .selectors import (
    group_list_visible_to,
    group_members,
    group_ranking_cached,
    participant_of,
    ranking_body,
    ranking_cached,
    ranking_comparison,
    ranking_get,
    ranking_payload,
    ranking_read_remember,
    ratings_current,
    theory_distribution,
)
from .serializers import (
    ComparisonSerializer,
    DetailSerializer,
    DistributionSerializer,
    GroupCreateSerializer,
    GroupSerializer,
    GroupUpdateSerializer,
    JoinSerializer,
    MemberSerializer,
    RankingSerializer,
    RatingsMineSerializer,
    RatingsSubmitSerializer,
)
from .services import (
    LastFacilitator,
    RatingItem,
    RatingsClosed,
    SubmissionInvalid,
    group_create,
    group_update,
    membership_join,
    membership_leave,
    membership_set_role,
    participant_for_user,
    rating_submission_create,
)

NOT_FOUND = OpenApiResponse(DetailSerializer, description="No such group, or a private one.")
FORBIDDEN = OpenApiResponse(DetailSerializer, description="Not allowed (members/facilitators).")
UNAUTHENTICATED = OpenApiResponse(DetailSerializer, description="Not logged in.")
BAD_REQUEST = OpenApiResponse(description="Validation errors, by field.")


def _group_payload(request: Request, group: DiscussionGroup) -> dict[str, Any]:
    access = group_access(slug=group.slug, user=request.user)
    return GroupSerializer(group, context={"request": request, "role": access.role}).data


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

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return group_list_visible_to(user=self.request.user)

    def retrieve(self, request: Request, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user)
        return Response(_group_payload(request, access.group))

    @extend_schema(
        request=GroupCreateSerializer,
        responses={201: GroupSerializer, 400: BAD_REQUEST, 401: UNAUTHENTICATED},
    )
    def create(self, request: Request) -> Response:
        serializer = GroupCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = group_create(user=request.user, **serializer.validated_data)
        return Response(_group_payload(request, group), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=GroupUpdateSerializer,
        responses={
            200: GroupSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def partial_update(self, request: Request, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
        serializer = GroupUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        group_update(group=access.group, **serializer.validated_data)
        return Response(_group_payload(request, access.group))

    @extend_schema(
        request=JoinSerializer,
        responses={200: GroupSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def join(self, request: Request, slug: str) -> Response:
        serializer = JoinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = DiscussionGroup.objects.filter(slug=slug).first()
        if group is None:
            raise Http404("No such group.")
        if not group.is_public:
            code = serializer.validated_data.get("join_code") or ""
            already = group.memberships.filter(user=request.user).exists()
            if not already and code != group.join_code:
                raise Http404("No such group.")  # a wrong code reveals nothing
        membership_join(group=group, user=request.user)
        return Response(_group_payload(request, group))

    @extend_schema(
        request=None,
        responses={
            204: None,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
            409: OpenApiResponse(DetailSerializer, description="The last facilitator."),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def leave(self, request: Request, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user)
        try:
            membership_leave(group=access.group, user=request.user)
        except LastFacilitator as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
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
            409: OpenApiResponse(DetailSerializer, description="The last facilitator."),
        },
    )
    def patch(self, request: Request, slug: str, username: str) -> Response:
        access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
        role = request.data.get("role") if isinstance(request.data, dict) else None
        if role not in Membership.Role.values:
            raise ValidationError({"role": ["Must be 'facilitator' or 'member'."]})
        user = User.objects.filter(username=username).first()
        if user is None or not access.group.memberships.filter(user=user).exists():
            raise Http404("No such member.")
        try:
            membership = membership_set_role(group=access.group, user=user, role=role)
        except LastFacilitator as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(MemberSerializer(membership).data)


_timestamp = DateTimeField().to_representation


def _ratings_payload(current: list[Any]) -> dict[str, Any]:
    """What RatingsMineSerializer documents, built directly: on the submission's hot path a
    serializer per rating cost more CPU than the query (bench/run.py)."""
    return {
        "ratings": [
            {
                "theory": r.theory_id,
                "score": r.score,
                "rationale": r.rationale,
                "updated_at": _timestamp(r.updated_at),
            }
            for r in current
        ]
    }


class RatingsMineView(APIView):
    """The caller's current ratings in a group; PUT is one all-or-nothing submission."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [WriteThrottle]
    throttle_scope = "ratings"

    @extend_schema(responses={200: RatingsMineSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user, need=Need.MEMBER)
        current = ratings_current(participant=participant_of(group=access.group, user=request.user))
        return Response(_ratings_payload(current))

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
    def put(self, request: Request, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user, need=Need.MEMBER)
        serializer = RatingsSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        items = [
            RatingItem(
                theory_id=item["theory"],
                score=item["score"],
                rationale=item.get("rationale"),
            )
            for item in serializer.validated_data["ratings"]
        ]
        participant = participant_for_user(group=access.group, user=request.user)
        try:
            rating_submission_create(
                participant=participant,
                items=items,
                submitted_by=request.user,
                source=Submission.Source.API,
            )
        except RatingsClosed as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except SubmissionInvalid as exc:
            # Same shape as the serializer's own item errors: {"ratings": {index: {field: [...]}}}
            raise ValidationError({"ratings": exc.errors}) from exc
        return Response(_ratings_payload(ratings_current(participant=participant)))


def _ranking_response(
    request: Request, scope: str, *, hidden: bool = False, cacheable: bool = False
) -> Response | HttpResponse:
    ranking = ranking_get(scope=scope)
    if hidden:
        # Hidden until the caller has rated: no aggregates at all, not even through the ETag.
        return Response(
            {
                "computed_at": None,
                "raters": ranking.raters,
                "hidden": True,
                "detail": "Results are hidden until you have rated in this group.",
                "results": [],
            }
        )
    if request.headers.get("If-None-Match") == ranking.etag:
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
        if cacheable:
            ranking_read_remember(scope=scope, etag=ranking.etag)
    elif cacheable:
        body = ranking_body(ranking)
        ranking_read_remember(scope=scope, etag=ranking.etag, body=body)
        response = HttpResponse(body, content_type="application/json")
    else:
        response = Response(ranking_payload(ranking))
    response["ETag"] = ranking.etag
    response["Cache-Control"] = "no-cache"
    return response


def _cached_answer(
    request: Request, current: str | None, body: bytes | None
) -> Response | HttpResponse | None:
    """304 (or the 200 body) straight from the cache when the ETag is current: no query."""
    if not current:
        return None
    response: Response | HttpResponse
    if request.headers.get("If-None-Match") == current:
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    elif body is not None:
        response = HttpResponse(body, content_type="application/json")
    else:
        return None
    response["ETag"] = current
    response["Cache-Control"] = "no-cache"
    return response


class LazyAuthMixin:
    """Authenticate only when the view asks for request.user, so that a poll answered from the
    cache costs no session or token lookup."""

    def perform_authentication(self, request: Request) -> None:
        pass


class GroupRankingsView(LazyAuthMixin, APIView):
    """A group's stored ranking. Anyone for a public group; members only for a private one.
    Hidden until the caller has rated, when the group says so."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: RankingSerializer, 304: None, 404: NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response:
        meta, current, body = group_ranking_cached(slug=slug)
        if meta and meta["public"] and not meta["hidden"]:
            # Readable by anyone: the caller's identity cannot change the answer.
            if (cached := _cached_answer(request, current, body)) is not None:
                return cached
        access = group_access(slug=slug, user=request.user)
        hidden = not results_visible_to(access=access, user=request.user)
        public = access.group.is_public and not access.group.results_hidden
        return _ranking_response(request, access.group.scope, hidden=hidden, cacheable=public)


class GlobalRankingsView(LazyAuthMixin, APIView):
    """The ranking across every rating in every public group."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: RankingSerializer, 304: None})
    def get(self, request: Request) -> Response:
        if (cached := _cached_answer(request, *ranking_cached(scope=GLOBAL_SCOPE))) is not None:
            return cached
        return _ranking_response(request, GLOBAL_SCOPE, cacheable=True)


class GroupComparisonView(APIView):
    """Each theory's place in the group beside its place across all public groups, with
    Kendall's tau-b between the group's and the global means (theories rated in both)."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: ComparisonSerializer, 304: None, 404: NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user)
        if not results_visible_to(access=access, user=request.user):
            return Response({"hidden": True, "rank_correlation": None, "results": []})
        group = ranking_get(scope=access.group.scope)
        world = ranking_get(scope=GLOBAL_SCOPE)
        etag = f'"cmp-{access.group.pk}-{group.version}-{world.version}"'
        if request.headers.get("If-None-Match") == etag:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = Response(ranking_comparison(group=group, world=world))
        response["ETag"] = etag
        return response


class TheoryDistributionView(APIView):
    """A theory's score histogram across all public groups, and in each of the caller's
    groups (from the stored rankings; hidden groups say so instead)."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: DistributionSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        theory = Theory.objects.filter(pk=pk).first()
        if theory is None:
            raise Http404("No such theory.")
        return Response(theory_distribution(theory=theory, user=request.user))
