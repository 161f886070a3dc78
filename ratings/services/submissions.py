"""The one submission path (API, page, import, seed): validate every item, save all or nothing."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone

from discussion.models import Comment
from groups.models import DiscussionGroup, Participant
from impactboard.errors import Conflict, DomainError
from theories.models import Theory

from ..models import Rating, Submission, SubmissionItem
from ..signals import ratings_changed


class RatingsClosed(Conflict):
    """The facilitator has closed ratings in this group."""


class SubmissionInvalid(DomainError):
    """Some items of a submission are invalid; `errors` maps item index -> field -> messages.
    The API answers 400 with `{"ratings": errors}`: the shape of the serializer's own item
    errors."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]) -> None:
        super().__init__({"ratings": errors})
        self.errors = errors


@dataclass(frozen=True)
class RatingItem:
    theory_id: int
    score: int | None  # None removes the rating
    rationale: str | None = None  # None keeps the stored rationale
    moved_by: int | None = None  # the comment (id) that moved this change, if the rater named one


def _citable(items: Sequence[RatingItem], group: DiscussionGroup | None) -> set[tuple[int, int]]:
    """(comment id, theory id) of the comments named as `moved_by` that may be cited: live (not
    deleted, hidden or retracted), public or in this group. One query, and none without any."""
    wanted = {i.moved_by for i in items if i.moved_by is not None}
    if not wanted:
        return set()
    scope = Q(group__isnull=True) | Q(group=group) if group is not None else Q(group__isnull=True)
    live = Comment.objects.filter(
        scope, pk__in=wanted, deleted=False, hidden=False, retracted=False
    )
    return set(live.values_list("pk", "theory_id"))


def rating_items_validate(
    items: Sequence[RatingItem],
    group: DiscussionGroup | None = None,
    *,
    known: dict[int, str] | None = None,
) -> None:
    """Raise SubmissionInvalid naming every bad item: a theory that is not an item of the
    group's list, a retired item given a score (a null still removes its rating), a repeated
    theory, a score outside 1..10, a `moved_by` that is not a live comment on that theory that
    the group can see. One query (none if the caller read the `known` theories: id -> status),
    and one more when an item names a comment."""
    if known is None:
        ids = {i.theory_id for i in items}
        found = Theory.objects.filter(id__in=ids)
        if group is not None:
            found = found.filter(longlist_id=group.longlist_id)
        known = dict(found.values_list("id", "status")) if ids else {}
    citable = _citable(items, group)
    errors: dict[int, dict[str, list[str]]] = {}
    seen: set[int] = set()
    for index, item in enumerate(items):
        if item.theory_id not in known:
            errors.setdefault(index, {})["theory"] = [
                f"Unknown theory id {item.theory_id}: not an item of this group's list."
            ]
        elif item.score is not None and known[item.theory_id] != Theory.Status.ACTIVE:
            errors.setdefault(index, {})["theory"] = [
                f"Theory {item.theory_id} is retired: it takes no new score."
            ]
        elif item.theory_id in seen:
            errors.setdefault(index, {})["theory"] = [
                f"Theory {item.theory_id} appears more than once in this submission."
            ]
        seen.add(item.theory_id)
        if item.score is not None and not (type(item.score) is int and 1 <= item.score <= 10):
            errors.setdefault(index, {})["score"] = ["A score is a whole number from 1 to 10."]
        if item.moved_by is not None and (item.moved_by, item.theory_id) not in citable:
            errors.setdefault(index, {})["moved_by"] = [
                (
                    f"Comment {item.moved_by} is not a live comment on this theory that this group "
                    "can see."
                )
            ]
    if errors:
        raise SubmissionInvalid(errors)


def ratings_open_check(*, group: DiscussionGroup) -> None:
    """RatingsClosed (409) unless the group takes ratings: the one test of it, run first by every
    submission (an import may skip it: see `check_open`)."""
    if not group.ratings_open:
        raise RatingsClosed("Ratings are closed in this group.")


def rating_submission_create(
    *,
    participant: Participant,
    items: Sequence[RatingItem],
    submitted_by: User | None,
    source: str,
    note: str = "",
    check_open: bool = True,
) -> Submission | None:
    """Save one submission: all of it or none of it.

    Upserts the participant's ratings (INSERT … ON CONFLICT), deletes those set to None, appends
    the submission and its items to the history, and marks the rankings stale (`ratings_changed`).
    The recompute is enqueued after commit; the write never waits on the broker.

    A submission that changes nothing (no items, only removals of ratings that do not exist,
    scores and rationales equal to the current ones in the open round) writes nothing and
    returns None: an empty save must not leave a trace that could count as having rated.
    """
    group = participant.group
    if check_open:
        ratings_open_check(group=group)
    known, revisions, current = _theories_and_current(participant=participant, items=items)
    rating_items_validate(items, group, known=known)
    if not _changes_anything(
        items=items, current=current, open_round=group.current_round, revisions=revisions
    ):
        return None
    try:
        return _submission_write(
            participant=participant,
            items=items,
            revisions=revisions,
            submitted_by=submitted_by,
            source=source,
            note=note,
        )
    except IntegrityError:
        # A theory deleted between the validation and the write: name the item (400).
        rating_items_validate(items, group)
        raise


# theory id -> (score, rationale, round, the revision it was given on)
Current = dict[int, tuple[int, str, int, int]]


def _theories_and_current(
    *, participant: Participant, items: Sequence[RatingItem]
) -> tuple[dict[int, str], dict[int, int], Current]:
    """The theories `items` name that are items of the group's list (id -> status, and id ->
    its wording's revision), and the participant's current rating of each: one query (the
    theories left-joined to this participant's ratings), the one the validation made anyway."""
    ids = {i.theory_id for i in items}
    if not ids:
        return {}, {}, {}
    rows = (
        Theory.objects.filter(id__in=ids, longlist_id=participant.group.longlist_id)
        .annotate(mine=FilteredRelation("ratings", condition=Q(ratings__participant=participant)))
        .values_list(
            "id",
            "status",
            "revision",
            "mine__score",
            "mine__rationale",
            "mine__round",
            "mine__revision",
        )
    )
    known: dict[int, str] = {}
    revisions: dict[int, int] = {}
    current: Current = {}
    for theory_id, status, revision, score, rationale, rated_round, rated_revision in rows:
        known[theory_id] = status
        revisions[theory_id] = revision
        if score is not None:
            current[theory_id] = (score, rationale, rated_round, rated_revision)
    return known, revisions, current


def _changes_anything(
    *, items: Sequence[RatingItem], current: Current, open_round: int, revisions: dict[int, int]
) -> bool:
    """Whether saving `items` would change the participant's current ratings, or confirm a
    rating in a round after the one it was given in (a Delphi round counts what was submitted
    in it, even unchanged), or keep a score for an item reworded since it was given."""
    for item in items:
        stored = current.get(item.theory_id)
        if stored is None:
            if item.score is not None:
                return True
            continue  # removing a rating that does not exist
        score, rationale, rated_round, rated_revision = stored
        if item.score != score or rated_round != open_round:
            return True
        if item.score is not None and rated_revision != revisions.get(item.theory_id):
            return True
        if item.rationale is not None and item.rationale != rationale:
            return True
    return False


def _submission_write(
    *,
    participant: Participant,
    items: Sequence[RatingItem],
    revisions: dict[int, int],
    submitted_by: User | None,
    source: str,
    note: str,
) -> Submission:
    group = participant.group
    now = timezone.now()
    with transaction.atomic():
        submission = Submission.objects.create(
            participant=participant,
            group=group,
            submitted_by=submitted_by,
            source=source,
            note=note[:255],
            round=group.current_round,
        )
        SubmissionItem.objects.bulk_create(
            SubmissionItem(
                submission=submission,
                theory_id=i.theory_id,
                score=i.score,
                rationale=i.rationale or "",
                moved_by_id=i.moved_by,
            )
            for i in items
        )
        # Two upserts at most: an item without a rationale keeps the stored one.
        for keep_rationale in (False, True):
            rows = [
                Rating(
                    participant=participant,
                    group=group,
                    theory_id=i.theory_id,
                    score=i.score,
                    rationale=i.rationale or "",
                    updated_at=now,
                    round=group.current_round,
                    revision=revisions[i.theory_id],
                )
                for i in items
                if i.score is not None and (i.rationale is None) == keep_rationale
            ]
            if rows:
                Rating.objects.bulk_create(
                    rows,
                    update_conflicts=True,
                    unique_fields=["participant", "theory"],
                    update_fields=(
                        ["score", "updated_at", "round", "revision"]
                        if keep_rationale
                        else ["score", "rationale", "updated_at", "round", "revision"]
                    ),
                )
        removed = [i.theory_id for i in items if i.score is None]
        if removed:
            Rating.objects.filter(participant=participant, theory_id__in=removed).delete()
        # The rankings it touches are marked stale in this transaction (rankings.receivers).
        ratings_changed.send(sender=Submission, group=group)
    return submission
