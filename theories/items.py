"""The rules of a list's items as typed (pure: no database): limits, blank and duplicate titles,
and the parsing of a pasted list. The services and the page's form both use them, so a bad line
gets the same message at every door."""

from dataclasses import dataclass

MIN_ITEMS = 2
MAX_ITEMS = 200
MAX_TITLE = 200
MAX_SUMMARY = 2000
# What separates a pasted line's title from its summary: an em dash with spaces around it (the
# page says so); " -- " and " – " too, since keyboards type those.
SEPARATORS = (" \u2014 ", " -- ", " \u2013 ")


@dataclass(frozen=True)
class ItemText:
    title: str
    summary: str = ""
    # Where it came from, for messages: the line of a paste or sheet, the index of an API list.
    line: int = 0


class ItemsInvalid(ValueError):
    """The items as typed break a rule; `messages` name the lines (or items)."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))


def title_key(title: str) -> str:
    """The title as duplicates are found: case and spaces ignored."""
    return "".join(title.split()).casefold()


def items_check(
    items: list[ItemText], *, noun: str = "Item", existing: list[str] | None = None
) -> list[ItemText]:
    """`items` stripped, or ItemsInvalid naming every bad one (`noun` 1, `noun` 2, ...). A title is
    stored as typed (a formula-like one too: the CSV exports neutralise it in every cell).
    `existing`: titles already on the list (an item added later must not repeat one)."""
    errors: list[str] = []
    cleaned: list[ItemText] = []
    seen: dict[str, int] = {title_key(t): 0 for t in existing or []}
    for index, item in enumerate(items, start=1):
        where = f"{noun} {item.line or index}"
        title = " ".join(item.title.split())
        summary = item.summary.strip()
        if not title:
            errors.append(f"{where}: the title is blank.")
            continue
        if len(title) > MAX_TITLE:
            errors.append(f"{where}: the title is over {MAX_TITLE} characters ({len(title)}).")
        if len(summary) > MAX_SUMMARY:
            errors.append(
                f"{where}: the summary is over {MAX_SUMMARY} characters ({len(summary)})."
            )
        key = title_key(title)
        if key in seen:
            first = seen[key]
            errors.append(
                f"{where}: \u201c{title}\u201d is already on the list."
                if first == 0
                else f"{where}: \u201c{title}\u201d repeats {noun.lower()} {first}."
            )
        else:
            seen[key] = item.line or index
        cleaned.append(ItemText(title=title, summary=summary, line=item.line or index))
    if existing is None and not errors:
        if len(cleaned) < MIN_ITEMS:
            errors.append(f"A list needs at least {MIN_ITEMS} items ({len(cleaned)} given).")
        elif len(cleaned) > MAX_ITEMS:
            errors.append(f"A list holds at most {MAX_ITEMS} items ({len(cleaned)} given).")
    if errors:
        raise ItemsInvalid(errors)
    return cleaned


def items_parse_lines(text: str) -> list[ItemText]:
    """One item per non-blank line, with an optional " — summary" after the title. Line numbers
    are those of the text as pasted (blank lines count), so a message points at the right one."""
    items: list[ItemText] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        title, summary = line, ""
        for separator in SEPARATORS:
            if separator in line:
                title, summary = line.split(separator, 1)
                break
        items.append(ItemText(title=title, summary=summary, line=number))
    return items
