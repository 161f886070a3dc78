"""Reads of rounds and of changes of mind, all from the append-only submission history.

A round's results are, for each participant and theory, the last score submitted during that
round (a null submitted in it removes it). One windowed query gives them; the changes between
two rounds pair the same participant's last scores of each round.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import Count, F, OuterRef, Subquery, Window
from django.db.models.functions import Lag
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from groups.models import DiscussionGroup, Participant
from theories.models import Theory

from ..models import Round, Submission, SubmissionItem

_LAST_IN_ROUND = """
SELECT participant_id, theory_id, round, score FROM (
    SELECT s.participant_id, i.theory_id, s.round, i.score,
           ROW_NUMBER() OVER (
               PARTITION BY s.participant_id, i.theory_id, s.round ORDER BY s.id DESC
           ) AS latest
    FROM {item} i JOIN {submission} s ON s.id = i.submission_id
    WHERE s.group_id = %s AND s.round IN ({rounds})
) last WHERE latest = 1 AND score IS NOT NULL
"""

_CITED_IN_ROUND = """
SELECT DISTINCT s.participant_id, i.theory_id, s.round
FROM {item} i JOIN {submission} s ON s.id = i.submission_id
WHERE s.group_id = %s AND s.round IN ({rounds}) AND i.moved_by_id IS NOT NULL
"""


def round_scores(
    *, group: DiscussionGroup, rounds: Iterable[int]
) -> list[tuple[int, int, int, int, bool]]:
    """(participant id, theory id, round, score, cited) of every rating that stood at the end of
    each of `rounds` (or stands now, in the open round); `cited` says whether any item of that
    participant, theory and round named the argument that moved it. Two queries: one window
    over the rounds' history (the last save of a round is the one with the highest id: saves are
    numbered as they are written), and the few items that name an argument."""
    numbers = sorted(set(rounds))
    tables = {
        "item": SubmissionItem._meta.db_table,
        "submission": Submission._meta.db_table,
        "rounds": ", ".join(["%s"] * len(numbers)),
    }
    with connection.cursor() as cursor:
        cursor.execute(_CITED_IN_ROUND.format(**tables), [group.pk, *numbers])
        cited = set(cursor.fetchall())
        cursor.execute(_LAST_IN_ROUND.format(**tables), [group.pk, *numbers])
        return [(p, t, r, s, (p, t, r) in cited) for p, t, r, s in cursor.fetchall()]


def round_histograms(*, group: DiscussionGroup, number: int) -> tuple[dict[int, list[int]], int]:
    """Ten-bin histograms by theory id of round `number`'s results, and its number of raters."""
    histograms: dict[int, list[int]] = {}
    raters: set[int] = set()
    for participant, theory, _, score, _ in round_scores(group=group, rounds=[number]):
        histograms.setdefault(theory, [0] * 10)[score - 1] += 1
        raters.add(participant)
    return histograms, len(raters)


def round_list(*, group: DiscussionGroup) -> list[dict[str, Any]]:
    """The group's rounds, oldest first, each with the number of participants who submitted a
    rating during it (`raters`). Two queries."""
    raters = dict(
        Submission.objects.filter(group=group, items__score__isnull=False)
        .order_by()
        .values("round")
        .annotate(n=Count("participant", distinct=True))
        .values_list("round", "n")
    )
    # Rounds are numbered 1..current_round with no gaps (see round_exists). A group written by
    # SQL (the benchmark's seed) or by a command that bypassed group_create has no Round row
    # for round 1: it still has that round, open since the group was created.
    stored = {r.number: r for r in Round.objects.filter(group=group)}
    listed = []
    for number in range(1, group.current_round + 1):
        found = stored.get(number)
        listed.append(
            {
                "number": number,
                "opened_at": found.opened_at if found else group.created_at,
                "closed_at": found.closed_at if found else None,
                "raters": raters.get(number, 0),
            }
        )
    return listed


def round_exists(*, group: DiscussionGroup, number: int) -> bool:
    """Rounds are numbered 1, 2, … up to the open one, with no gaps."""
    return 1 <= number <= group.current_round


def ratings_of_round(*, participant: Participant | None, number: int) -> list[dict[str, Any]]:
    """A participant's ratings as they stood at the end of round `number` (or stand now, in the
    open round): the contract's rows of `ratings/mine/?round=N`."""
    if participant is None:
        return []
    latest = (
        SubmissionItem.objects.filter(
            submission__participant=participant,
            submission__round=number,
            theory=OuterRef("theory"),
        )
        .order_by("-submission__created_at", "-submission_id")
        .values("pk")[:1]
    )
    items = (
        SubmissionItem.objects.filter(
            submission__participant=participant,
            submission__round=number,
            pk=Subquery(latest),
            score__isnull=False,
        )
        .select_related("submission")
        .order_by("theory__number")
    )
    return [
        {
            "theory_id": i.theory_id,
            "score": i.score,
            "rationale": i.rationale,
            "updated_at": i.submission.created_at,
            "round": number,
        }
        for i in items
    ]


# --- my history -----------------------------------------------------------------------------------


def submission_history(*, participant: Participant | None) -> list[dict[str, Any]]:
    """The participant's submissions, newest first, each item with the score it replaced
    (`previous`: the current score just before, from the history itself with a window)."""
    if participant is None:
        return []
    items = (
        SubmissionItem.objects.filter(submission__participant=participant)
        .annotate(
            previous=Window(
                Lag("score"),
                partition_by=[F("theory_id")],
                order_by=[F("submission__created_at").asc(), F("submission_id").asc()],
            )
        )
        .values("submission_id", "theory_id", "score", "previous", "rationale", "moved_by_id")
    )
    by_submission: dict[int, list[dict[str, Any]]] = {}
    for item in items:
        by_submission.setdefault(item["submission_id"], []).append(
            {
                "theory": item["theory_id"],
                "score": item["score"],
                "previous": item["previous"],
                "rationale": item["rationale"],
                "moved_by": item["moved_by_id"],
            }
        )
    submissions = Submission.objects.filter(participant=participant).order_by("-created_at", "-id")
    return [
        {
            "created_at": s.created_at,
            "round": s.round,
            "source": s.source,
            "items": sorted(by_submission.get(s.pk, []), key=lambda i: i["theory"]),
        }
        for s in submissions.only("pk", "created_at", "round", "source")
    ]


def history_events(*, group: DiscussionGroup) -> Any:
    """The group's history as an event log, one row per submitted item, oldest first:
    (participant id, participant name, theory number, round, previous, score, moved_by id,
    source, created_at); `previous` is the participant's current score of the theory just
    before (a window over the history), None if none."""
    return (
        SubmissionItem.objects.filter(submission__group=group)
        .annotate(
            previous=Window(
                Lag("score"),
                partition_by=[F("submission__participant_id"), F("theory_id")],
                order_by=[F("submission__created_at").asc(), F("submission_id").asc()],
            )
        )
        .order_by("submission__created_at", "submission_id", "theory__number")
        .values_list(
            "submission__participant_id",
            "submission__participant__name",
            "theory__number",
            "submission__round",
            "previous",
            "score",
            "moved_by_id",
            "submission__source",
            "submission__created_at",
        )
    )


_ROUND_ROWS = """
SELECT participant_id, name, number, score, rationale, created_at FROM (
    SELECT s.participant_id, p.name, t.number, i.score, i.rationale, s.created_at,
           ROW_NUMBER() OVER (
               PARTITION BY s.participant_id, i.theory_id ORDER BY s.id DESC
           ) AS latest
    FROM {item} i
    JOIN {submission} s ON s.id = i.submission_id
    JOIN {participant} p ON p.id = s.participant_id
    JOIN {theory} t ON t.id = i.theory_id
    WHERE s.group_id = %s AND s.round = %s
) last WHERE latest = 1 AND score IS NOT NULL
ORDER BY participant_id, number
"""


def round_rating_rows(*, group: DiscussionGroup, number: int) -> list[tuple[Any, ...]]:
    """Round `number`'s results as rows (participant id, name, theory number, score, rationale,
    submitted at), by participant then theory: what the round's CSV exports write. One query."""
    sql = _ROUND_ROWS.format(
        item=SubmissionItem._meta.db_table,
        submission=Submission._meta.db_table,
        participant=Participant._meta.db_table,
        theory=Theory._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [group.pk, number])
        rows = cursor.fetchall()
    # Through the window's subquery SQLite hands timestamps back as text.
    return [(*row[:5], _aware(row[5])) for row in rows]


def _aware(value: Any) -> datetime:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a timestamp, got {value!r}")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment
