"""Export a million ratings through the streaming CSV view, beside PostgreSQL's own COPY.

    createdb -h 127.0.0.1 -U postgres impactboard_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/impactboard_bench \\
        .venv/bin/python bench/export_bench.py [--raters 50000] [--reseed]

Migrates the database named by DATABASE_URL (use a scratch one), seeds a public group with
`--raters` named participants × 20 theories (1,000,000 ratings by default) with one
INSERT … SELECT over generate_series, then:

1. GET /api/v1/groups/bench-export/export/ratings.csv?layout=long through the real view
   (DRF, access rule, StreamingHttpResponse over a server-side cursor), consuming the stream;
2. the same for the wide layout (one row per rater);
3. `COPY (the same rows) TO STDOUT WITH CSV` through psycopg, consuming the stream;

and prints rows/s, MB/s and peak memory of each (peak traced Python allocations with
tracemalloc in a second pass, and the process's peak RSS), and the ratio to COPY.
"""

import argparse
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable

from django_start import django_start

django_start()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rest_framework.test import APIRequestFactory  # noqa: E402

from exports.api import RatingsCSVView  # noqa: E402
from groups.models import DiscussionGroup  # noqa: E402
from ratings.models import Rating  # noqa: E402
from theories.models import Longlist  # noqa: E402

SLUG = "bench-export"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def seed(raters: int, reseed: bool) -> DiscussionGroup:
    group = DiscussionGroup.objects.filter(slug=SLUG).first()
    if (
        group is not None
        and not reseed
        and Rating.objects.filter(group=group).count() == raters * 20
    ):
        return group
    if group is not None:
        group.delete()
    group = DiscussionGroup.objects.create(
        slug=SLUG,
        name="Export bench",
        visibility="public",
        results_hidden=False,
        longlist=Longlist.objects.get(is_default=True),
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO ratings_participant (group_id, user_id, name, created_at)
               SELECT %s, NULL, 'rater ' || i, now() FROM generate_series(1, %s) AS i""",
            [group.pk, raters],
        )
        # Scores spread over 1..10; a third of the ratings carry a rationale, some of which
        # begin with a formula character, so the guard has work to do.
        cursor.execute(
            """INSERT INTO ratings_rating
                 (participant_id, group_id, theory_id, score, rationale, updated_at)
               SELECT p.id, p.group_id, t.id, 1 + (p.id * 7 + t.number * 13) %% 10,
                      CASE (p.id + t.number) %% 3
                        WHEN 0 THEN '' WHEN 1 THEN 'because, "quoted" ' || t.number
                        ELSE '=formula ' || p.id END,
                      now()
               FROM ratings_participant p CROSS JOIN theories_theory t
               WHERE p.group_id = %s AND t.longlist_id = (SELECT longlist_id
                 FROM ratings_discussiongroup WHERE id = p.group_id)""",
            [group.pk],
        )
        cursor.execute("ANALYZE ratings_rating")
        cursor.execute("ANALYZE ratings_participant")
    print(f"seeded {raters * 20:,} ratings in {time.perf_counter() - started:.1f} s")
    return group


def consume(chunks: Iterable[bytes]) -> tuple[int, int]:
    size = lines = 0
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return size, lines


def via_view(layout: str) -> Callable[[], tuple[int, int]]:
    def run() -> tuple[int, int]:
        request = APIRequestFactory().get(
            f"/api/v1/groups/{SLUG}/export/ratings.csv", {"layout": layout}
        )
        response = RatingsCSVView.as_view()(request, slug=SLUG)
        assert response.status_code == 200 and response.streaming, response.status_code
        try:
            return consume(response.streaming_content)  # type: ignore[attr-defined]  # a StreamingHttpResponse
        finally:
            response.close()

    return run


def via_copy(group: DiscussionGroup) -> Callable[[], tuple[int, int]]:
    sql = f"""COPY (
        SELECT p.name AS rater, t.number AS theory, r.score, r.rationale, r.updated_at
        FROM ratings_rating r
        JOIN ratings_participant p ON p.id = r.participant_id
        JOIN theories_theory t ON t.id = r.theory_id
        WHERE r.group_id = {int(group.pk)}
        ORDER BY r.participant_id, t.number
    ) TO STDOUT WITH (FORMAT csv, HEADER true)"""

    def run() -> tuple[int, int]:
        connection.ensure_connection()
        raw = connection.connection  # the psycopg 3 connection
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            return consume(bytes(block) for block in copy)

    return run


def measure(name: str, run: Callable[[], tuple[int, int]]) -> dict[str, float]:
    started = time.perf_counter()
    size, lines = run()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows = lines - 1  # the header
    result = {
        "rows": rows,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "mb_per_s": size / seconds / 1_048_576,
        "mb": size / 1_048_576,
        "peak_traced_mb": peak / 1_048_576,
        "peak_rss_mb": rss_mb(),
    }
    print(
        f"{name:<34} {rows:>9,} rows  {seconds:6.2f} s  {result['rows_per_s']:>10,.0f} rows/s  "
        f"{result['mb_per_s']:6.1f} MB/s  ({result['mb']:.1f} MB)  "
        f"peak traced {result['peak_traced_mb']:.2f} MB  peak RSS {result['peak_rss_mb']:.0f} MB"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raters", type=int, default=50_000, help="× 20 theories = ratings")
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a (scratch) PostgreSQL database.")
    call_command("migrate", verbosity=0)
    group = seed(args.raters, args.reseed)
    print(f"peak RSS after seeding: {rss_mb():.0f} MB (Python {sys.version.split()[0]})")
    long = measure("view, long (1 row per rating)", via_view("long"))
    wide = measure("view, wide (1 row per rater)", via_view("wide"))
    copy = measure("COPY … TO STDOUT WITH CSV (long)", via_copy(group))
    ratio = long["rows_per_s"] / copy["rows_per_s"]
    ratings_per_s = args.raters * 20 / wide["seconds"]
    wide_ratio = ratings_per_s / copy["rows_per_s"]
    print(
        f"ratio, same rows: the streaming view runs at {ratio:.2f}"
        f"× COPY's rows/s (COPY is {long['seconds'] / copy['seconds']:.1f}× faster); "
        f"the wide layout exports the same {args.raters * 20:,} ratings in {wide['seconds']:.2f} s"
        f" ({ratings_per_s:,.0f} ratings/s, {wide_ratio:.2f}× COPY's rows/s)"
    )


if __name__ == "__main__":
    main()
