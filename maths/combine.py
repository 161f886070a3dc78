"""The global ranking is a ranking of groups: each group counted gives one voice per theory (its
own result over its eligible raters) and the global figure is the median of those voices, with
95% intervals and rank intervals from one bootstrap over the groups.

Pure computation (numpy, no Django): the recompute hands in each counted group's stored ten-bin
histograms (by theory id) and stores what comes out. Deterministic: the resampling is seeded
from a hash of the groups' histograms in a canonical order, so the same stored results always
give the same figures (stable ETags and tests). Why this rule, and its limits:
docs/decisions/global-ranking-of-groups.md; in plain words: docs/methods.md, "The global
ranking: a ranking of groups".
"""

import hashlib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .adjusted import NO_RATER_ROWS
from .rank_intervals import CONFIDENCE, RESAMPLES, tier_of, tier_sentence, tiers
from .ranking import RankingRow, TheoryLike, ranking_rows_from_histograms, ranking_summary

#: Below this many groups behind the ranking there are no intervals: resampling one or two
#: groups says nothing about how sure the order is (the groups' MIN_RATERS).
MIN_GROUPS = 3

SCORES = np.arange(1, 11, dtype=np.float64)

GROUP_INTERVAL_METHOD = (
    "95% percentile bootstrap over groups (resamples of whole groups) of the median of the "
    "groups' means"
)
GROUP_RANK_METHOD = (
    "95% percentile bootstrap over groups (resamples of whole groups; every resample ranks the "
    "theories by the median of its groups' means)"
)


@dataclass(frozen=True)
class GroupCombination:
    """Per theory (columns in theory-number order): the combined score (median of the groups'
    means, NaN when no group rated it), the median of the groups' medians (the tie-break), the
    number of groups that rated it, its 95% interval, its observed rank and rank interval."""

    numbers: list[int]
    combined: NDArray
    median: NDArray
    groups: NDArray
    interval: NDArray  # theories × 2, NaN without intervals
    ranks: NDArray
    rank_intervals: NDArray | None  # theories × 2, None without intervals
    n_groups: int
    resamples: int
    reason: str | None = None
    #: resamples × theories: each resample's combined scores (NaN where none of its groups rated
    #: the theory); kept for the tests that check the bootstrap against scipy.
    resampled: NDArray | None = field(default=None, compare=False, repr=False)


def _group_means_and_medians(hist: NDArray) -> tuple[NDArray, NDArray]:
    """groups × theories × 10 counts → each group's mean and median per theory (NaN where the
    group has no rating of it); the median of an even count is the mean of the middle two."""
    n = hist.sum(axis=2)
    rated = n > 0
    safe = np.where(rated, n, 1)
    # A multiply and a sum, not a matrix product: no BLAS call, whose idle threads would spin
    # on the worker's CPU (maths.rank_intervals says the same).
    mean = np.where(rated, (hist * SCORES).sum(axis=2) / safe, np.nan)
    cumulative = hist.cumsum(axis=2)
    lower = ((n - 1) // 2)[..., None]
    upper = (n // 2)[..., None]
    # Value at 0-based position p = 1 + number of bins whose cumulative count is ≤ p.
    median = ((cumulative <= lower).sum(axis=2) + (cumulative <= upper).sum(axis=2) + 2) / 2
    return mean, np.where(rated, median, np.nan)


def weighted_medians(values: NDArray, weights: NDArray) -> NDArray:
    """resamples × theories: the median of each theory's `values` (groups × theories, NaN = not
    rated) over the groups drawn in each resample, `weights` (resamples × groups) being how many
    times each group was drawn. The median of the drawn values, each repeated as often as it was
    drawn; an even count takes the mean of the middle two; NaN when no drawn group rated it.

    Per theory, one sort of its groups' values and one cumulative sum of the draws in that
    order: the value at sorted position p is that of the first group whose cumulative count
    exceeds p, i.e. the number of cumulative counts ≤ p. Groups first and 16-bit counts (a
    resample draws at most 32,767 groups), so that the sum runs over contiguous rows."""
    resamples, n_groups = weights.shape
    dtype = np.int16 if n_groups <= np.iinfo(np.int16).max else np.int64
    by_group = np.ascontiguousarray(weights.T, dtype=dtype)
    out = np.full((resamples, values.shape[1]), np.nan)
    for t in range(values.shape[1]):
        column = values[:, t]
        rated = np.flatnonzero(~np.isnan(column))
        if not len(rated):
            continue
        order = rated[np.argsort(column[rated], kind="stable")]
        ordered = column[order]
        cumulative = np.cumsum(by_group[order], axis=0, dtype=dtype)
        total = cumulative[-1]
        low = (cumulative <= (total - 1) // 2).sum(axis=0)
        high = (cumulative <= total // 2).sum(axis=0)
        last = len(ordered) - 1
        middle = (ordered[np.minimum(low, last)] + ordered[np.minimum(high, last)]) / 2
        out[:, t] = np.where(total > 0, middle, np.nan)
    return out


def resamples_for(n_groups: int) -> int:
    """How many resamples over `n_groups` groups: RESAMPLES (2,000) up to 200 groups; beyond,
    fewer (never below 500), so that the work (resamples × groups) stays that of 200 groups.
    Staff list groups one by one, so hundreds are far off; with that many groups the
    intervals are narrow and 500 resamples place their 2.5th and 97.5th percentiles well
    enough (the 12th and 488th of 500)."""
    return RESAMPLES if n_groups <= 200 else max(500, RESAMPLES * 200 // n_groups)


def _rng(hist: NDArray, numbers: Sequence[int], resamples: int) -> np.random.Generator:
    """Seeded from a SHA-256 of the groups' histograms (already in canonical order)."""
    digest = hashlib.sha256(b"groups|")
    digest.update(np.ascontiguousarray(hist, dtype=np.int64).tobytes())
    digest.update(repr((hist.shape, list(numbers), resamples)).encode())
    return np.random.default_rng(int.from_bytes(digest.digest()[:16], "big"))


def _ranks(combined: NDArray, median: NDArray, numbers: NDArray) -> NDArray:
    """Ranks (1 = best), row by row: combined score desc, then the observed median of the
    groups' medians desc, then number asc; theories no group rated last."""
    rated = ~np.isnan(combined)
    shape = combined.shape
    order = np.lexsort(
        (
            np.broadcast_to(numbers, shape),
            np.broadcast_to(-np.nan_to_num(median), shape),
            np.where(rated, -np.nan_to_num(combined), 0.0),
            ~rated,
        ),
        axis=-1,
    )
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, shape[-1] + 1), axis=-1)
    return ranks


def groups_combine(
    group_histograms: Sequence[Mapping[int, Sequence[int]]],
    theory_numbers: Sequence[int],
    *,
    resamples: int | None = None,
    confidence: float = CONFIDENCE,
) -> GroupCombination:
    """Combine groups' results into one ranking: the rule of the global ranking.

    `group_histograms` holds, per group, its ten-bin histograms keyed by theory number (the
    group's eligible raters' counts of scores 1..10); `theory_numbers` the theories ranked.

    - Each group's voice on a theory is its mean there (one voice per group, whatever its
      size); the combined score is the median of the voices of the groups that rated it.
    - Ties of the combined score are broken by the median of the groups' medians, then by the
      theory number (the contract's order: mean, median, number), so a tie-break is a group
      figure too, never a count of people.
    - Intervals: percentile bootstrap over groups (Efron & Tibshirani 1993, ch. 13): each
      resample draws as many groups as there are, with replacement, keeping each group's whole
      result, and recomputes every combined score and the order (`resamples`: by default
      `resamples_for(groups)`). The 95% interval of a score
      is the 2.5th–97.5th percentiles of its resampled medians (resamples in which a drawn
      group rated it; linear interpolation, as numpy's and scipy's percentile bootstrap); its
      rank interval the same percentiles of its resampled ranks (a resample in which no drawn
      group rated it ranks it last), by the inverted CDF and widened to contain the observed
      rank, as the groups' rank intervals are (maths.rank_intervals).
    - Fewer than 3 groups with ratings: no intervals, and `reason` says why.
    """
    numbers = sorted(theory_numbers)
    return _combine(histogram_array(group_histograms, numbers), numbers, resamples, confidence)


def histogram_array(
    group_histograms: Sequence[Mapping[int, Sequence[int]]], keys: Sequence[int]
) -> NDArray:
    """groups × len(keys) × 10 counts: each group's histogram of each key (zeros if none)."""
    zero = [0] * 10
    rows = [[h.get(key, zero) for key in keys] for h in group_histograms]
    hist = np.array(rows, dtype=np.int64).reshape(len(rows), len(keys), 10)
    if np.any(hist < 0):
        raise ValueError("a histogram is ten non-negative counts, for scores 1..10")
    return hist


def _combine(
    hist: NDArray, numbers: list[int], resamples: int | None, confidence: float
) -> GroupCombination:
    """`groups_combine` on groups × theories × 10 counts, theories in `numbers` order."""
    hist = hist[hist.sum(axis=(1, 2)) > 0]  # a group with no rating has no voice
    # Canonical order of the groups (by the bytes of their counts, one sort): the same groups
    # in any order give the same seed, hence the same figures.
    if len(hist):
        flat = np.ascontiguousarray(hist.reshape(len(hist), -1))
        hist = hist[np.argsort(flat.view(np.dtype((np.void, flat.strides[0]))).ravel())]
    n_groups = len(hist)
    means, medians = _group_means_and_medians(hist)
    with warnings.catch_warnings():  # a theory no group rated: NaN, said aloud by numpy
        warnings.simplefilter("ignore", RuntimeWarning)
        combined = np.nanmedian(means, axis=0) if n_groups else np.full(len(numbers), np.nan)
        median = np.nanmedian(medians, axis=0) if n_groups else np.full(len(numbers), np.nan)
    groups = (~np.isnan(means)).sum(axis=0)
    number_array = np.asarray(numbers)
    ranks = _ranks(combined, median, number_array)
    interval = np.full((len(numbers), 2), np.nan)
    if n_groups < MIN_GROUPS:
        group_s = "group" if n_groups == 1 else "groups"
        reason = (
            f"With {n_groups} {group_s} there are no intervals: resampling fewer than "
            f"{MIN_GROUPS} groups says nothing about how sure the order is."
        )
        return GroupCombination(
            numbers, combined, median, groups, interval, ranks, None, n_groups, 0, reason
        )
    resamples = resamples_for(n_groups) if resamples is None else resamples
    rng = _rng(hist, numbers, resamples)
    draws = rng.integers(0, n_groups, size=(resamples, n_groups))
    offsets = (np.arange(resamples) * n_groups)[:, None]
    weights = np.bincount((draws + offsets).ravel(), minlength=resamples * n_groups)
    weights = weights.reshape(resamples, n_groups)
    boot = weighted_medians(means, weights)
    tail = (1 - confidence) / 2
    rated = groups > 0
    if rated.any():
        interval[rated] = np.nanpercentile(boot[:, rated], [100 * tail, 100 * (1 - tail)], axis=0).T
    boot_ranks = _ranks(boot, np.broadcast_to(median, boot.shape), number_array)
    low, high = np.quantile(boot_ranks, [tail, 1 - tail], axis=0, method="inverted_cdf")
    rank_intervals = np.stack([np.minimum(low, ranks), np.maximum(high, ranks)], axis=-1)
    return GroupCombination(
        numbers,
        combined,
        median,
        groups,
        interval,
        ranks,
        rank_intervals.astype(int),
        n_groups,
        resamples,
        None,
        boot,
    )


def global_ranking_of_groups(
    theories: Sequence[TheoryLike],
    group_histograms: Sequence[Mapping[int, Sequence[int]]],
    *,
    resamples: int | None = None,
) -> tuple[list[RankingRow], dict[str, Any]]:
    """The global ranking's rows and summary from the counted groups' stored histograms (keyed
    by theory id), in the shape of every ranking (maths.ranking).

    `mean` is the combined score (the median of the groups' means) and the order follows it;
    `median` is the median of the groups' medians; `ci_low`/`ci_high` the bootstrap interval
    over groups; `groups` how many groups rated the theory; `thin` fewer than 3 of them.
    `coverage` is the share of the counted groups that rated it; there is no adjusted score.
    `n`, `histogram`, `stdev`, `controversy` and the flags describe the pooled ratings behind
    the theory (the raters of every counted group together): a description, not the rule."""
    ordered = sorted(theories, key=lambda t: t.number)
    hist = histogram_array(group_histograms, [t.id for t in ordered])
    totals = hist.sum(axis=0)
    pooled = {t.id: [int(c) for c in totals[j]] for j, t in enumerate(ordered) if totals[j].any()}
    result = _combine(hist, [t.number for t in ordered], resamples, CONFIDENCE)
    column = {number: j for j, number in enumerate(result.numbers)}
    rows = ranking_rows_from_histograms(theories, pooled)
    for row in rows:
        j = column[row["theory"]["number"]]
        rated = bool(result.groups[j])
        low, high = result.interval[j]
        row["mean"] = float(result.combined[j]) if rated else None
        row["median"] = float(result.median[j]) if rated else None
        row["ci_low"] = None if np.isnan(low) else float(low)
        row["ci_high"] = None if np.isnan(high) else float(high)
        row["groups"] = int(result.groups[j])
        # A ranking of groups: its voices are the groups, so is its coverage; and it holds no
        # rater rows for an adjusted score.
        row["coverage"] = int(result.groups[j]) / result.n_groups if result.n_groups else None
        row["adjusted_note"] = NO_RATER_ROWS if rated else None
        row["thin"] = int(result.groups[j]) < MIN_GROUPS
        row["rank"] = int(result.ranks[j])
        if rated and result.rank_intervals is not None:
            row["rank_interval"] = [int(v) for v in result.rank_intervals[j]]
    rows.sort(key=lambda r: r["rank"])
    # The summary's agreement and notable theory read the rows as every ranking's do (the
    # notable one by combined score and pooled controversy); the uncertainty is the groups'.
    summary = ranking_summary(rows)
    summary["interval_method"] = GROUP_INTERVAL_METHOD
    tier_list = tiers(
        [
            (
                r["theory"]["number"],
                r["rank"],
                (r["rank_interval"][0], r["rank_interval"][1]) if r["rank_interval"] else None,
            )
            for r in rows
        ]
    )
    tier_by_number = tier_of(tier_list)
    for row in rows:
        row["tier"] = tier_by_number.get(row["theory"]["number"])
    summary.update(
        groups={
            "counted": result.n_groups,
            "rule": "median of the groups' means; each group one voice per theory",
            "method": GROUP_INTERVAL_METHOD,
        },
        rank_intervals={
            "method": GROUP_RANK_METHOD,
            "confidence": CONFIDENCE,
            "resamples": result.resamples,
            "n": result.n_groups,
        },
        uncertainty_reason=result.reason,
        tiers=tier_list,
        tier_sentence=tier_sentence(
            tier_list,
            result.n_groups,
            result.reason or "There are no tiers yet: no group counted here has rated any theory.",
            noun="group",
        ),
        kendall_w={
            "method": "Kendall's W (tie-corrected)",
            "value": None,
            "reading": (
                "Kendall's W needs each rater's scores; this ranking combines groups' results, "
                "so it has none."
            ),
            "n_raters": 0,
            "n_theories": 0,
        },
        references=[],
    )
    return rows, summary
