"""Text rules several apps share: when a cell would run as a formula in a spreadsheet.

The exports guard every cell they write with them (`exports.csvio`); the groups refuse a guest
name that a spreadsheet would run, at the door (`groups.services.guests`)."""

# A spreadsheet runs a cell that begins with one of these as a formula (tab and CR too, since some
# programs strip them and then see the next character).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The formula characters in their full-width forms (＝ ＋ － ＠), which some spreadsheets also read
# as formulas (CJK input methods type them).
FULL_WIDTH_STARTS = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
FORMULA_CHARS = ("=", "+", "-", "@", *FULL_WIDTH_STARTS)
# Characters a spreadsheet may drop before reading a cell (LibreOffice's "Trim spaces" opens
# ` =2+3` as a formula): spaces of every kind, line breaks, and the zero-width ones. A cell is
# guarded when a formula character follows any run of them.
IGNORED_LEADING = (
    " \t\r\n\v\f\x85\xa0\u1680\u180e"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
)


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would run `text` as a formula."""
    return text.startswith(FORMULA_STARTS + FULL_WIDTH_STARTS) or (
        text.startswith(tuple(IGNORED_LEADING))
        and text.lstrip(IGNORED_LEADING).startswith(FORMULA_CHARS)
    )
