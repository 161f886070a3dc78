"""What the projector shows (templates/console/present.html): the top of the ranking with rank
ranges, the most controversial theories, the changes since the last round, and who has rated.

The wall is seen by everyone in the room, so the hiding rule is the group's, not the viewer's:
while the group hides its results, nothing but progress is returned, whoever asks."""

from typing import Any

from groups.models import DiscussionGroup
from maths.ranking import RankingRow
from rankings.scope import Scope
from rankings.selectors import ranking_get
from ratings.selectors import group_progress
from ratings.selectors.changes import changes_between

TOP = 10  # rows a room can read from the back
CONTROVERSIAL = 5


def _row(row: RankingRow) -> dict[str, Any]:
    return {
        "rank": row["rank"],
        "rank_interval": row.get("rank_interval"),
        "theory": row["theory"],
        "n": row["n"],
        "mean": row["mean"],
        "median": row["median"],
        "controversy": row.get("controversy"),
    }


def present_snapshot(*, group: DiscussionGroup, member_count: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": group.name,
        "progress": group_progress(group=group, member_count=member_count, with_names=True),
        "hidden": group.results_hidden,
        "computed_at": None,
        "ranking": None,
        "controversial": None,
        "changes": None,
    }
    if group.results_hidden:
        return body
    ranking = ranking_get(scope=Scope.group(group.pk))
    rated = [r for r in ranking.results if r["n"]]
    body["computed_at"] = ranking.computed_at.isoformat() if ranking.computed_at else None
    body["ranking"] = [_row(r) for r in rated[:TOP]]
    # Only theories two or more people rated can disagree.
    disputed = [r for r in rated if r["n"] >= 2 and r.get("controversy") is not None]
    disputed.sort(key=lambda r: (-(r["controversy"] or 0.0), r["rank"]))
    body["controversial"] = [_row(r) for r in disputed[:CONTROVERSIAL]]
    if group.current_round > 1:
        first, last = group.current_round - 1, group.current_round
        changes = changes_between(group=group, first=first, last=last)
        moved = sorted(
            (r for r in changes["results"] if r["moved"]),
            key=lambda r: (-r["moved"], r["theory"]["number"]),
        )
        body["changes"] = {
            "from": first,
            "to": last,
            "sentences": changes["summary"].get("sentences", []),
            "rows": [
                {
                    "theory": r["theory"],
                    "moved": r["moved"],
                    "pairs": r["pairs"],
                    "mean_from": r["mean_from"],
                    "mean_to": r["mean_to"],
                }
                for r in moved[:TOP]
            ],
        }
    return body
