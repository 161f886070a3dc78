from django.conf import settings
from django.db import models
from django.db.models import Q

from groups.models import DiscussionGroup, Participant
from theories.models import Theory


class Round(models.Model):
    """A phase of a group's rating, as in a Delphi study: rate, see the feedback, argue, rate
    again. Every group has round 1 from its creation; at most one round is open at a time."""

    group = models.ForeignKey(DiscussionGroup, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="round_number_unique"),
            models.UniqueConstraint(
                fields=["group"], condition=Q(closed_at__isnull=True), name="round_one_open"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="round_number_positive"),
        ]

    def __str__(self) -> str:
        return f"round {self.number} of {self.group}"


class Rating(models.Model):
    """A participant's current score for one theory. `group` repeats participant.group so that
    the per-scope GROUP BY reads one table through one index."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ratings")
    group = models.ForeignKey(DiscussionGroup, on_delete=models.CASCADE, related_name="ratings")
    theory = models.ForeignKey(Theory, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField()
    rationale = models.CharField(max_length=280, blank=True, default="")
    updated_at = models.DateTimeField()
    # The round it was submitted in.
    round = models.PositiveSmallIntegerField(default=1, db_default=1)
    # The item's wording (theories.Theory.revision) the score was given on: an item reworded
    # since is shown to the rater as "reworded since you rated: keep or re-rate".
    revision = models.PositiveIntegerField(default=1, db_default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "theory"], name="rating_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=10), name="rating_score_1_to_10"
            ),
        ]
        indexes = [models.Index(fields=["group", "theory", "score"], name="rating_histogram")]


class Submission(models.Model):
    """Append-only record of one save. Never updated, never deleted by a later save."""

    class Source(models.TextChoices):
        PAGE = "page", "Rating page"
        API = "api", "API"
        IMPORT = "import", "Spreadsheet import"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="submissions"
    )
    group = models.ForeignKey(DiscussionGroup, on_delete=models.CASCADE, related_name="submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=6, choices=Source.choices)
    note = models.CharField(max_length=255, blank=True, default="")
    # The group's round open at the time.
    round = models.PositiveSmallIntegerField(default=1, db_default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["group", "round", "participant"], name="submission_round"),
        ]


class SubmissionItem(models.Model):
    """One theory's value in a submission; a null score records that the rating was removed."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="items")
    theory = models.ForeignKey(Theory, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True)
    rationale = models.CharField(max_length=280, blank=True, default="")
    # The argument that moved this change, if the rater named one. Comments are only ever
    # soft-deleted; SET_NULL covers the rare hard delete (an account or a group removed).
    moved_by = models.ForeignKey(
        "discussion.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "theory"], name="item_unique"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=1) & Q(score__lte=10)),
                name="item_score_null_or_1_to_10",
            ),
        ]
