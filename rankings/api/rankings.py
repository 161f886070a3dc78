"""Stored rankings, their comparison, and a theory's distribution. Public, unhidden rankings are
answered from the ranking cache when its ETag is current: a poll that finds nothing new costs no
query."""

from collections.abc import Callable

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from groups.access import GroupAccess, group_access, results_visible_to
from groups.services.guests import TOKEN_PREFIX as GUEST_TOKEN_PREFIX
from impactboard.cache import body_cached
from impactboard.schema import BAD_REQUEST, NOT_FOUND
from ratings.api.answers import cached_answer, conditional_answer, hidden_answer
from ratings.api.schema import ROUND_PARAMETER, round_number_param, round_required
from theories.access import longlist_access, theory_for

from ..ranking_cache import (
    RankingView,
    comparison_etag,
    group_meta_cached,
    group_ranking_cached,
    ranking_body,
    ranking_cached,
    ranking_etags_with,
    ranking_payload,
    ranking_read_remember,
)
from ..scope import Scope, world_scope
from ..selectors import ranking_comparison, ranking_get, round_scope, theory_distribution
from ..serializers.rankings import ComparisonSerializer, DistributionSerializer, RankingSerializer


def _ranking_response(
    request: Request, scope: Scope, *, hidden: bool = False, cacheable: bool = False
) -> Response | HttpResponse:
    """A stored ranking's answer. `cacheable` (readable by anyone): answered with the rendered
    body, which is remembered with its ETag for the polls that follow."""
    ranking = ranking_get(scope=scope)
    if hidden:
        # Hidden until the caller has rated: no aggregates at all, not even through the ETag.
        return hidden_answer({"results": []}, raters=ranking.raters)
    if not cacheable:
        return conditional_answer(
            request, etag=ranking.etag, build=lambda: ranking_payload(ranking)
        )

    def rendered() -> bytes:
        body = ranking_body(ranking)
        ranking_read_remember(scope=scope, etag=ranking.etag, body=body)
        return body

    response = conditional_answer(request, etag=ranking.etag, build=rendered)
    if response.status_code == status.HTTP_304_NOT_MODIFIED:
        ranking_read_remember(scope=scope, etag=ranking.etag)
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
        # Readable by anyone: the caller's identity cannot change the answer.
        anyones = bool(meta and meta["public"] and not meta["hidden"])
        if anyones and (cached := cached_answer(request, etag=current, body=body)) is not None:
            return cached
        access = group_access(slug=slug, user=request.user)
        hidden = not results_visible_to(access=access, user=request.user)
        public = access.group.is_public and not access.group.results_hidden
        scope = Scope.group(access.group.pk)
        return _ranking_response(request, scope, hidden=hidden, cacheable=public)

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
        scope = Scope.global_()
        current, body = ranking_cached(scope=scope)
        if (cached := cached_answer(request, etag=current, body=body)) is not None:
            return cached
        return _ranking_response(request, scope, cacheable=True)


class LonglistRankingsView(LazyAuthMixin, APIView):
    """A list's global ranking: the listed public groups that rate it, by the rule of the global
    ranking (which is the default list's). A private list: 404 to those who may not see it."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: RankingSerializer, 304: None, 404: NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response | HttpResponse:
        longlist = longlist_access(slug=slug, user=request.user)
        scope = Scope.global_() if longlist.is_default else Scope.longlist(longlist.pk)
        return _ranking_response(request, scope, cacheable=longlist.is_public)


class GroupComparisonView(LazyAuthMixin, APIView):
    """Each theory's place in the group beside its place across all public groups, with
    Kendall's tau-b between the group's and the global means (theories rated in both)."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: ComparisonSerializer, 304: None, 404: NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response | HttpResponse:
        # Issue 24: every open group page polls this; a public group's answer comes from the
        # cache (both rankings' ETags and the body of that pair), as the rankings' do.
        cached = comparison_cached(request, slug=slug, key="rankings:compare", revalidate=False)
        if cached is not None:
            return cached
        access = group_access(slug=slug, user=request.user)
        if not results_visible_to(access=access, user=request.user):
            return hidden_answer({"rank_correlation": None, "results": []}, detail=False)
        group, world = comparison_rankings(access=access)
        etag = comparison_etag(group.etag, world.etag)
        return conditional_answer(
            request,
            etag=etag,
            build=lambda: body_cached(
                key=f"rankings:compare:{group.scope.key}",
                etag=etag,
                build=lambda: JSONRenderer().render(
                    ComparisonSerializer(ranking_comparison(group=group, world=world)).data
                ),
            ),
            revalidate=False,
        )


def comparison_cached(
    request: Request,
    *,
    slug: str,
    key: str,
    etag_of: Callable[[str], str] = str,
    revalidate: bool = True,
) -> Response | HttpResponse | None:
    """A public group's comparison-shaped answer (the comparison, its figure) from the cache
    alone: both rankings' current ETags and the body cached at `<key>:<the group's scope>` for
    exactly that pair (`etag_of` derives the answer's ETag from the pair's). None when the group
    is not readable by anyone or the cache cannot answer."""
    meta = group_meta_cached(slug=slug)
    if not (meta and meta["public"] and not meta["hidden"]):
        return None
    (here, world_etag), cached = ranking_etags_with(
        scopes=[Scope.parse(meta["scope"]), Scope.parse(meta["world"])],
        key=f"{key}:{meta['scope']}",
    )
    if not (here and world_etag):
        return None
    etag = etag_of(comparison_etag(here, world_etag))
    body = cached[1] if cached and cached[0] == etag else None
    return cached_answer(request, etag=etag, body=body, revalidate=revalidate)


def comparison_rankings(*, access: GroupAccess) -> tuple[RankingView, RankingView]:
    """The group's ranking and the global ranking of its own list, which it is compared with.
    A public group's puts both ETags back in the cache (they leave it a minute after their last
    recompute), so that the next poll takes the cached path (`comparison_cached`)."""
    group = ranking_get(scope=Scope.group(access.group.pk))
    world = ranking_get(
        scope=world_scope(
            longlist_id=access.group.longlist_id, is_default=access.group.longlist.is_default
        )
    )
    if access.group.is_public and not access.group.results_hidden:
        ranking_read_remember(scope=group.scope, etag=group.etag)
        ranking_read_remember(scope=world.scope, etag=world.etag)
    return group, world


class TheoryDistributionView(APIView):
    """A theory's score histogram across all public groups, and in each of the caller's
    groups (from the stored rankings; hidden groups say so instead)."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: DistributionSerializer, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        theory = theory_for(user=request.user, pk=pk)  # 404: unknown, or a list not visible
        distribution = theory_distribution(theory=theory, user=request.user)
        return Response(DistributionSerializer(distribution).data)
