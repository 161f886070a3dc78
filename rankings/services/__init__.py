"""Every write to the stored rankings, by concern: `outbox` (stale marks and the coalesced
enqueue), `recompute` (a stored ranking from the truth).

The names are re-exported here so that `from rankings.services import ranking_recompute` works
for the other apps; the ranking maths (`ranking_rows`, `ranking_summary`) lives in
`maths.ranking`.
"""

from maths.ranking import ranking_rows, ranking_rows_from_histograms, ranking_summary

from .outbox import rankings_enqueue, rankings_mark_stale, rankings_queued_clear
from .recompute import ranking_recompute

__all__ = [
    "ranking_recompute",
    "ranking_rows",
    "ranking_rows_from_histograms",
    "ranking_summary",
    "rankings_enqueue",
    "rankings_mark_stale",
    "rankings_queued_clear",
]
