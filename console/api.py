"""Live progress of a group's rating (the console on the group page, the projector): who has
rated, polled like the rankings."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from groups.access import GroupAccess, Need, group_access
from groups.selectors import group_member_count
from impactboard.schema import NOT_FOUND
from ratings.selectors import group_progress

from .selectors import present_snapshot


class ProgressView(APIView):
    """`{"round", "ratings_open", "results_hidden", "rated", "total", "round_raters",
    "members"}` for members; facilitators also get `"people"`: each rater's name, how many
    theories they rated, whether they rated in the open round. Counts only, never a score."""

    permission_classes = [AllowAny]  # group_access decides: 401/403 for outsiders, 404 private

    @extend_schema(
        responses={200: OpenApiResponse(description="progress"), 403: None, 404: NOT_FOUND}
    )
    def get(self, request: Request, slug: str) -> Response:
        access = _member_access(request, slug, Need.MEMBER)
        group = access.group
        body = group_progress(
            group=group,
            member_count=group_member_count(group=group),
            with_names=access.is_facilitator,
        )
        return _no_store(Response(body))


class PresentView(APIView):
    """What the projector draws (console.selectors): facilitators only. While the group
    hides its results: progress only."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: OpenApiResponse(description="projector"), 403: None, 404: NOT_FOUND}
    )
    def get(self, request: Request, slug: str) -> Response:
        access = _member_access(request, slug, Need.FACILITATOR)
        group = access.group
        body = present_snapshot(group=group, member_count=group_member_count(group=group))
        return _no_store(Response(body))


def _member_access(request: Request, slug: str, need: Need) -> GroupAccess:
    """404 for a private group's outsiders (signed in or not), 401 for anonymous callers of a
    public one, 403 for those without the role."""
    group_access(slug=slug, user=request.user)
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    return group_access(slug=slug, user=request.user, need=need)


def _no_store(response: Response) -> Response:
    # Names and counts change with every save: never from a cache.
    response["Cache-Control"] = "no-store"
    return response
