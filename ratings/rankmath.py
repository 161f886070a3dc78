"""The ranking maths: ranked rows and the ranking's summary, built from ten-bin histograms, and
the English sentences about them. Pure: no Django, no database, no cache; the statistics of one
histogram come from `ratings.statistics`."""

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from .statistics import (
    alpha_reading,
    kendall_tau_b,
    krippendorff_alpha_interval,
    mean_interval_95,
    stats_from_histogram,
)


class TheoryLike(Protocol):
    """What a ranking row needs of a theory (a model instance or a named values_list row)."""

    @property
    def id(self) -> int: ...

    @property
    def number(self) -> int: ...

    @property
    def title(self) -> str: ...


def ranking_rows(
    theories: Sequence[TheoryLike], counts: Iterable[tuple[int, int, int]]
) -> list[dict[str, Any]]:
    """Ranked rows from (theory_id, score, count) triples: statistics per theory from its
    ten-bin histogram, ordered by mean desc, median desc, theory number asc, unrated last."""
    histograms: dict[int, list[int]] = {}
    for theory_id, score, count in counts:
        histograms.setdefault(theory_id, [0] * 10)[score - 1] = count
    return ranking_rows_from_histograms(theories, histograms)


def ranking_rows_from_histograms(
    theories: Sequence[TheoryLike], histograms: dict[int, list[int]]
) -> list[dict[str, Any]]:
    """Ranked rows from one ten-bin histogram per theory id (see `ranking_rows`); a theory
    missing from `histograms` is unrated."""
    rows: list[dict[str, Any]] = []
    for theory in theories:
        histogram = histograms.get(theory.id) or [0] * 10
        stats = stats_from_histogram(histogram)
        interval = mean_interval_95(stats)
        rows.append(
            {
                "theory": {"id": theory.id, "number": theory.number, "title": theory.title},
                "n": stats.n,
                "mean": stats.mean,
                "median": stats.median,
                "stdev": stats.stdev,
                "histogram": histogram,
                "controversy": stats.controversy,
                "ci_low": interval[0] if interval else None,
                "ci_high": interval[1] if interval else None,
                "thin": stats.n < 3,  # too few ratings to read much into
            }
        )
    rows.sort(
        key=lambda r: (
            r["n"] == 0,
            -(r["mean"] or 0.0),
            -(r["median"] or 0.0),
            r["theory"]["number"],
        )
    )
    return [{"rank": rank, **row} for rank, row in enumerate(rows, start=1)]


def ranking_summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Ranking-level figures: inter-rater agreement, and the most controversial of the highly
    rated theories (the source post's own observation), named in a sentence."""
    alpha = krippendorff_alpha_interval([r["histogram"] for r in rows])
    summary: dict[str, Any] = {
        "agreement": {
            "method": "Krippendorff's alpha (interval metric)",
            "value": alpha,
            "reading": alpha_reading(alpha),
        },
        "interval_method": "95% t-interval of the mean: mean ± t(0.975, n−1) · SD / √n",
        "most_controversial_highly_rated": None,
    }
    rated = [r for r in rows if r["n"] >= 2]
    if rated:
        means = sorted(r["mean"] for r in rated)
        median_mean = means[len(means) // 2]
        high = [r for r in rated if r["mean"] >= median_mean]
        top = max(high, key=lambda r: (r["controversy"], r["mean"]))
        if top["controversy"] > 0:
            theory = top["theory"]
            summary["most_controversial_highly_rated"] = {
                "theory": theory,
                "sentence": (
                    f"{theory['number']}. {theory['title']} is the most controversial of the "
                    f"highly rated theories: it averages {top['mean']:.1f}, yet two raters differ "
                    f"by {top['controversy']:.1f} points on average."
                ),
            }
    return summary


def ranking_comparison(
    *, group_rows: Sequence[dict[str, Any]], global_rows: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """Group rank beside global rank per theory, and Kendall's tau-b between the group's and the
    global means over the theories rated in both (no re-aggregation: two stored rankings)."""
    by_theory = {r["theory"]["id"]: r for r in global_rows}
    rows, pairs = [], []
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
        if row["n"] and other and other["n"]:
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


def histogram_of(rows: Sequence[dict[str, Any]] | None, theory_id: int) -> dict[str, Any]:
    """One theory's n, mean and histogram in a ranking's rows (unrated if absent)."""
    row = next((r for r in rows or [] if r["theory"]["id"] == theory_id), None)
    if row is None:
        return {"n": 0, "mean": None, "histogram": [0] * 10}
    return {"n": row["n"], "mean": row["mean"], "histogram": row["histogram"]}
