"""How sure a small group's ranking is: rank intervals and tiers. The per-theory flags, Kendall's
W and the comparisons with reference orders are in `agreement`.

Pure computation (numpy and scipy, no Django): the recompute task hands in the raters × theories
matrix of scores (NaN = not rated) or the per-theory ten-bin histograms, and stores what comes
out. Everything here is deterministic: random resampling is seeded from a hash of a canonical form
of the data, so the same ratings always give the same figures (stable ETags and tests), whatever
order the raters arrive in. The plain-words account of each figure is docs/methods.md.

Ranks follow the contract's order everywhere: mean descending, then median descending, then
theory number ascending; theories with no ratings come last.
"""

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import t as student_t

#: The order published in the source post for its own group (19 theories; theory 20 was added
#: later). See the seeds README (shared/seeds/README.md beside the repository).
POST_ORDER: list[int] = [1, 4, 3, 6, 8, 18, 2, 7, 16, 19, 17, 10, 9, 12, 14, 13, 15, 11, 5]

#: Below this many raters (or ratings, for flags) we show no intervals and no flags.
MIN_RATERS = 3
RESAMPLES = 2000
CONFIDENCE = 0.95
SCORES = np.arange(1, 11, dtype=np.float64)

Interval = tuple[int, int]


# --- shared helpers -------------------------------------------------------------------------------


def _as_matrix(
    matrix: ArrayLike, theory_numbers: Sequence[int] | None
) -> tuple[NDArray, list[int]]:
    """Validate the raters × theories matrix (scores 1–10 or NaN); drop raters with no ratings."""
    m = np.array(matrix, dtype=np.float64, ndmin=2)
    if m.ndim != 2:
        raise ValueError("the matrix must be raters × theories")
    numbers = list(range(1, m.shape[1] + 1)) if theory_numbers is None else list(theory_numbers)
    if len(numbers) != m.shape[1] or len(set(numbers)) != len(numbers):
        raise ValueError("theory_numbers must name each column once")
    # Columns in theory-number order: the canonical form (hence the seed) must not depend on
    # the order the columns arrive in.
    by_number = np.argsort(numbers)
    m, numbers = m[:, by_number], [numbers[i] for i in by_number]
    rated = ~np.isnan(m)
    values = m[rated]
    if np.any((values < 1) | (values > 10) | (values != np.round(values))):
        raise ValueError("scores are whole numbers from 1 to 10 (NaN = not rated)")
    return m[rated.any(axis=1)], numbers


def _canonical(m: NDArray) -> NDArray:
    """The rows sorted lexicographically (NaN as 0): the same set of raters in any order gives
    the same array, hence the same seed and the same resamples."""
    filled = np.nan_to_num(m, nan=0.0)
    order = np.lexsort(filled.T[::-1]) if len(filled) else np.arange(0)
    return m[order]


def _rng(*parts: object) -> np.random.Generator:
    """A generator seeded from a SHA-256 of the data: the same data always draws the same
    numbers; different data draw unrelated ones."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            # NaN as 0 (never a score): NaNs from different sources may differ in their bits.
            filled = np.nan_to_num(np.asarray(part, dtype=np.float64), nan=0.0)
            digest.update(np.ascontiguousarray(filled).tobytes())
            digest.update(repr(part.shape).encode())
        else:
            digest.update(repr(part).encode())
        digest.update(b"|")
    return np.random.default_rng(int.from_bytes(digest.digest()[:16], "big"))


def _ranks_from_cumulative(cumulative: NDArray, numbers: NDArray) -> NDArray:
    """Ranks (1 = best) in the contract's order for every resample, from cumulative counts laid
    out bins first (10 × resamples × theories: cumulative[s − 1, b, t] = how many ratings of
    theory t in resample b are s or less): mean desc, median desc, number asc, unrated last.

    Exact: counts are small whole numbers, and a mean is one correctly rounded division of two
    of them, so equal means compare equal and the median decides."""
    n = cumulative[-1]
    # Σ scores = Σ over s = 1..10 of (ratings ≥ s) = 10·n − Σ over s = 1..9 of (ratings ≤ s).
    total = 10 * n.astype(np.int64) - cumulative[:-1].sum(axis=0, dtype=np.int64)
    rated = n > 0
    mean = np.divide(total, n, out=np.zeros(n.shape), where=rated, dtype=np.float64)
    # Twice the median: the sum of the values at sorted positions ⌊(n−1)/2⌋ and ⌊n/2⌋, each read
    # off the cumulative counts (value at position p = 1 + number of bins whose cumulative ≤ p).
    # Thresholds in the counts' own type: comparing with floats would convert every count.
    lower = ((n - 1) // 2).astype(cumulative.dtype)
    upper = (n // 2).astype(cumulative.dtype)
    median2 = (
        (cumulative <= lower).sum(axis=0, dtype=np.int16)
        + (cumulative <= upper).sum(axis=0, dtype=np.int16)
        + 2
    )
    median2 = np.where(rated, median2, 0)
    order = _contract_order(mean, median2, rated, np.asarray(numbers), int(n.max(initial=0)))
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, order.shape[-1] + 1), axis=-1)
    return ranks


def _contract_order(
    mean: NDArray, median2: NDArray, rated: NDArray, numbers: NDArray, most: int
) -> NDArray:
    """Along the last axis, the theories' positions best first: rated first, then mean desc,
    median desc, number asc. One argsort of one exact key where it fits in a double, else the
    four-key lexsort (the same order, six times slower at 2,000 resamples × 200 theories).

    The key is −mean·C + (20 − 2·median)·T + the number's position, with C a power of two (so
    −mean·C is exact) above 21·T·most²: two different means of at most `most` ratings differ
    by at least 1/most², so after scaling by more than the tie-breaks' whole span; equal means
    give equal products, and then the tie-breaks decide, as in the lexsort. Unrated theories
    get keys above every rated one. Every key is distinct (the positions are)."""
    theories = mean.shape[-1]
    span = 21 * theories
    scale = 2.0 ** math.ceil(math.log2(span * max(most, 1) ** 2 + 1))
    if 11 * scale + span >= 2.0**52:
        number = np.broadcast_to(numbers, mean.shape)
        return np.lexsort((number, -median2, -mean, ~rated), axis=-1)
    position = np.argsort(np.argsort(numbers, kind="stable"), kind="stable")
    ties = (20 - median2.astype(np.int64)) * theories + position
    key = np.where(rated, -mean * scale, scale) + ties
    return np.argsort(key, axis=-1)  # every key differs: no sort kind can order them otherwise


def _bootstrap_ranks(
    m: NDArray, numbers: Sequence[int], resamples: int, rng: np.random.Generator
) -> NDArray:
    """resamples × theories ranks, each from one resample of whole rater rows (with replacement).

    Vectorised: the resamples' cumulative histograms (bins first) are ten small matrix
    products of the draw counts with the raters' "scored s or less" indicators, on one BLAS
    thread (impactboard/__init__.py sets it: a pool of idle threads would spin on the CPU).
    Until issue 22 a `bincount` of every drawn cell did this: 6 M cells at 200 theories, ten
    times the time."""
    raters, theories = m.shape
    scores = np.nan_to_num(m, nan=0.0).astype(np.intp)
    draws = rng.integers(0, raters, size=(resamples, raters))
    # How often each resample drew each rater, and each rater's "rated it s or less" for
    # s = 1..10: the cumulative histograms are their products, one small matrix product per
    # bin (exact in float32: counts of at most 60 raters).
    offsets = (np.arange(resamples) * raters)[:, None]
    weights = np.bincount((draws + offsets).ravel(), minlength=resamples * raters)
    drawn = weights.reshape(resamples, raters).astype(np.float32)
    bins = np.arange(1, 11)[:, None, None]
    at_most = ((scores[None] <= bins) & (scores[None] > 0)).astype(np.float32)  # 10 × R × T
    cumulative = np.empty((10, resamples, theories), dtype=np.int16)
    for s in range(10):
        np.matmul(drawn, at_most[s], out=cumulative[s], casting="unsafe")
    return _ranks_from_cumulative(cumulative, np.asarray(numbers))


def _ranks_of_histograms(histograms: NDArray, numbers: Sequence[int]) -> NDArray:
    """Ranks of theories × 10 histograms in the contract's order."""
    cumulative = np.cumsum(histograms, axis=1).T[:, None, :]
    return _ranks_from_cumulative(cumulative, np.asarray(numbers))[0]


def _observed_ranks(m: NDArray, numbers: Sequence[int]) -> NDArray:
    scores = np.nan_to_num(m, nan=0.0)
    histograms = (scores.T[:, :, None] == np.arange(1, 11)).sum(axis=1)
    return _ranks_of_histograms(histograms, numbers)


def _percentile_intervals(ranks: NDArray, observed: NDArray, confidence: float) -> NDArray:
    """The percentile interval of each column's ranks, widened to contain the observed rank.

    Quantiles by the inverted empirical CDF (Hyndman & Fan's definition 1), so both ends are
    ranks that actually occurred. A percentile interval of a discrete statistic can exclude the
    observed value (say the observed rank is 3 but more than 97.5% of resamples give 1 or 2,
    which happens with near-ties); the contract promises low ≤ rank ≤ high, so we widen the
    interval to reach the observed rank, which only makes it more conservative."""
    tail = (1 - confidence) / 2
    low, high = np.quantile(ranks, [tail, 1 - tail], axis=0, method="inverted_cdf")
    return np.stack([np.minimum(low, observed), np.maximum(high, observed)], axis=-1).astype(int)


def _late_items_widened(
    bounds: NDArray, mean: NDArray, k: NDArray, within_ss: float, full: int, confidence: float
) -> NDArray:
    """`bounds` (theories × 2) widened, for each theory fewer than `full` raters rated (a late
    item, or one of a long list rated in parts), to the ranks its mean could take within its
    95% t-interval computed with the scope's pooled within-theory SD: mean ± t · s / √k,
    against the other theories' observed means.

    Why: resampling k raters of a theory says how much *their* scores vary, and a few raters
    who happen to agree (four 10s) resample to the same mean every time, an interval of one
    place that no one could believe. The pooled SD (of every rating around its theory's mean,
    on Σ(k − 1) degrees of freedom) is what a rating of this scope varies by; over k ratings
    it gives the theory at least the uncertainty its few ratings carry. Theories every rater
    rated keep the bootstrap's interval. `mean` and `k` per column (k = 0: unrated)."""
    rated = k > 0
    partial = rated & (k < full)
    df = int((k[rated] - 1).sum())
    if not partial.any() or df <= 0 or within_ss <= 0:
        return bounds
    half = student_t.ppf(0.5 + confidence / 2, df) * np.sqrt(within_ss / df / k[partial])
    others = mean[rated]
    low, high = mean[partial] - half, mean[partial] + half
    best = 1 + (others[None, :] > high[:, None]).sum(axis=1)
    worst = (others[None, :] >= low[:, None]).sum(axis=1)  # itself included
    widened = bounds.copy()
    widened[partial, 0] = np.minimum(bounds[partial, 0], best)
    widened[partial, 1] = np.maximum(bounds[partial, 1], worst)
    return widened


# --- 1. rank intervals ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RankIntervals:
    """Per theory number: the observed rank and its interval (None for theories nobody rated,
    and for every theory when `reason` says why there are no intervals)."""

    ranks: dict[int, int | None]
    intervals: dict[int, Interval | None]
    n_raters: int
    resamples: int
    method: str
    reason: str | None = None
    #: resamples × theories ranks behind the intervals, columns in the order of `ranks`' keys
    #: (theory number order); `compare_orders` reuses them for its τ-b interval. None when
    #: there are no intervals.
    resampled_ranks: NDArray | None = field(default=None, compare=False, repr=False)


def _too_few_raters(n_raters: int) -> str:
    rater_s = "rater" if n_raters == 1 else "raters"
    return (
        f"With {n_raters} {rater_s} there are no rank intervals: resampling fewer than "
        f"{MIN_RATERS} raters says nothing about how sure the order is."
    )


def rank_intervals(
    matrix: ArrayLike,
    theory_numbers: Sequence[int] | None = None,
    *,
    resamples: int = RESAMPLES,
    confidence: float = CONFIDENCE,
) -> RankIntervals:
    """The 95% range of ranks each theory could plausibly hold given these raters.

    `matrix` is raters × theories (scores 1–10, NaN = not rated); `theory_numbers` names the
    columns (default 1…k). Raters who rated nothing are dropped.

    Method: percentile bootstrap over raters (Efron & Tibshirani 1993, *An Introduction to the
    Bootstrap*, ch. 13; for ranks, Hall & Miller 2009, "Using the bootstrap to quantify the
    authority of an empirical ranking", Ann. Statist. 37(6B)). Each of `resamples` resamples
    draws as many raters as there are, with replacement, keeping each rater's whole row so the
    correlations between theories are kept; the theories are ranked in the contract's order in
    every resample; the interval is the 2.5th and 97.5th percentiles of each theory's ranks.

    - A theory that nobody in a resample rated is ranked last in that resample, as the contract
      ranks unrated theories (ties among them by number). So a theory few raters rated gets an
      interval reaching towards the bottom: its place really does depend on whether those
      raters are in the room.
    - Unanimous raters (identical rows) give every resample the same ranks: `[rank, rank]`.
    - The interval always contains the observed rank (widened if needed; see
      `_percentile_intervals`).
    - Deterministic: the generator is seeded from a hash of the matrix with its rows sorted, so
      the same ratings in any rater order give the same intervals.
    - Fewer than 3 raters: no intervals, and `reason` says why.
    """
    m, numbers = _as_matrix(matrix, theory_numbers)
    n_raters = m.shape[0]
    if n_raters == 0:
        ranks: dict[int, int | None] = dict.fromkeys(numbers)
    else:
        observed = _observed_ranks(m, numbers)
        rated = ~np.isnan(m).all(axis=0)
        ranks = {
            n: int(r) if ok else None for n, r, ok in zip(numbers, observed, rated, strict=True)
        }
    if n_raters < MIN_RATERS:
        return RankIntervals(
            ranks, dict.fromkeys(numbers), n_raters, 0, "bootstrap", _too_few_raters(n_raters)
        )
    m = _canonical(m)
    boot = _bootstrap_ranks(m, numbers, resamples, _rng("rank_intervals", m, numbers, resamples))
    bounds = _percentile_intervals(boot, observed, confidence)
    k = (~np.isnan(m)).sum(axis=0)
    with np.errstate(invalid="ignore"):
        mean = np.where(k > 0, np.nanmean(np.where(k > 0, m, 0.0), axis=0), 0.0)
    within_ss = float(np.nansum((m - mean) ** 2))
    bounds = _late_items_widened(bounds, mean, k, within_ss, n_raters, confidence)
    intervals = {
        n: (int(lo), int(hi)) if ok else None
        for n, (lo, hi), ok in zip(numbers, bounds, rated, strict=True)
    }
    return RankIntervals(ranks, intervals, n_raters, resamples, "bootstrap", None, boot)


def rank_intervals_from_histograms(
    histograms: Mapping[int, Sequence[int]],
    *,
    resamples: int = RESAMPLES,
    confidence: float = CONFIDENCE,
) -> RankIntervals:
    """Rank intervals of the same meaning for large scopes (the global ranking), from each
    theory's ten-bin histogram only (no rater rows needed).

    Method: a parametric bootstrap of the means under the normal approximation (central limit
    theorem): in each resample every theory's mean is drawn from N(mean, s/√n), the theories are
    ranked by the drawn means (ties, which only arise between theories whose every rating is
    the same, broken by observed median then number, as the contract does), and the interval
    is the 2.5th–97.5th percentile of the ranks, widened to contain the observed rank.

    Differences from `rank_intervals`, and why they are acceptable here:
    - the theories' means are drawn independently, ignoring that the same people rated them
      all; with hundreds of raters per theory the intervals are narrow either way;
    - a theory with a single rating has no standard deviation of its own: it borrows the pooled
      one (the standard deviation of all ratings of all theories together);
    - `n_raters` is reported as the largest number of ratings of any theory, and there are no
      intervals when that is below 3.
    Deterministic: seeded from a hash of the histograms.
    """
    numbers = sorted(histograms)
    counts = np.array([histograms[n] for n in numbers], dtype=np.float64).reshape(len(numbers), 10)
    if np.any(counts < 0):
        raise ValueError("a histogram is ten non-negative counts, for scores 1..10")
    n = counts.sum(axis=1)
    rated = n > 0
    most = int(n.max()) if len(n) else 0
    observed = _ranks_of_histograms(counts, numbers) if len(numbers) else np.zeros(0, int)
    ranks = {
        num: int(r) if ok else None for num, r, ok in zip(numbers, observed, rated, strict=True)
    }
    if most < MIN_RATERS:
        return RankIntervals(
            ranks, dict.fromkeys(numbers), most, 0, "normal", _too_few_raters(most)
        )
    safe_n = np.where(rated, n, 1)
    mean = counts @ SCORES / safe_n
    squares = counts @ SCORES**2
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(np.maximum(squares - n * mean**2, 0) / (n - 1))
    pooled_hist = counts.sum(axis=0)
    pooled_n = pooled_hist.sum()
    pooled_mean = pooled_hist @ SCORES / pooled_n
    pooled_sd = math.sqrt(
        max(pooled_hist @ SCORES**2 - pooled_n * pooled_mean**2, 0) / (pooled_n - 1)
    )
    sd = np.where(n >= 2, sd, pooled_sd)
    se = np.where(rated, sd / np.sqrt(safe_n), 0.0)
    rng = _rng("rank_intervals_from_histograms", counts, numbers, resamples)
    drawn = mean + se * rng.standard_normal((resamples, len(numbers)))
    # The observed median breaks exact ties of drawn means (theories whose se is 0).
    cumulative = counts.cumsum(axis=1)
    lower = np.floor((n - 1) / 2)[:, None]
    upper = np.floor(n / 2)[:, None]
    med2 = (cumulative <= lower).sum(axis=1) + (cumulative <= upper).sum(axis=1)
    shape = drawn.shape
    order = np.lexsort(
        (
            np.broadcast_to(numbers, shape),
            np.broadcast_to(-med2, shape),
            np.where(rated, -drawn, 0.0),
            np.broadcast_to(~rated, shape),
        ),
        axis=-1,
    )
    boot = np.empty_like(order)
    np.put_along_axis(boot, order, np.arange(1, len(numbers) + 1), axis=-1)
    bounds = _percentile_intervals(boot, observed, confidence)
    within_ss = float(np.maximum(squares - n * mean**2, 0).sum())
    bounds = _late_items_widened(bounds, mean, n.astype(int), within_ss, most, confidence)
    intervals = {
        num: (int(lo), int(hi)) if ok else None
        for num, (lo, hi), ok in zip(numbers, bounds, rated, strict=True)
    }
    return RankIntervals(ranks, intervals, most, resamples, "normal", None, boot)


# --- 2. tiers -------------------------------------------------------------------------------------


def tiers(rows: Sequence[tuple[int, int | None, Interval | None]]) -> list[list[int]]:
    """Group a ranked list into tiers whose members the data cannot tell apart.

    `rows` are (theory number, observed rank, rank interval). Walking down the list by observed
    rank, the first theory opens tier 1 and is its *leader*; each next theory joins the current
    tier when its interval reaches the leader's place (its best plausible rank is no worse than
    the leader's observed rank: `low ≤ leader.rank`), and otherwise opens a new tier and leads
    it. So every member of a tier could plausibly hold the place of the theory that tops it (the
    top tier: the theories that could plausibly be first), while a theory that opens a new tier
    could not, even at its best (each interval read on its own, not as a formal multiple
    comparison). Overlapping the leader's interval is not enough: with few raters every interval
    is wide, and that rule put 16 of 20 theories in the top tier. Theories without an interval
    (nobody rated them, or too few raters) belong to no tier; with no intervals at all the
    result is empty.

    Returns the tiers best first, each a list of theory numbers in rank order (tier k = index
    k − 1)."""
    ranked = sorted(
        (r for r in rows if r[1] is not None and r[2] is not None), key=lambda r: r[1] or 0
    )
    result: list[list[int]] = []
    leader_rank = 0
    for number, rank, interval in ranked:
        assert interval is not None and rank is not None
        if result and interval[0] <= leader_rank:
            result[-1].append(number)
        else:
            result.append([number])
            leader_rank = rank
    return result


def tier_of(tier_list: Sequence[Sequence[int]]) -> dict[int, int]:
    """Theory number → its tier (1 = top), for the ranking rows' `tier` field."""
    return {number: k for k, tier in enumerate(tier_list, start=1) for number in tier}


def _and_list(items: Sequence[object]) -> str:
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def tier_sentence(
    tier_list: Sequence[Sequence[int]],
    n_raters: int,
    reason: str | None = None,
    *,
    noun: str = "rater",
) -> str:
    """One sentence about the top tier, e.g. "The top tier is 1, 4, 6 and 3; with 9 raters the
    order inside it is not settled." `reason` (from `RankIntervals`) is returned when there
    are no tiers. `noun` is what was resampled (the global ranking's are "group"s)."""
    if not tier_list:
        return reason or "There are no tiers yet: nobody has rated any theory."
    top = tier_list[0]
    raters = f"{n_raters} {noun}" + ("" if n_raters == 1 else "s")
    if len(tier_list) == 1:
        return f"With {raters}, none of these {len(top)} theories can be told apart."
    if len(top) == 1:
        return f"Only theory {top[0]} could plausibly be first, with {raters}."
    return f"The top tier is {_and_list(top)}; with {raters} the order inside it is not settled."
