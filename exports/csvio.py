"""Writing CSV safely and incrementally: the formula-injection rule and a byte stream."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

# A spreadsheet runs a cell that begins with one of these as a formula (tab and CR too, since some
# programs strip them and then see the next character).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
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
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_bytes(rows: Iterable[Sequence[Any]], *, bom: bool = False) -> Iterator[bytes]:
    """Encode `rows` as UTF-8 CSV (RFC 4180: CRLF, quotes where needed), every cell made safe,
    yielding a chunk of about CHUNK_BYTES as soon as the rows read so far fill one. Memory stays
    constant whatever the number of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        yield BOM
    for row in rows:
        writer.writerow([cell_safe(v) for v in row])
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()
