"""Argued comments on a theory: public (group is null) or inside one group's own thread."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from groups.models import DiscussionGroup
from theories.models import Theory

BODY_MAX_CHARS = 10_000


class Comment(models.Model):
    class Stance(models.TextChoices):
        FOR = "for", "For"
        AGAINST = "against", "Against"
        NEUTRAL = "neutral", "Neutral"

    theory = models.ForeignKey(Theory, on_delete=models.CASCADE, related_name="comments")
    # Null: the public thread. Otherwise the group's own thread, for its members only.
    group = models.ForeignKey(
        DiscussionGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    # Comments are only ever soft-deleted, so a parent row stays and its replies keep their place.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    body = models.TextField(blank=True)  # markdown source
    body_html = models.TextField(blank=True)  # derived: rendered and sanitised on save
    # Null, not "": the contract's stance is "for" | "against" | "neutral" | null.
    stance = models.CharField(max_length=7, null=True, blank=True, choices=Stance.choices)  # noqa: DJ001
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    retracted = models.BooleanField(default=False)
    deleted = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)  # by a facilitator (or staff, in public)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stance__isnull=True) | Q(stance__in=["for", "against", "neutral"]),
                name="comment_stance_valid",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), BODY_MAX_CHARS),
                name="comment_body_at_most_10000",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")),
                name="comment_not_its_own_parent",
            ),
        ]
        indexes = [
            models.Index(fields=["theory", "group", "created_at"], name="comment_thread"),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on theory {self.theory_id}"


class CommentVersion(models.Model):
    """An earlier body of an edited comment, as it read from `written_at` until `replaced_at`."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="versions")
    body = models.TextField()
    body_html = models.TextField()
    stance = models.CharField(  # noqa: DJ001
        max_length=7, null=True, blank=True, choices=Comment.Stance.choices
    )
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "id"]


class CommentVote(models.Model):
    """One person's vote of one kind on one comment: quality (the contract's `vote`) or
    agreement. A repeat replaces it; a zero removes it."""

    class Kind(models.TextChoices):
        QUALITY = "quality", "Quality"
        AGREEMENT = "agreement", "Agreement"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_votes"
    )
    kind = models.CharField(max_length=9, choices=Kind.choices)
    value = models.SmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user", "kind"], name="comment_vote_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["quality", "agreement"]), name="comment_vote_kind_valid"
            ),
            models.CheckConstraint(condition=Q(value__in=[-1, 1]), name="comment_vote_plus_minus"),
        ]


class CommentReport(models.Model):
    """Someone flagged a comment for the staff (and, in a group, its facilitators)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reports"
    )
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="comment_report_once"),
        ]
