"""Every read of the exports app: the rows of each CSV export, and import jobs.

The exports read a chunk of rows at a time (`.iterator()`, a server-side cursor on PostgreSQL;
`_lines` for the ratings, a streamed query), so an export of a million ratings holds one chunk
in memory, never the whole result. The ratings exports, the large ones, come out of the database
as finished CSV lines (`csvio.CsvLines`): no Python runs per row or per cell.
"""

from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, F, Max, Q, QuerySet, Window
from django.db.models.functions import DenseRank
from django.db.models.sql.compiler import SQLCompiler

from discussion.models import Comment
from groups.models import DiscussionGroup, Participant
from rankings import ranking_columns
from rankings.scope import Scope
from rankings.selectors import ranking_get, round_scope
from ratings.models import Rating
from ratings.selectors.rounds import history_events, round_rating_rows
from theories.models import Theory

from .csvio import CsvLines, IsoFormat, sql_csv_line, sql_csv_number, sql_csv_text
from .models import ImportJob
from .progress import import_progress_read
from .sheet_columns import column_letter
from .sheets import Sheet

if TYPE_CHECKING:
    from django.db.models.sql.compiler import _AsSqlType  # the stubs' alias, not at run time

CHUNK_ROWS = 2000
RATINGS_WIDE_LEAD = "rater"
RATINGS_LONG_HEADER = ["rater", "theory", "score", "rationale", "updated_at"]
COMMENTS_HEADER = ["author", "theory", "stance", "created_at", "body"]
CHANGES_HEADER = [
    "rater",
    "theory",
    "round",
    "previous",
    "score",
    "moved_by",
    "source",
    "created_at",
]

Row = list[Any]


class _Pseudonym(Window):
    """`rater-k` for the k-th distinct rater in participant-id order, in SQL. Both ratings
    layouts number the same raters the same way, so one person has the same pseudonym in the
    wide and the long file.

    In the wide layout's GROUP BY query the window runs over the groups, and it must not be
    grouped by itself: a window function cannot be. Hence one expression (not a Concat around
    a window) that names nothing to group by; participant_id is grouped by already."""

    output_field = CharField()

    def __init__(self) -> None:
        super().__init__(DenseRank(), order_by=F("participant_id").asc())

    def get_group_by_cols(self) -> list[Any]:
        return []

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, template: str | None = None
    ) -> "_AsSqlType":
        sql, params = super().as_sql(compiler, connection, template=template)
        return f"('rater-' || CAST({sql} AS text))", params


def _lines(rows: QuerySet[Any, Any]) -> Iterator[list[tuple[str]]]:
    """The lines of a query that selects one `sql_csv_line`, CHUNK_ROWS at a time, as the
    driver gives them: no Python runs per row.

    On PostgreSQL the query is streamed (psycopg's chunked-rows mode), not read through a
    server-side cursor: a cursor's query gets no parallel workers and, outside a transaction,
    is materialised whole (WITH HOLD) before the first row, so the export ran at 0.5–0.7× COPY.
    Streamed, the server sends rows as its (parallel) plan makes them while Python writes the
    previous chunk, and the socket's back-pressure keeps memory flat."""
    sql, params = rows.query.get_compiler(rows.db).as_sql()
    connection = connections[rows.db]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            # Closed before the cursor, also when the client goes away half-way: psycopg then
            # cancels the query and reads what was already sent, and the connection is free.
            with closing(cursor.cursor.stream(sql, params, size=CHUNK_ROWS)) as stream:
                while chunk := list(islice(stream, CHUNK_ROWS)):
                    yield chunk
        else:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(CHUNK_ROWS):
                yield chunk


def _items(group: DiscussionGroup) -> QuerySet[Theory]:
    """The columns of a wide export: every item of the group's list, by number (a retired one
    too: it may hold ratings)."""
    return Theory.objects.filter(longlist_id=group.longlist_id).order_by("number")


def export_ratings_wide(*, group: DiscussionGroup, anonymise: bool = False) -> CsvLines:
    """Header `rater,1,…,20`, then one row per rater (a participant with at least one rating),
    in participant-id order; an empty cell means not rated. The database pivots the ratings
    (one MAX … FILTER per theory) and writes each line."""
    theories = list(_items(group).values_list("id", "number"))
    rater = _Pseudonym() if anonymise else sql_csv_text("participant__name")
    scores = [
        sql_csv_number(Max("score", filter=Q(theory_id=theory_id))) for theory_id, _ in theories
    ]
    rows = (
        Rating.objects.filter(group=group)
        .values("participant_id", "participant__name")  # GROUP BY, with the name the line uses
        .annotate(line=sql_csv_line(rater, *scores))
        .order_by("participant_id")
        .values_list("line")
    )
    return CsvLines([RATINGS_WIDE_LEAD, *(number for _, number in theories)], _lines(rows))


def export_ratings_long(*, group: DiscussionGroup, anonymise: bool = False) -> CsvLines:
    """`rater,theory,score,rationale,updated_at`: one row per rating, by rater then theory.
    The database writes each line."""
    rater = _Pseudonym() if anonymise else sql_csv_text("participant__name")
    rows = (
        Rating.objects.filter(group=group)
        .annotate(
            line=sql_csv_line(
                rater,
                sql_csv_number("theory__number"),
                sql_csv_number("score"),
                sql_csv_text("rationale"),
                IsoFormat("updated_at"),
            )
        )
        .order_by("participant_id", "theory__number")
        .values_list("line")
    )
    return CsvLines(list(RATINGS_LONG_HEADER), _lines(rows))


def export_round_ratings_wide(
    *, group: DiscussionGroup, number: int, anonymise: bool = False
) -> Iterator[Row]:
    """Round `number`'s results in the wide layout (`rater,1,…,20`): each participant's last
    score of each theory submitted during that round. A round is one group's, so it is read
    whole, not streamed."""
    numbers = list(_items(group).values_list("number", flat=True))
    yield [RATINGS_WIDE_LEAD, *numbers]
    rows: dict[int, tuple[str, dict[int, int]]] = {}
    for participant, name, theory, score, _, _ in round_rating_rows(group=group, number=number):
        rows.setdefault(participant, (name, {}))[1][theory] = score
    for index, (name, scores) in enumerate(rows.values(), start=1):
        yield [f"rater-{index}" if anonymise else name, *(scores.get(n) for n in numbers)]


def export_round_ratings_long(
    *, group: DiscussionGroup, number: int, anonymise: bool = False
) -> Iterator[Row]:
    """Round `number`'s results in the long layout, one row per rating; `updated_at` is when
    that score was submitted."""
    yield list(RATINGS_LONG_HEADER)
    pseudonyms: dict[int, str] = {}
    for participant, name, theory, score, rationale, at in round_rating_rows(
        group=group, number=number
    ):
        rater = pseudonyms.setdefault(participant, f"rater-{len(pseudonyms) + 1}")
        yield [rater if anonymise else name, theory, score, rationale, at]


def export_changes(*, group: DiscussionGroup, anonymise: bool = False) -> Iterator[Row]:
    """The group's history as an event log, one row per submitted item, oldest first:
    `rater,theory,round,previous,score,moved_by,source,created_at` (`score` empty = removed,
    `previous` empty = none before). Anonymised raters are numbered by participant id, as in
    the ratings files."""
    yield list(CHANGES_HEADER)
    events = list(history_events(group=group))
    pseudonyms = {p: f"rater-{i}" for i, p in enumerate(sorted({e[0] for e in events}), start=1)}
    for participant, name, theory, number, previous, score, moved_by, source, at in events:
        rater = pseudonyms[participant] if anonymise else name
        yield [rater, theory, number, previous, score, moved_by, source, at]


def export_rankings(*, group: DiscussionGroup, number: int | None = None) -> Iterator[Row]:
    """The group's stored ranking (no aggregation on read), in rank order; with `number`,
    that round's stored ranking."""
    yield ranking_columns.csv_header()  # the ranking table's columns (ratings/ranking_columns)
    scope = Scope.group(group.pk) if number is None else round_scope(group=group, number=number)
    for row in ranking_get(scope=scope).results:
        yield ranking_columns.csv_cells(row)


def export_comments(*, group: DiscussionGroup, anonymise: bool = False) -> Iterator[Row]:
    """`author,theory,stance,created_at,body`: the group's comments, oldest first, without the
    deleted (or moderator-hidden) ones. Anonymised authors are `author-1`, `author-2`, … in
    the order of their first comment."""
    yield list(COMMENTS_HEADER)
    comments = (
        # Hidden by a moderator: not for export either.
        Comment.objects.filter(group=group, deleted=False, hidden=False)
        .order_by("created_at", "id")
        .values_list(
            "author_id",
            "author__username",
            "author__first_name",
            "theory__number",
            "stance",
            "created_at",
            "body",
        )
        .iterator(chunk_size=CHUNK_ROWS)
    )
    seen: dict[int | None, str] = {}  # one entry per author, not per comment
    for author_id, username, first_name, number, stance, created_at, body in comments:
        if anonymise:
            author = seen.setdefault(author_id, f"author-{len(seen) + 1}")
        else:
            # A guest under the name it gave (its account's first_name), as on the pages.
            author = first_name or username or ""
        yield [author, number, stance, created_at, body]


# --- import jobs -----------------------------------------------------------------------------


def import_job_progress(*, job: ImportJob) -> int:
    """Rows done so far: from the cache while the job runs (its transaction hides the row)."""
    if job.status == ImportJob.Status.RUNNING:
        return max(job.done, import_progress_read(job_id=job.pk))
    return job.done


def import_job_get(*, group: DiscussionGroup, job_id: int) -> ImportJob | None:
    return ImportJob.objects.filter(group=group, pk=job_id).first()


# --- who the imported names are ------------------------------------------------------------------


@dataclass(frozen=True)
class ImportMatch:
    name: str  # as the sheet spells it
    participant_id: int
    username: str | None  # the member's account, or None for a participant without one
    participant_name: str

    @property
    def can_be_new(self) -> bool:
        """Whether "a new person" is a real choice: people without an account are unique by
        exact name in a group, so a name spelled exactly as one of them can only be them."""
        return self.username is not None or self.participant_name != self.name

    @property
    def label(self) -> str:
        if self.username is not None:
            return f"this is member {self.username}"
        return f"this is {self.participant_name}, already in the group"


def import_matches(*, group: DiscussionGroup, names: Sequence[str]) -> dict[str, ImportMatch]:
    """For each sheet name, the participant of `group` it names, compared without regard to
    case: a participant's name (an imported person, or a member's display name) or a member's
    username. Several candidates: the one spelled exactly so first, then an account, then the
    oldest. Compared in Python (casefold), so that accents fold alike on every database; one
    query over the group's participants."""
    wanted = {n.casefold(): n for n in names}
    candidates: dict[str, list[tuple[int, str, str | None]]] = {}
    rows = Participant.objects.filter(group=group).values_list("id", "name", "user__username")
    for pid, pname, username in rows.iterator(chunk_size=CHUNK_ROWS):
        for key in {pname.casefold(), (username or "").casefold()} - {""}:
            if key in wanted:
                candidates.setdefault(key, []).append((pid, pname, username))
    found: dict[str, ImportMatch] = {}
    for key, options in candidates.items():
        name = wanted[key]
        best = min(options, key=lambda o: (o[1] != name, o[2] is None, o[0]))
        found[name] = ImportMatch(name, best[0], best[2], best[1])
    return found


def current_scores(
    *, group: DiscussionGroup, participant_ids: Sequence[int]
) -> dict[tuple[int, int], int]:
    """(participant id, theory number) -> current score, for comparing an import with what is
    already there."""
    scores: dict[tuple[int, int], int] = {}
    ids = list(participant_ids)
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        for pid, number, score in Rating.objects.filter(
            group=group, participant_id__in=chunk
        ).values_list("participant_id", "theory__number", "score"):
            scores[(pid, number)] = score
    return scores


def import_preview(sheet: Sheet, *, file_name: str) -> dict[str, Any]:
    """The preview of a sheet read for an import, before anything is saved: the one builder of
    both answers, the API's (`ImportPreviewSerializer` renders it as it is) and the page's
    (which adds the people matched and names the delimiter in words). A column's `target` is
    None when it is ignored."""
    return {
        "file_name": file_name,
        "encoding": sheet.encoding,
        "delimiter": {"\t": "tab"}.get(sheet.delimiter, sheet.delimiter),
        "columns": [
            {
                "index": i,
                "letter": column_letter(i),
                "header": h,
                "target": None if sheet.mapping.get(i) is None else str(sheet.mapping[i]),
            }
            for i, h in enumerate(sheet.headers)
        ],
        "ignored": sheet.ignored,
        "people": len(sheet.people),
        "ratings": sheet.ratings,
        "skipped_rows": sheet.skipped,
        "problem_count": sheet.problem_count,
        "problems": [p.as_dict() for p in sheet.problems],
        "can_import": sheet.ok,
        "rows": sheet.preview,
    }
