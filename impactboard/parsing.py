"""Whole numbers as clients send them, parsed once.

`str.isdigit()` is true of "²", "①" and "١" (superscripts, circled and Arabic-Indic digits), and
`int()` refuses the first two and accepts the third: a check with one and a parse with the other
answered 500 (issue 23). Every number read from a query string or a header goes through here:
ASCII digits only, anything else is None.
"""

import re

ASCII_DIGITS = re.compile(r"[0-9]+")


def ascii_int(raw: str | None, *, max_digits: int = 18) -> int | None:
    """`raw` as a non-negative integer if it is made of ASCII digits only (at most `max_digits`
    of them), else None."""
    if raw is None or len(raw) > max_digits or not ASCII_DIGITS.fullmatch(raw):
        return None
    return int(raw)
