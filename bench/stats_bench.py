"""CPU cost of a group recompute's statistics, with and without the issue-13 uncertainty figures.

    .venv/bin/python bench/stats_bench.py [--raters 15] [--theories 20] [--resamples 2000]

Pure computation, no database: a seeded raters × theories matrix (one rating in twenty left
out) goes through

- baseline: what every recompute already does with the same data, per theory
  `stats_from_histogram` and `mean_interval_95`, then `krippendorff_alpha_interval`;
- the figures of issue 13: `rank_intervals` (the bootstrap), tiers, `theory_flags` per theory,
  `kendall_w`, and `compare_orders` with the post's order (reusing the bootstrap's resamples);

and prints each one's CPU time (time.process_time, the median of many runs, after a warm-up)
and its ratio to the baseline measured in the same process. The budget of issue 13 is 25 ms
for 15 raters × 20 theories × 2,000 resamples. CPU time counts every thread of the process, so
this includes any BLAS helper threads (the bootstrap makes no BLAS call for that reason).
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from maths.agreement import compare_orders, kendall_w, theory_flags
from maths.histogram_stats import (
    krippendorff_alpha_interval,
    mean_interval_95,
    stats_from_histogram,
)
from maths.rank_intervals import (
    POST_ORDER,
    rank_intervals,
    rank_intervals_from_histograms,
    tiers,
)
from maths.ranking import (
    ranking_rows_from_histograms,
    ranking_summary,
    ranking_uncertainty_add,
)


class Theory(NamedTuple):
    id: int
    number: int
    title: str


def cpu_ms(work: Callable[[], object], runs: int) -> float:
    """Median CPU milliseconds of one call over `runs` calls (after one warm-up call)."""
    work()
    times = []
    for _ in range(runs):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raters", type=int, default=15)
    parser.add_argument("--theories", type=int, default=20)
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()

    generator = np.random.default_rng(13)
    # Raters share a view of each theory (its own centre) and differ around it.
    centres = generator.uniform(3, 9, args.theories)
    noise = generator.normal(0, 1.8, (args.raters, args.theories))
    matrix = np.clip(np.round(centres + noise), 1, 10)
    matrix[generator.random(matrix.shape) < 0.05] = np.nan
    numbers = list(range(1, args.theories + 1))
    histograms = {
        n: np.bincount(matrix[:, j][~np.isnan(matrix[:, j])].astype(int), minlength=11)[1:].tolist()
        for j, n in enumerate(numbers)
    }

    def baseline() -> None:
        for histogram in histograms.values():
            mean_interval_95(stats_from_histogram(histogram))
        krippendorff_alpha_interval(list(histograms.values()))

    def bootstrap() -> None:
        rank_intervals(matrix, numbers, resamples=args.resamples)

    def everything() -> None:
        baseline()
        result = rank_intervals(matrix, numbers, resamples=args.resamples)
        tiers([(n, result.ranks[n], result.intervals[n]) for n in numbers])
        for histogram in histograms.values():
            theory_flags(histogram)
        kendall_w(matrix)
        order = sorted((n for n in numbers if result.ranks[n]), key=lambda n: result.ranks[n])
        compare_orders(order, POST_ORDER, resampled=result, reference_name="the post's group")

    # What the recompute itself runs (maths.ranking), from theory ids as the database
    # gives them.
    theories = [Theory(100 + n, n, f"Theory {n}") for n in numbers]
    by_id = {100 + n: h for n, h in histograms.items()}
    triples = [
        (r, 100 + numbers[j], int(matrix[r, j]))
        for r in range(args.raters)
        for j in range(args.theories)
        if not np.isnan(matrix[r, j])
    ]

    def recompute_rows() -> None:
        rows = ranking_rows_from_histograms(theories, by_id)
        ranking_summary(rows)

    def recompute_rows_with_uncertainty() -> None:
        rows = ranking_rows_from_histograms(theories, by_id)
        summary = ranking_summary(rows)
        ranking_uncertainty_add(
            rows, summary, scores=triples, references=[("post", "the post's group", POST_ORDER)]
        )

    def by_histograms() -> None:
        rank_intervals_from_histograms(histograms, resamples=args.resamples)

    base = cpu_ms(baseline, args.runs * 5)
    figures = {
        "baseline (stats_from_histogram + mean_interval_95 + alpha)": base,
        f"rank_intervals ({args.resamples} resamples)": cpu_ms(bootstrap, args.runs),
        "rank_intervals_from_histograms": cpu_ms(by_histograms, args.runs),
        "all statistics of issue 13 + baseline": cpu_ms(everything, args.runs),
        "recompute's maths: rows + summary": cpu_ms(recompute_rows, args.runs * 5),
        "recompute's maths + ranking_uncertainty_add": cpu_ms(
            recompute_rows_with_uncertainty, args.runs
        ),
    }
    print(
        f"{args.raters} raters × {args.theories} theories, {args.resamples} resamples, "
        f"median CPU of {args.runs} runs"
    )
    for name, ms in figures.items():
        print(f"  {name:<60} {ms:7.2f} ms  ({ms / base:5.1f}× baseline)")
    total = figures["all statistics of issue 13 + baseline"]
    print(f"budget 25 ms: {'within' if total <= 25 else 'OVER'} ({total:.2f} ms)")


if __name__ == "__main__":
    main()
