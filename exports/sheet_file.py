"""The import's reading of an uploaded file as text (impactboard.sheet_file, shared with the
making of lists), with the import's own size limit."""

from impactboard.sheet_file import CONTROL, SheetUnreadable, sheet_delimiter
from impactboard.sheet_file import sheet_decode as _sheet_decode

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

__all__ = ["CONTROL", "MAX_UPLOAD_BYTES", "SheetUnreadable", "sheet_decode", "sheet_delimiter"]


def sheet_decode(data: bytes) -> tuple[str, str]:
    """The text of the upload and the encoding it was read with, or SheetUnreadable."""
    return _sheet_decode(data, max_bytes=MAX_UPLOAD_BYTES)
