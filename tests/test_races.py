"""Issue 7: races settled by the database. Real concurrent transactions on PostgreSQL."""

import threading

import pytest
from django.db import connection

from accounts.services import user_create
from groups.models import Membership, Participant
from groups.services import membership_join, participant_for_user
from ratings.models import Rating, Submission, SubmissionItem
from ratings.services import RatingItem, rating_submission_create

from .conftest import PASSWORD

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def run_at_once(functions) -> list[BaseException]:
    """Run each function in its own thread (own database connection), released together."""
    barrier = threading.Barrier(len(functions))
    errors: list[BaseException] = []

    def wrap(fn):
        def run() -> None:
            try:
                barrier.wait(timeout=10)
                fn()
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in functions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_two_submissions_for_the_same_rating_at_the_same_instant_both_land_in_history(
    cast, theories
) -> None:
    participant = participant_for_user(group=cast.public, user=cast.member)
    theory = theories[0]

    def submit(score: int):
        return lambda: rating_submission_create(
            participant=participant,
            items=[RatingItem(theory_id=theory.id, score=score)],
            submitted_by=cast.member,
            source="api",
        )

    # Each pair differs from every earlier score: a submission that changes nothing writes
    # nothing (issue 16), and this test is about two real changes at the same instant.
    for attempt in range(5):
        errors = run_at_once([submit(2 * attempt + 1), submit(2 * attempt + 2)])
        assert errors == []
    rating = Rating.objects.get(participant=participant, theory=theory)
    assert rating.score in (9, 10)
    # The last transaction to commit wrote the current score; both are in the history.
    assert Submission.objects.filter(participant=participant).count() == 10
    scores = list(
        SubmissionItem.objects.filter(submission__participant=participant).values_list(
            "score", flat=True
        )
    )
    assert sorted(scores) == list(range(1, 11))
    assert Rating.objects.filter(participant=participant).count() == 1


def test_many_people_joining_and_rating_at_once(cast, theories) -> None:
    users = [user_create(username=f"crowd{i}", password=PASSWORD) for i in range(16)]

    def join_and_rate(user):
        def run() -> None:
            membership_join(group=cast.public, user=user)
            membership_join(group=cast.public, user=user)  # a double click
            participant = participant_for_user(group=cast.public, user=user)
            rating_submission_create(
                participant=participant,
                items=[RatingItem(theory_id=t.id, score=(t.number % 10) + 1) for t in theories],
                submitted_by=user,
                source="api",
            )

        return run

    assert run_at_once([join_and_rate(u) for u in users]) == []
    crowd = Membership.objects.filter(group=cast.public, user__username__startswith="crowd")
    assert crowd.count() == 16
    assert Participant.objects.filter(group=cast.public, user__in=users).count() == 16
    assert Rating.objects.filter(group=cast.public, participant__user__in=users).count() == 16 * 20


def test_two_people_claiming_one_username_at_once_get_one_account(db) -> None:
    from accounts.services import UsernameTaken

    outcomes: list[str] = []

    def claim():
        try:
            user_create(username="same-name", password=PASSWORD)
            outcomes.append("created")
        except UsernameTaken:
            outcomes.append("taken")

    assert run_at_once([claim, claim, claim]) == []
    assert sorted(outcomes) == ["created", "taken", "taken"]


def test_two_facilitators_opening_the_next_round_at_the_same_instant_open_exactly_one(
    cast, make_user
) -> None:
    """Both saw round 1 open and pressed "open round 2": one opens it, the other is told
    (409), and no round 3 appears. Settled by the conditional UPDATE of the group's counter."""
    from groups.models import DiscussionGroup
    from groups.services import membership_set_role
    from ratings.models import Round
    from ratings.services.rounds import RoundConflict, round_open_next

    second = make_user("cofacilitator")
    membership_join(group=cast.public, user=second)
    membership_set_role(group=cast.public, user=second, role=Membership.Role.FACILITATOR)
    seen = [DiscussionGroup.objects.get(pk=cast.public.pk) for _ in range(2)]
    errors = run_at_once(
        [
            lambda: round_open_next(group=seen[0], user=cast.facilitator),
            lambda: round_open_next(group=seen[1], user=second),
        ]
    )
    assert [type(e) for e in errors] == [RoundConflict]
    rounds = list(Round.objects.filter(group=cast.public).order_by("number"))
    assert [(r.number, r.closed_at is None) for r in rounds] == [(1, False), (2, True)]
    assert DiscussionGroup.objects.get(pk=cast.public.pk).current_round == 2


def test_two_facilitators_stepping_down_or_removing_each_other_at_once_never_deadlock(
    cast, make_user
) -> None:
    """Issue 23: each locked its own membership, then the other's: two at the same instant each
    held the row the other wanted (PostgreSQL's deadlock detector failed one: 7 of 14 pairs
    answered 503). Now both lock every facilitator row in id order: one goes first, the other
    then sees the group with one facilitator left and is told so (LastFacilitator)."""
    from groups.services import (
        LastFacilitator,
        membership_leave,
        membership_remove,
        membership_set_role,
    )

    group = cast.public
    second = make_user("cofacilitator")
    fay = cast.facilitator
    facilitator = Membership.Role.FACILITATOR

    def reset() -> None:
        for user in (fay, second):
            membership_join(group=group, user=user)
            membership_set_role(group=group, user=user, role=facilitator)

    pairs = {
        "both step down": (
            lambda: membership_set_role(group=group, user=fay, role="member"),
            lambda: membership_set_role(group=group, user=second, role="member"),
        ),
        "each removes the other": (
            lambda: membership_remove(group=group, user=second),
            lambda: membership_remove(group=group, user=fay),
        ),
        "one leaves, the other steps down": (
            lambda: membership_leave(group=group, user=fay),
            lambda: membership_set_role(group=group, user=second, role="member"),
        ),
        "one steps down, the other removes them": (
            lambda: membership_set_role(group=group, user=fay, role="member"),
            lambda: membership_remove(group=group, user=fay),
        ),
    }
    outcomes: dict[str, list[str]] = {}
    for name, functions in pairs.items():
        for _ in range(4):
            reset()
            errors = run_at_once(list(functions))
            # Never a deadlock or any database error: at most one polite refusal (the last
            # facilitator; or, when the other went first, "not a member").
            refusals = (LastFacilitator, Membership.DoesNotExist)
            assert all(isinstance(e, refusals) for e in errors), (name, errors)
            left = Membership.objects.filter(group=group, role=facilitator).count()
            assert left >= 1, name
            outcomes.setdefault(name, []).append(f"{len(errors)} refused, {left} left")
    # Two changes that would each leave one facilitator: exactly one of them is refused.
    assert set(outcomes["both step down"]) == {"1 refused, 1 left"}
    assert set(outcomes["each removes the other"]) == {"1 refused, 1 left"}
    assert set(outcomes["one leaves, the other steps down"]) == {"1 refused, 1 left"}
    # Both act on the same person: whichever commits first, the second finds one facilitator.
    assert set(outcomes["one steps down, the other removes them"]) <= {
        "0 refused, 1 left",
        "1 refused, 1 left",
    }


def test_two_guests_taking_look_alike_names_at_once_get_one_of_them(cast) -> None:
    """The unique index knows only the same name (any case); the confusable check is settled by
    locking the group's row while the name is checked and taken."""
    from groups.services import group_update
    from groups.services.guests import GuestNameInvalid, guest_join

    group_update(group=cast.public, guests_allowed=True)
    for attempt in range(3):
        names = [f"Ada{attempt}", f"\u0410da{attempt}", f"A\u200bda{attempt}"]  # Cyrillic А, ZWSP
        errors = run_at_once([lambda n=n: guest_join(group=cast.public, name=n) for n in names])
        assert [type(e) for e in errors] == [GuestNameInvalid, GuestNameInvalid]
        taken = Participant.objects.filter(group=cast.public, name__endswith=f"da{attempt}")
        assert taken.count() == 1


def test_newcomers_at_the_same_instant_never_take_more_places_than_the_group_has(cast) -> None:
    """Issue 23: the group's row is locked while the places are counted and the new one taken."""
    from groups.services import GroupFull, group_update
    from groups.services.guests import guest_join

    group_update(group=cast.private, max_members=4)  # fay and mo are in: two places left
    errors = run_at_once(
        [lambda i=i: guest_join(group=cast.private, name=f"Crowd {i}") for i in range(5)]
    )
    assert [type(e) for e in errors] == [GroupFull] * 3
    assert Membership.objects.filter(group=cast.private).count() == 4
