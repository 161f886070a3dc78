"""How much a group agrees, and with whom: per-theory split / spread / consensus flags, Kendall's
W for the whole group, and comparisons of the group's order with reference orders (Kendall's
tau-b with a bootstrap interval, rank-biased overlap).

Pure computation (numpy and scipy, no Django), deterministic like `rank_intervals`, whose
resamples the reference comparisons reuse. The plain-words account of each figure is
docs/methods.md.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps

from .rank_intervals import CONFIDENCE, MIN_RATERS, RankIntervals, _and_list, _as_matrix

# --- 3. split, spread, consensus ------------------------------------------------------------------


@dataclass(frozen=True)
class TheoryFlags:
    """Named patterns in one theory's ratings. `flags` holds at most one of "split", "spread",
    "consensus"; `words` says the counts behind it; `reason` says why there are no flags."""

    n: int
    flags: list[str]
    words: str
    low: int  # ratings 1–3
    high: int  # ratings 8–10
    near_median: int  # ratings within one point of the median
    iqr: float | None
    reason: str | None = None


def _value_at(histogram: Sequence[int], position: int) -> int:
    seen = 0
    for score, count in enumerate(histogram, start=1):
        seen += count
        if position < seen:
            return score
    raise IndexError(position)


def _quantile(histogram: Sequence[int], q: float) -> float:
    """numpy's default (Hyndman & Fan definition 7, linear) quantile of the counted scores."""
    n = sum(histogram)
    h = (n - 1) * q
    below = math.floor(h)
    lo = _value_at(histogram, below)
    hi = _value_at(histogram, min(below + 1, n - 1))
    return lo + (h - below) * (hi - lo)


def theory_flags(histogram: Sequence[int]) -> TheoryFlags:
    """Split, spread or consensus for one theory, from its ten-bin histogram (counts of 1..10).

    - **split** (polarised): at least 30% of the ratings in 1–3 *and* at least 30% in 8–10.
      This is the RAND/UCLA appropriateness method's disagreement rule (Fitch et al. 2001,
      *The RAND/UCLA Appropriateness Method User's Manual*, RAND MR-1269: on a 1–9 scale,
      "disagreement" when at least 3 of 8–10 panellists, 4 of 11–13, 5 of 14–16 rate in each
      extreme third, 1–3 and 7–9) adapted to 1–10 by keeping three-point extremes (1–3 and
      8–10, the middle 4–7). ⌈0.3·n⌉ reproduces the manual's table exactly for panels of 8–16
      and extends it to other sizes.
    - **consensus**: at least 70% of the ratings within one point of the median (the Delphi
      percentage-agreement rule; percentage agreement is the most common consensus definition
      in Delphi studies, Diamond et al. 2014, J. Clin. Epidemiol. 67(4):401–409, where 70–80%
      thresholds are usual). A split overrides it: 70% together with 30% at the other end of
      the scale is not a consensus.
    - **spread** (everyone unsure, not two camps): neither split nor consensus, and the middle
      half of the ratings spans at least 4 points (interquartile range ≥ 4, numpy's default
      quantiles). The interquartile range is the usual Delphi dispersion measure (von der
      Gracht 2012, Technol. Forecast. Soc. Change 79(8):1525–1536); the threshold 4 is ours:
      more than twice the IQR ≤ 2 often taken as consensus on ten-point scales.
    - Fewer than 3 ratings: no flags, and `reason` says why.
    """
    if len(histogram) != 10 or any(c < 0 for c in histogram):
        raise ValueError("a histogram is ten non-negative counts, for scores 1..10")
    n = sum(histogram)
    low, high = sum(histogram[:3]), sum(histogram[7:])
    if n < MIN_RATERS:
        rating_s = "rating" if n == 1 else "ratings"
        return TheoryFlags(
            n,
            [],
            _count_words(n, low, high),
            low,
            high,
            0,
            None,
            f"With {n} {rating_s} no pattern can be named; flags need at least {MIN_RATERS}.",
        )
    median2 = _value_at(histogram, (n - 1) // 2) + _value_at(histogram, n // 2)
    # |score − median| ≤ 1 ⇔ |2·score − 2·median| ≤ 2, in integers.
    near = sum(c for s, c in enumerate(histogram, start=1) if abs(2 * s - median2) <= 2)
    iqr = _quantile(histogram, 0.75) - _quantile(histogram, 0.25)
    flags: list[str] = []
    words = _count_words(n, low, high)
    if 10 * low >= 3 * n and 10 * high >= 3 * n:
        flags.append("split")
    elif 10 * near >= 7 * n:
        flags.append("consensus")
        words = f"{near} of {n} rated it within one point of the median ({median2 / 2:g})."
    elif iqr >= 4:
        flags.append("spread")
        words = (
            f"The middle half of the {n} ratings runs from {_quantile(histogram, 0.25):g} "
            f"to {_quantile(histogram, 0.75):g}."
        )
    return TheoryFlags(n, flags, words, low, high, near, iqr)


def _count_words(n: int, low: int, high: int) -> str:
    """ "6 of 9 rated it 8 or more; 2 rated it 3 or less." (the parts that are not zero)."""
    if n == 0:
        return "Nobody has rated it."
    parts = []
    if high:
        parts.append(f"{high} of {n} rated it 8 or more")
    if low:
        parts.append(f"{low} rated it 3 or less" if parts else f"{low} of {n} rated it 3 or less")
    if not parts:
        return (
            f"All {n} ratings are between 4 and 7." if n > 1 else "The rating is between 4 and 7."
        )
    return "; ".join(parts) + "."


# --- 4. Kendall's W -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Concordance:
    """Kendall's W over `n_raters` raters and the `n_theories` theories they all rated."""

    w: float | None
    n_raters: int
    n_theories: int
    reading: str


def kendall_w(matrix: ArrayLike) -> Concordance:
    """Kendall's coefficient of concordance W with the tie correction (Kendall & Babington Smith
    1939; tie correction as in Siegel & Castellan 1988, *Nonparametric Statistics for the
    Behavioral Sciences*, §9.4):

        W = 12·S / (m²(n³ − n) − m·Σⱼ Tⱼ),  S = Σᵢ (Rᵢ − R̄)²,  Tⱼ = Σ (t³ − t)

    over m raters and n theories, Rᵢ the sum of theory i's ranks (each rater's scores ranked,
    ties given their average rank), t the sizes of each rater's groups of tied scores.
    Equivalently W = χ²_F / (m(n − 1)) with Friedman's tie-corrected χ².

    Missing ratings: W needs every rater to rank the same items, so it is computed over the
    theories that every rater (who rated anything) rated; the counts used are returned. Fewer
    than 3 raters or 2 such theories, or every rater giving one score to all: None.
    """
    m, _ = _as_matrix(matrix, None)
    complete = m[:, ~np.isnan(m).any(axis=0)] if m.size else m
    raters, theories = complete.shape if complete.ndim == 2 else (0, 0)
    if raters < MIN_RATERS or theories < 2:
        return Concordance(None, raters, theories, _w_reading(None, raters, theories))
    ranks = sps.rankdata(complete, axis=1)
    rank_sums = ranks.sum(axis=0)
    s = float(((rank_sums - rank_sums.mean()) ** 2).sum())
    ties = 0
    for row in complete:
        _, sizes = np.unique(row, return_counts=True)
        ties += int((sizes**3 - sizes).sum())
    denominator = raters**2 * (theories**3 - theories) - raters * ties
    w = 12 * s / denominator if denominator else None
    return Concordance(w, raters, theories, _w_reading(w, raters, theories))


def _w_reading(w: float | None, raters: int, theories: int) -> str:
    """Plain meaning, after Schmidt (1997, Decision Sciences 28(3):763–774): W ≈ 0.1 very weak,
    0.3 weak, 0.5 moderate, 0.7 strong, 0.9 unusually strong agreement."""
    if w is None:
        if raters < MIN_RATERS:
            return f"Kendall's W needs at least {MIN_RATERS} raters who rated the same theories."
        return (
            "Kendall's W is undefined here: too few theories rated by everyone, "
            "or no rater told any theories apart."
        )
    scope = f"({raters} raters, the {theories} theories all of them rated)"
    if w >= 0.7:
        return f"The raters put the theories in much the same order {scope}."
    if w >= 0.5:
        return f"The raters' orders agree moderately {scope}."
    if w >= 0.3:
        return f"The raters' orders agree weakly {scope}."
    return f"The raters' orders hardly agree: each ranks the theories differently {scope}."


# --- 5. reference orders --------------------------------------------------------------------------


def rbo_ext(first: Sequence[int], second: Sequence[int], p: float = 0.9) -> float:
    """Extrapolated rank-biased overlap of two rankings without duplicates (Webber, Moffat &
    Zobel 2010, "A similarity measure for indefinite rankings", ACM TOIS 28(4):20, eq. 32, which
    covers lists of different lengths):

        RBO_ext = (1−p)/p · [Σ_{d=1..l} (X_d/d)·p^d + Σ_{d=s+1..l} X_s(d−s)/(s·d)·p^d]
                  + [(X_l − X_s)/l + X_s/s]·p^l

    with s, l the shorter and longer lengths and X_d the overlap of the two prefixes of depth d.
    Depth d carries weight ∝ p^d, so the top of the list matters most (p = 0.9: the first ten
    places carry about 86% of the weight). 1 for identical lists (and when the shorter list is a
    prefix of the longer, whose unseen continuation is assumed to agree), 0 for disjoint ones."""
    if not 0 < p < 1:
        raise ValueError("p must be between 0 and 1")
    if len(set(first)) != len(first) or len(set(second)) != len(second):
        raise ValueError("a ranking lists each item once")
    if list(first) == list(second):
        return 1.0  # exactly, rather than 1 up to rounding in the sums below
    short, long_ = sorted((list(first), list(second)), key=len)
    s, big = len(short), len(long_)
    if s == 0:
        return 1.0 if big == 0 else 0.0
    # X_d: items shared by the two prefixes of depth d (the shorter list stops at s).
    overlaps = [len(set(short[:d]) & set(long_[:d])) for d in range(1, big + 1)]
    x_s, x_l = overlaps[s - 1], overlaps[-1]
    total = sum(overlaps[d - 1] / d * p**d for d in range(1, big + 1))
    total += sum(x_s * (d - s) / (s * d) * p**d for d in range(s + 1, big + 1))
    return float((1 - p) / p * total + ((x_l - x_s) / big + x_s / s) * p**big)


@dataclass(frozen=True)
class RankDifference:
    theory: int
    group_rank: int
    reference_rank: int

    @property
    def difference(self) -> int:
        """Positive when the group ranks the theory higher (better) than the reference."""
        return self.reference_rank - self.group_rank


@dataclass(frozen=True)
class OrderComparison:
    """The group's order against one reference order, over the theories both contain."""

    n_common: int
    kendall_tau_b: float | None
    kendall_tau_b_interval: tuple[float, float] | None
    rbo: float | None
    differences: list[RankDifference]
    sentence: str
    left_out: list[int] = field(default_factory=list)


def compare_orders(
    group_order: Sequence[int],
    reference_order: Sequence[int],
    *,
    resampled: RankIntervals | None = None,
    reference_name: str = "the reference",
    confidence: float = CONFIDENCE,
    p: float = 0.9,
    most: int = 3,
) -> OrderComparison:
    """Compare the group's order (theory numbers, best first: pass only the theories the group
    rated) with a reference order, over the theories both contain (the others are left out,
    as the contract says, and listed in `left_out`).

    - Kendall's τ-b (scipy.stats.kendalltau) between the two orders' positions: 1 = same order,
      −1 = reversed, 0 = unrelated.
    - Its percentile-bootstrap 95% interval when `resampled` (the group's `rank_intervals`
      result) is given: the group's order in each of those resamples of its raters is compared
      with the fixed reference, and the interval is the 2.5th–97.5th percentile of those τ-b.
      Reusing the rank intervals' resamples keeps the two figures consistent, and costs one
      bootstrap per recompute however many references there are. None when `resampled` has no
      resamples (below 3 raters).
    - Extrapolated rank-biased overlap with `p` (`rbo_ext`), which weighs the top of the list.
    - The `most` theories whose places differ most (at least 3 places), and a sentence such as
      "Your group agrees with the post's group on the top three; you rate 5 much higher."
    """
    reference_set = set(reference_order)
    group_set = set(group_order)
    group = [t for t in group_order if t in reference_set]
    reference = [t for t in reference_order if t in group_set]
    left_out = sorted(group_set.symmetric_difference(reference_set))
    n = len(group)
    group_pos = {t: i + 1 for i, t in enumerate(group)}
    reference_pos = {t: i + 1 for i, t in enumerate(reference)}
    if n < 2:
        return OrderComparison(
            n,
            None,
            None,
            None,
            [],
            f"Too few theories in common with {reference_name} to compare.",
            left_out,
        )
    x = [group_pos[t] for t in group]
    y = [reference_pos[t] for t in group]
    tau = float(sps.kendalltau(x, y, variant="b").statistic)
    interval = None
    if resampled is not None and resampled.resampled_ranks is not None:
        interval = _tau_interval(resampled, group, reference_pos, confidence)
    rbo = rbo_ext(group, reference, p)
    differences = sorted(
        (RankDifference(t, group_pos[t], reference_pos[t]) for t in group),
        key=lambda d: (-abs(d.difference), d.group_rank),
    )
    differences = [d for d in differences if abs(d.difference) >= 3][:most]
    sentence = _comparison_sentence(group, reference, differences, reference_name)
    return OrderComparison(n, tau, interval, rbo, differences, sentence, left_out)


def _tau_interval(
    resampled: RankIntervals,
    common: Sequence[int],
    reference_pos: Mapping[int, int],
    confidence: float,
) -> tuple[float, float]:
    numbers = list(resampled.ranks)
    missing = [t for t in common if t not in resampled.ranks]
    if missing:
        raise ValueError(f"theories {missing} are not in the resampled ranking")
    assert resampled.resampled_ranks is not None
    group_ranks = resampled.resampled_ranks[:, [numbers.index(t) for t in common]]
    reference_ranks = np.array([reference_pos[t] for t in common])
    i, j = np.triu_indices(len(common), k=1)
    g = np.sign(group_ranks[:, i] - group_ranks[:, j])
    r = np.sign(reference_ranks[i] - reference_ranks[j])
    # τ-b = Σ sign·sign / √(untied pairs on each side); the bootstrap ranks are strict orders.
    taus = (g * r).sum(axis=1) / np.sqrt(np.abs(g).sum(axis=1) * np.abs(r).sum())
    tail = (1 - confidence) / 2
    low, high = np.quantile(taus, [tail, 1 - tail])
    return float(low), float(high)


_NUMBER_WORDS = {1: "top theory", 2: "top two", 3: "top three"}


def _comparison_sentence(
    group: Sequence[int],
    reference: Sequence[int],
    differences: Sequence[RankDifference],
    name: str,
) -> str:
    agree = 0
    for k in range(1, min(3, len(group)) + 1):
        if set(group[:k]) == set(reference[:k]):
            agree = k
    if agree:
        opening = f"Your group agrees with {name} on the {_NUMBER_WORDS[agree]}"
    else:
        opening = f"Your group puts {group[0]} first where {name} puts {reference[0]} first"
    moves = []
    for d in differences[:2]:
        much = "much " if abs(d.difference) >= 5 else ""
        way = "higher" if d.difference > 0 else "lower"
        moves.append(f"{d.theory} {much}{way}")
    if moves:
        return f"{opening}; you rate {_and_list(moves)}."
    return f"{opening}; no theory differs by more than two places."
