"""The adjusted score: each item's score corrected for who rated it.

When raters rate different subsets of a list (a late item, a long list rated in parts), the raw
mean of an item mixes how good it is with how lenient its raters are: three generous raters can
lift a late item above one rated by all twelve. The additive model

    score(rater, item) = item effect + rater effect + noise

fitted by least squares on the observed cells separates the two. The rater effects are
sum-coded (they average to zero over the raters), so an item's effect reads on the score scale:
the score the item would get from the average rater of the scope. With complete data (every
rater rated every item) the fit gives each item exactly its mean, so the adjusted order is the
mean's order.

The interval is the usual t-interval of the least-squares estimate (residual variance over the
residual degrees of freedom). It assumes the noise is the same for every rater and item, which
at 5-15 raters cannot be checked; it is `None` where the fit leaves no residual degrees of
freedom. Items are comparable only within one connected part of the rater-item graph (items
linked through shared raters): an item that shares no rater with the main part gets `None` and a
reason, never a number on another part's scale.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.stats import t as student_t

CONFIDENCE = 0.95
NOT_CONNECTED = "not connected: it shares no rater with the rest of the list"
NO_RATER_ROWS = "a ranking of groups has no rater rows to fit"
NOT_RATED = "nobody rated it"


@dataclass(frozen=True)
class Adjusted:
    score: float | None
    interval: tuple[float, float] | None
    reason: str | None = None  # why there is no score, when there is none


def adjusted_scores(matrix: NDArray | Sequence[Sequence[float]]) -> list[Adjusted]:
    """One `Adjusted` per column of `matrix` (raters × items, NaN = not rated)."""
    m = np.asarray(matrix, dtype=np.float64)
    n_raters, n_items = m.shape
    rated = ~np.isnan(m)
    rows, cols = np.nonzero(rated)
    out = [Adjusted(None, None, NOT_RATED) for _ in range(n_items)]
    if rows.size == 0:
        return out
    # The bipartite graph raters (0..R-1) – items (R..R+I-1); its largest part is what we fit.
    graph = sparse.coo_matrix(
        (np.ones(rows.size), (rows, n_raters + cols)), shape=(n_raters + n_items,) * 2
    )
    _, label = connected_components(graph, directed=False)
    item_label = label[n_raters:]
    rated_items = rated.any(axis=0)
    sizes = np.bincount(item_label[rated_items])
    main = int(np.argmax(sizes))
    items = np.flatnonzero(rated_items & (item_label == main))
    raters = np.flatnonzero(label[:n_raters] == main)
    for j in np.flatnonzero(rated_items & (item_label != main)):
        out[j] = Adjusted(None, None, NOT_CONNECTED)
    fitted = _fit(m[np.ix_(raters, items)])
    for j, value in zip(items, fitted, strict=True):
        out[j] = value
    return out


def _fit(m: NDArray) -> list[Adjusted]:
    """Least squares of score = item + rater (rater effects sum to zero) on a connected block."""
    n_raters, n_items = m.shape
    rows, cols = np.nonzero(~np.isnan(m))
    y = m[rows, cols]
    n_obs = y.size
    # Columns: one indicator per item, then n_raters - 1 sum-coded rater columns (the last
    # rater's effect is minus the sum of the others). Sparse: each row has at most n_raters
    # non-zeros, and the normal equations are small (items + raters square).
    last = rows == n_raters - 1
    others = np.flatnonzero(~last)
    lasts = np.flatnonzero(last)
    entries_rows = np.concatenate([np.arange(n_obs), others, np.repeat(lasts, n_raters - 1)])
    entries_cols = np.concatenate(
        [cols, n_items + rows[others], np.tile(n_items + np.arange(n_raters - 1), lasts.size)]
    )
    values = np.concatenate([np.ones(n_obs + others.size), -np.ones(lasts.size * (n_raters - 1))])
    params = n_items + n_raters - 1
    x = sparse.csr_matrix((values, (entries_rows, entries_cols)), shape=(n_obs, params))
    normal = (x.T @ x).toarray()
    df = n_obs - params
    try:
        inverse = np.linalg.inv(normal)
    except np.linalg.LinAlgError:  # not identifiable (cannot happen on a connected block)
        return [Adjusted(None, None, NOT_CONNECTED) for _ in range(n_items)]
    coef = inverse @ (x.T @ y)
    scores = coef[:n_items]
    if df <= 0:
        return [Adjusted(float(s), None) for s in scores]
    residual = y - x @ coef
    sigma2 = float(residual @ residual) / df
    half = student_t.ppf(0.5 + CONFIDENCE / 2, df) * np.sqrt(sigma2 * np.diag(inverse)[:n_items])
    return [
        Adjusted(float(s), (float(s - h), float(s + h))) for s, h in zip(scores, half, strict=True)
    ]
