"""A list from an uploaded sheet: CSV (read as the import reads it: impactboard.sheet_file) or
XLSX (its first worksheet), with a header row naming a `title` column and, optionally, a
`summary` one. Line numbers in messages are the sheet's row numbers."""

import csv
import io
from collections.abc import Iterable

from impactboard.sheet_file import SheetUnreadable, sheet_decode, sheet_delimiter

from .items import MAX_ITEMS, ItemText

MAX_LIST_SHEET_BYTES = 2 * 1024 * 1024
TITLE_HEADERS = {"title", "item", "name", "theory"}
SUMMARY_HEADERS = {"summary", "description", "details"}
XLSX_MAGIC = b"PK\x03\x04"


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # only for an .xlsx upload

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a zip that is not a workbook, a damaged one: openpyxl says why
        raise SheetUnreadable(
            f"This .xlsx file cannot be read ({exc.__class__.__name__})."
        ) from exc
    try:
        sheet = book.worksheets[0]
        rows: list[list[str]] = []
        for row in sheet.iter_rows(values_only=True, max_row=MAX_ITEMS + 100):
            rows.append(["" if cell is None else str(cell) for cell in row])
        return rows
    finally:
        book.close()


def _csv_rows(data: bytes) -> Iterable[list[str]]:
    text, _ = sheet_decode(data, max_bytes=MAX_LIST_SHEET_BYTES)
    return csv.reader(io.StringIO(text), delimiter=sheet_delimiter(text))


def list_sheet_items(data: bytes) -> list[ItemText]:
    """The items of an uploaded sheet (not yet checked: `items_check` names bad lines), or
    SheetUnreadable saying what is wrong with the file as a whole."""
    if len(data) > MAX_LIST_SHEET_BYTES:
        raise SheetUnreadable(f"At most {MAX_LIST_SHEET_BYTES // 1_048_576} MB.")
    rows = _xlsx_rows(data) if data.startswith(XLSX_MAGIC) else _csv_rows(data)
    items: list[ItemText] = []
    title_at: int | None = None
    summary_at: int | None = None
    for line, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if title_at is None:
            if not any(cells):
                continue  # blank lines before the header
            folded = [c.casefold() for c in cells]
            title_at = next((i for i, c in enumerate(folded) if c in TITLE_HEADERS), None)
            if title_at is None:
                raise SheetUnreadable(
                    f"Line {line}: the header row needs a column headed \u201ctitle\u201d "
                    "(and may have one headed \u201csummary\u201d)."
                )
            summary_at = next((i for i, c in enumerate(folded) if c in SUMMARY_HEADERS), None)
            continue
        if not any(cells):
            continue
        title = cells[title_at] if title_at < len(cells) else ""
        summary = cells[summary_at] if summary_at is not None and summary_at < len(cells) else ""
        items.append(ItemText(title=title, summary=summary, line=line))
        if len(items) > MAX_ITEMS:
            break  # enough to say there are too many
    if title_at is None:
        raise SheetUnreadable("The sheet is empty.")
    return items
