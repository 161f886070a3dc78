"""Stored rankings read side by side, with no re-aggregation: a group's ranking against the
global one (rank beside rank, Kendall's tau-b between the means), and one theory's n, mean and
histogram read out of a ranking (a theory's distribution across groups). Pure, like the rest
of `maths`."""

from collections.abc import Sequence
from typing import Any, TypedDict

from .histogram_stats import kendall_tau_b
from .ranking import RankingRow, TheoryRef


class ComparisonRow(TypedDict):
    theory: TheoryRef
    group_rank: int | None
    global_rank: int | None
    group_mean: float | None
    global_mean: float | None
    group_n: int
    global_n: int


def ranking_comparison(
    *, group_rows: Sequence[RankingRow], global_rows: Sequence[RankingRow]
) -> dict[str, Any]:
    """Group rank beside global rank per theory, and Kendall's tau-b between the group's and the
    global means over the theories rated in both (no re-aggregation: two stored rankings)."""
    by_theory = {r["theory"]["id"]: r for r in global_rows}
    rows: list[ComparisonRow] = []
    pairs: list[tuple[float, float]] = []
    for row in group_rows:
        other = by_theory.get(row["theory"]["id"])
        rows.append(
            {
                "theory": row["theory"],
                "group_rank": row["rank"] if row["n"] else None,
                "global_rank": other["rank"] if other and other["n"] else None,
                "group_mean": row["mean"],
                "global_mean": other["mean"] if other else None,
                "group_n": row["n"],
                "global_n": other["n"] if other else 0,
            }
        )
        # Rated in both (a mean is None exactly when n is 0).
        if other and row["mean"] is not None and other["mean"] is not None:
            pairs.append((row["mean"], other["mean"]))
    tau = kendall_tau_b([p[0] for p in pairs], [p[1] for p in pairs]) if len(pairs) >= 2 else None
    return {
        "hidden": False,
        "rank_correlation": {
            "method": "Kendall's tau-b between group and global means, theories rated in both",
            "value": tau,
            "pairs": len(pairs),
        },
        "results": rows,
    }


class TheoryHistogram(TypedDict):
    n: int
    mean: float | None
    histogram: list[int]


def histogram_of(rows: Sequence[RankingRow] | None, theory_id: int) -> TheoryHistogram:
    """One theory's n, mean and histogram in a ranking's rows (unrated if absent)."""
    row = next((r for r in rows or [] if r["theory"]["id"] == theory_id), None)
    if row is None:
        return {"n": 0, "mean": None, "histogram": [0] * 10}
    return {"n": row["n"], "mean": row["mean"], "histogram": row["histogram"]}
