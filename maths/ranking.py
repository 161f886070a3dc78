"""The ranking maths: ranked rows and the ranking's summary, built from ten-bin histograms, and
the English sentences about them. Pure: no Django, no database, no cache; the statistics of one
histogram come from `histogram_stats`.

`RankingRow` is the row of every ranking (a group's, a round's, the global one), and `_row` the
one place it is built; `ranking_uncertainty_add` fills its rank interval and tier. It is stored
as is (`Ranking.results`), answered as is by the rankings API, drawn by `charts` and listed by
`rankings.ranking_columns` (the page's table, its script and the CSV export).
"""

from collections.abc import Iterable, Sequence
from typing import Any, NotRequired, Protocol, TypedDict

import numpy as np

from .adjusted import NO_RATER_ROWS, adjusted_scores
from .agreement import compare_orders, kendall_w, theory_flags
from .histogram_stats import (
    alpha_reading,
    krippendorff_alpha_interval,
    mean_interval_95,
    stats_from_histogram,
)
from .rank_intervals import (
    CONFIDENCE,
    RESAMPLES,
    rank_intervals,
    rank_intervals_from_histograms,
    tier_of,
    tier_sentence,
    tiers,
)


class TheoryLike(Protocol):
    """What a ranking row needs of a theory (a model instance or a named values_list row)."""

    @property
    def id(self) -> int: ...

    @property
    def number(self) -> int: ...

    @property
    def title(self) -> str: ...


class TheoryRef(TypedDict):
    id: int
    number: int
    title: str


class AdjustedScore(TypedDict):
    """The item's effect in the additive model score = item + rater + noise (maths.adjusted):
    its score from the scope's average rater, and its 95% interval (None with no residual
    degrees of freedom)."""

    score: float
    interval: list[float] | None


class RankingRow(TypedDict):
    """One theory in a ranking. The keys are in the order the API has always answered them (the
    rendered body of a stored ranking is cached byte for byte).

    A new statistic of a theory takes four files: its computation (`histogram_stats`, from the
    histogram), its key here and in `_row`, its column in `ratings/ranking_columns.py` (the
    page's table, the page script and the CSV follow it), and its field in the schema
    (`RankingRowSerializer`, ratings/serializers/rankings.py). Stored rankings gain it when
    recomputed (`manage.py recompute_rankings`)."""

    rank: int  # 1, 2, 3, … in the contract's order: mean, median desc, theory number asc
    theory: TheoryRef
    n: int
    mean: float | None
    median: float | None
    stdev: float | None  # sample SD (n − 1); None when n < 2
    histogram: list[int]  # ten counts, scores 1..10
    controversy: float | None  # Gini's mean difference between two raters' scores
    ci_low: float | None  # 95% t-interval of the mean
    ci_high: float | None
    thin: bool  # n < 3: too few ratings to read much into
    rank_interval: list[int] | None  # [low, high], by ranking_uncertainty_add
    tier: int | None  # by ranking_uncertainty_add
    flags: list[str]  # at most one of split, spread, consensus
    in_words: str  # the counts behind the flags
    coverage: float | None  # the share (0–1) of the scope's raters who rated it; by ..._add
    adjusted: AdjustedScore | None  # None where it cannot be estimated; by ..._add
    adjusted_note: str | None  # why there is no adjusted score ("not connected: …")
    groups: NotRequired[int]  # a ranking of groups only: the groups that rated it


def _row(theory: TheoryLike, histogram: list[int]) -> RankingRow:
    """The row of one theory from its histogram, unranked (rank 0) and without its interval,
    tier, coverage and adjusted score: the ranking sets those once it has every row (and, for
    the last two, the scope's raters)."""
    stats = stats_from_histogram(histogram)
    interval = mean_interval_95(stats)
    flags = theory_flags(histogram)
    return {
        "rank": 0,
        "theory": {"id": theory.id, "number": theory.number, "title": theory.title},
        "n": stats.n,
        "mean": stats.mean,
        "median": stats.median,
        "stdev": stats.stdev,
        "histogram": histogram,
        "controversy": stats.controversy,
        "ci_low": interval[0] if interval else None,
        "ci_high": interval[1] if interval else None,
        "thin": stats.n < 3,
        "rank_interval": None,
        "tier": None,
        "flags": flags.flags,
        "in_words": flags.words,
        "coverage": None,
        "adjusted": None,
        "adjusted_note": None,
    }


def rows_rated_by_few(rows: Sequence[RankingRow], raters: int) -> list[RankingRow]:
    """The rows fewer than half the scope's `raters` rated (rated or not), in rank order: the
    facilitator's alert (issue 22: a late item, or one the room skipped). None below 2 raters,
    where half a rater says nothing."""
    if raters < 2:
        return []
    return [r for r in rows if 2 * r["n"] < raters]


def ranking_build(
    theories: Sequence[TheoryLike],
    histograms: dict[int, list[int]],
    *,
    scores: Iterable[tuple[int, int, int]] | None = None,
    references: Sequence["Reference"] = (),
) -> tuple[list[RankingRow], dict[str, Any]]:
    """A whole ranking: its ranked rows and its summary, how sure the order is included (see
    `ranking_uncertainty_add` for `scores` and `references`). What the recompute stores, and what
    a scope never computed reads as (no histograms: every theory unrated)."""
    rows = ranking_rows_from_histograms(theories, histograms)
    summary = ranking_summary(rows)
    ranking_uncertainty_add(rows, summary, scores=scores, references=references)
    return rows, summary


def ranking_rows(
    theories: Sequence[TheoryLike], counts: Iterable[tuple[int, int, int]]
) -> list[RankingRow]:
    """Ranked rows from (theory_id, score, count) triples: statistics per theory from its
    ten-bin histogram, ordered by mean desc, median desc, theory number asc, unrated last."""
    histograms: dict[int, list[int]] = {}
    for theory_id, score, count in counts:
        histograms.setdefault(theory_id, [0] * 10)[score - 1] = count
    return ranking_rows_from_histograms(theories, histograms)


def ranking_rows_from_histograms(
    theories: Sequence[TheoryLike], histograms: dict[int, list[int]]
) -> list[RankingRow]:
    """Ranked rows from one ten-bin histogram per theory id (see `ranking_rows`); a theory
    missing from `histograms` is unrated. Rank intervals and tiers are None until
    `ranking_uncertainty_add` fills them."""
    rows = [_row(theory, histograms.get(theory.id) or [0] * 10) for theory in theories]
    rows.sort(
        key=lambda r: (
            r["n"] == 0,
            -(r["mean"] or 0.0),
            -(r["median"] or 0.0),
            r["theory"]["number"],
        )
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def ranking_summary(rows: Sequence[RankingRow]) -> dict[str, Any]:
    """Ranking-level figures: inter-rater agreement, and the most controversial of the highly
    rated theories (the source post's own observation), named in a sentence."""
    alpha = krippendorff_alpha_interval([r["histogram"] for r in rows])
    summary: dict[str, Any] = {
        "agreement": {
            "method": "Krippendorff's alpha (interval metric)",
            "value": alpha,
            "reading": alpha_reading(alpha),
            # Alpha pairs ratings within a theory: only theories with two or more count.
            "n": sum(r["n"] for r in rows if r["n"] >= 2),
        },
        "interval_method": "95% t-interval of the mean: mean ± t(0.975, n−1) · SD / √n",
        "most_controversial_highly_rated": None,
    }
    # (row, mean, controversy) of the theories rated twice or more: both are then defined.
    rated = [
        (r, mean, controversy)
        for r in rows
        if r["n"] >= 2
        and (mean := r["mean"]) is not None
        and (controversy := r["controversy"]) is not None
    ]
    if rated:
        means = sorted(mean for _, mean, _ in rated)
        median_mean = means[len(means) // 2]
        high = [entry for entry in rated if entry[1] >= median_mean]
        top, top_mean, top_controversy = max(high, key=lambda entry: (entry[2], entry[1]))
        if top_controversy > 0:
            theory = top["theory"]
            summary["most_controversial_highly_rated"] = {
                "theory": theory,
                "sentence": (
                    f"{theory['number']}. {theory['title']} is the most controversial of the "
                    f"highly rated theories: it averages {top_mean:.1f}, yet two raters differ "
                    f"by {top_controversy:.1f} points on average."
                ),
            }
    return summary


#: A reference order to compare a group's order with: key (as the contract names it: "post",
#: "global", "round-N"), a name for sentences ("the post's group"), and theory numbers, best
#: first.
Reference = tuple[str, str, Sequence[int]]

RANK_INTERVAL_METHODS = {
    "bootstrap": (
        f"95% percentile bootstrap over raters ({RESAMPLES} resamples of whole rows of scores)"
    ),
    "normal": (
        f"95% range of ranks over {RESAMPLES} draws of each theory's mean from its normal "
        "approximation N(mean, SD/√n), from the histograms"
    ),
}


def histograms_of_scores(
    scores: Iterable[tuple[int, int, int]],
) -> tuple[dict[int, list[int]], int]:
    """Ten-bin histograms by theory id, and the number of raters, of (participant id, theory id,
    score) triples (a round's results, which come as rows, not counts)."""
    histograms: dict[int, list[int]] = {}
    raters: set[int] = set()
    for participant, theory, score in scores:
        histograms.setdefault(theory, [0] * 10)[score - 1] += 1
        raters.add(participant)
    return histograms, len(raters)


def _score_matrix(scores: Iterable[tuple[int, int, int]], columns: dict[int, int]) -> np.ndarray:
    """Raters × theories (columns by theory id), NaN = not rated. A rating of an item that is not
    ranked (a retired one) leaves a cell out, never its rater: the rater still counts among
    the scope's raters."""
    by_rater: dict[int, list[tuple[int, int]]] = {}
    for participant, theory, score in scores:
        cells = by_rater.setdefault(participant, [])
        if (column := columns.get(theory)) is not None:
            cells.append((column, score))
    matrix = np.full((len(by_rater), len(columns)), np.nan)
    for i, cells in enumerate(by_rater.values()):
        for j, score in cells:
            matrix[i, j] = score
    return matrix


#: Above this many raters a scope's rank intervals come from the normal approximation of the
#: means (as the global ranking's do) instead of the bootstrap over raters: with that many the
#: two agree (tests/test_uncertainty.py) and the bootstrap's cost grows with every rater.
BOOTSTRAP_MAX_RATERS = 60


def ranking_uncertainty_add(
    rows: list[RankingRow],
    summary: dict[str, Any],
    *,
    scores: Iterable[tuple[int, int, int]] | None = None,
    references: Sequence[Reference] = (),
) -> None:
    """How sure the ranking is, written into its ranked `rows` and `summary` (in place).

    With `scores` (the scope's (participant id, theory id, score) triples: a group or a round)
    the rank intervals are the bootstrap over raters, and the summary gains Kendall's W and the
    comparisons with `references`; without (the global ranking, built from group totals, with
    no rater rows) the intervals come from the histograms by the normal approximation, and there
    is no W. Rows gain `rank_interval` ([low, high], null when unrated or below 3 raters) and
    `tier`, and with `scores` their `coverage` (ratings over the scope's raters) and `adjusted`
    score (maths.adjusted; `adjusted_note` says why where there is none); the summary the
    tiers and their sentence, the method, and below 3 raters the reason there are no
    intervals. Deterministic: the same ratings give the same figures."""
    numbers = [r["theory"]["number"] for r in rows]
    concordance = None
    matrix = (
        None
        if scores is None
        else _score_matrix(scores, {r["theory"]["id"]: j for j, r in enumerate(rows)})
    )
    raters = None if matrix is None else matrix.shape[0]
    if matrix is not None:
        matrix = matrix[~np.isnan(matrix).all(axis=1)]  # who rated only unranked items
    if matrix is None or matrix.shape[0] > BOOTSTRAP_MAX_RATERS:
        # Many raters: the normal approximation of the means says the same thing for a
        # fraction of the bootstrap's cost (158 ms of CPU at 500 raters, recomputed up to twice
        # a second in a busy workshop); see /methods/#rank-intervals.
        result = rank_intervals_from_histograms(
            {r["theory"]["number"]: r["histogram"] for r in rows}
        )
    else:
        result = rank_intervals(matrix, numbers)
    if matrix is not None:
        concordance = kendall_w(matrix)
    _coverage_and_adjusted_add(rows, matrix, raters)
    tier_list = tiers([(n, result.ranks[n], result.intervals[n]) for n in numbers])
    tier_by_number = tier_of(tier_list)
    for row in rows:
        number = row["theory"]["number"]
        interval = result.intervals[number]
        if interval is not None and row["n"]:
            # The rows' rank and the resampler's rank follow one rule; the bounds are still
            # clamped so that low ≤ rank ≤ high holds whatever the floating point did.
            row["rank_interval"] = [min(interval[0], row["rank"]), max(interval[1], row["rank"])]
        row["tier"] = tier_by_number.get(number)
    summary["rank_intervals"] = {
        "method": RANK_INTERVAL_METHODS[result.method],
        "confidence": CONFIDENCE,
        "resamples": result.resamples,
        "n": result.n_raters,
    }
    summary["uncertainty_reason"] = result.reason
    summary["tiers"] = tier_list
    summary["tier_sentence"] = tier_sentence(tier_list, result.n_raters, result.reason)
    if concordance is None:
        summary["kendall_w"] = {
            "method": "Kendall's W (tie-corrected)",
            "value": None,
            "reading": (
                "Kendall's W needs each rater's scores; this ranking is summed from groups' "
                "totals, so it has none."
            ),
            "n_raters": 0,
            "n_theories": 0,
        }
    else:
        summary["kendall_w"] = {
            "method": "Kendall's W (tie-corrected)",
            "value": concordance.w,
            "reading": concordance.reading,
            "n_raters": concordance.n_raters,
            "n_theories": concordance.n_theories,
        }
    order = [r["theory"]["number"] for r in rows if r["n"]]
    summary["references"] = [
        _reference_entry(key, name, order, reference, result if scores is not None else None)
        for key, name, reference in references
    ]


def _coverage_and_adjusted_add(
    rows: list[RankingRow], matrix: np.ndarray | None, raters: int | None
) -> None:
    """Each row's coverage (its ratings over the scope's `raters`) and adjusted score (the
    additive model fitted on the observed cells, maths.adjusted), from the raters × theories
    `matrix` whose columns are the rows in order; without one (no rater rows) neither, and a
    note."""
    if matrix is None or raters is None:
        for row in rows:
            row["adjusted_note"] = NO_RATER_ROWS if row["n"] else None
        return
    for row, adjusted in zip(rows, adjusted_scores(matrix), strict=True):
        row["coverage"] = row["n"] / raters if raters else None
        if adjusted.score is None:
            row["adjusted"], row["adjusted_note"] = None, adjusted.reason
        else:
            # Clipped to the scale, as the mean's interval is: no score lies outside 1–10.
            interval = (
                [max(1.0, adjusted.interval[0]), min(10.0, adjusted.interval[1])]
                if adjusted.interval is not None
                else None
            )
            row["adjusted"] = {"score": adjusted.score, "interval": interval}
            row["adjusted_note"] = None


def _reference_entry(
    key: str, name: str, order: Sequence[int], reference: Sequence[int], resampled: Any
) -> dict[str, Any]:
    comparison = compare_orders(order, reference, resampled=resampled, reference_name=name)
    interval = comparison.kendall_tau_b_interval
    return {
        "key": key,
        "name": name,
        "kendall_tau_b": comparison.kendall_tau_b,
        "kendall_tau_b_interval": list(interval) if interval else None,
        "rbo": comparison.rbo,
        "n": comparison.n_common,
        "largest_differences": [
            {
                "theory": d.theory,
                "group_rank": d.group_rank,
                "reference_rank": d.reference_rank,
                "difference": d.difference,
            }
            for d in comparison.differences
        ],
        "sentence": comparison.sentence,
        "left_out": comparison.left_out,
    }
