"""REST endpoints for comments. Parse, check access (discussion.access), call a service, shape
the answer. A service's CommentInvalid is a domain error: DRF's exception handler answers its
400. Writes share the per-user "comments" throttle; reading is never throttled."""

from functools import partial

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from impactboard.request_types import AuthedRequest
from impactboard.schema import BAD_REQUEST, UNAUTHENTICATED, write_responses
from impactboard.serializers import DetailSerializer
from impactboard.throttling import WriteThrottle
from theories.models import Theory

from .access import CommentNeed, ThreadAccess, comment_access, comment_readable, thread_access
from .markdown import render_markdown
from .models import CommentVote
from .selectors import ORDERINGS, comment_get, comment_versions, thread_comments, viewer_context
from .serializers import (
    CommentCreateSerializer,
    CommentEditSerializer,
    CommentSerializer,
    HideSerializer,
    PreviewResultSerializer,
    PreviewSerializer,
    ReportSerializer,
    RetractSerializer,
    VoteSerializer,
)
from .services import (
    UNSET,
    comment_create,
    comment_delete,
    comment_edit,
    comment_hide,
    comment_report,
    comment_retract,
    comment_vote,
)

NOT_FOUND = OpenApiResponse(
    DetailSerializer, description="No such theory or comment, or one in a private group."
)
FORBIDDEN = OpenApiResponse(
    DetailSerializer, description="Not a member of the group, or not yours to change."
)
# A write's answers, with this app's own 403 and 404.
_write_responses = partial(write_responses, forbidden=FORBIDDEN, not_found=NOT_FOUND)
GROUP_PARAM = OpenApiParameter(
    "group", str, description="A group's slug: that group's own thread (members only)."
)
ORDERING_PARAM = OpenApiParameter(
    "ordering", str, enum=list(ORDERINGS), description="oldest (the default), newest or top."
)


def _comment_response(
    request: Request, *, pk: int, thread: ThreadAccess, code: int = status.HTTP_200_OK
) -> Response:
    comment = comment_get(pk=pk)
    viewer = viewer_context(thread=thread, comments=[comment], user=request.user)
    return Response(CommentSerializer(comment, context={"viewer": viewer}).data, status=code)


class CommentWriteView(GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_classes = [WriteThrottle]
    throttle_scope = "comments"


class ThreadCommentsView(CommentWriteView):
    """A theory's comments: the public thread, or with `group` that group's own thread."""

    serializer_class = CommentSerializer

    def _theory(self, pk: int) -> Theory:
        # Visibility of its list is the thread's rule (discussion.access.thread_access).
        theory = Theory.objects.select_related("longlist").filter(pk=pk).first()
        if theory is None:
            raise Http404("No such theory.")
        return theory

    @extend_schema(
        parameters=[GROUP_PARAM, ORDERING_PARAM],
        responses={200: CommentSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> Response:
        thread = thread_access(
            theory=self._theory(pk),
            group_slug=request.query_params.get("group"),
            user=request.user,
        )
        ordering = request.query_params.get("ordering", "oldest")
        page = self.paginate_queryset(thread_comments(thread=thread, ordering=ordering))
        assert page is not None, "DEFAULT_PAGINATION_CLASS is set, so a page always comes back"
        viewer = viewer_context(thread=thread, comments=list(page), user=request.user)
        data = CommentSerializer(page, many=True, context={"viewer": viewer}).data
        return self.get_paginated_response(data)

    @extend_schema(
        parameters=[GROUP_PARAM],
        request=CommentCreateSerializer,
        responses=_write_responses(CommentSerializer, status_code=201),
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        theory = self._theory(pk)
        serializer = CommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        thread = thread_access(
            theory=theory,
            group_slug=data.get("group") or request.query_params.get("group"),
            user=request.user,
        )
        comment = comment_create(
            author=request.user,
            theory=theory,
            group=thread.group,
            body=data["body"],
            stance=data.get("stance"),
            parent_id=data.get("parent"),
        )
        return _comment_response(request, pk=comment.pk, thread=thread, code=201)


class CommentDetailView(CommentWriteView):
    serializer_class = CommentSerializer

    @extend_schema(responses={200: CommentSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        comment, thread = comment_access(comment_id=pk, user=request.user)
        return _comment_response(request, pk=comment.pk, thread=thread)

    @extend_schema(
        request=CommentEditSerializer,
        responses=_write_responses(CommentSerializer),
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Edit the body and/or stance (author only); the earlier text is kept as a version."""
        comment, thread = comment_access(comment_id=pk, user=request.user, need=CommentNeed.AUTHOR)
        serializer = CommentEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        comment_edit(
            comment=comment, body=data.get("body", UNSET), stance=data.get("stance", UNSET)
        )
        return _comment_response(request, pk=comment.pk, thread=thread)

    @extend_schema(responses={204: None, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND})
    def delete(self, request: Request, pk: int) -> Response:
        """Its author, or a moderator of its thread (a facilitator of its group; staff for the
        public thread). A placeholder stays so the replies keep their place."""
        comment, _ = comment_access(
            comment_id=pk, user=request.user, need=CommentNeed.AUTHOR_OR_MODERATOR
        )
        comment_delete(comment=comment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentRetractView(CommentWriteView):
    serializer_class = CommentSerializer
    permission_classes = [IsAuthenticated]
    retracted = True

    @extend_schema(
        request=RetractSerializer,
        responses=_write_responses(CommentSerializer),
    )
    def post(self, request: Request, pk: int) -> Response:
        """Retract (author only): kept, struck through, no longer endorsed. `{"retracted":
        false}`, or POST to .../unretract/, takes the retraction back."""
        comment, thread = comment_access(comment_id=pk, user=request.user, need=CommentNeed.AUTHOR)
        serializer = RetractSerializer(data=request.data or {"retracted": self.retracted})
        serializer.is_valid(raise_exception=True)
        comment_retract(comment=comment, retracted=serializer.validated_data["retracted"])
        return _comment_response(request, pk=comment.pk, thread=thread)


class CommentUnretractView(CommentRetractView):
    retracted = False


class CommentVoteView(CommentWriteView):
    """Quality: 1 up, -1 down, 0 withdraws. One per person; a repeat replaces it."""

    serializer_class = CommentSerializer
    permission_classes = [IsAuthenticated]
    kind = CommentVote.Kind.QUALITY

    @extend_schema(
        request=VoteSerializer,
        responses=_write_responses(CommentSerializer),
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        comment, thread = comment_access(comment_id=pk, user=request.user)
        serializer = VoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment_vote(
            comment=comment,
            user=request.user,
            kind=self.kind,
            value=serializer.validated_data["value"],
        )
        return _comment_response(request, pk=comment.pk, thread=thread)


class CommentAgreeView(CommentVoteView):
    """Agreement, separate from quality: 1 agree, -1 disagree, 0 withdraws (an extension)."""

    kind = CommentVote.Kind.AGREEMENT


class CommentHideView(CommentWriteView):
    serializer_class = CommentSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=HideSerializer,
        responses=_write_responses(CommentSerializer),
    )
    def post(self, request: Request, pk: int) -> Response:
        """A facilitator of the comment's group (staff, in a public thread) hides it from
        readers, or with `{"hidden": false}` shows it again."""
        comment, thread = comment_access(
            comment_id=pk, user=request.user, need=CommentNeed.MODERATOR
        )
        serializer = HideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment_hide(comment=comment, hidden=serializer.validated_data["hidden"])
        return _comment_response(request, pk=comment.pk, thread=thread)


class CommentReportView(CommentWriteView):
    serializer_class = ReportSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ReportSerializer,
        responses=_write_responses(DetailSerializer, status_code=201),
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        comment, _ = comment_access(comment_id=pk, user=request.user)
        serializer = ReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment_report(
            comment=comment, reporter=request.user, reason=serializer.validated_data["reason"]
        )
        body = DetailSerializer({"detail": "Reported. Thank you."})
        return Response(body.data, status=status.HTTP_201_CREATED)


class CommentVersionSerializer(serializers.Serializer):
    body = serializers.CharField()
    body_html = serializers.CharField()
    stance = serializers.CharField(allow_null=True)
    written_at = serializers.DateTimeField()
    replaced_at = serializers.DateTimeField()


class CommentVersionsView(GenericAPIView):
    """Earlier versions of an edited comment, newest first."""

    serializer_class = CommentVersionSerializer

    @extend_schema(
        responses={200: CommentVersionSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND}
    )
    def get(self, request: Request, pk: int) -> Response:
        comment, thread = comment_access(comment_id=pk, user=request.user)
        versions = comment_versions(comment=comment)
        if not comment_readable(
            comment=comment, viewer_id=request.user.pk, can_moderate=thread.can_moderate
        ):
            versions = versions.none()
        page = self.paginate_queryset(versions)
        return self.get_paginated_response(CommentVersionSerializer(page, many=True).data)


class CommentPreviewView(GenericAPIView):
    """The HTML a markdown body would be stored as, for the preview beside the form."""

    serializer_class = PreviewSerializer
    permission_classes = [IsAuthenticated]
    throttle_classes = [WriteThrottle]
    throttle_scope = "writes"

    @extend_schema(
        request=PreviewSerializer,
        responses={200: PreviewResultSerializer, 400: BAD_REQUEST, 401: UNAUTHENTICATED},
    )
    def post(self, request: Request) -> Response:
        serializer = PreviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        html = render_markdown(serializer.validated_data["body"])
        return Response(PreviewResultSerializer({"body_html": html}).data)
