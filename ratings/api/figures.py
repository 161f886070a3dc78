"""Figure JSON next to each ranking: the same read rules and the same ETag / 304 rules as the
answer it is drawn from, so a poll that finds nothing new costs a 304 here too. The figures
themselves come from `charts`, the pure library that draws them."""

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from charts.figures import ranking_figures
from charts.group_vs_global import comparison_figure, distribution_figure
from groups.access import group_access, results_visible_to
from theories.access import theory_for

from ..scope import Scope
from ..selectors import ranking_comparison, ranking_get, ranking_payload, theory_distribution
from .answers import conditional_answer, hidden_answer
from .rankings import comparison_etag

# Bump when the figures change shape, so that browsers holding an old ETag get the new ones.
FIGURES_VERSION = 1

FIGURE = serializers.DictField(help_text="A plotly figure: data, layout, config, empty, message.")
FiguresSerializer = inline_serializer(
    "RankingFigures",
    {
        "computed_at": serializers.DateTimeField(allow_null=True),
        "raters": serializers.IntegerField(),
        "hidden": serializers.BooleanField(),
        "figures": serializers.DictField(
            child=FIGURE, help_text="Keyed by chart: bars, heatmap, scatter."
        ),
    },
)
OneFigureSerializer = inline_serializer(
    "Figure",
    {
        "hidden": serializers.BooleanField(),
        "figure": serializers.DictField(
            allow_null=True, help_text="A plotly figure; null while the results are hidden."
        ),
    },
)
NOT_FOUND = OpenApiResponse(description="No such group, or a private one.")


def figures_etag(etag: str) -> str:
    """The figures' ETag, derived from the ETag of the data they are drawn from."""
    return f'"fig{FIGURES_VERSION}-{etag.strip(chr(34))}"'


def _ranking_figures_answer(request: Request, scope: Scope) -> Response | HttpResponse:
    ranking = ranking_get(scope=scope)

    def build() -> dict[str, Any]:
        payload = ranking_payload(ranking)
        return {
            "computed_at": payload["computed_at"],
            "raters": payload["raters"],
            "hidden": False,
            "figures": ranking_figures(payload),
        }

    return conditional_answer(request, etag=figures_etag(ranking.etag), build=build)


class GroupRankingFiguresView(APIView):
    """The charts of a group's ranking. Read rules as for the group's rankings."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: FiguresSerializer, 304: None, 404: NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response | HttpResponse:
        access = group_access(slug=slug, user=request.user)
        if not results_visible_to(access=access, user=request.user):
            # The rankings API's hidden answer: no aggregate, no ETag that could leak one.
            ranking = ranking_get(scope=Scope.group(access.group.pk))
            return hidden_answer({"figures": {}}, raters=ranking.raters)
        return _ranking_figures_answer(request, Scope.group(access.group.pk))


class GlobalRankingFiguresView(APIView):
    """The charts of the global ranking."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: FiguresSerializer, 304: None})
    def get(self, request: Request) -> Response | HttpResponse:
        return _ranking_figures_answer(request, Scope.global_())


class GroupComparisonFigureView(APIView):
    """The group-against-global chart. Read rules as for the comparison."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: OneFigureSerializer, 304: None, 404: NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response | HttpResponse:
        access = group_access(slug=slug, user=request.user)
        if not results_visible_to(access=access, user=request.user):
            return hidden_answer({"figure": None}, detail=False)
        group = ranking_get(scope=Scope.group(access.group.pk))
        # Compared with the global ranking of the group's own list, as GroupComparisonView does.
        longlist = access.group.longlist
        world = ranking_get(
            scope=Scope.global_() if longlist.is_default else Scope.longlist(longlist.pk)
        )
        etag = comparison_etag(group_id=access.group.pk, group=group, world=world)
        return conditional_answer(
            request,
            etag=figures_etag(etag),
            build=lambda: {
                "hidden": False,
                "figure": comparison_figure(ranking_comparison(group=group, world=world)),
            },
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
        return Response({"hidden": False, "figure": distribution_figure(payload)})
