"""REST endpoints of the theories (the default list's items, as the contract has always had them)
and of longlists. Parse, check access (theories.access), call a service, shape the answer."""

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from impactboard.schema import (
    BAD_REQUEST,
    NOT_FOUND,
    UNAUTHENTICATED,
    field_conflict,
    write_responses,
)
from impactboard.serializers import DetailSerializer
from impactboard.throttling import WriteThrottle

from .access import (
    ListNeed,
    longlist_access,
    longlist_propose_access,
    longlists_visible_to,
    theory_for,
)
from .items import ItemText
from .models import Longlist, Theory
from .proposals import proposal_create, proposal_decide
from .selectors import (
    longlist_changes,
    longlist_item_of,
    longlist_items,
    longlists_annotated,
    proposal_of,
    proposals_visible,
    theory_list,
)
from .serializers import (
    ItemAddSerializer,
    ItemChangeSerializer,
    LonglistChangeSerializer,
    LonglistCreateSerializer,
    LonglistDetailSerializer,
    LonglistItemSerializer,
    LonglistSerializer,
    LonglistUpdateSerializer,
    ProposalCreatedSerializer,
    ProposalDecideSerializer,
    ProposalInSerializer,
    ProposalSerializer,
    SimilarSerializer,
    TheorySerializer,
)
from .services import (
    longlist_create,
    longlist_fork,
    longlist_item_add,
    longlist_item_retire,
    longlist_item_reword,
    longlist_update,
)


class TheoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The default list's active items, ordered by number; one item of any list the caller may
    see by id."""

    serializer_class = TheorySerializer
    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet[Theory]:
        return theory_list()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        pk = kwargs.get("pk", "")
        if not str(pk).isdigit():
            raise Http404("No such theory.")
        theory = theory_for(user=request.user, pk=int(pk))
        return Response(TheorySerializer(theory).data)


def _detail(longlist: Longlist) -> dict[str, Any]:
    annotated = longlists_annotated(Longlist.objects.filter(pk=longlist.pk)).get()
    data: dict[str, Any] = LonglistSerializer(annotated).data
    data["items"] = LonglistItemSerializer(longlist_items(longlist=longlist), many=True).data
    return data


def _owned(request: Request, slug: str) -> tuple[Longlist, User]:
    """The list `slug` and its owner, for a change only they may make (404 to those who may not
    see the list, 403 to those who may not change it)."""
    longlist = longlist_access(slug=slug, user=request.user, need=ListNeed.CHANGE)
    assert isinstance(request.user, User)  # only an owner or staff gets here
    return longlist, request.user


Part = TypeVar("Part")
View = Callable[..., Response]


def _owner_part_action(
    method: Literal["post", "patch"],
    url_path: str,
    url_name: str,
    *,
    body: type,
    answer: type,
    conflict: OpenApiResponse,
) -> Callable[[View], View]:
    """The route and the schema of a change only the list's owner may make to one part of it
    (an item, a proposal) at `url_path` below the list, which the part's state can refuse
    (409, `conflict`)."""

    def route(view: View) -> View:
        responses = write_responses(answer, conflict=conflict)
        routed = action(detail=True, methods=[method], url_path=url_path, url_name=url_name)(view)
        return extend_schema(request=body, responses=responses)(routed)

    return route


def _owner_part_change(
    request: Request,
    slug: str,
    *,
    find: Callable[..., Part],
    pk: str,
    body: type[Serializer],
) -> tuple[Longlist, User, Part, dict[str, Any]]:
    """For such a change: the list, its owner, the part (`find(longlist=, pk=)`: 404 if the
    list has no such part) and the valid body (400 naming the field), checked in that order."""
    longlist, owner = _owned(request, slug)
    part = find(longlist=longlist, pk=int(pk))
    serializer = body(data=request.data)
    serializer.is_valid(raise_exception=True)
    return longlist, owner, part, serializer.validated_data


class LonglistViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Longlists: the public ones, the caller's own, and those of the caller's groups."""

    serializer_class = LonglistSerializer
    lookup_field = "slug"
    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_classes = [WriteThrottle]
    throttle_scope = "writes"

    def get_queryset(self) -> QuerySet[Longlist]:
        visible = longlists_visible_to(user=self.request.user)
        return longlists_annotated(visible).order_by("-is_default", "title", "pk")

    @extend_schema(responses={200: LonglistDetailSerializer, 404: NOT_FOUND})
    def retrieve(self, request: Request, slug: str) -> Response:
        return Response(_detail(longlist_access(slug=slug, user=request.user)))

    @extend_schema(
        request=LonglistCreateSerializer,
        responses={201: LonglistDetailSerializer, 400: BAD_REQUEST, 401: UNAUTHENTICATED},
    )
    def create(self, request: Request) -> Response:
        assert isinstance(request.user, User)  # IsAuthenticatedOrReadOnly
        serializer = LonglistCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "fork" in data:
            source = longlist_access(slug=data["fork"], user=request.user)
            longlist = longlist_fork(
                user=request.user,
                source=source,
                title=data.get("title") or None,
                visibility=data.get("visibility"),
            )
        else:
            longlist = longlist_create(
                user=request.user,
                title=data["title"],
                description=data["description"],
                visibility=data["visibility"],
                items=[ItemText(title=i["title"], summary=i["summary"]) for i in data["items"]],
            )
        return Response(_detail(longlist), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=LonglistUpdateSerializer,
        responses=write_responses(
            LonglistDetailSerializer,
            conflict=field_conflict(
                "visibility", "A public group rates the list: it stays public."
            ),
        ),
    )
    def partial_update(self, request: Request, slug: str) -> Response:
        longlist = longlist_access(slug=slug, user=request.user, need=ListNeed.CHANGE)
        serializer = LonglistUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data:
            longlist_update(longlist=longlist, **serializer.validated_data)
        return Response(_detail(longlist))

    @extend_schema(
        request=ItemAddSerializer,
        responses=write_responses(LonglistItemSerializer, status_code=201),
    )
    @action(detail=True, methods=["post"])
    def items(self, request: Request, slug: str) -> Response:
        longlist, owner = _owned(request, slug)
        serializer = ItemAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        theory = longlist_item_add(longlist=longlist, by=owner, **serializer.validated_data)
        return Response(LonglistItemSerializer(theory).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: LonglistChangeSerializer(many=True), 404: NOT_FOUND})
    @action(detail=True, methods=["get"], permission_classes=[AllowAny])
    def changes(self, request: Request, slug: str) -> Response:
        longlist = longlist_access(slug=slug, user=request.user)
        page = self.paginate_queryset(longlist_changes(longlist=longlist))
        return self.get_paginated_response(LonglistChangeSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], responses={200: ProposalSerializer(many=True), 404: NOT_FOUND})
    @extend_schema(
        methods=["POST"],
        request=ProposalInSerializer,
        responses=write_responses(ProposalCreatedSerializer, status_code=201),
    )
    @action(detail=True, methods=["get", "post"])
    def proposals(self, request: Request, slug: str) -> Response:
        """GET: the owner sees every proposal, anyone else their own and the decided ones.
        POST: propose an item, answered with the items and pending proposals worded alike."""
        if request.method == "GET":
            longlist = longlist_access(slug=slug, user=request.user)
            page = self.paginate_queryset(proposals_visible(longlist=longlist, user=request.user))
            return self.get_paginated_response(ProposalSerializer(page, many=True).data)
        longlist = longlist_propose_access(slug=slug, user=request.user)
        assert isinstance(request.user, User)  # IsAuthenticatedOrReadOnly
        serializer = ProposalInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal, similar = proposal_create(
            longlist=longlist, user=request.user, **serializer.validated_data
        )
        data = ProposalSerializer(proposal).data
        data["similar"] = SimilarSerializer(similar, many=True).data
        return Response(data, status=status.HTTP_201_CREATED)

    @_owner_part_action(
        "post",
        r"proposals/(?P<proposal_id>[0-9]+)/decide",
        "proposal-decide",
        body=ProposalDecideSerializer,
        answer=ProposalSerializer,
        conflict=OpenApiResponse(DetailSerializer, description="Already decided."),
    )
    def decide(self, request: Request, slug: str, proposal_id: str) -> Response:
        _, owner, proposal, data = _owner_part_change(
            request, slug, find=proposal_of, pk=proposal_id, body=ProposalDecideSerializer
        )
        proposal = proposal_decide(proposal=proposal, by=owner, **data)
        return Response(ProposalSerializer(proposal).data)

    @_owner_part_action(
        "patch",
        r"items/(?P<item_id>[0-9]+)",
        "item-detail",
        body=ItemChangeSerializer,
        answer=LonglistItemSerializer,
        conflict=field_conflict("status", "Already retired."),
    )
    def item(self, request: Request, slug: str, item_id: str) -> Response:
        """Reword an item (its ratings and earlier text kept, its revision raised) or retire it,
        optionally pointing to the item that replaces it."""
        longlist, owner, theory, data = _owner_part_change(
            request, slug, find=longlist_item_of, pk=item_id, body=ItemChangeSerializer
        )
        if "status" in data:
            replacement = None
            if data.get("replaced_by") is not None:
                replacement = longlist.items.filter(pk=data["replaced_by"]).first()
                if replacement is None:
                    raise ValidationError({"replaced_by": ["Not an item of this list."]})
            theory = longlist_item_retire(item=theory, by=owner, replaced_by=replacement)
        else:
            theory = longlist_item_reword(
                item=theory, by=owner, title=data.get("title"), summary=data.get("summary")
            )
        return Response(LonglistItemSerializer(theory).data)
