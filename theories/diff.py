"""A word-level diff of two wordings, for the change log (pure: difflib, no Django)."""

from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class DiffPart:
    op: str  # "same", "del" (only in the earlier text) or "ins" (only in the later one)
    text: str


def word_diff(before: str, after: str) -> list[DiffPart]:
    """`before` → `after` as runs of words kept, deleted and inserted (a replacement is its
    deletion then its insertion), each run's words joined by single spaces."""
    old, new = before.split(), after.split()
    parts: list[DiffPart] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(DiffPart("same", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(DiffPart("del", " ".join(old[i1:i2])))
        if j2 > j1:
            parts.append(DiffPart("ins", " ".join(new[j1:j2])))
    return parts
