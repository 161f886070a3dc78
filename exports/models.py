from django.conf import settings
from django.db import models
from django.db.models import Q

from groups.models import DiscussionGroup


class ImportJob(models.Model):
    """One spreadsheet upload into a group, from preview to committed (or failed).

    The uploaded bytes are kept in the row while the job is being previewed or waits for the
    worker, and dropped once it has run. Progress of a running job lives in the cache (the import
    runs in one transaction, so a progress column would be invisible until the end); `done` is
    written when the job finishes.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", "Preview"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    group = models.ForeignKey(DiscussionGroup, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    content = models.BinaryField(default=b"", editable=False)
    # Column index (as a string) -> "name", a theory number, or null (ignored).
    mapping = models.JSONField(default=dict)
    # Sheet names the facilitator said are new people, although they match someone in the group
    # (a member's username or a participant's name); every other match is taken.
    new_people = models.JSONField(default=list)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PREVIEW)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["preview", "queued", "running", "done", "failed"]),
                name="importjob_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"import of {self.file_name} into {self.group} ({self.status})"
