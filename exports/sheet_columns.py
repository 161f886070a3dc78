"""Which column of a sheet is what: the name column, a theory, or ignored.

Theory columns are headed `3`, `Theory 3`, `T3`, `#3`, `3. Auditing`, `3: Auditing` or the
theory's title, in any case. The name column is headed `name`, `rater`, `participant`, …, or is
otherwise the first column that is not a theory. Other columns are ignored (and listed). A
facilitator may override the guess with a mapping of their own, checked by `mapping_clean`.
"""

import re
import unicodedata
from collections.abc import Mapping, Sequence

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
Target = str | int | None  # "name", a theory number, or None (ignored)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w/]+", " ", text).split())


def _theory_of(header: str, theories: Mapping[int, str]) -> int | None:
    text = header.strip()
    match = THEORY_HEADER.match(text)
    if match and int(match.group(1)) in theories:
        return int(match.group(1))
    folded = fold(text)
    for number, title in theories.items():
        if folded and folded == fold(title):
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
    named = [i for i, h in enumerate(headers) if fold(h) in NAME_HEADERS and mapping[i] is None]
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
