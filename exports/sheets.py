"""Reading the old spreadsheet: a CSV with a name column and one column per theory.

Pure functions, no database: `sheet_parse` turns the uploaded bytes (and, optionally, a
column mapping the facilitator edited) into a `Sheet`: the columns and what each is mapped to,
the people and their scores, and every problem named by row, column and reason. Nothing here
writes; `services.sheet_import` does, and only for a sheet without errors.

The file is read as text by `sheet_file`; which column is what is `sheet_columns`' business.
Scores are `7`, ` 7 `, `7.0` (and `7,0` in a semicolon file); a blank cell means not rated.
"""

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .sheet_columns import NAME, Target, column_letter, fold, mapping_clean, mapping_guess
from .sheet_file import CONTROL, SheetUnreadable, sheet_decode, sheet_delimiter

MAX_COLUMNS = 200
MAX_ROWS = 200_000
MAX_CELL_CHARS = 1_000
MAX_NAME_CHARS = 150  # Participant.name
MAX_ERRORS = 500  # problems kept and shown; the count says how many there were in all
PREVIEW_ROWS = 50

SCORE = re.compile(r"^\+?(\d{1,6})(?:[.,](\d{1,6}))?$")
FORMULA_CALL = re.compile(r"[(!|]")


@dataclass(frozen=True)
class Problem:
    row: int | None  # 1-based, as a spreadsheet numbers rows (the header is row 1)
    column: int | None  # 0-based index
    header: str
    reason: str

    @property
    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            label = column_letter(self.column)
            parts.append(f"column {label} ({self.header})" if self.header else f"column {label}")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": column_letter(self.column) if self.column is not None else None,
            "header": self.header,
            "reason": self.reason,
        }

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


@dataclass(frozen=True)
class Person:
    row: int
    name: str
    scores: tuple[tuple[int, int], ...]  # (theory number, score)


@dataclass
class Sheet:
    delimiter: str
    encoding: str
    headers: list[str]
    mapping: dict[int, Target]
    people: list[Person] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    preview: list[list[str]] = field(default_factory=list)  # the first rows, as read
    skipped: list[int] = field(default_factory=list)  # rows with a name but no score

    @property
    def ok(self) -> bool:
        return self.problem_count == 0 and bool(self.people)

    @property
    def ignored(self) -> list[str]:
        return [self.headers[i] or column_letter(i) for i, t in self.mapping.items() if t is None]

    @property
    def ratings(self) -> int:
        return sum(len(p.scores) for p in self.people)

    def problem(self, row: int | None, column: int | None, reason: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_ERRORS:
            header = self.headers[column] if column is not None else ""
            self.problems.append(Problem(row, column, header, reason))


def _score(raw: str, decimal_comma: bool) -> tuple[int | None, str | None]:
    text = raw.strip()
    if text.startswith("'"):
        text = text[1:].strip()
    if not text:
        return None, None
    match = SCORE.match(text)
    if not match or ("," in text and not decimal_comma):
        return None, f"not a number: {raw.strip()[:30]!r}"
    whole, fraction = match.group(1), match.group(2)
    if fraction and fraction.strip("0"):
        return None, f"not a whole number: {raw.strip()[:30]!r}"
    value = int(whole)
    if not 1 <= value <= 10:
        return None, f"out of range: {value} (scores are 1 to 10)"
    return value, None


def _name(raw: str) -> tuple[str, str | None]:
    name = raw.strip()
    # A leading ' marks the cell as text, not a formula (it is the export's own guard): the name
    # is what follows, and it comes back exactly as it was exported.
    guarded = name.startswith("'") and name[1:2] in ("=", "+", "-", "@")
    if guarded:
        name = name[1:]
    if CONTROL.search(name) or "\n" in name or "\r" in name or "\t" in name:
        return name, "a name may not contain tabs, line breaks or control characters"
    if not guarded and (
        name.startswith("=") or (name.startswith(("+", "-", "@")) and FORMULA_CALL.search(name))
    ):
        return name, (
            "looks like a spreadsheet formula, not a name (if it really is the name, "
            "write it with a leading ')"
        )
    if len(name) > MAX_NAME_CHARS:
        return name, f"name too long ({len(name)} characters; at most {MAX_NAME_CHARS})"
    return name, None


def sheet_parse(
    data: bytes,
    *,
    theories: Mapping[int, str],
    mapping: Mapping[object, object] | None = None,
) -> Sheet:
    """Parse an upload. `theories` maps theory number -> title. A given `mapping` overrides the
    guessed target of the columns it names. Raises SheetUnreadable for a file that cannot be
    read at all; every other problem is recorded on the Sheet, by row and column."""
    text, encoding = sheet_decode(data)
    delimiter = sheet_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header_row: list[str] | None = None
        header_line = 0
        for cells in reader:
            header_line += 1
            if any(c.strip() for c in cells):
                header_row = cells
                break
        if header_row is None:
            raise SheetUnreadable("The file has no header row: it holds no text at all.")
        if len(header_row) > MAX_COLUMNS:
            raise SheetUnreadable(
                f"The file has {len(header_row)} columns; at most {MAX_COLUMNS} can be read. "
                "Remove the columns that are not names or theories."
            )
        headers = [h.strip()[:MAX_CELL_CHARS] for h in header_row]
        guessed = mapping_guess(headers, theories)
        sheet = Sheet(delimiter=delimiter, encoding=encoding, headers=headers, mapping=guessed)
        if mapping is not None:
            cleaned, messages = mapping_clean(mapping, headers, theories)
            sheet.mapping.update(cleaned)
            for message in messages:
                sheet.problem(None, None, message)
        _check_mapping(sheet, header_line)
        if sheet.problem_count:
            return sheet  # cells cannot be read against a broken mapping
        _read_people(sheet, reader, header_line)
    except csv.Error as exc:
        raise SheetUnreadable(
            f"The file cannot be read as CSV near line {reader.line_num}: {exc}."
        ) from None
    if not sheet.people and not sheet.problem_count:
        sheet.problem(None, None, "The sheet holds no scores: there is nothing to import.")
    return sheet


def _check_mapping(sheet: Sheet, header_line: int) -> None:
    names = [i for i, t in sheet.mapping.items() if t == NAME]
    if not names:
        sheet.problem(header_line, None, "No name column: map one column to “name”.")
    elif len(names) > 1:
        letters = ", ".join(column_letter(i) for i in names)
        sheet.problem(header_line, None, f"Columns {letters} are all mapped to “name”: keep one.")
    by_theory: dict[int, list[int]] = {}
    for index, target in sheet.mapping.items():
        if isinstance(target, int):
            by_theory.setdefault(target, []).append(index)
    if not by_theory:
        sheet.problem(header_line, None, "No theory columns were recognised: map them by hand.")
    for number, columns in sorted(by_theory.items()):
        if len(columns) > 1:
            letters = ", ".join(column_letter(i) for i in columns)
            sheet.problem(
                header_line, columns[1], f"columns {letters} are all mapped to theory {number}"
            )


def _read_people(sheet: Sheet, reader: Iterator[list[str]], header_line: int) -> None:
    name_column = next(i for i, t in sheet.mapping.items() if t == NAME)
    theory_columns = sorted(
        ((i, t) for i, t in sheet.mapping.items() if isinstance(t, int)), key=lambda c: c[1]
    )
    decimal_comma = sheet.delimiter == ";"
    seen: dict[str, int] = {}
    rows = 0
    # Rows are numbered as a spreadsheet shows them: one per record (blank ones included), even
    # when a quoted cell spans several lines of the file.
    for row, cells in enumerate(reader, start=header_line + 1):
        if not any(c.strip() for c in cells):
            continue
        rows += 1
        if rows > MAX_ROWS:
            raise SheetUnreadable(f"The file has more than {MAX_ROWS:,} rows; split it.")
        if len(sheet.preview) < PREVIEW_ROWS:
            sheet.preview.append([c[:80] for c in cells[: len(sheet.headers)]])
        raw_name = cells[name_column] if name_column < len(cells) else ""
        scores: list[tuple[int, int]] = []
        for index, number in theory_columns:
            raw = cells[index] if index < len(cells) else ""
            if len(raw) > MAX_CELL_CHARS:
                sheet.problem(row, index, f"cell too long ({len(raw):,} characters)")
                continue
            value, reason = _score(raw, decimal_comma)
            if reason:
                sheet.problem(row, index, reason)
            elif value is not None:
                scores.append((number, value))
        if len(raw_name) > MAX_CELL_CHARS:
            sheet.problem(row, name_column, f"cell too long ({len(raw_name):,} characters)")
            continue
        name, reason = _name(raw_name)
        if reason:
            sheet.problem(row, name_column, reason)
            continue
        if not name:
            if scores:
                sheet.problem(row, name_column, "scores without a name")
            continue
        key = fold(name) or name.casefold()
        if key in seen:
            sheet.problem(row, name_column, f"duplicate name: {name!r} is also on row {seen[key]}")
            continue
        seen[key] = row
        if scores:
            sheet.people.append(Person(row=row, name=name, scores=tuple(scores)))
        else:
            sheet.skipped.append(row)
