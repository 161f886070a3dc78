"""A group rating a 200-item list of its own (15 raters, every item rated): the CPU time of its
ranking recompute, rank intervals included (issue 21's goal: at most 100 ms of CPU).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch db> \\
        .venv/bin/python bench/longlist_bench.py [--items 200] [--raters 15] [--repeat 20]

Migrates the database named by DATABASE_URL (use a scratch one), makes the list and the group
through the services, loads the ratings in SQL, then runs `ranking_recompute(force=True)`
`--repeat` times in this process and prints the median and p95 of its CPU time
(time.process_time: this process only, not PostgreSQL's) and of its wall time, in ms.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

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
from ratings.scope import Scope  # noqa: E402
from ratings.services import ranking_recompute  # noqa: E402
from theories.items import ItemText  # noqa: E402
from theories.models import Longlist  # noqa: E402
from theories.services import longlist_create  # noqa: E402

SLUG = "bench-longlist"


def seed(items: int, raters: int) -> DiscussionGroup:
    DiscussionGroup.objects.filter(name="Longlist bench").delete()
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
    group = group_create(user=owner, name="Longlist bench", visibility="private", longlist=longlist)
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO ratings_participant (group_id, user_id, name, created_at, kind)
               SELECT %s, NULL, 'rater ' || i, now(), 'imported' FROM generate_series(1, %s) i""",
            [group.pk, raters],
        )
        cursor.execute(
            """INSERT INTO ratings_rating
                 (participant_id, group_id, theory_id, score, rationale, updated_at, round)
               SELECT p.id, p.group_id, t.id,
                      least(10, greatest(1, 1 + (t.number * 7 + p.id * 3) %% 10)), '', now(), 1
               FROM ratings_participant p JOIN theories_theory t ON t.longlist_id = %s
               WHERE p.group_id = %s AND p.user_id IS NULL""",
            [longlist.pk, group.pk],
        )
        cursor.execute("ANALYZE ratings_rating")
    return group


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--raters", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    call_command("migrate", verbosity=0)
    group = seed(args.items, args.raters)
    ranking_recompute(scope=Scope.group(group.pk), force=True)  # warm
    cpu, wall = [], []
    for _ in range(args.repeat):
        started_cpu, started = time.process_time(), time.perf_counter()
        ranking = ranking_recompute(scope=Scope.group(group.pk), force=True)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    assert ranking is not None and len(ranking.results) == args.items
    with_interval = sum(1 for r in ranking.results if r.get("rank_interval"))
    print(f"{args.items} items, {args.raters} raters, {with_interval} rows with rank intervals")
    for name, values in (("CPU", cpu), ("wall", wall)):
        values.sort()
        p95 = values[int(0.95 * (len(values) - 1))]
        print(f"recompute {name}: median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
