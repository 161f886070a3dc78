"""Every write of the exports app: importing a sheet into a group, and import jobs."""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from celery import signature
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from impactboard.errors import DomainError
from ratings.models import DiscussionGroup, Participant, Submission
from ratings.services import RatingItem, rating_submission_create
from theories.models import Theory

from .models import ImportJob
from .progress import import_progress_record
from .sheet_file import SheetUnreadable
from .sheets import Sheet, sheet_parse

logger = logging.getLogger(__name__)

# Sheets with more people than this are imported by a Celery task, with a progress bar.
IMPORT_SYNC_MAX_ROWS = 2_000
# A running job older than this has lost its worker (the task's hard time limit is below it).
IMPORT_STALE_AFTER = timedelta(minutes=35)
PREVIEW_JOBS_KEPT_FOR = timedelta(days=1)


class ImportInvalid(DomainError):
    """The sheet has problems (named in `sheet.problems`): nothing was written. The API answers
    400 with the count and the problems kept."""

    def __init__(self, sheet: Sheet) -> None:
        super().__init__(
            {
                "detail": f"The sheet has {sheet.problem_count} problem(s); nothing was imported.",
                "problem_count": sheet.problem_count,
                "problems": [p.as_dict() for p in sheet.problems],
            }
        )
        self.sheet = sheet


@dataclass(frozen=True)
class ImportResult:
    participants: int
    created: int
    reused: int
    ratings: int

    def as_dict(self) -> dict[str, int]:
        return {
            "participants": self.participants,
            "created": self.created,
            "reused": self.reused,
            "ratings": self.ratings,
        }


def import_sync_max_rows() -> int:
    return int(getattr(settings, "IMPORT_SYNC_MAX_ROWS", IMPORT_SYNC_MAX_ROWS))


def theory_titles() -> dict[int, str]:
    return dict(Theory.objects.order_by("number").values_list("number", "title"))


def sheet_read(data: bytes, *, mapping: Mapping[object, object] | None = None) -> Sheet:
    """Parse an upload against the current longlist. Raises SheetUnreadable."""
    return sheet_parse(data, theories=theory_titles(), mapping=mapping)


def sheet_import(
    *,
    group: DiscussionGroup,
    sheet: Sheet,
    user: User | None,
    file_name: str,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write a parsed sheet into `group`: all of it or none of it.

    Each person becomes a named participant of the group (no account; an existing named
    participant with the same name is reused), and their scores are saved as one submission
    with source "import" and a note naming the file and the importer, through the same service
    as every other submission, so history and rankings follow. Ratings being closed does not
    stop a facilitator's import. Blank cells leave a reused participant's ratings alone.
    """
    if not sheet.ok:
        raise ImportInvalid(sheet)
    who = user.username if user is not None else "a script"
    note = f"import of {file_name} by {who}"
    theory_ids = dict(Theory.objects.values_list("number", "id"))
    names = [p.name for p in sheet.people]
    with transaction.atomic():
        existing = _named_participants(group, names)
        missing = [n for n in names if n not in existing]
        # ignore_conflicts: someone importing the same names at this moment is not an error,
        # the database settles who created the row and both then use it.
        for start in range(0, len(missing), 1000):
            Participant.objects.bulk_create(
                (
                    Participant(group=group, name=n, kind=Participant.Kind.IMPORTED)
                    for n in missing[start : start + 1000]
                ),
                ignore_conflicts=True,
            )
        participants = {**existing, **_named_participants(group, missing)}
        ratings = 0
        for done, person in enumerate(sheet.people, start=1):
            items = [RatingItem(theory_ids[n], score, None) for n, score in person.scores]
            rating_submission_create(
                participant=participants[person.name],
                items=items,
                submitted_by=user,
                source=Submission.Source.IMPORT,
                note=note,
                check_open=False,
            )
            ratings += len(items)
            if progress is not None and done % 250 == 0:
                progress(done)
    return ImportResult(
        participants=len(names), created=len(missing), reused=len(existing), ratings=ratings
    )


def _named_participants(group: DiscussionGroup, names: list[str]) -> dict[str, Participant]:
    found: dict[str, Participant] = {}
    for start in range(0, len(names), 1000):
        chunk = names[start : start + 1000]
        for p in Participant.objects.filter(group=group, user__isnull=True, name__in=chunk):
            found[p.name] = p
    return found


# --- jobs ------------------------------------------------------------------------------------


def import_job_create(
    *,
    group: DiscussionGroup,
    user: User,
    file_name: str,
    data: bytes,
    mapping: Mapping[object, object] | None = None,
) -> tuple[ImportJob, Sheet]:
    """Keep an upload for its preview (the page needs it again to confirm). Raises
    SheetUnreadable, and then keeps nothing."""
    sheet = sheet_read(data, mapping=mapping)
    # Previews that were never confirmed are dropped after a day.
    ImportJob.objects.filter(
        status=ImportJob.Status.PREVIEW,
        created_at__lt=timezone.now() - PREVIEW_JOBS_KEPT_FOR,
    ).delete()
    job = ImportJob.objects.create(
        group=group,
        created_by=user,
        file_name=file_name[:255],
        content=data,
        mapping={str(i): t for i, t in sheet.mapping.items()},
        total=len(sheet.people),
    )
    return job, sheet


def import_job_sheet(*, job: ImportJob) -> Sheet:
    return sheet_read(bytes(job.content), mapping=job.mapping)


# Keys: column indexes, as ints (JSON) or strings (a form or the stored mapping).
def import_job_remap(*, job: ImportJob, mapping: Mapping[Any, object]) -> Sheet:
    """Change the column mapping of a job in preview; problems with it show in the sheet."""
    sheet = sheet_read(bytes(job.content), mapping=mapping)
    job.mapping = {str(i): t for i, t in sheet.mapping.items()}
    job.total = len(sheet.people)
    job.save(update_fields=["mapping", "total"])
    return sheet


def import_job_confirm(*, job: ImportJob, user: User) -> ImportJob:
    """Commit a previewed job: small sheets at once, large ones through the worker.

    Raises ImportInvalid (nothing written) if the sheet still has problems.
    """
    sheet = import_job_sheet(job=job)
    if not sheet.ok:
        raise ImportInvalid(sheet)
    if len(sheet.people) <= import_sync_max_rows():
        # Claimed first, so that a double click imports once.
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
            status=ImportJob.Status.RUNNING, started_at=timezone.now(), total=len(sheet.people)
        )
        if claimed:
            job.refresh_from_db()
            try:
                result = sheet_import(
                    group=job.group, sheet=sheet, user=user, file_name=job.file_name
                )
            except Exception:
                reason = "The import failed unexpectedly; nothing was written. Try again."
                _job_finish(job, status=ImportJob.Status.FAILED, errors=[{"reason": reason}])
                raise
            _job_finish(job, status=ImportJob.Status.DONE, result=result.as_dict(), done=job.total)
        job.refresh_from_db()
        return job
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
            status=ImportJob.Status.QUEUED, total=len(sheet.people)
        )
        if claimed:
            transaction.on_commit(partial(_enqueue, "exports.tasks.import_job_run", job.pk))
    job.refresh_from_db()
    return job


def import_job_create_confirmed(
    *,
    group: DiscussionGroup,
    user: User,
    file_name: str,
    data: bytes,
    mapping: Mapping[object, object] | None = None,
) -> ImportJob:
    """Upload and confirm in one step (the API's `confirm=true`). Raises SheetUnreadable, or
    ImportInvalid after dropping the job: the client sends a fixed file again, there is no
    preview to come back to."""
    job, _ = import_job_create(
        group=group, user=user, file_name=file_name, data=data, mapping=mapping
    )
    try:
        return import_job_confirm(job=job, user=user)
    except ImportInvalid:
        job.delete()
        raise


def _enqueue(task_name: str, *args: object) -> None:
    """Send a task by its name: this module never imports the tasks (they import it). The task
    is registered in every process (ExportsConfig.ready), so eager mode still runs it inline."""
    signature(task_name, args=args).delay()


def import_job_execute(*, job_id: int) -> None:
    """Run a queued job (the Celery task's body). Safe to run twice: a job is claimed with a
    conditional UPDATE, so a second delivery finds it taken (or finished) and does nothing;
    a job whose worker died long ago may be claimed again (its transaction rolled back)."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(
        Q(status=ImportJob.Status.QUEUED)
        | Q(status=ImportJob.Status.RUNNING, started_at__lt=now - IMPORT_STALE_AFTER),
        pk=job_id,
    ).update(status=ImportJob.Status.RUNNING, started_at=now, done=0)
    if not claimed:
        return
    job = ImportJob.objects.select_related("group", "created_by").get(pk=job_id)

    def progress(done: int) -> None:
        import_progress_record(job_id=job_id, done=done)

    try:
        sheet = import_job_sheet(job=job)
        result = sheet_import(
            group=job.group,
            sheet=sheet,
            user=job.created_by,
            file_name=job.file_name,
            progress=progress,
        )
    except ImportInvalid as exc:
        errors = [p.as_dict() for p in exc.sheet.problems]
        _job_finish(job, status=ImportJob.Status.FAILED, errors=errors)
    except SheetUnreadable as exc:
        _job_finish(job, status=ImportJob.Status.FAILED, errors=[{"reason": str(exc)}])
    except Exception:
        logger.exception("import job %s failed", job.pk)
        reason = "The import failed unexpectedly; nothing was written. Try again."
        _job_finish(job, status=ImportJob.Status.FAILED, errors=[{"reason": reason}])
    else:
        _job_finish(job, status=ImportJob.Status.DONE, result=result.as_dict(), done=job.total)


def _job_finish(
    job: ImportJob,
    *,
    status: str,
    result: dict[str, int] | None = None,
    errors: list[dict[str, object]] | None = None,
    done: int = 0,
) -> None:
    job.status = status
    job.result = result or {}
    job.errors = errors or []
    job.done = done
    job.finished_at = timezone.now()
    job.content = b""  # the people's data is in the group now (or was refused): drop the copy
    job.save(update_fields=["status", "result", "errors", "done", "finished_at", "content"])
