"""The changes view of a 100-member group with three rounds, beside a bare read of its history.

    createdb -h 127.0.0.1 -U postgres impactboard_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/impactboard_bench \\
        .venv/bin/python bench/rounds_bench.py [--members 100] [--rounds 3] [--repeat 50]

Migrates the database named by DATABASE_URL (use a scratch one), seeds one public group of
`--members` named participants who each submit all 20 theories once per round, plus a second
save of five theories in every round (SQL, so the seed is quick), then times, `--repeat` times
each, in this one process:

1. `changes_between` (the changes API's whole computation: the windowed SQL over the history,
   the pairs, medians, moves and sentences) from the first round to the last;
2. `round_histograms` (what a round's ranking recompute reads);
3. the baseline: one plain `SELECT` of every history item of the group with its submission's
   participant and round (the rows the changes are made from, with no window and no Python).

It prints the median and p95 of each, in milliseconds, and each median's ratio to the baseline.
The issue's goal: the changes view costs at most 50 ms for a 100-member group with 3 rounds.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable

from django_start import django_start

django_start()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from groups.models import DiscussionGroup  # noqa: E402
from ratings.selectors.changes import changes_between  # noqa: E402
from ratings.selectors.rounds import round_histograms  # noqa: E402
from theories.models import Longlist  # noqa: E402

SLUG = "bench-rounds"


def seed(members: int, rounds: int) -> DiscussionGroup:
    DiscussionGroup.objects.filter(slug=SLUG).delete()
    group = DiscussionGroup.objects.create(
        slug=SLUG,
        name="Rounds bench",
        visibility="public",
        current_round=rounds,
        longlist=Longlist.objects.get(is_default=True),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO ratings_participant (group_id, user_id, name, created_at)
               SELECT %s, NULL, 'rater ' || i, now() FROM generate_series(1, %s) AS i""",
            [group.pk, members],
        )
        # Per round: one full submission per participant, then a second save of five theories.
        for number in range(1, rounds + 1):
            for save, theories in ((1, 20), (2, 5)):
                cursor.execute(
                    """INSERT INTO ratings_submission
                         (participant_id, group_id, source, note, round, created_at)
                       SELECT id, group_id, 'api', %s, %s,
                              now() - make_interval(mins => 100 - %s * 10 - %s)
                       FROM ratings_participant WHERE group_id = %s""",
                    [f"r{number}s{save}", number, number, save, group.pk],
                )
                cursor.execute(
                    """INSERT INTO ratings_submissionitem
                         (submission_id, theory_id, score, rationale)
                       SELECT s.id, t.id, 1 + (s.participant_id * 7 + t.number * 3 + %s) %% 10, ''
                       FROM ratings_submission s CROSS JOIN theories_theory t
                       WHERE s.group_id = %s AND s.note = %s AND t.number <= %s
                         AND t.longlist_id = (SELECT id FROM theories_longlist WHERE is_default)""",
                    [number * save, group.pk, f"r{number}s{save}", theories],
                )
    return group


def measure(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    call_command("migrate", verbosity=0)
    group = seed(args.members, args.rounds)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM ratings_submissionitem i JOIN ratings_submission s "
            "ON s.id = i.submission_id WHERE s.group_id = %s",
            [group.pk],
        )
        (items,) = cursor.fetchone()

    def baseline() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.participant_id, i.theory_id, s.round, i.score "
                "FROM ratings_submissionitem i JOIN ratings_submission s "
                "ON s.id = i.submission_id WHERE s.group_id = %s",
                [group.pk],
            )
            cursor.fetchall()

    first, last = 1, args.rounds
    figures = {
        "baseline: SELECT every history item": measure(baseline, args.repeat),
        f"changes_between(round {first} → {last})": measure(
            lambda: changes_between(group=group, first=first, last=last), args.repeat
        ),
        f"round_histograms(round {last})": measure(
            lambda: round_histograms(group=group, number=last), args.repeat
        ),
    }
    base = figures["baseline: SELECT every history item"][0]
    print(f"{args.members} members, {args.rounds} rounds, {items:,} history items")
    print(f"{'what':45} {'median ms':>10} {'p95 ms':>8} {'× baseline':>11}")
    for name, (median, p95) in figures.items():
        print(f"{name:45} {median:10.2f} {p95:8.2f} {median / base:11.2f}")
    group.delete()


if __name__ == "__main__":
    main()
