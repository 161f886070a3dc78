"""Every write of the exports app: importing a sheet into a group, and import jobs."""

import logging
import zlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from celery import signature
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone

from groups.models import DiscussionGroup, Participant
from impactboard.errors import DomainError
from ratings.models import Submission
from ratings.services import RatingItem, rating_submission_create
from theories.models import Theory

from .models import ImportJob
from .progress import import_progress_record
from .selectors import current_scores, import_matches
from .sheet_file import SheetUnreadable
from .sheets import Sheet, sheet_parse

logger = logging.getLogger(__name__)

# Sheets with more people than this are imported by a Celery task, with a progress bar.
IMPORT_SYNC_MAX_ROWS = 2_000
# A running job older than this has lost its worker (the task's hard time limit is below it).
IMPORT_STALE_AFTER = timedelta(minutes=35)
PREVIEW_JOBS_KEPT_FOR = timedelta(days=1)
# A group keeps at most this many previews, and this many bytes of them (compressed): a new
# preview evicts the group's oldest ones. Uploads are up to 20 MB; a preview must not cost that.
PREVIEWS_PER_GROUP = 3
PREVIEW_BYTES_PER_GROUP = 4 * 1024 * 1024
_PACKED = b"zlib1:"


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


def theory_titles(*, group: DiscussionGroup) -> dict[int, str]:
    """Number -> title of the items of the group's list: the columns a sheet may name. Retired
    items too: their columns still hold ratings (a score for one is then refused, naming it)."""
    items = Theory.objects.filter(longlist_id=group.longlist_id).order_by("number")
    return dict(items.values_list("number", "title"))


def sheet_read(
    data: bytes, *, group: DiscussionGroup, mapping: Mapping[object, object] | None = None
) -> Sheet:
    """Parse an upload against the group's list. Raises SheetUnreadable."""
    return sheet_parse(data, theories=theory_titles(group=group), mapping=mapping)


def sheet_import(
    *,
    group: DiscussionGroup,
    sheet: Sheet,
    user: User | None,
    file_name: str,
    progress: Callable[[int], None] | None = None,
    new_people: Collection[str] = (),
) -> ImportResult:
    """Write a parsed sheet into `group`: all of it or none of it.

    A name that matches someone in the group (`import_matches`: a member's username or a
    participant's name, without regard to case) is that person, unless the facilitator listed it
    in `new_people`. Anyone else becomes a named participant of the group (no account; an
    existing named participant with the same name is reused). Each person's scores that differ
    from their current ratings are saved as one submission with source "import" and a note
    naming the file and the importer, through the same service as every other submission, so
    history and rankings follow; a person with no change gets no submission, so re-importing the
    group's own export changes nothing. Ratings being closed does not stop a facilitator's
    import. Blank cells leave ratings alone. `ratings` in the result counts the scores changed.
    """
    if not sheet.ok:
        raise ImportInvalid(sheet)
    who = user.username if user is not None else "a script"
    note = f"import of {file_name} by {who}"
    theory_ids = dict(
        Theory.objects.filter(longlist_id=group.longlist_id).values_list("number", "id")
    )
    names = [p.name for p in sheet.people]
    separate = set(new_people)
    with transaction.atomic():
        matches = import_matches(group=group, names=[n for n in names if n not in separate])
        rest = [n for n in names if n not in matches]
        existing = _named_participants(group, rest)
        missing = [n for n in rest if n not in existing]
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
        by_id = Participant.objects.in_bulk([m.participant_id for m in matches.values()])
        participants.update({n: by_id[m.participant_id] for n, m in matches.items()})
        created = set(missing)
        known = [p.pk for n, p in participants.items() if n not in created]
        current = current_scores(group=group, participant_ids=known)
        ratings = 0
        for done, person in enumerate(sheet.people, start=1):
            participant = participants[person.name]
            participant.group = group  # saves the query that participant.group would cost
            items = [
                RatingItem(theory_ids[n], score, None)
                for n, score in person.scores
                if current.get((participant.pk, n)) != score
            ]
            if items:
                rating_submission_create(
                    participant=participant,
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
        participants=len(names),
        created=len(missing),
        reused=len(names) - len(missing),
        ratings=ratings,
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
    """Keep an upload for its preview (the page needs it again to confirm), compressed, within
    the group's quota (PREVIEWS_PER_GROUP, PREVIEW_BYTES_PER_GROUP: the oldest previews make
    room). Raises SheetUnreadable, and then keeps nothing."""
    sheet = sheet_read(data, group=group, mapping=mapping)
    packed = _pack(data)
    if len(packed) > PREVIEW_BYTES_PER_GROUP:
        raise SheetUnreadable(
            f"This sheet is too large to keep for a preview ({len(packed) // 1024:,} KB "
            f"compressed; at most {PREVIEW_BYTES_PER_GROUP // 1024:,} KB). Split it, or import "
            "it through the API with confirm=true."
        )
    with transaction.atomic():
        import_previews_sweep()
        _previews_evict(group=group, room_for=len(packed))
        job = ImportJob.objects.create(
            group=group,
            created_by=user,
            file_name=file_name[:255],
            content=packed,
            mapping={str(i): t for i, t in sheet.mapping.items()},
            total=len(sheet.people),
        )
    return job, sheet


def import_previews_sweep() -> int:
    """Delete the previews never confirmed within PREVIEW_JOBS_KEPT_FOR (the beat runs this, and
    every new preview too); returns how many."""
    deleted, _ = ImportJob.objects.filter(
        status=ImportJob.Status.PREVIEW,
        created_at__lt=timezone.now() - PREVIEW_JOBS_KEPT_FOR,
    ).delete()
    return deleted


def _previews_evict(*, group: DiscussionGroup, room_for: int) -> None:
    """Delete the group's oldest previews until one more of `room_for` bytes fits its quota.
    The group's row is locked so that two uploads at once cannot both overshoot it."""
    DiscussionGroup.objects.select_for_update().filter(pk=group.pk).first()
    kept = 0
    previews = (
        ImportJob.objects.filter(group=group, status=ImportJob.Status.PREVIEW)
        .annotate(size=Length("content"))
        .order_by("-created_at", "-id")
        .values_list("pk", "size")
    )
    evict = []
    for index, (pk, size) in enumerate(previews):
        over = kept + (size or 0) + room_for > PREVIEW_BYTES_PER_GROUP
        if index + 1 >= PREVIEWS_PER_GROUP or over:
            evict.append(pk)
        else:
            kept += size or 0
    if evict:
        ImportJob.objects.filter(pk__in=evict).delete()


def _pack(data: bytes) -> bytes:
    return _PACKED + zlib.compress(data, 6)


def _unpack(content: bytes | memoryview) -> bytes:
    """The upload's bytes; rows kept before compression came in are read as they are."""
    raw = bytes(content)
    return zlib.decompress(raw[len(_PACKED) :]) if raw.startswith(_PACKED) else raw


def import_job_sheet(*, job: ImportJob) -> Sheet:
    return sheet_read(_unpack(job.content), group=job.group, mapping=job.mapping)


# Keys: column indexes, as ints (JSON) or strings (a form or the stored mapping).
def import_job_remap(*, job: ImportJob, mapping: Mapping[Any, object]) -> Sheet:
    """Change the column mapping of a job in preview; problems with it show in the sheet."""
    sheet = sheet_read(_unpack(job.content), group=job.group, mapping=mapping)
    job.mapping = {str(i): t for i, t in sheet.mapping.items()}
    job.total = len(sheet.people)
    job.save(update_fields=["mapping", "total"])
    return sheet


def import_job_new_people_set(*, job: ImportJob, names: Collection[str]) -> None:
    """The facilitator's answer in the preview: these matched names are new people."""
    job.new_people = sorted(set(names))
    job.save(update_fields=["new_people"])


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
                    group=job.group,
                    sheet=sheet,
                    user=user,
                    file_name=job.file_name,
                    new_people=job.new_people,
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
            new_people=job.new_people,
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
