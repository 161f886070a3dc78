"""Writes of rounds: opening the next round of a group (Delphi style)."""

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from groups.models import DiscussionGroup
from impactboard.errors import Conflict

from ..models import Round
from ..signals import round_opened


class RoundConflict(Conflict):
    """Another facilitator opened the next round a moment ago."""


def round_open_next(*, group: DiscussionGroup, user: User | None) -> Round:
    """Close the open round of `group` and open the next one; nothing is copied.

    Concurrency is settled in the database: the group's round counter moves by a conditional
    UPDATE (`… WHERE current_round = N`), so of two facilitators pressing the button at the same
    instant exactly one opens round N + 1, and the other is told so (409) instead of opening
    round N + 2. The partial unique index `round_one_open` backs it up.
    """
    number = group.current_round
    now = timezone.now()
    try:
        with transaction.atomic():
            moved = DiscussionGroup.objects.filter(pk=group.pk, current_round=number).update(
                current_round=number + 1
            )
            if not moved:
                raise RoundConflict(
                    f"Round {number + 1} has just been opened by someone else: reload the page."
                )
            Round.objects.filter(group=group, number=number, closed_at__isnull=True).update(
                closed_at=now
            )
            opened = Round.objects.create(
                group=group, number=number + 1, opened_at=now, opened_by=user
            )
            group.current_round = number + 1
            # The closed round's stored results and the new round's are marked stale in this
            # transaction (rankings.receivers).
            round_opened.send(sender=Round, group=group, closed=number)
    except IntegrityError as exc:  # the unique indexes caught a race the UPDATE did not see
        group.refresh_from_db(fields=["current_round"])
        raise RoundConflict(
            f"Round {group.current_round} has just been opened by someone else: reload the page."
        ) from exc
    return opened
