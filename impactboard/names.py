"""Names people choose, as they will be shown and compared (no Django here).

A name is *cleaned* before it is stored: the characters nobody sees (Unicode's
Default_Ignorable_Code_Point, e.g. the zero-width space, the soft hyphen, the right-to-left mark,
variation selectors, and every control and format character) are removed, and each run of
spaces of any kind (the no-break space included) becomes one space.

Two names *look alike* when their confusable skeletons are equal: Unicode's own rule (UTS #39,
the `confusables.txt` data, as ICU implements it through PyICU's SpoofChecker), so that "Аda"
with a Cyrillic А is "Ada". The skeleton is taken again after case folding, so that case
does not tell two names apart either ("ADA", "ada"), nor does "I" against "l"; and after NFKC,
so that full-width and other compatibility forms are their plain letters.
"""

import unicodedata

import icu

_SPOOF = icu.SpoofChecker()
_IGNORABLE = icu.UProperty.DEFAULT_IGNORABLE_CODE_POINT


def _invisible(char: str) -> bool:
    if unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs", "Cn"):
        return True
    return bool(icu.Char.hasBinaryProperty(char, _IGNORABLE))


def name_clean(text: str) -> str:
    """`text` without invisible characters, its spaces collapsed to single ASCII spaces and
    trimmed, in NFC."""
    visible = "".join(
        " " if char.isspace() else char for char in text if char.isspace() or not _invisible(char)
    )
    return unicodedata.normalize("NFC", " ".join(visible.split()))


def name_skeleton(text: str) -> str:
    """The key two names share exactly when they look alike (after `name_clean`)."""
    # NFKC first: ICU's table leaves some compatibility forms (full-width "ｍ") to it.
    first = _SPOOF.getSkeleton(0, unicodedata.normalize("NFKC", name_clean(text)))
    return _SPOOF.getSkeleton(0, first.casefold())
