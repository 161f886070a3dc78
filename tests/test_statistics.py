"""Statistics from ten-bin histograms, checked by hand, against Python's statistics module, and
against numpy, scipy and the krippendorff package (to 1e-9)."""

import math
import statistics
from collections import Counter

import krippendorff
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from maths.histogram_stats import (
    kendall_tau_b,
    krippendorff_alpha_interval,
    pair_gap_sums,
    stats_from_histogram,
    t_critical_95,
)
from maths.ranking import RankingRow
from rankings.services import ranking_rows


def histogram_of(scores: list[int]) -> list[int]:
    counts = Counter(scores)
    return [counts.get(s, 0) for s in range(1, 11)]


def test_an_empty_histogram_has_no_statistics() -> None:
    stats = stats_from_histogram([0] * 10)
    assert (stats.n, stats.mean, stats.median, stats.stdev, stats.controversy) == (
        0,
        None,
        None,
        None,
        None,
    )


def test_one_rating_has_a_mean_and_median_but_no_spread() -> None:
    stats = stats_from_histogram(histogram_of([7]))
    assert (stats.n, stats.mean, stats.median, stats.stdev, stats.controversy) == (
        1,
        7.0,
        7.0,
        None,
        None,
    )


def test_hand_computed_case_of_three_ratings() -> None:
    # scores 2, 4, 9: mean 5; median 4; squares 9+1+16=26 -> sd sqrt(13);
    # ordered pair gaps 2*(2+7+5)=28 over 3*2 pairs -> 14/3.
    stats = stats_from_histogram(histogram_of([2, 4, 9]))
    assert stats.mean == 5.0
    assert stats.median == 4.0
    assert stats.stdev == pytest.approx(13**0.5)
    assert stats.controversy == pytest.approx(14 / 3)


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_values() -> None:
    assert stats_from_histogram(histogram_of([1, 2, 8, 10])).median == 5.0
    assert stats_from_histogram(histogram_of([3, 4])).median == 3.5


def test_full_agreement_is_zero_controversy_and_a_split_room_is_maximal() -> None:
    assert stats_from_histogram(histogram_of([6, 6, 6, 6])).controversy == 0.0
    assert stats_from_histogram(histogram_of([1, 10])).controversy == 9.0
    split = stats_from_histogram(histogram_of([1, 1, 10, 10])).controversy
    spread = stats_from_histogram(histogram_of([4, 5, 6, 7])).controversy
    assert split > spread


def test_it_rejects_a_histogram_that_is_not_ten_counts() -> None:
    with pytest.raises(ValueError):
        stats_from_histogram([1] * 9)
    with pytest.raises(ValueError):
        stats_from_histogram([-1] + [0] * 9)


@given(st.lists(st.integers(min_value=1, max_value=10), min_size=1, max_size=300))
def test_statistics_agree_with_pythons_statistics_module(scores: list[int]) -> None:
    stats = stats_from_histogram(histogram_of(scores))
    assert stats.n == len(scores)
    assert stats.mean == pytest.approx(statistics.mean(scores))
    assert stats.median == pytest.approx(statistics.median(scores))
    if len(scores) >= 2:
        assert stats.stdev == pytest.approx(statistics.stdev(scores), abs=1e-9)
        pairs = [abs(a - b) for i, a in enumerate(scores) for j, b in enumerate(scores) if i != j]
        assert stats.controversy == pytest.approx(statistics.mean(pairs))
    else:
        assert stats.stdev is None


class FakeTheory:
    def __init__(self, id: int, number: int) -> None:
        self.id, self.number, self.title = id, number, f"Theory {number}"


def rows_for(ratings: dict[int, list[int]], numbers: range = range(1, 6)) -> list[RankingRow]:
    theories = [FakeTheory(100 + n, n) for n in numbers]
    counts = [
        (100 + number, score, count)
        for number, scores in ratings.items()
        for score, count in Counter(scores).items()
    ]
    return ranking_rows(theories, counts)


def test_rows_are_ordered_by_mean_then_median_then_theory_number() -> None:
    rows = rows_for(
        {
            1: [5, 5, 5],  # mean 5, median 5
            2: [8, 8],  # mean 8
            3: [1, 7, 7],  # mean 5, median 7: beats theory 1 on the median
            4: [5, 5, 5],  # ties theory 1 exactly: the lower number ranks first
        }
    )
    assert [r["theory"]["number"] for r in rows] == [2, 3, 1, 4, 5]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]


def test_unrated_theories_come_last_with_null_statistics() -> None:
    rows = rows_for({2: [1]})
    assert rows[0]["theory"]["number"] == 2
    for row in rows[1:]:
        assert row["n"] == 0
        assert row["mean"] is None and row["median"] is None and row["stdev"] is None
        assert row["histogram"] == [0] * 10
    assert [r["theory"]["number"] for r in rows[1:]] == [1, 3, 4, 5]


@given(st.dictionaries(st.integers(1, 5), st.lists(st.integers(1, 10), min_size=1, max_size=20)))
def test_any_ranking_respects_the_contract_order(ratings: dict[int, list[int]]) -> None:
    rows = rows_for(ratings)
    keys = [
        (r["n"] == 0, -(r["mean"] or 0), -(r["median"] or 0), r["theory"]["number"]) for r in rows
    ]
    assert keys == sorted(keys)
    for row in rows:
        expected = ratings.get(row["theory"]["number"], [])
        assert row["histogram"] == histogram_of(expected)


@given(st.lists(st.integers(0, 50), min_size=10, max_size=10))
def test_the_one_pass_pair_sums_equal_the_sums_over_every_pair_of_bins(
    histogram: list[int],
) -> None:
    scores = range(1, 11)
    pairs = [
        (si, ci, sj, cj)
        for si, ci in zip(scores, histogram, strict=True)
        for sj, cj in zip(scores, histogram, strict=True)
    ]
    assert pair_gap_sums(histogram) == (
        sum(ci * cj * abs(si - sj) for si, ci, sj, cj in pairs),
        sum(ci * cj * (si - sj) ** 2 for si, ci, sj, cj in pairs),
    )


# --- the exact code against the libraries, to 1e-9 -------------------------------------------------


@given(st.lists(st.integers(min_value=1, max_value=10), min_size=2, max_size=400))
def test_exact_histogram_statistics_agree_with_numpy_to_1e_9(scores: list[int]) -> None:
    values = np.array(scores, dtype=float)
    stats = stats_from_histogram(histogram_of(scores))
    assert stats.mean == pytest.approx(np.mean(values), abs=1e-9)
    assert stats.median == pytest.approx(np.median(values), abs=1e-9)
    assert stats.stdev == pytest.approx(np.std(values, ddof=1), abs=1e-9)
    # Gini's mean difference: the mean |a − b| over ordered pairs of different raters.
    gaps = np.abs(values[:, None] - values[None, :]).sum() / (len(values) * (len(values) - 1))
    assert stats.controversy == pytest.approx(gaps, abs=1e-9)


@given(
    st.integers(2, 8).flatmap(
        lambda coders: st.integers(2, 25).flatmap(
            lambda units: st.lists(
                st.lists(
                    st.one_of(st.integers(1, 10).map(float), st.just(math.nan)),
                    min_size=units,
                    max_size=units,
                ),
                min_size=coders,
                max_size=coders,
            )
        )
    )
)
def test_krippendorffs_alpha_agrees_with_the_krippendorff_package_to_1e_9(
    rows: list[list[float]],
) -> None:
    data = np.array(rows)  # coders × units, NaN = missing
    histograms = [
        histogram_of([int(v) for v in data[:, u] if not math.isnan(v)])
        for u in range(data.shape[1])
    ]
    ours = krippendorff_alpha_interval(histograms)
    pairable = [h for h in histograms if sum(h) >= 2]
    values = {s for h in pairable for s, c in zip(range(1, 11), h, strict=True) if c}
    assume(len(values) >= 2)  # the package needs variation among pairable values
    reference = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
    assert ours == pytest.approx(reference, abs=1e-9)


@given(st.integers(1, 10**6))
def test_t_critical_values_are_scipys_quantiles(df: int) -> None:
    assert t_critical_95(df) == pytest.approx(scipy_stats.t.ppf(0.975, df), abs=1e-12)


@given(st.lists(st.tuples(st.integers(1, 10), st.integers(1, 10)), min_size=2, max_size=40))
def test_kendall_tau_b_agrees_with_a_direct_count_of_pairs(pairs: list[tuple[int, int]]) -> None:
    x, y = [p[0] for p in pairs], [p[1] for p in pairs]
    c = d = tx = ty = 0
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                tx += 1
            elif dy == 0:
                ty += 1
            elif (dx > 0) == (dy > 0):
                c += 1
            else:
                d += 1
    denominator = math.sqrt((c + d + tx) * (c + d + ty))
    tau = kendall_tau_b(x, y)
    if denominator == 0:
        assert tau is None
    else:
        assert tau == pytest.approx((c - d) / denominator, abs=1e-9)
