"""An uploaded sheet as text: its size, its encoding and its delimiter. Shared by the
spreadsheet import (exports) and the making of a list from a sheet (theories).

What real sheets look like, and what is accepted: UTF-8 with or without a byte-order mark,
UTF-16 with one (Excel's "Unicode text"), or Windows-1252 (an older Excel's "CSV"); comma,
semicolon or tab delimited (the header line decides); blank lines before the header. A file
that cannot be read as text at all raises `SheetUnreadable`, the API's 400.
"""

import re

from impactboard.errors import DomainError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not tab, LF, CR


class SheetUnreadable(DomainError):
    """The file as a whole cannot be read as a sheet (empty, binary, too large, too wide):
    `{"detail": "<why>"}`, 400."""


def sheet_decode(data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[str, str]:
    """The text of the upload and the encoding it was read with, or SheetUnreadable."""
    if len(data) > max_bytes:
        raise SheetUnreadable(
            f"The file is {len(data) / 1_048_576:.1f} MB; at most "
            f"{max_bytes // 1_048_576} MB can be imported."
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


def sheet_delimiter(text: str) -> str:
    """The delimiter of the header line: whichever of `,` `;` tab it holds most of (outside
    quotes), a comma when none."""
    for line in text.splitlines():
        if line.strip(" \t,;"):
            unquoted = re.sub(r'"[^"]*"', "", line)
            counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","
