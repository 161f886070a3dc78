"""Figure JSON next to each ranking: the same read rules and the same ETag / 304 rules as the
answer it is drawn from, so a poll that finds nothing new costs a 304 here too. The figures
themselves come from `charts`, the pure library that draws them.

A ranking's figures are cached as rendered JSON beside its ETag (issue 24): when a ranking
changes, every open page fetches its figures, and building them is milliseconds of plotly per
request. As for the rankings, a public group's answer never depends on who asks, so it comes
from the cache with no query and no authentication."""

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from charts.figures import figure_spec, page_spec, ranking_figures
from charts.group_vs_global import comparison_figure, distribution_figure
from groups.access import group_access, results_visible_to
from impactboard.cache import body_cached
from ratings.api.answers import cached_answer, conditional_answer, hidden_answer
from theories.access import theory_for

from ..ranking_cache import (
    comparison_etag,
    group_meta_cached,
    ranking_etags_with,
    ranking_read_remember,
)
from ..scope import Scope
from ..selectors import ranking_comparison, ranking_get, ranking_payload, theory_distribution
from ..serializers.figures import FiguresSerializer, OneFigureSerializer
from .rankings import LazyAuthMixin, comparison_cached, comparison_rankings

# Bump when the figures change shape, so that browsers holding an old ETag get the new ones.
# 2: one spec per answer (issue 24): `shared` layout and config, each figure its own part.
FIGURES_VERSION = 2

NOT_FOUND = OpenApiResponse(description="No such group, or a private one.")


def figures_etag(etag: str) -> str:
    """The figures' ETag, derived from the ETag of the data they are drawn from."""
    return f'"fig{FIGURES_VERSION}-{etag.strip(chr(34))}"'


def _rendered(data: dict[str, Any]) -> bytes:
    return JSONRenderer().render(data)


def _cached_body(cached: Any, etag: str) -> bytes | None:
    return cached[1] if cached and cached[0] == etag else None


def _ranking_figures_answer(
    request: Request, scope: Scope, *, public: bool
) -> Response | HttpResponse:
    """`public`: the ranking may be read by anyone (a public group whose results show)."""
    key = f"figures:ranking:{scope.key}"
    (current,), cached = ranking_etags_with(scopes=[scope], key=key)
    if current:
        etag = figures_etag(current)
        answer = cached_answer(request, etag=etag, body=_cached_body(cached, etag))
        if answer is not None:
            return answer
    ranking = ranking_get(scope=scope)
    if public:
        ranking_read_remember(scope=scope, etag=ranking.etag)  # for the next poll's fast path
    etag = figures_etag(ranking.etag)

    def build() -> bytes:
        payload = ranking_payload(ranking)
        return _rendered(
            {
                "computed_at": payload["computed_at"],
                "raters": payload["raters"],
                "hidden": False,
                **page_spec(ranking_figures(payload)),
            }
        )

    return conditional_answer(
        request, etag=etag, build=lambda: body_cached(key=key, etag=etag, build=build)
    )


class GroupRankingFiguresView(LazyAuthMixin, APIView):
    """The charts of a group's ranking. Read rules as for the group's rankings."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: FiguresSerializer, 304: None, 404: NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response | HttpResponse:
        meta = group_meta_cached(slug=slug)
        if meta and meta["public"] and not meta["hidden"]:
            # Readable by anyone: the caller's identity cannot change the answer.
            return _ranking_figures_answer(request, Scope.parse(meta["scope"]), public=True)
        access = group_access(slug=slug, user=request.user)
        if not results_visible_to(access=access, user=request.user):
            # The rankings API's hidden answer: no aggregate, no ETag that could leak one.
            ranking = ranking_get(scope=Scope.group(access.group.pk))
            return hidden_answer({"figures": {}}, raters=ranking.raters)
        public = access.group.is_public and not access.group.results_hidden
        return _ranking_figures_answer(request, Scope.group(access.group.pk), public=public)


class GlobalRankingFiguresView(LazyAuthMixin, APIView):
    """The charts of the global ranking."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: FiguresSerializer, 304: None})
    def get(self, request: Request) -> Response | HttpResponse:
        return _ranking_figures_answer(request, Scope.global_(), public=True)


class GroupComparisonFigureView(LazyAuthMixin, APIView):
    """The group-against-global chart. Read rules as for the comparison."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: OneFigureSerializer, 304: None, 404: NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response | HttpResponse:
        # Readable by anyone: answered from the cache when it holds this version.
        cached = comparison_cached(request, slug=slug, key="figures:compare", etag_of=figures_etag)
        if cached is not None:
            return cached
        access = group_access(slug=slug, user=request.user)
        if not results_visible_to(access=access, user=request.user):
            return hidden_answer({"figure": None}, detail=False)
        group, world = comparison_rankings(access=access)
        etag = figures_etag(comparison_etag(group.etag, world.etag))
        return conditional_answer(
            request,
            etag=etag,
            build=lambda: body_cached(
                key=f"figures:compare:{group.scope.key}",
                etag=etag,
                build=lambda: _rendered(
                    {
                        "hidden": False,
                        **figure_spec(
                            comparison_figure(ranking_comparison(group=group, world=world))
                        ),
                    }
                ),
            ),
        )


class TheoryDistributionFigureView(APIView):
    """A theory's score distribution chart (hidden groups left out, as in the distribution)."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: OneFigureSerializer, 404: OpenApiResponse(description="No such theory.")}
    )
    def get(self, request: Request, pk: int) -> Response:
        theory = theory_for(user=request.user, pk=pk)  # 404: unknown, or a list not visible
        payload = theory_distribution(theory=theory, user=request.user)
        return Response({"hidden": False, **figure_spec(distribution_figure(payload))})
