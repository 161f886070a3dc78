"""A group rating a 200-item list of its own (15 raters): the CPU time of its ranking recompute,
rank intervals and adjusted score included (issue 21's goal: at most 100 ms of CPU; issue 22's:
the adjusted score at most 50 ms of it), against baselines of the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch db> \\
        .venv/bin/python bench/longlist_bench.py [--items 200] [--raters 15] [--repeat 20]

Migrates the database named by DATABASE_URL (use a scratch one; `make bench` passes its own),
makes the list and the group through the services, loads the ratings in SQL (every rater rates
every item; a second group of the same list has its last 30% of items rated by 3 raters only:
late items), then times `ranking_recompute(force=True)` `--repeat` times in this process:
with everything; with the adjusted score switched off (the difference is its share); and with
`ranking_uncertainty_add` switched off (the baseline: the recompute's rows alone, as before
issue 13). The adjusted score is also timed alone on each group's raters × items matrix. CPU is
time.process_time (this process only, not PostgreSQL's); medians and p95, in ms.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "impactboard.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")  # no query log

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from groups.models import DiscussionGroup  # noqa: E402
from groups.services import group_create  # noqa: E402
from maths import ranking as ranking_module  # noqa: E402
from maths.adjusted import Adjusted, adjusted_scores  # noqa: E402
from rankings.scope import Scope  # noqa: E402
from rankings.services import ranking_recompute  # noqa: E402
from ratings.models import Rating  # noqa: E402
from theories.items import ItemText  # noqa: E402
from theories.models import Longlist, Theory  # noqa: E402
from theories.services import longlist_create  # noqa: E402

SLUG = "bench-longlist"
LATE_SHARE = 0.3  # the late group: its last 30% of items rated by 3 raters only
LATE_RATERS = 3


def seed(items: int, raters: int) -> tuple[DiscussionGroup, DiscussionGroup]:
    for name in ("Longlist bench", "Longlist bench, late items"):
        DiscussionGroup.objects.filter(name=name).delete()
    for old in Longlist.objects.filter(title="Longlist bench"):
        old.items.all().delete()
        old.delete()
    owner, _ = User.objects.get_or_create(username="bench-longlist-owner")
    longlist = longlist_create(
        user=owner,
        title="Longlist bench",
        visibility="private",
        items=[ItemText(title=f"Bench item {i}", summary="") for i in range(1, items + 1)],
    )
    complete = group_create(
        user=owner, name="Longlist bench", visibility="private", longlist=longlist
    )
    late = group_create(
        user=owner, name="Longlist bench, late items", visibility="private", longlist=longlist
    )
    first_late = items - int(items * LATE_SHARE) + 1
    with connection.cursor() as cursor:
        for group in (complete, late):
            cursor.execute(
                """INSERT INTO ratings_participant (group_id, user_id, name, created_at, kind)
                   SELECT %s, NULL, 'rater ' || i, now(), 'imported'
                   FROM generate_series(1, %s) i""",
                [group.pk, raters],
            )
        cursor.execute(
            """INSERT INTO ratings_rating
                 (participant_id, group_id, theory_id, score, rationale, updated_at, round)
               SELECT p.id, p.group_id, t.id,
                      least(10, greatest(1, 1 + (t.number * 7 + p.id * 3) %% 10)), '', now(), 1
               FROM ratings_participant p JOIN theories_theory t ON t.longlist_id = %s
               WHERE p.group_id IN (%s, %s) AND p.user_id IS NULL
                 AND (p.group_id = %s OR t.number < %s OR p.name = ANY(%s))""",
            [
                longlist.pk,
                complete.pk,
                late.pk,
                complete.pk,
                first_late,
                [f"rater {i}" for i in range(1, LATE_RATERS + 1)],
            ],
        )
        cursor.execute("ANALYZE ratings_rating")
    return complete, late


def interleaved(
    fns: list[Callable[[], object]], repeat: int
) -> list[tuple[list[float], list[float]]]:
    """Like `timings` for several functions at once, called in turn `repeat` rounds over."""
    for fn in fns:
        fn()
    out: list[tuple[list[float], list[float]]] = [([], []) for _ in fns]
    for _ in range(repeat):
        for fn, (cpu, wall) in zip(fns, out, strict=True):
            started_cpu, started = time.process_time(), time.perf_counter()
            fn()
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    return out


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms"


@contextmanager
def switched_off(module: object, name: str, stand_in: Callable[..., Any]) -> Iterator[None]:
    saved = getattr(module, name)
    setattr(module, name, stand_in)
    try:
        yield
    finally:
        setattr(module, name, saved)


def no_adjusted(matrix: Any) -> list[Adjusted]:
    return [Adjusted(None, None, "switched off") for _ in range(matrix.shape[1])]


def score_matrix(group: DiscussionGroup) -> Any:
    """The group's raters × active items matrix, as the recompute builds it."""
    ids = list(
        Theory.objects.filter(longlist_id=group.longlist_id)
        .order_by("number")
        .values_list("id", flat=True)
    )
    scores = Rating.objects.filter(group=group).values_list("participant_id", "theory_id", "score")
    return ranking_module._score_matrix(scores, {theory: j for j, theory in enumerate(ids)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--raters", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    call_command("migrate", verbosity=0)
    groups = seed(args.items, args.raters)
    for label, group in zip(("complete", "late items"), groups, strict=True):
        scope = Scope.group(group.pk)

        def run(scope: Scope = scope) -> object:
            return ranking_recompute(scope=scope, force=True)

        ranking = ranking_recompute(scope=scope, force=True)
        assert ranking is not None and len(ranking.results) == args.items
        with_interval = sum(1 for r in ranking.results if r.get("rank_interval"))
        adjusted = sum(1 for r in ranking.results if r.get("adjusted"))
        rated = sum(r["n"] for r in ranking.results)
        print(
            f"{label}: {args.items} items, {args.raters} raters, {rated} ratings, "
            f"{with_interval} rows with rank intervals, {adjusted} with an adjusted score"
        )
        matrix = score_matrix(group)

        def without_adjusted(run: Callable[[], object] = run) -> object:
            with switched_off(ranking_module, "adjusted_scores", no_adjusted):
                return run()

        def rows_only(run: Callable[[], object] = run) -> object:
            # ranking_build (maths.ranking) calls it: switched off where it is looked up.
            with switched_off(ranking_module, "ranking_uncertainty_add", lambda *a, **k: None):
                return run()

        # The variants take turns, one call each per round, so that the machine's load (it is
        # shared) weighs on all of them alike.
        measured = interleaved(
            [run, without_adjusted, rows_only, lambda m=matrix: adjusted_scores(m)], args.repeat
        )
        (cpu, wall), (cpu_no_adjusted, _), (cpu_bare, _), (cpu_alone, _) = measured
        full, bare = statistics.median(cpu), statistics.median(cpu_bare)
        share = full - statistics.median(cpu_no_adjusted)
        alone = statistics.median(cpu_alone)
        print(f"{label} recompute CPU: {summary(cpu)}")
        print(f"{label} recompute wall: {summary(wall)}")
        print(f"{label} recompute CPU without the adjusted score: {summary(cpu_no_adjusted)}")
        print(f"{label} recompute CPU, rows only (baseline): {summary(cpu_bare)}")
        print(f"{label} adjusted score alone CPU: {summary(cpu_alone)}")
        print(
            f"RESULT {label.replace(' ', '_')} recompute_cpu_ms={full:.2f} "
            f"baseline_cpu_ms={bare:.2f} adjusted_share_ms={share:.2f} "
            f"adjusted_alone_ms={alone:.2f}"
        )
        print(
            f"{label} ratio: recompute {full:.1f} ms / baseline {bare:.1f} ms = "
            f"{full / bare:.2f}x; adjusted share {share:.1f} ms "
            f"(alone {alone:.1f} ms); "
            f"goals: recompute <= 100 ms {'met' if full <= 100 else 'NOT met'}, "
            f"adjusted <= 50 ms {'met' if max(share, alone) <= 50 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
