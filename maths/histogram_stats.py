"""Statistics of one theory's scores, derived from its ten-bin histogram (counts of 1..10).

Never from individual ratings: the database hands us counts per score, and everything here is
exact arithmetic on those counts (Fractions), converted to float at the end. Distributions and
rank correlations come from scipy; tests check the exact code against numpy, scipy and the
`krippendorff` package. Rank intervals and tiers live in `rank_intervals`, flags in `agreement`.
"""

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from scipy.stats import kendalltau
from scipy.stats import t as student_t

SCORES = range(1, 11)


@dataclass(frozen=True)
class TheoryStats:
    n: int
    mean: float | None
    median: float | None
    stdev: float | None
    controversy: float | None


def pair_gap_sums(histogram: Sequence[int]) -> tuple[int, int]:
    """Σ|sᵢ − sⱼ| and Σ(sᵢ − sⱼ)² over all ordered pairs of scores in `histogram`, exactly, in one
    pass over the ten bins instead of a hundred bin pairs (it runs for every theory on every
    recompute): Σ|sᵢ − sⱼ| = 2·Σⱼ cⱼ·(sⱼ·C₍<ⱼ₎ − S₍<ⱼ₎) with C, S the count and sum of the lower
    bins, and Σ(sᵢ − sⱼ)² = 2·(n·Σcs² − (Σcs)²)."""
    below_n = below_sum = total_sq = absolute = 0
    for score, count in zip(SCORES, histogram, strict=True):
        if count:
            absolute += count * (score * below_n - below_sum)
            below_n += count
            below_sum += score * count
            total_sq += score * score * count
    return 2 * absolute, 2 * (below_n * total_sq - below_sum * below_sum)


def _value_at(histogram: Sequence[int], position: int) -> int:
    """The score at 0-based `position` of the sorted scores."""
    seen = 0
    for score, count in zip(SCORES, histogram, strict=True):
        seen += count
        if position < seen:
            return score
    raise IndexError(position)


def stats_from_histogram(histogram: Sequence[int]) -> TheoryStats:
    """n, mean, median, sample stdev and controversy of the scores counted in `histogram`.

    - median of an even count is the mean of the two middle values;
    - stdev is the sample standard deviation (n - 1), None when n < 2;
    - controversy is the mean absolute difference between the scores of two different raters
      (Gini's mean difference): "two raters of this theory differ by this many points on
      average". 0 when everyone agrees, 9 at most (two raters, one at 1 and one at 10);
      None when n < 2.
    """
    if len(histogram) != 10 or any(c < 0 for c in histogram):
        raise ValueError("a histogram is ten non-negative counts, for scores 1..10")
    n = sum(histogram)
    if n == 0:
        return TheoryStats(0, None, None, None, None)
    mean = Fraction(sum(s * c for s, c in zip(SCORES, histogram, strict=True)), n)
    if n % 2:
        median = Fraction(_value_at(histogram, n // 2))
    else:
        median = Fraction(_value_at(histogram, n // 2 - 1) + _value_at(histogram, n // 2), 2)
    if n < 2:
        return TheoryStats(n, float(mean), float(median), None, None)
    absolute, squared = pair_gap_sums(histogram)
    # Σc(s − mean)² = Σ over ordered pairs (sᵢ − sⱼ)² / 2n: exact, in integers.
    stdev = math.sqrt(Fraction(squared, 2 * n * (n - 1)))
    controversy = Fraction(absolute, n * (n - 1))
    return TheoryStats(n, float(mean), float(median), stdev, float(controversy))


@functools.lru_cache(maxsize=1024)  # scipy's ppf costs tens of µs; a recompute asks per theory
def t_critical_95(df: int) -> float:
    """Student's t quantile 0.975 for `df` degrees of freedom (scipy.stats.t.ppf), the
    multiplier of a two-sided 95% interval. Exact for every df; it replaces a hand-typed table
    that used the next lower row between rows (df 35 took df 30's 2.042 instead of 2.030)."""
    if df < 1:
        raise ValueError("df must be at least 1")
    return float(student_t.ppf(0.975, df))


def mean_interval_95(stats: TheoryStats) -> tuple[float, float] | None:
    """The 95% t-interval of the mean, mean ± t(0.975, n−1)·s/√n, clipped to the 1–10 scale.
    None when n < 2 (no spread to estimate)."""
    if stats.n < 2 or stats.mean is None or stats.stdev is None:
        return None
    half = t_critical_95(stats.n - 1) * stats.stdev / math.sqrt(stats.n)
    return max(1.0, stats.mean - half), min(10.0, stats.mean + half)


def krippendorff_alpha_interval(histograms: Sequence[Sequence[int]]) -> float | None:
    """Krippendorff's alpha with the interval metric, from one ten-bin histogram per unit
    (theory). Raters are the coders; missing ratings are allowed. 1 = perfect agreement,
    0 = no more agreement than chance, negative = systematic disagreement.
    None when there is too little data (fewer than two pairable values, or no variation)."""
    units = [h for h in histograms if sum(h) >= 2]
    n = sum(sum(h) for h in units)
    if n < 2:
        return None

    observed = sum(Fraction(pair_gap_sums(h)[1], sum(h) - 1) for h in units) / n
    pooled = [sum(h[i] for h in units) for i in range(10)]
    expected = Fraction(pair_gap_sums(pooled)[1], n * (n - 1))
    if expected == 0:
        return None
    return float(1 - observed / expected)


def alpha_reading(alpha: float | None) -> str:
    """One line of plain language for Krippendorff's alpha (thresholds after Krippendorff)."""
    if alpha is None:
        return "Not enough ratings yet to measure agreement."
    if alpha >= 0.8:
        return "The group largely agrees on how these theories rank."
    if alpha >= 0.667:
        return "The group agrees moderately: a shared view with real exceptions."
    if alpha >= 0.2:
        return "Agreement is weak: people rate these theories quite differently."
    return "Little agreement beyond chance: the group is split."


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Kendall's tau-b between paired values (ties handled; scipy.stats.kendalltau); None with
    fewer than two pairs or when one side has no variation."""
    if len(x) != len(y):
        raise ValueError("x and y must pair up")
    if len(x) < 2:
        return None
    tau = kendalltau(x, y, variant="b").statistic
    return None if math.isnan(tau) else float(tau)
