"""Writing CSV safely and incrementally: the formula-injection rule and a byte stream.

The rule (`impactboard.text`) is applied twice, once per place a cell can be made: `cell_safe`
in Python, and `sql_cell_safe` in SQL for the ratings exports, whose lines come out of the
database already written (`CsvLines`), so that no Python runs per row. Tests hold both to the
same bytes.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import itemgetter, or_
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, CharField, F, Func, TextField, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, Concat, Ord, Replace
from django.db.models.lookups import Contains, In
from django.db.models.sql.compiler import SQLCompiler

from impactboard.text import (
    FORMULA_CHARS,
    FORMULA_STARTS,
    FULL_WIDTH_STARTS,
    IGNORED_LEADING,
    formula_like,
)

if TYPE_CHECKING:
    from django.db.models.sql.compiler import _AsSqlType  # the stubs' alias, not at run time

BOM = "\ufeff".encode()
# Rows are gathered into chunks of about this many bytes before they are sent: one write per
# row would be a million tiny writes for a million ratings.
CHUNK_BYTES = 64 * 1024


def cell_safe(value: Any) -> str:
    """The text of one cell, with a leading `'` if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if type(value) is int and value >= 0:  # the common case (scores, numbers): nothing to guard
        return str(value)
    if isinstance(value, datetime):
        text = value.isoformat()
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = str(value)
    if formula_like(text):
        return "'" + text
    return text


def sql_cell_safe(text: Combinable | str) -> Case:
    """`cell_safe` of a text column, computed by the database: the text with a leading `'` if
    it begins with one of FORMULA_STARTS or FULL_WIDTH_STARTS, or with a formula character
    after IGNORED_LEADING ones. NULL stays NULL."""
    column = F(text) if isinstance(text, str) else text
    # The first character's code (ASCII() / UNICODE()): integers compare faster than text. The
    # trimmed text is looked at only when the first character is one that may be ignored.
    starts = [ord(char) for char in FORMULA_STARTS + FULL_WIDTH_STARTS]
    ignored = [ord(char) for char in IGNORED_LEADING]
    formula = [ord(char) for char in FORMULA_CHARS]
    guarded = Concat(Value("'"), column)
    return Case(
        When(In(Ord(column), starts), then=guarded),
        When(
            In(Ord(column), ignored) & In(Ord(LeftTrim(column, Value(IGNORED_LEADING))), formula),
            then=guarded,
        ),
        default=column,
        output_field=CharField(),
    )


class LeftTrim(Func):
    """LTRIM(text, characters): the text without any leading run of those characters (the
    same function, with the same meaning, in PostgreSQL and SQLite)."""

    function = "LTRIM"
    arity = 2
    output_field = CharField()


def sql_csv_text(text: Combinable | str) -> Case:
    """A text column as one cell of the file, computed by the database: `sql_cell_safe`, then
    quoted as the csv module quotes (QUOTE_MINIMAL, the default dialect): in double quotes,
    with inner ones doubled, when it holds a comma, a double quote, CR or LF. NULL is the
    empty cell, as `cell_safe` makes it."""
    column = F(text) if isinstance(text, str) else text
    guarded = sql_cell_safe(column)
    # The guard only ever adds a `'`, so whether to quote can be read from the column itself.
    special = reduce(or_, (Contains(column, char) for char in (",", '"', "\r", "\n")))
    return Case(
        When(
            special,
            then=Concat(Value('"'), Replace(guarded, Value('"'), Value('""')), Value('"')),
        ),
        default=Coalesce(guarded, Value("")),
        output_field=CharField(),
    )


class IsoFormat(Func):
    """A datetime column as one cell of the file, computed by the database: the text
    `isoformat()` gives for the aware UTC datetime Django would read,
    `2025-01-31T09:05:00.120000+00:00`, without the fraction when it is zero (never quoted:
    it holds no comma, quote or line break). PostgreSQL and SQLite, with USE_TZ and the
    database in UTC (the project's settings); anything else is refused rather than written
    differently."""

    arity = 1
    output_field = CharField()

    templates = {  # by connection.vendor
        # `.US` is always six digits; `.000000` can only be the fraction, and isoformat drops it.
        "postgresql": "replace(to_char((%(expressions)s) AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '') || '+00:00'",
        # Django stores a datetime on SQLite as the text of the naive UTC value, `str(value)`:
        # isoformat with a space, and no fraction when it is zero.
        "sqlite": "replace(%(expressions)s, ' ', 'T') || '+00:00'",
    }

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> "_AsSqlType":
        # The template is this database's, whatever a caller passes.
        template = self.templates.get(connection.vendor)
        if template is None:
            raise NotSupportedError(f"IsoFormat is not written for {connection.vendor}.")
        if not settings.USE_TZ or connection.timezone_name != "UTC":
            raise NotSupportedError("IsoFormat needs USE_TZ with the database in UTC.")
        return super().as_sql(
            compiler,
            connection,
            function=function,
            template=template,
            arg_joiner=arg_joiner,
            **extra_context,
        )


def sql_csv_number(number: Combinable | str) -> Coalesce:
    """A non-negative integer column as one cell of the file, computed by the database: its
    digits, or the empty cell for NULL."""
    column = F(number) if isinstance(number, str) else number
    return Coalesce(Cast(column, TextField()), Value(""), output_field=TextField())


class _Joined(Func):
    """`a || b || …`, flat: SQLite's parser overflows on the nesting of a long Concat."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = TextField()


def sql_csv_line(*cells: Combinable) -> Func:
    """One line of the file, made by the database, as the csv module writes a row: the cells
    joined by commas, then CRLF. Each cell must already be its text in the file, never NULL
    (`sql_csv_text`, `sql_csv_number`, `IsoFormat` of a NOT NULL column)."""
    parts: list[Combinable] = [cells[0]]
    for cell in cells[1:]:
        parts += [Value(","), cell]
    return _Joined(*parts, Value("\r\n"))


@dataclass(frozen=True)
class CsvLines:
    """A file whose lines the database wrote (`sql_csv_line`): the header row, then chunks of
    rows of one column, the text of a line. `csv_bytes` joins a chunk in one call: no Python
    runs per row or per cell, which is what lets a million-row export keep up with COPY."""

    header: Sequence[Any]
    chunks: Iterable[Sequence[tuple[str]]]


Rows = Iterable[Sequence[Any]] | CsvLines


def csv_bytes(rows: Rows, *, bom: bool = False) -> Iterator[bytes]:
    """Encode `rows` as UTF-8 CSV (RFC 4180: CRLF, quotes where needed), every cell made safe
    (by `cell_safe` here, or by the database for `CsvLines`), yielding a chunk of about
    CHUNK_BYTES as soon as the rows read so far fill one. Memory stays constant whatever the
    number of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        yield BOM
    if isinstance(rows, CsvLines):
        writer.writerow([cell_safe(v) for v in rows.header])
        for chunk in rows.chunks:
            buffer.write("".join(map(itemgetter(0), chunk)))
            if buffer.tell() >= CHUNK_BYTES:
                yield _drain(buffer)
    else:
        for row in rows:
            writer.writerow([cell_safe(v) for v in row])
            if buffer.tell() >= CHUNK_BYTES:
                yield _drain(buffer)
    if buffer.tell():
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    return data
