"""Statistics from ten-bin histograms, checked by hand and against Python's statistics module."""

import statistics
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ratings.services import ranking_rows
from ratings.statistics import pair_gap_sums, stats_from_histogram


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


@settings(deadline=None)  # the reference pairwise mean is O(n^2): no timing here
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


def rows_for(ratings: dict[int, list[int]], numbers: range = range(1, 6)) -> list[dict]:
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


@settings(deadline=None)
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
