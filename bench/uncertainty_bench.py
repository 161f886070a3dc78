# ruff: noqa: E501  (report lines read best unwrapped)
"""What the issue-13 statistics cost inside the recompute, against a baseline of the same run.

    BENCH_DATABASE_URL=postgres://…/db .venv/bin/python bench/uncertainty_bench.py \\
        [--groups 1000] [--members 100] [--repeat 30]

1. A group of 15 raters × 20 theories (private, so the global ranking is left alone): CPU of
   `ranking_recompute(force=True)` (time.process_time, median), with the statistics and with
   `ranking_uncertainty_add` switched off in the same process (the baseline: what a recompute
   cost before issue 13). Budget: 25 ms of CPU with 2,000 resamples.
2. The global ranking over `groups × members × 20` public ratings (seeded by bench/seed.py:
   1000 × 100 = 2M, the size `make bench` uses): wall time of `ranking_recompute(scope=global)`
   against the bare GROUP BY over every public rating, both medians, same run, same data; and
   the global ranking's rule alone (issue 23: the median of the groups' means with its
   bootstrap over groups) on the same stored results. Budget: within 1.5× the bare GROUP BY.

The database is seeded idempotently (namespaced `load-…`) and every public group's ranking is
computed once first, so the global recompute sums stored rankings as it does in production.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DSN = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/impactboard_bench")
os.environ.update(
    DATABASE_URL=DSN, DJANGO_SETTINGS_MODULE="impactboard.settings", DJANGO_DEBUG="false"
)
# The benchmark's Redis database, as bench/run.py names it (BENCH_REDIS_URL), else REDIS_URL.
os.environ["REDIS_URL"] = os.environ.get(
    "BENCH_REDIS_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/8")
)

import django  # noqa: E402

django.setup()

import seed  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

import maths.ranking as ranking_maths  # noqa: E402
from groups.models import DiscussionGroup, Participant  # noqa: E402
from maths.combine import global_ranking_of_groups  # noqa: E402
from rankings.models import Ranking  # noqa: E402
from rankings.scope import Scope  # noqa: E402
from rankings.services import ranking_recompute  # noqa: E402
from ratings.models import Rating  # noqa: E402
from theories.models import Theory  # noqa: E402

BARE_GLOBAL = (
    "SELECT r.theory_id, r.score, count(r.id) FROM ratings_rating r "
    "JOIN ratings_discussiongroup g ON g.id = r.group_id WHERE g.visibility = 'public' "
    "GROUP BY r.theory_id, r.score"
)


def median_of(fn: Callable[[], object], repeat: int, clock: Callable[[], float]) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times) * 1000


def without_statistics(fn: Callable[[], object]) -> Callable[[], object]:
    """`fn` with the recompute's `ranking_uncertainty_add` switched off: the pre-issue-13 work."""

    def run() -> object:
        saved = ranking_maths.ranking_uncertainty_add
        ranking_maths.ranking_uncertainty_add = lambda *args, **kwargs: None
        try:
            return fn()
        finally:
            ranking_maths.ranking_uncertainty_add = saved

    return run


def small_group() -> DiscussionGroup:
    """15 raters × 20 theories, seeded scores (a shared view per theory, one in twenty missing)."""
    import random

    rng = random.Random(13)
    group, _ = DiscussionGroup.objects.get_or_create(
        slug="unc-bench-15",
        defaults={"name": "Uncertainty bench", "visibility": "private", "join_code": "unc-bench"},
    )
    if not Rating.objects.filter(group=group).exists():
        Participant.objects.filter(group=group).delete()
        now = timezone.now()
        theories = list(Theory.objects.filter(longlist__is_default=True).order_by("number"))
        centres = {t.id: rng.uniform(3, 9) for t in theories}
        ratings = []
        for i in range(15):
            person = Participant.objects.create(group=group, name=f"rater {i}")
            for t in theories:
                if rng.random() < 0.05:
                    continue
                score = min(10, max(1, round(centres[t.id] + rng.gauss(0, 1.8))))
                ratings.append(
                    Rating(participant=person, group=group, theory=t, score=score, updated_at=now)
                )
        Rating.objects.bulk_create(ratings)
    return group


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)

    group = small_group()
    scope = Scope.group(group.pk)
    run = lambda: ranking_recompute(scope=scope, force=True)  # noqa: E731
    cpu = time.process_time
    with_stats = median_of(run, args.repeat, cpu)
    base = median_of(without_statistics(run), args.repeat, cpu)
    with_stats_again = median_of(run, args.repeat, cpu)  # drift check: both sides twice
    base_again = median_of(without_statistics(run), args.repeat, cpu)
    group_ms, base_ms = min(with_stats, with_stats_again), min(base, base_again)
    print(f"group recompute, 15 raters × 20 theories, 2,000 resamples ({connection.vendor}):")
    print(
        f"  with the statistics     {group_ms:7.2f} ms CPU  (runs: {with_stats:.2f}, {with_stats_again:.2f})"
    )
    print(f"  baseline (without them) {base_ms:7.2f} ms CPU  (runs: {base:.2f}, {base_again:.2f})")
    print(
        f"  ratio {group_ms / base_ms:.2f}×; budget 25 ms: {'within' if group_ms <= 25 else 'OVER'}"
    )

    timings = seed.seed(DSN, seed.Scale(args.groups, args.members), log=print)
    public = DiscussionGroup.objects.filter(visibility="public", slug__startswith="load-")
    owed = public.exclude(pk__in=Ranking.objects.values("group_id")).count()
    started = time.perf_counter()
    if owed or timings.get("seed_seconds"):
        call_command("recompute_rankings", verbosity=0)
    print(
        f"  (seeded in {timings.get('seed_seconds', 0):.0f} s; rankings in {time.perf_counter() - started:.0f} s)"
    )
    ratings = Rating.objects.filter(group__visibility="public").count()

    def bare() -> None:
        with connection.cursor() as cursor:
            cursor.execute(BARE_GLOBAL)
            cursor.fetchall()

    world = lambda: ranking_recompute(scope=Scope.global_(), force=True)  # noqa: E731
    repeat = max(3, args.repeat // 3)
    wall = time.perf_counter
    results: dict[str, Any] = {}
    # Since issue 23 the global recompute combines the groups' stored results (the median of
    # the groups' means, bootstrapped over groups: maths.combine); the rule alone is timed on
    # the same stored results, read once.
    from rankings.services.recompute import _global_inputs, _stored_group_results

    theories, feeding = _global_inputs(scope=Scope.global_())
    _, stored = _stored_group_results(feeding=feeding)
    rule = lambda: global_ranking_of_groups(theories, stored)  # noqa: E731
    for label, fn in (
        ("bare GROUP BY", bare),
        ("global recompute", world),
        ("the rule alone (no database)", rule),
    ):
        results[label] = median_of(fn, repeat, wall)
    bare_ms = results["bare GROUP BY"]
    print(
        f"global ranking over {ratings:,} public ratings in {public.count():,} groups (wall, median of {repeat}):"
    )
    for label, ms in results.items():
        print(f"  {label:<42} {ms:8.1f} ms  ({ms / bare_ms:4.2f}× the bare GROUP BY)")
    # The rule's cost grows with the groups counted (resamples × groups × theories, resamples
    # cut from 2,000 past 200 groups): at a few listed groups, at tens, and at the cap.
    for count in (5, 50, 200):
        subset = stored[:count]
        ms = median_of(lambda s=subset: global_ranking_of_groups(theories, s), repeat, wall)
        print(f"  the rule alone on {count:>4} of the groups {'':<17} {ms:8.1f} ms")
    ratio = results["global recompute"] / bare_ms
    print(f"  budget 1.5×: {'within' if ratio <= 1.5 else 'OVER'} ({ratio:.2f}×)")


if __name__ == "__main__":
    main()
