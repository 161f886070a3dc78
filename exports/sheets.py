"""Reading the old spreadsheet: a CSV with a name column and one column per theory.

Pure functions, no database: `sheet_parse` turns the uploaded bytes (and, optionally, a
column mapping the facilitator edited) into a `Sheet`: the columns and what each is mapped to,
the people and their scores, and every problem named by row, column and reason. Nothing here
writes; `services.sheet_import` does, and only for a sheet without errors.

What real sheets look like, and what is accepted:
- UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's "Unicode text"), or
  Windows-1252 (an older Excel's "CSV"); comma, semicolon or tab delimited (the header line
  decides); blank lines before the header.
- Theory columns headed `3`, `Theory 3`, `T3`, `#3`, `3. Auditing`, `3: Auditing` or the
  theory's title, in any case. The name column is headed `name`, `rater`, `participant`, …, or
  is otherwise the first column that is not a theory. Other columns are ignored (and listed).
- Scores `7`, ` 7 `, `7.0` (and `7,0` in a semicolon file); a blank cell means not rated.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_COLUMNS = 200
MAX_ROWS = 200_000
MAX_CELL_CHARS = 1_000
MAX_NAME_CHARS = 150  # Participant.name
MAX_ERRORS = 500  # problems kept and shown; the count says how many there were in all
PREVIEW_ROWS = 50

NAME = "name"
NAME_HEADERS = {
    "name",
    "names",
    "rater",
    "raters",
    "participant",
    "person",
    "who",
    "member",
    "full name",
    "username",
    "user",
    "reader",
}
THEORY_HEADER = re.compile(
    r"^(?:theory|toi|t|#|no\.?|nr\.?|number)?\s*#?\s*(\d{1,3})\s*(?:[.:)\-–—]\s*(.*)|\s+(.*))?$",
    re.IGNORECASE,
)
SCORE = re.compile(r"^\+?(\d{1,6})(?:[.,](\d{1,6}))?$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not tab, LF, CR
FORMULA_CALL = re.compile(r"[(!|]")

Target = str | int | None  # "name", a theory number, or None (ignored)


class SheetUnreadable(Exception):
    """The file as a whole cannot be read as a sheet (empty, binary, too large, too wide)."""


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


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w/]+", " ", text).split())


# --- the file ---------------------------------------------------------------------------------


def sheet_decode(data: bytes) -> tuple[str, str]:
    """The text of the upload and the encoding it was read with, or SheetUnreadable."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise SheetUnreadable(
            f"The file is {len(data) / 1_048_576:.1f} MB; at most "
            f"{MAX_UPLOAD_BYTES // 1_048_576} MB can be imported."
        )
    if not data.strip():
        raise SheetUnreadable("The file is empty.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise SheetUnreadable("The file claims to be UTF-16 but is not.") from None
    if b"\x00" in data:
        raise SheetUnreadable(
            "This is not a CSV text file (it contains binary data). Save the sheet as CSV first."
        )
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("cp1252", errors="replace"), "windows-1252"
    sample = text[:65536]
    controls = len(CONTROL.findall(sample)) + sample.count("\ufffd")
    if controls > max(8, len(sample) // 100):
        raise SheetUnreadable(
            "This is not a CSV text file (it is mostly binary data). Save the sheet as CSV first."
        )
    return text, encoding


def _delimiter(text: str) -> str:
    """The delimiter of the header line: whichever of `,` `;` tab it holds most of (outside
    quotes), a comma when none."""
    for line in text.splitlines():
        if line.strip(" \t,;"):
            unquoted = re.sub(r'"[^"]*"', "", line)
            counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def _theory_of(header: str, theories: Mapping[int, str]) -> int | None:
    text = header.strip()
    match = THEORY_HEADER.match(text)
    if match and int(match.group(1)) in theories:
        return int(match.group(1))
    folded = _fold(text)
    for number, title in theories.items():
        if folded and folded == _fold(title):
            return number
    return None


def mapping_guess(headers: Sequence[str], theories: Mapping[int, str]) -> dict[int, Target]:
    """Each column's target, guessed from its header: the name column, a theory, or ignored."""
    mapping: dict[int, Target] = {}
    taken: set[int] = set()
    for index, header in enumerate(headers):
        number = _theory_of(header, theories)
        if number is not None and number not in taken:
            mapping[index] = number
            taken.add(number)
        else:
            mapping[index] = None
    named = [i for i, h in enumerate(headers) if _fold(h) in NAME_HEADERS and mapping[i] is None]
    if named:
        mapping[named[0]] = NAME
    else:
        free = [i for i in range(len(headers)) if mapping[i] is None]
        if free and free[0] == 0:  # the leftmost column, unheaded or headed oddly: the names
            mapping[0] = NAME
    return mapping


def mapping_clean(
    raw: Mapping[object, object], headers: Sequence[str], theories: Mapping[int, str]
) -> tuple[dict[int, Target], list[str]]:
    """A mapping sent by a client or a form ({column index: "name" | theory number | null}),
    checked. Returns the cleaned entries and the messages for the bad ones."""
    cleaned: dict[int, Target] = {}
    messages: list[str] = []
    for key, value in raw.items():
        try:
            index = int(str(key))
        except ValueError:
            messages.append(f"Mapping key {str(key)[:20]!r} is not a column index.")
            continue
        if not 0 <= index < len(headers):
            messages.append(f"Mapping column {index} is outside the sheet.")
            continue
        if value in (None, "", "ignore", "ignored"):
            cleaned[index] = None
        elif value == NAME:
            cleaned[index] = NAME
        else:
            try:
                number = int(str(value))
            except ValueError:
                number = -1
            if number not in theories:
                messages.append(f"Column {column_letter(index)}: no theory {str(value)[:20]!r}.")
                continue
            cleaned[index] = number
    return cleaned, messages


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
    delimiter = _delimiter(text)
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


def _read_people(sheet: Sheet, reader: "csv._reader", header_line: int) -> None:
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
        key = _fold(name) or name.casefold()
        if key in seen:
            sheet.problem(row, name_column, f"duplicate name: {name!r} is also on row {seen[key]}")
            continue
        seen[key] = row
        if scores:
            sheet.people.append(Person(row=row, name=name, scores=tuple(scores)))
        else:
            sheet.skipped.append(row)
