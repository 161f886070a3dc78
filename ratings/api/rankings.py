"""Stored rankings, their comparison, and a theory's distribution. Public, unhidden rankings are
answered from the ranking cache when its ETag is current: a poll that finds nothing new costs no
query."""

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from groups.access import group_access, results_visible_to
from groups.services.guests import TOKEN_PREFIX as GUEST_TOKEN_PREFIX
from impactboard.schema import BAD_REQUEST, NOT_FOUND
from theories.access import longlist_access, theory_for

from ..models import GLOBAL_SCOPE, list_scope
from ..ranking_cache import (
    group_ranking_cached,
    ranking_body,
    ranking_cached,
    ranking_payload,
    ranking_read_remember,
)
from ..selectors import ranking_comparison, ranking_get, theory_distribution
from ..selectors.rounds import round_scope
from ..serializers import ComparisonSerializer, DistributionSerializer, RankingSerializer
from .schema import ROUND_PARAMETER, round_number_param, round_required


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
    response: Response | HttpResponse
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
        # Except for a guest's token: it must be refused (401) outside its group, even where the
        # answer would not depend on who asks.
        if request.META.get("HTTP_AUTHORIZATION", "").startswith(f"Token {GUEST_TOKEN_PREFIX}"):
            request.user  # noqa: B018 (authenticates now)


class GroupRankingsView(LazyAuthMixin, APIView):
    """A group's stored ranking. Anyone for a public group; members only for a private one.
    Hidden until the caller has rated, when the group says so."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[ROUND_PARAMETER],
        responses={200: RankingSerializer, 304: None, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> Response | HttpResponse:
        number = round_number_param(request, "round")
        if number is not None:
            return self._round(request, slug, number)
        meta, current, body = group_ranking_cached(slug=slug)
        if meta and meta["public"] and not meta["hidden"]:
            # Readable by anyone: the caller's identity cannot change the answer.
            if (cached := _cached_answer(request, current, body)) is not None:
                return cached
        access = group_access(slug=slug, user=request.user)
        hidden = not results_visible_to(access=access, user=request.user)
        public = access.group.is_public and not access.group.results_hidden
        return _ranking_response(request, access.group.scope, hidden=hidden, cacheable=public)

    def _round(self, request: Request, slug: str, number: int) -> Response | HttpResponse:
        """Round `number`'s stored ranking: same shape, order and read rules."""
        access = group_access(slug=slug, user=request.user)
        round_required(group=access.group, number=number)
        hidden = not results_visible_to(access=access, user=request.user)
        return _ranking_response(
            request, round_scope(group=access.group, number=number), hidden=hidden
        )


class GlobalRankingsView(LazyAuthMixin, APIView):
    """The ranking across every rating in every public group."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: RankingSerializer, 304: None})
    def get(self, request: Request) -> Response | HttpResponse:
        if (cached := _cached_answer(request, *ranking_cached(scope=GLOBAL_SCOPE))) is not None:
            return cached
        return _ranking_response(request, GLOBAL_SCOPE, cacheable=True)


class LonglistRankingsView(LazyAuthMixin, APIView):
    """A list's global ranking: the listed public groups that rate it, by the rule of the global
    ranking (which is the default list's). A private list: 404 to those who may not see it."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: RankingSerializer, 304: None, 404: NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response | HttpResponse:
        longlist = longlist_access(slug=slug, user=request.user)
        scope = GLOBAL_SCOPE if longlist.is_default else list_scope(longlist.pk)
        return _ranking_response(request, scope, cacheable=longlist.is_public)


class GroupComparisonView(APIView):
    """Each theory's place in the group beside its place across all public groups, with
    Kendall's tau-b between the group's and the global means (theories rated in both)."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: ComparisonSerializer, 304: None, 404: NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user)
        if not results_visible_to(access=access, user=request.user):
            hidden: dict[str, Any] = {"hidden": True, "rank_correlation": None, "results": []}
            return Response(ComparisonSerializer(hidden).data)
        group = ranking_get(scope=access.group.scope)
        # Compared with the global ranking of the group's own list.
        longlist = access.group.longlist
        world = ranking_get(scope=GLOBAL_SCOPE if longlist.is_default else list_scope(longlist.pk))
        etag = f'"cmp-{access.group.pk}-{group.version}-{world.version}"'
        if request.headers.get("If-None-Match") == etag:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            comparison = ranking_comparison(group=group, world=world)
            response = Response(ComparisonSerializer(comparison).data)
        response["ETag"] = etag
        return response


class TheoryDistributionView(APIView):
    """A theory's score histogram across all public groups, and in each of the caller's
    groups (from the stored rankings; hidden groups say so instead)."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: DistributionSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        theory = theory_for(user=request.user, pk=pk)  # 404: unknown, or a list not visible
        distribution = theory_distribution(theory=theory, user=request.user)
        return Response(DistributionSerializer(distribution).data)
