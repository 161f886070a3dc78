from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .access import comment_readable
from .models import BODY_MAX_CHARS, Comment, CommentVote
from .selectors import ViewerContext
from .services import REASON_MAX_CHARS


class CommentSerializer(serializers.ModelSerializer):
    """A comment as the contract shows it, plus extensions: `theory`, `group`, `hidden`,
    agreement counts, the caller's own votes, and the author's rating in a group thread.
    A deleted comment is a placeholder (no body); a hidden one shows its body only to its
    author and the thread's moderators."""

    author = serializers.SerializerMethodField()
    group = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    stance = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    agree = serializers.SerializerMethodField()
    disagree = serializers.SerializerMethodField()
    my_vote = serializers.SerializerMethodField()
    my_agreement = serializers.SerializerMethodField()
    author_rating = serializers.SerializerMethodField()
    moved = serializers.SerializerMethodField()
    moved_mean_change = serializers.SerializerMethodField()
    moved_before_edit = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "author",
            "body",
            "body_html",
            "stance",
            "parent",
            "created_at",
            "edited_at",
            "retracted",
            "deleted",
            "score",
            "theory",
            "group",
            "hidden",
            "agree",
            "disagree",
            "my_vote",
            "my_agreement",
            "author_rating",
            "moved",
            "moved_mean_change",
            "moved_before_edit",
        ]
        read_only_fields = fields

    @property
    def _viewer(self) -> ViewerContext:
        return self.context.get("viewer") or ViewerContext()

    def _readable(self, c: Comment) -> bool:
        viewer = self._viewer
        return comment_readable(
            comment=c, viewer_id=viewer.viewer_id, can_moderate=viewer.can_moderate
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, c: Comment) -> str | None:
        if not (c.author_id and c.author):
            return None
        # A guest's account carries the guest's chosen name (groups.services.guests).
        return c.author.first_name or c.author.username

    @extend_schema_field(serializers.SlugField(allow_null=True))
    def get_group(self, c: Comment) -> str | None:
        return c.group.slug if c.group_id and c.group else None

    def get_body(self, c: Comment) -> str:
        return c.body if self._readable(c) else ""

    def get_body_html(self, c: Comment) -> str:
        return c.body_html if self._readable(c) else ""

    @extend_schema_field(serializers.ChoiceField(choices=Comment.Stance.choices, allow_null=True))
    def get_stance(self, c: Comment) -> str | None:
        return c.stance if self._readable(c) else None

    def get_score(self, c: Comment) -> int:
        return int(getattr(c, "score", 0) or 0)

    def get_agree(self, c: Comment) -> int:
        return int(getattr(c, "agree_count", 0) or 0)

    def get_disagree(self, c: Comment) -> int:
        return int(getattr(c, "disagree_count", 0) or 0)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_my_vote(self, c: Comment) -> int | None:
        return self._viewer.my_votes.get(c.pk, {}).get(CommentVote.Kind.QUALITY)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_my_agreement(self, c: Comment) -> int | None:
        return self._viewer.my_votes.get(c.pk, {}).get(CommentVote.Kind.AGREEMENT)

    @extend_schema_field(serializers.IntegerField(allow_null=True, min_value=1, max_value=10))
    def get_author_rating(self, c: Comment) -> int | None:
        ratings = self._viewer.author_ratings
        if ratings is None or c.author_id is None:
            return None
        return ratings.get(c.author_id)

    @extend_schema_field(serializers.IntegerField(min_value=0))
    def get_moved(self, c: Comment) -> int:
        """How many submitted rating items name this comment as the argument that moved them,
        in the groups whose results the reader may see."""
        cited = self._viewer.citations.get(c.pk)
        return cited.moved if cited else 0

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_moved_mean_change(self, c: Comment) -> float | None:
        cited = self._viewer.citations.get(c.pk)
        return cited.mean_change if cited else None

    @extend_schema_field(serializers.IntegerField(min_value=0))
    def get_moved_before_edit(self, c: Comment) -> int:
        """Of those citations, how many were given to an earlier version (before its last edit)."""
        cited = self._viewer.citations.get(c.pk)
        return cited.to_earlier_version if cited else 0


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    stance = serializers.ChoiceField(
        choices=Comment.Stance.choices, allow_null=True, allow_blank=True, required=False
    )
    # The API's field name; DRF's metaclass takes declared fields off the class, so it does
    # not shadow the Field attribute of the same name at run time.
    parent = serializers.IntegerField(allow_null=True, required=False, min_value=1)  # type: ignore[assignment]
    group = serializers.SlugField(allow_null=True, allow_blank=True, required=False)


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False)
    stance = serializers.ChoiceField(
        choices=Comment.Stance.choices, allow_null=True, allow_blank=True, required=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Send a new body, a new stance, or both.")
        return attrs


class VoteSerializer(serializers.Serializer):
    value = serializers.IntegerField(min_value=-1, max_value=1)


class RetractSerializer(serializers.Serializer):
    retracted = serializers.BooleanField(default=True)


class HideSerializer(serializers.Serializer):
    hidden = serializers.BooleanField(default=True)


class ReportSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_CHARS)


class PreviewSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=BODY_MAX_CHARS)


class PreviewResultSerializer(serializers.Serializer):
    body_html = serializers.CharField()
