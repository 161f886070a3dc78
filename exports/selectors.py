"""Every read of the exports app: the rows of each CSV export, and import jobs.

The row generators read through `.iterator(chunk_size=2000)` (a server-side cursor on
PostgreSQL) and yield each row as soon as it is complete, so an export of a million ratings
holds one participant's row in memory, never the whole result.
"""

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.cache import cache

from ratings.models import DiscussionGroup, Rating
from ratings.selectors import ranking_get
from theories.models import Theory

from .models import ImportJob

CHUNK_ROWS = 2000
RATINGS_WIDE_LEAD = "rater"
RATINGS_LONG_HEADER = ["rater", "theory", "score", "rationale", "updated_at"]
RANKINGS_HEADER = ["rank", "theory", "title", "n", "mean", "median", "stdev", "controversy"]
COMMENTS_HEADER = ["author", "theory", "stance", "created_at", "body"]

Row = list[Any]


class _Pseudonyms:
    """Stable pseudonyms: the k-th distinct rater met in participant-id order is `rater-k`.

    Both ratings layouts read in participant-id order, so one person has the same pseudonym in
    the wide and the long file. Only the last id seen is kept: constant memory.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.last: int | None = None
        self.count = 0

    def __call__(self, key: int) -> str:
        if key != self.last:
            self.last = key
            self.count += 1
        return f"{self.prefix}-{self.count}"


def export_ratings_wide(*, group: DiscussionGroup, anonymise: bool = False) -> Iterator[Row]:
    """Header `rater,1,…,20`, then one row per rater (a participant with at least one rating),
    in participant-id order; an empty cell means not rated."""
    theories = list(Theory.objects.order_by("number").values_list("id", "number"))
    column = {theory_id: index for index, (theory_id, _) in enumerate(theories)}
    yield [RATINGS_WIDE_LEAD, *(number for _, number in theories)]
    pseudonym = _Pseudonyms("rater")
    ratings = (
        Rating.objects.filter(group=group)
        .order_by("participant_id")
        .values_list("participant_id", "participant__name", "theory_id", "score")
        .iterator(chunk_size=CHUNK_ROWS)
    )
    current: int | None = None
    row: Row = []
    for participant_id, name, theory_id, score in ratings:
        if participant_id != current:
            if current is not None:
                yield row
            current = participant_id
            row = [pseudonym(participant_id) if anonymise else name] + [None] * len(theories)
        if theory_id in column:
            row[1 + column[theory_id]] = score
    if current is not None:
        yield row


def export_ratings_long(*, group: DiscussionGroup, anonymise: bool = False) -> Iterator[Row]:
    """`rater,theory,score,rationale,updated_at`: one row per rating, by rater then theory."""
    yield list(RATINGS_LONG_HEADER)
    pseudonym = _Pseudonyms("rater")
    ratings = (
        Rating.objects.filter(group=group)
        .order_by("participant_id", "theory__number")
        .values_list(
            "participant_id",
            "participant__name",
            "theory__number",
            "score",
            "rationale",
            "updated_at",
        )
        .iterator(chunk_size=CHUNK_ROWS)
    )
    for participant_id, name, number, score, rationale, updated_at in ratings:
        rater = pseudonym(participant_id) if anonymise else name
        yield [rater, number, score, rationale, updated_at]


def export_rankings(*, group: DiscussionGroup) -> Iterator[Row]:
    """The group's stored ranking (no aggregation on read), in rank order."""
    yield list(RANKINGS_HEADER)
    for r in ranking_get(scope=group.scope).results:
        theory = r["theory"]
        yield [
            r["rank"],
            theory["number"],
            theory["title"],
            r["n"],
            r["mean"],
            r["median"],
            r["stdev"],
            r["controversy"],
        ]


def comments_exportable() -> bool:
    """Comments can be exported once the discussion app is part of the project."""
    return apps.is_installed("discussion")


def export_comments(*, group: DiscussionGroup, anonymise: bool = False) -> Iterator[Row]:
    """`author,theory,stance,created_at,body`: the group's comments, oldest first, without the
    deleted (or moderator-hidden) ones. Anonymised authors are `author-1`, `author-2`, … in
    the order of their first comment."""
    comment_model = apps.get_model("discussion", "Comment")
    yield list(COMMENTS_HEADER)
    shown = {"group": group, "deleted": False}
    if any(f.name == "hidden" for f in comment_model._meta.get_fields()):
        shown["hidden"] = False  # hidden by a moderator: not for export either
    comments = (
        comment_model.objects.filter(**shown)
        .order_by("created_at", "id")
        .values_list(
            "author_id", "author__username", "theory__number", "stance", "created_at", "body"
        )
        .iterator(chunk_size=CHUNK_ROWS)
    )
    seen: dict[int | None, str] = {}  # one entry per author, not per comment
    for author_id, username, number, stance, created_at, body in comments:
        if anonymise:
            author = seen.setdefault(author_id, f"author-{len(seen) + 1}")
        else:
            author = username or ""
        yield [author, number, stance, created_at, body]


# --- import jobs -----------------------------------------------------------------------------


def _progress_key(job_id: int) -> str:
    return f"exports:import:{job_id}:done"


def import_job_progress(*, job: ImportJob) -> int:
    """Rows done so far: from the cache while the job runs (its transaction hides the row)."""
    if job.status == ImportJob.Status.RUNNING:
        try:
            return max(job.done, int(cache.get(_progress_key(job.pk)) or 0))
        except Exception:
            return job.done
    return job.done


def import_job_get(*, group: DiscussionGroup, job_id: int) -> ImportJob | None:
    return ImportJob.objects.filter(group=group, pk=job_id).first()
