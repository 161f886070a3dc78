"""Statistics of one theory's scores, derived from its ten-bin histogram (counts of 1..10).

Never from individual ratings: the database hands us counts per score, and everything here is
exact arithmetic on those counts (Fractions), converted to float at the end.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

SCORES = range(1, 11)


@dataclass(frozen=True)
class TheoryStats:
    n: int
    mean: float | None
    median: float | None
    stdev: float | None
    controversy: float | None


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
    squares = sum(c * (s - mean) ** 2 for s, c in zip(SCORES, histogram, strict=True))
    stdev = math.sqrt(squares / (n - 1))
    pair_gaps = sum(
        ci * cj * abs(si - sj)
        for si, ci in zip(SCORES, histogram, strict=True)
        for sj, cj in zip(SCORES, histogram, strict=True)
    )
    controversy = Fraction(pair_gaps, n * (n - 1))
    return TheoryStats(n, float(mean), float(median), stdev, float(controversy))
