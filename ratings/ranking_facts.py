"""What the pages of this app show of the stored rankings (the group's medians beside my scores,
a closed round's distribution before rating again) is stored by `rankings`, the app above this
one. It provides the read at start-up (RankingsConfig.ready), so that this app never imports it;
in the other direction, a change of ratings is announced by `ratings.signals`."""

from dataclasses import dataclass
from typing import Protocol

from groups.models import DiscussionGroup
from maths.ranking import RankingRow


class RankingResults(Protocol):
    def __call__(self, *, group: DiscussionGroup, number: int | None = None) -> list[RankingRow]:
        """The stored rows of the group's current ranking (`number` None) or of its round
        `number`, read as stored (every item unrated if none is stored yet)."""
        ...


@dataclass
class _Provided:
    results: RankingResults | None = None


provided = _Provided()


def ranking_facts_provide(*, results: RankingResults) -> None:
    provided.results = results


def ranking_results(*, group: DiscussionGroup, number: int | None = None) -> list[RankingRow]:
    assert provided.results is not None, "rankings provides this at start-up"
    return provided.results(group=group, number=number)
