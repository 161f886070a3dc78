"""Items and pending proposals worded like a title being typed: the "similar: 7. Auditing" hint
of a proposal (issue 22). On PostgreSQL the similarity is pg_trgm's (`similarity()`, the share
of trigrams two strings have in common; the extension is made by migration 0006); elsewhere
(SQLite, the embedded default) it is difflib's: the mean of its ratio over the characters (which
forgives a typo) and over the words (which keeps "Enabling regulation" away from "Auditing for
deception", whose letters overlap by chance). Both read the list's
active items and pending proposals (at most 200 + a queue) and score them in one query each."""

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import QuerySet

from .models import Longlist, Proposal, Theory

# pg_trgm's own default threshold (pg_trgm.similarity_threshold), and the difflib score's bar
# that finds the same neighbours in the tests (tests/test_proposals.py).
TRIGRAM_THRESHOLD = 0.3
DIFFLIB_THRESHOLD = 0.45
SIMILAR_LIMIT = 5


@dataclass(frozen=True)
class Similar:
    kind: str  # "item" or "proposal"
    id: int
    title: str
    number: int | None  # an item's number; None for a proposal
    score: float

    @property
    def label(self) -> str:
        """ "7. Auditing" for an item, "proposed: Auditing" for a pending proposal."""
        return f"{self.number}. {self.title}" if self.number else f"proposed: {self.title}"


def _pending(longlist: Longlist, exclude: int | None) -> QuerySet[Proposal]:
    pending = Proposal.objects.filter(longlist=longlist, status=Proposal.Status.PENDING)
    return pending.exclude(pk=exclude) if exclude is not None else pending


def _trigram(longlist: Longlist, text: str, exclude: int | None) -> list[Similar]:
    items = (
        Theory.objects.filter(longlist=longlist, status=Theory.Status.ACTIVE)
        .annotate(similarity=TrigramSimilarity("title", text))
        .filter(similarity__gte=TRIGRAM_THRESHOLD)
        .order_by("-similarity", "number")
        .values_list("id", "title", "number", "similarity")[:SIMILAR_LIMIT]
    )
    pending = (
        _pending(longlist, exclude)
        .annotate(similarity=TrigramSimilarity("title", text))
        .filter(similarity__gte=TRIGRAM_THRESHOLD)
        .order_by("-similarity", "id")
        .values_list("id", "title", "similarity")[:SIMILAR_LIMIT]
    )
    return [Similar("item", pk, title, number, score) for pk, title, number, score in items] + [
        Similar("proposal", pk, title, None, score) for pk, title, score in pending
    ]


def _difflib(longlist: Longlist, text: str, exclude: int | None) -> list[Similar]:
    wanted = text.casefold()
    words = wanted.split()

    def ratio(title: str) -> float:
        title = title.casefold()
        by_char = SequenceMatcher(None, wanted, title, autojunk=False).ratio()
        by_word = SequenceMatcher(None, words, title.split(), autojunk=False).ratio()
        return (by_char + by_word) / 2

    found = [
        Similar("item", pk, title, number, ratio(title))
        for pk, title, number in Theory.objects.filter(
            longlist=longlist, status=Theory.Status.ACTIVE
        ).values_list("id", "title", "number")
    ] + [
        Similar("proposal", pk, title, None, ratio(title))
        for pk, title in _pending(longlist, exclude).values_list("id", "title")
    ]
    return [s for s in found if s.score >= DIFFLIB_THRESHOLD]


def longlist_similar(
    *, longlist: Longlist, text: str, exclude_proposal: int | None = None
) -> list[Similar]:
    """The list's active items and pending proposals worded like `text`, most alike first (at
    most SIMILAR_LIMIT); none for fewer than 3 characters (every short string looks alike)."""
    text = " ".join(text.split())[:200]
    if len(text) < 3:
        return []
    score = _trigram if connection.vendor == "postgresql" else _difflib
    found = score(longlist, text, exclude_proposal)
    found.sort(key=lambda s: (-s.score, s.kind != "item", s.number or 0, s.id))
    return found[:SIMILAR_LIMIT]
