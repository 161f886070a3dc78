"""The adjusted score (maths/adjusted.py): each item's effect in the additive model
score = item + rater + noise, fitted on the observed cells, checked against statsmodels' own
least-squares fit of the same model."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st

from maths.adjusted import NOT_CONNECTED, NOT_RATED, adjusted_scores


def _statsmodels_fit(m: np.ndarray):
    rows, cols = np.nonzero(~np.isnan(m))
    frame = pd.DataFrame({"score": m[rows, cols], "item": cols, "rater": rows})
    return smf.ols("score ~ 0 + C(item) + C(rater, Sum)", frame).fit()


@settings(max_examples=40)
@given(
    seed=st.integers(0, 2**32 - 1),
    raters=st.integers(3, 15),
    items=st.integers(2, 25),
    missing=st.floats(0.0, 0.45),
)
def test_the_adjusted_scores_and_intervals_are_statsmodels_ols_fit_on_incomplete_data(
    seed: int, raters: int, items: int, missing: float
) -> None:
    rng = np.random.default_rng(seed)
    m = rng.integers(1, 11, (raters, items)).astype(float)
    m[rng.random(m.shape) < missing] = np.nan
    m[:, 0] = rng.integers(1, 11, raters)  # one item everyone rated keeps the design connected
    fit = _statsmodels_fit(m)
    ours = adjusted_scores(m)
    intervals = fit.conf_int(alpha=0.05)
    for j, adjusted in enumerate(ours):
        if np.isnan(m[:, j]).all():
            assert adjusted.score is None and adjusted.reason == NOT_RATED
            continue
        name = f"C(item)[{j}]"
        assert adjusted.score == pytest.approx(fit.params[name], abs=1e-9)
        if fit.df_resid > 0:
            assert adjusted.interval is not None
            assert adjusted.interval == pytest.approx(tuple(intervals.loc[name]), abs=1e-9)


def test_with_complete_data_the_adjusted_score_is_the_mean_and_keeps_its_order() -> None:
    rng = np.random.default_rng(7)
    m = rng.integers(1, 11, (9, 12)).astype(float)
    scores = [a.score for a in adjusted_scores(m)]
    assert scores == pytest.approx(list(m.mean(axis=0)), abs=1e-12)
    assert list(np.argsort(scores)) == list(np.argsort(m.mean(axis=0)))


def test_a_lenient_raters_leniency_does_not_follow_them_onto_the_item_they_alone_rated() -> None:
    # Four raters agree on items 0-2, except that rater 3 scores everything 3 points higher;
    # only rater 3 rated item 3. Its raw mean is 9; adjusted, it is what the average rater
    # would give: 6.
    m = np.array(
        [[5, 6, 7, np.nan], [5, 6, 7, np.nan], [5, 6, 7, np.nan], [8, 9, 10, 9]], dtype=float
    )
    item = adjusted_scores(m)[3]
    assert np.nanmean(m[:, 3]) == 9
    assert item.score == pytest.approx(9 - 3 * 3 / 4)


def test_an_item_that_shares_no_rater_with_the_rest_gets_a_reason_not_a_number() -> None:
    m = np.array(
        [
            [5, 6, np.nan],
            [7, 4, np.nan],
            [6, 6, np.nan],
            [np.nan, np.nan, 9],  # the only rater of item 2 rated nothing else
        ]
    )
    result = adjusted_scores(m)
    assert result[2].score is None and result[2].reason == NOT_CONNECTED
    assert result[0].score is not None and result[1].score is not None


def test_nobody_rated_gives_no_score_and_says_why() -> None:
    m = np.full((3, 2), np.nan)
    assert [a.reason for a in adjusted_scores(m)] == [NOT_RATED, NOT_RATED]
