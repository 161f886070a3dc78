"""What a thread shows of the ratings (an author's current score of the theory, which rating
items named a comment as the argument that moved them) is stored by `ratings`, the app above
this one. It provides the two reads at start-up (RatingsConfig.ready), so that this app never
imports it; the thread decides when they may be shown (the hiding rule) and what they mean."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


class AuthorScores(Protocol):
    def __call__(self, *, group_id: int, theory_id: int, authors: set[int]) -> dict[int, int]:
        """Per user id among `authors`, their current score of the theory in the group."""
        ...


class CitedItems(Protocol):
    def __call__(
        self, *, comment_ids: list[int], groups: Any
    ) -> Iterable[tuple[int, int | None, int | None, datetime]]:
        """The rating items that name one of `comment_ids` as `moved_by`, in `groups` (ids, a
        query of them, or None: every group), as (comment id, score, the score it replaced,
        submitted at)."""
        ...


@dataclass
class _Provided:
    author_scores: AuthorScores | None = None
    cited_items: CitedItems | None = None


provided = _Provided()


def rating_facts_provide(*, author_scores: AuthorScores, cited_items: CitedItems) -> None:
    provided.author_scores = author_scores
    provided.cited_items = cited_items


def author_scores(*, group_id: int, theory_id: int, authors: set[int]) -> dict[int, int]:
    assert provided.author_scores is not None, "ratings provides this at start-up"
    return provided.author_scores(group_id=group_id, theory_id=theory_id, authors=authors)


def cited_items(
    *, comment_ids: list[int], groups: Any
) -> Iterable[tuple[int, int | None, int | None, datetime]]:
    assert provided.cited_items is not None, "ratings provides this at start-up"
    return provided.cited_items(comment_ids=comment_ids, groups=groups)
