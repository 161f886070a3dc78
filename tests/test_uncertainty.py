"""How sure a small group's ranking is: rank intervals, tiers, flags, Kendall's W and reference
orders (maths/rank_intervals.py). Pure: no database, no Django."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from maths.agreement import compare_orders, kendall_w, rbo_ext, theory_flags
from maths.histogram_stats import stats_from_histogram
from maths.rank_intervals import (
    POST_ORDER,
    rank_intervals,
    rank_intervals_from_histograms,
    tier_of,
    tier_sentence,
    tiers,
)

NAN = math.nan


def post_shaped(raters: int = 11) -> np.ndarray:
    """A raters × 20 matrix shaped like the source post's own group.

    The post published only its group's order (POST_ORDER, 19 theories; theory 20 came later,
    so nobody rated it) and the remark that theory 3 was "the most controversial highly rated
    one", not the per-rater scores. So we construct scores deterministically: the theory at
    place p of the published order gets the total 97 − 3p (per 11 raters), spread as evenly as
    the whole numbers allow plus one rater a point up and another a point down (so the raters
    disagree a little everywhere); theory 3 gets the same kind of total from two camps instead,
    eight raters at 9–10 and three at 4. The means then give exactly the published order."""
    m = np.full((raters, 20), NAN)
    for p, theory in enumerate(POST_ORDER):
        total = round((97 - 3 * p) * raters / 11)
        if theory == 3:
            high = [10] * (raters - 4) + [9]
            low_total = total - sum(high)
            column = high + [low_total // 3 + (i < low_total % 3) for i in range(3)]
        else:
            base, extra = divmod(total, raters)
            column = [base + (((i - p) % raters) < extra) for i in range(raters)]
            column[(3 * p) % raters] += 1
            column[(3 * p + 1) % raters] -= 1
        m[:, theory - 1] = column
    return m


def contract_order(m: np.ndarray, numbers: list[int]) -> list[int]:
    """The contract's order computed independently, through the exact histogram statistics."""
    keys = []
    for j, number in enumerate(numbers):
        column = m[:, j][~np.isnan(m[:, j])].astype(int)
        stats = stats_from_histogram(np.bincount(column, minlength=11)[1:].tolist())
        keys.append((stats.n == 0, -(stats.mean or 0), -(stats.median or 0), number))
    return [k[3] for k in sorted(keys)]


@st.composite
def rating_matrices(draw: st.DrawFn, min_raters: int = 3, max_raters: int = 8) -> np.ndarray:
    raters = draw(st.integers(min_raters, max_raters))
    theories = draw(st.integers(2, 8))
    cells = st.one_of(st.integers(1, 10).map(float), st.just(NAN))
    rows = draw(
        st.lists(
            st.lists(cells, min_size=theories, max_size=theories),
            min_size=raters,
            max_size=raters,
        )
    )
    m = np.array(rows)
    # Every rater rated something (empty rows are dropped, which would change the count).
    for i in range(raters):
        if np.isnan(m[i]).all():
            m[i, i % theories] = 5.0
    return m


# --- rank intervals -------------------------------------------------------------------------------


@settings(max_examples=60)
@given(rating_matrices())
def test_every_interval_contains_the_observed_rank_in_the_contract_order(m: np.ndarray) -> None:
    numbers = list(range(1, m.shape[1] + 1))
    result = rank_intervals(m, resamples=300)
    order = contract_order(m, numbers)
    for number in numbers:
        rated = not np.isnan(m[:, number - 1]).all()
        if rated:
            assert result.ranks[number] == order.index(number) + 1
            low, high = result.intervals[number]
            assert 1 <= low <= result.ranks[number] <= high <= len(numbers)
        else:
            assert result.ranks[number] is None and result.intervals[number] is None


@settings(max_examples=40)
@given(
    st.lists(st.integers(1, 10).map(float), min_size=2, max_size=20),
    st.integers(3, 15),
)
def test_unanimous_raters_give_exact_ranks(row: list[float], raters: int) -> None:
    result = rank_intervals(np.array([row] * raters))
    for number, rank in result.ranks.items():
        assert result.intervals[number] == (rank, rank)


def test_more_raters_of_the_same_shape_never_widen_the_intervals_on_average() -> None:
    for seed in range(12):
        generator = np.random.default_rng(seed)
        m = generator.integers(1, 11, size=(generator.integers(4, 10), 12)).astype(float)
        m[generator.random(m.shape) < 0.1] = NAN
        m[:, 0] = np.where(np.isnan(m[:, 0]), 5.0, m[:, 0])  # keep every row non-empty

        def mean_width(matrix: np.ndarray) -> float:
            intervals = [i for i in rank_intervals(matrix).intervals.values() if i is not None]
            return float(np.mean([high - low for low, high in intervals]))

        assert mean_width(np.vstack([m, m, m])) <= mean_width(m), seed


def test_the_post_shaped_group_gets_the_published_order_and_theory_3_the_widest_interval() -> None:
    m = post_shaped()
    result = rank_intervals(m, list(range(1, 21)))
    assert sorted(POST_ORDER, key=lambda t: result.ranks[t]) == POST_ORDER
    assert result.ranks[20] is None and result.intervals[20] is None
    width = {t: result.intervals[t][1] - result.intervals[t][0] for t in POST_ORDER}
    top = POST_ORDER[:6]
    assert all(width[3] > width[t] for t in top if t != 3)
    assert width[3] == max(width.values())
    assert result.intervals[3][0] == 1  # resampling can make the split theory first
    # The others stay within a few places; the typical one moves a place either way.
    others = sorted(w for t, w in width.items() if t != 3)
    assert others[-1] <= 3
    assert others[len(others) // 2] <= 2


def test_the_same_ratings_in_any_rater_order_give_the_same_intervals() -> None:
    m = post_shaped()
    first = rank_intervals(m)
    assert rank_intervals(m.copy()) == first
    permuted = m[np.random.default_rng(7).permutation(len(m))]
    assert rank_intervals(permuted) == first
    # The columns carry theory numbers, not positions: reordering them changes nothing either.
    columns = list(range(20))[::-1]
    assert rank_intervals(m[:, columns], [c + 1 for c in columns]).intervals == first.intervals


def test_fewer_than_three_raters_give_no_intervals_and_say_why() -> None:
    result = rank_intervals(np.array([[7.0, 3.0], [8.0, 2.0], [NAN, NAN]]))
    assert result.n_raters == 2
    assert result.intervals == {1: None, 2: None}
    assert result.ranks == {1: 1, 2: 2}
    assert "2 raters" in result.reason and "3" in result.reason


def test_it_rejects_scores_off_the_scale() -> None:
    with pytest.raises(ValueError):
        rank_intervals(np.array([[11.0, 3.0]] * 3))
    with pytest.raises(ValueError):
        rank_intervals(np.array([[2.5, 3.0]] * 3))
    with pytest.raises(ValueError):
        rank_intervals(np.array([[2.0, 3.0]] * 3), [1, 1])


def histograms_of(m: np.ndarray) -> dict[int, list[int]]:
    return {
        j + 1: np.bincount(m[:, j][~np.isnan(m[:, j])].astype(int), minlength=11)[1:].tolist()
        for j in range(m.shape[1])
    }


def test_the_histogram_method_contains_the_rank_and_is_deterministic() -> None:
    m = np.vstack([post_shaped()] * 10)  # a large scope: 110 raters
    by_histograms = rank_intervals_from_histograms(histograms_of(m))
    by_raters = rank_intervals(m)
    assert by_histograms.ranks == by_raters.ranks
    for t in POST_ORDER:
        low, high = by_histograms.intervals[t]
        assert low <= by_histograms.ranks[t] <= high
        # Same meaning: at this size both methods agree to within a place at either end.
        assert abs(low - by_raters.intervals[t][0]) <= 1
        assert abs(high - by_raters.intervals[t][1]) <= 1
    assert by_histograms.intervals[20] is None
    assert rank_intervals_from_histograms(histograms_of(m)) == by_histograms


def test_the_histogram_method_gives_exact_ranks_when_every_theory_is_unanimous() -> None:
    result = rank_intervals_from_histograms({1: [0] * 9 + [5], 2: [0, 0, 5] + [0] * 7})
    assert result.intervals == {1: (1, 1), 2: (2, 2)}
    few = rank_intervals_from_histograms({1: [0] * 9 + [2], 2: [1] + [0] * 9})
    assert few.intervals == {1: None, 2: None} and few.reason


# --- tiers ----------------------------------------------------------------------------------------


def test_a_new_tier_starts_where_an_interval_no_longer_reaches_the_tier_leaders_place() -> None:
    rows = [
        (1, 1, (1, 4)),
        (4, 2, (1, 4)),  # could be first: tier 1
        (6, 3, (2, 5)),  # 2 > 1, the leader's place: a new tier, led by 6 at place 3
        (3, 4, (1, 6)),  # reaches place 3
        (8, 5, (4, 7)),  # 4 > 3: a new tier, led by 8 at place 5
        (2, 6, (5, 8)),
        (7, 7, (5, 9)),
        (5, 8, (6, 9)),  # 6 > 5
        (9, None, None),  # nobody rated it: no tier
    ]
    result = tiers(rows)
    assert result == [[1, 4], [6, 3], [8, 2, 7], [5]]
    assert tier_of(result) == {1: 1, 4: 1, 6: 2, 3: 2, 8: 3, 2: 3, 7: 3, 5: 4}
    assert (
        tier_sentence(result, 9)
        == "The top tier is 1 and 4; with 9 raters the order inside it is not settled."
    )


def test_with_wide_intervals_the_top_tier_holds_only_the_theories_that_could_be_first() -> None:
    """Five raters: every interval is wide and overlaps the leader's, but the top tier is only
    the run of theories, from the top of the ranking down, whose best plausible place is first
    (a tier is a band of the ranking: the run ends at the first theory that could not be)."""
    rng = np.random.default_rng(5)
    matrix = np.clip(np.round(rng.normal(6, 1.5, 20) + rng.normal(0, 2, (5, 20))), 1, 10)
    result = rank_intervals(matrix)
    rows = [(t, result.ranks[t], result.intervals[t]) for t in result.ranks]
    top = tiers(rows)[0]
    ranked = sorted(rows, key=lambda r: r[1])
    run = next(i for i, (_, _, interval) in enumerate(ranked) if interval[0] > 1)
    assert top == [t for t, _, _ in ranked[:run]]
    assert len(top) < 10  # under the old rule (overlap with the leader's interval): most of 20


def test_tier_sentences_for_a_clear_leader_one_tier_and_no_intervals() -> None:
    assert tier_sentence([[2], [1, 3]], 12) == (
        "Only theory 2 could plausibly be first, with 12 raters."
    )
    assert tier_sentence([[2, 1, 3]], 5) == (
        "With 5 raters, none of these 3 theories can be told apart."
    )
    assert tiers([(1, 1, None), (2, 2, None)]) == []
    assert tier_sentence([], 2, "With 2 raters there are no rank intervals.") == (
        "With 2 raters there are no rank intervals."
    )


def test_the_global_rankings_tier_sentences_count_groups() -> None:
    # The global ranking resamples groups, not raters: the same sentences with its own noun.
    assert tier_sentence([[4, 1], [2]], 1, noun="group") == (
        "The top tier is 4 and 1; with 1 group the order inside it is not settled."
    )
    assert tier_sentence([[2, 1, 3]], 6, noun="group") == (
        "With 6 groups, none of these 3 theories can be told apart."
    )


def test_the_post_shaped_group_puts_the_split_theory_in_the_top_tier() -> None:
    result = rank_intervals(post_shaped())
    rows = [(t, result.ranks[t], result.intervals[t]) for t in result.ranks]
    top = tiers(rows)[0]
    assert 3 in top and top[0] == 1


# --- flags ----------------------------------------------------------------------------------------


def histogram(scores: list[int]) -> list[int]:
    return np.bincount(scores, minlength=11)[1:].tolist()


def test_two_camps_are_a_split_and_the_counts_are_said_in_words() -> None:
    flags = theory_flags(histogram([1, 2, 2, 9, 9, 10, 10, 10, 8]))
    assert flags.flags == ["split"]
    assert flags.words == "6 of 9 rated it 8 or more; 3 rated it 3 or less."


@pytest.mark.parametrize(
    ("panel", "needed"),
    [(8, 3), (9, 3), (10, 3), (11, 4), (12, 4), (13, 4), (14, 5), (15, 5), (16, 5)],
)
def test_the_split_rule_reproduces_the_rand_ucla_disagreement_table(
    panel: int, needed: int
) -> None:
    # RAND/UCLA manual (Fitch et al. 2001): disagreement when at least 3 of 8–10, 4 of 11–13,
    # 5 of 14–16 panellists rate in each extreme.
    def with_ends(at_each_end: int) -> list[int]:
        middle = panel - 2 * at_each_end
        return histogram([2] * at_each_end + [9] * at_each_end + [5] * middle)

    assert theory_flags(with_ends(needed)).flags == ["split"]
    assert "split" not in theory_flags(with_ends(needed - 1)).flags


def test_seventy_percent_within_a_point_of_the_median_is_consensus() -> None:
    flags = theory_flags(histogram([6, 6, 7, 7, 7, 8, 8, 2, 10, 3]))  # 7 of 10 in 6–8
    assert flags.flags == ["consensus"]
    assert flags.words == "7 of 10 rated it within one point of the median (7)."
    assert theory_flags(histogram([6, 6, 7, 7, 8, 8, 2, 10, 3, 1])).flags != ["consensus"]


def test_a_split_overrides_a_consensus_at_one_end() -> None:
    # 7 of 10 at 2–3 (within a point of the median 3) but 3 of 10 at 10: two camps.
    flags = theory_flags(histogram([2, 2, 3, 3, 3, 3, 3, 10, 10, 10]))
    assert flags.near_median == 7
    assert flags.flags == ["split"]


def test_ratings_all_over_the_scale_are_a_spread_not_a_split() -> None:
    scores = [1, 3, 4, 4, 5, 8, 8, 9, 9, 10]  # 2 of 10 at 1–3: not two camps
    flags = theory_flags(histogram(scores))
    assert flags.flags == ["spread"]
    assert flags.iqr == pytest.approx(np.subtract(*np.percentile(scores, [75, 25])))
    assert flags.words == "The middle half of the 10 ratings runs from 4 to 8.75."
    # Evenly over the whole scale, 3 of 10 sit at each end: the RAND/UCLA rule calls it split.
    assert theory_flags(histogram(list(range(1, 11)))).flags == ["split"]
    assert theory_flags(histogram([4, 5, 5, 6, 7, 7, 8, 3])).flags == []  # neither


def test_fewer_than_three_ratings_have_no_flags_and_say_why() -> None:
    flags = theory_flags(histogram([1, 10]))
    assert flags.flags == []
    assert "2 ratings" in flags.reason
    assert flags.words == "1 of 2 rated it 8 or more; 1 rated it 3 or less."


@given(st.lists(st.integers(1, 10), min_size=3, max_size=60))
def test_the_flags_interquartile_range_is_numpys(scores: list[int]) -> None:
    q75, q25 = np.percentile(scores, [75, 25])
    assert theory_flags(histogram(scores)).iqr == pytest.approx(q75 - q25, abs=1e-9)


# --- Kendall's W ----------------------------------------------------------------------------------


def test_kendalls_w_matches_the_published_worked_example() -> None:
    # Siegel (1956), Nonparametric Statistics for the Behavioral Sciences, ch. 9 (also Siegel &
    # Castellan 1988, §9.4): three executives rank six job applicants; W = .16.
    # Rank sums 8, 14, 11, 11, 11, 8; S = 25.5; W = 12·25.5 / (3²·(6³ − 6)) = 306/1890.
    ranks = [[1, 6, 3, 2, 5, 4], [1, 5, 6, 4, 2, 3], [6, 3, 2, 5, 4, 1]]
    # Scores are "higher is better", ranks "1 is best": score = 7 − rank gives the same W.
    result = kendall_w(np.array([[7 - r for r in row] for row in ranks], dtype=float))
    assert result.w == pytest.approx(306 / 1890, abs=1e-12)
    assert round(result.w, 2) == 0.16
    assert (result.n_raters, result.n_theories) == (3, 6)
    assert "hardly agree" in result.reading


@given(
    st.integers(3, 12).flatmap(
        lambda raters: st.integers(3, 10).flatmap(
            lambda theories: st.lists(
                st.lists(st.integers(1, 10), min_size=theories, max_size=theories),
                min_size=raters,
                max_size=raters,
            )
        )
    )
)
def test_kendalls_w_is_friedmans_tie_corrected_chi_square_over_m_n_minus_1(
    rows: list[list[int]],
) -> None:
    m = np.array(rows, dtype=float)
    result = kendall_w(m)
    if all(len(set(row)) == 1 for row in rows):  # no rater tells any theory apart
        assert result.w is None
        return
    # scipy wants one sample per theory, the raters as blocks.
    chi2 = sps.friedmanchisquare(*m.T).statistic
    assert result.w == pytest.approx(chi2 / (m.shape[0] * (m.shape[1] - 1)), abs=1e-9)


def test_kendalls_w_uses_the_theories_everyone_rated() -> None:
    m = np.array([[9, 5, 1, NAN], [8, 5, 2, 7], [9, 6, 1, 3]], dtype=float)
    result = kendall_w(m)
    assert (result.n_raters, result.n_theories) == (3, 3)
    assert result.w == pytest.approx(1.0)
    assert "much the same order" in result.reading
    assert kendall_w(m[:2]).w is None


# --- reference orders -----------------------------------------------------------------------------


def test_the_published_order_compared_with_itself_is_tau_b_one_and_rbo_one() -> None:
    comparison = compare_orders(POST_ORDER, POST_ORDER, reference_name="the post's group")
    assert comparison.kendall_tau_b == 1.0
    assert comparison.rbo == 1.0
    assert comparison.differences == []
    assert comparison.n_common == 19


def test_the_sentence_names_the_agreeing_top_and_the_biggest_move() -> None:
    group = [1, 4, 3, 6, 5, 8, 18, 2, 7, 16, 19, 17, 10, 9, 12, 14, 13, 15, 11, 20]
    comparison = compare_orders(group, POST_ORDER, reference_name="the post's group")
    assert comparison.sentence == (
        "Your group agrees with the post's group on the top three; you rate 5 much higher."
    )
    assert [(d.theory, d.group_rank, d.reference_rank) for d in comparison.differences] == [
        (5, 5, 19)
    ]
    assert comparison.left_out == [20]  # theory 20 is not in the post's order
    assert comparison.n_common == 19
    assert comparison.kendall_tau_b == pytest.approx(
        sps.kendalltau([group.index(t) for t in POST_ORDER], list(range(19)), variant="b").statistic
    )
    assert 0 < comparison.rbo < 1


def test_the_tau_b_interval_resamples_the_groups_raters_and_is_deterministic() -> None:
    m = post_shaped()
    result = rank_intervals(m)
    order = sorted((t for t in result.ranks if result.ranks[t]), key=lambda t: result.ranks[t])
    comparison = compare_orders(order, POST_ORDER, resampled=result)
    assert comparison.kendall_tau_b == 1.0
    low, high = comparison.kendall_tau_b_interval
    assert 0.5 < low < high <= 1.0
    # Independently: τ-b of each resample's order against the reference, with scipy.
    positions = [POST_ORDER.index(t) for t in POST_ORDER]
    columns = [list(result.ranks).index(t) for t in POST_ORDER]
    taus = [
        sps.kendalltau(row[columns], positions, variant="b").statistic
        for row in result.resampled_ranks
    ]
    assert (low, high) == pytest.approx(tuple(np.quantile(taus, [0.025, 0.975])), abs=1e-12)
    again = compare_orders(order, POST_ORDER, resampled=rank_intervals(m[::-1]))
    assert again.kendall_tau_b_interval == comparison.kendall_tau_b_interval
    too_few = compare_orders(order, POST_ORDER, resampled=rank_intervals(m[:2]))
    assert too_few.kendall_tau_b_interval is None
    assert too_few.kendall_tau_b == 1.0


def rbo_by_summation(short: list[int], long_: list[int], p: float, depth: int = 3000) -> float:
    """RBO_ext straight from its definition, (1 − p)·Σ_d A_d·p^(d−1) summed far out, with the
    agreement A_d extrapolated as Webber et al. (2010, §4.2 and §5) do: beyond the shorter
    list's end its unseen items agree at the rate X_s/s; beyond both ends A_d stays at A_l."""
    s, big = len(short), len(long_)
    total = 0.0
    for d in range(1, depth + 1):
        if d <= big:
            x = len(set(short[:d]) & set(long_[:d]))
            x_s = len(set(short) & set(long_[:s]))
            agreement = (x + (d - s) * x_s / s) / d if d > s else x / d
            last = agreement
        else:
            agreement = last
        total += agreement * p ** (d - 1)
    return (1 - p) * total


@given(
    st.permutations(list(range(1, 16))),
    st.integers(1, 15),
    st.floats(0.5, 0.95),
)
def test_rbo_ext_agrees_with_the_summed_definition(ranking: list[int], cut: int, p: float) -> None:
    other = ranking[::-1][:cut]  # shorter, different order
    assert rbo_ext(other, ranking, p) == pytest.approx(
        rbo_by_summation(other, ranking, p), abs=1e-9
    )
    assert rbo_ext(ranking, other, p) == rbo_ext(other, ranking, p)
    assert 0 <= rbo_ext(other, ranking, p) <= 1


def test_rbo_ext_is_one_for_a_prefix_and_zero_for_disjoint_lists() -> None:
    assert rbo_ext([1, 2, 3], [1, 2, 3, 4, 5]) == pytest.approx(1.0)
    assert rbo_ext([1, 2], [3, 4]) == 0.0
    assert rbo_ext(POST_ORDER, POST_ORDER) == 1.0
    with pytest.raises(ValueError):
        rbo_ext([1, 1], [1, 2])
