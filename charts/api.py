"""Figure JSON next to each ranking: the same read rules and the same ETag / 304 rules as the
answer it is drawn from, so a poll that finds nothing new costs a 304 here too."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from groups.access import group_access, results_visible_to
from ratings.models import GLOBAL_SCOPE
from ratings.selectors import (
    ranking_comparison,
    ranking_get,
    ranking_payload,
    theory_distribution,
)
from theories.access import theory_for

from .figures import ranking_figures
from .more_figures import comparison_figure, distribution_figure

# Bump when the figures change shape, so that browsers holding an old ETag get the new ones.
FIGURES_VERSION = 1
HIDDEN_DETAIL = "Results are hidden until you have rated in this group."

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


def _answer(request: Request, etag: str, build: Any) -> Response:
    if request.headers.get("If-None-Match") == etag:
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    else:
        response = Response(build())
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


def _ranking_figures_answer(request: Request, scope: str) -> Response:
    ranking = ranking_get(scope=scope)

    def build() -> dict[str, Any]:
        payload = ranking_payload(ranking)
        return {
            "computed_at": payload["computed_at"],
            "raters": payload["raters"],
            "hidden": False,
            "figures": ranking_figures(payload),
        }

    return _answer(request, figures_etag(ranking.etag), build)


class GroupRankingFiguresView(APIView):
    """The charts of a group's ranking. Read rules as for the group's rankings."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: FiguresSerializer, 304: None, 404: NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user)
        if not results_visible_to(access=access, user=request.user):
            # The rankings API's hidden answer: no aggregate, no ETag that could leak one.
            ranking = ranking_get(scope=access.group.scope)
            return Response(
                {
                    "computed_at": None,
                    "raters": ranking.raters,
                    "hidden": True,
                    "detail": HIDDEN_DETAIL,
                    "figures": {},
                }
            )
        return _ranking_figures_answer(request, access.group.scope)


class GlobalRankingFiguresView(APIView):
    """The charts of the global ranking."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: FiguresSerializer, 304: None})
    def get(self, request: Request) -> Response:
        return _ranking_figures_answer(request, GLOBAL_SCOPE)


class GroupComparisonFigureView(APIView):
    """The group-against-global chart. Read rules as for the comparison."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: OneFigureSerializer, 304: None, 404: NOT_FOUND})
    def get(self, request: Request, slug: str) -> Response:
        access = group_access(slug=slug, user=request.user)
        if not results_visible_to(access=access, user=request.user):
            return Response({"hidden": True, "figure": None})
        group = ranking_get(scope=access.group.scope)
        world = ranking_get(scope=GLOBAL_SCOPE)
        etag = figures_etag(f"cmp-{access.group.pk}-{group.version}-{world.version}")
        return _answer(
            request,
            etag,
            lambda: {
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
