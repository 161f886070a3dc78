"""Reads of changes of mind: who moved between two rounds (computed by `maths.changes`), and the
feedback a group sees between rounds. Built on the rounds' results (`selectors.rounds`)."""

from typing import Any

from django.db.models import Q

from discussion.models import Comment
from discussion.selectors import comments_annotated
from groups.models import DiscussionGroup
from maths.changes import changes_of_mind
from maths.ranking import TheoryLike
from theories.models import Theory

from ..ranking_facts import ranking_results
from .rounds import round_scores


def changes_between(*, group: DiscussionGroup, first: int, last: int) -> dict[str, Any]:
    """The contract's changes of mind from round `first` to round `last` (`maths.changes`), over
    the active items of the group's list in number order. The per-round results come from one
    windowed SQL query over the history."""
    scores = round_scores(group=group, rounds=[first, last])
    items = Theory.objects.filter(longlist_id=group.longlist_id, status=Theory.Status.ACTIVE)
    theories: list[TheoryLike] = list(
        items.order_by("number").values_list("id", "number", "title", named=True)
    )
    return changes_of_mind(scores, theories, first=first, last=last)


# --- feedback between rounds ---------------------------------------------------------------


def round_feedback(*, group: DiscussionGroup, number: int) -> list[dict[str, Any]]:
    """What the group sees of round `number` before rating again, per theory in theory order:
    its distribution (ten-bin histogram), n and median, and the top argument for and against
    (by quality votes) among the live comments on the theory, this group's and public ones.
    Two queries: the stored round ranking and the comments."""
    rows = {r["theory"]["id"]: r for r in ranking_results(group=group, number=number)}
    top: dict[tuple[int, str | None], Any] = {}
    arguments = (
        comments_annotated()
        .filter(
            Q(group__isnull=True) | Q(group=group),
            stance__in=[Comment.Stance.FOR, Comment.Stance.AGAINST],
            deleted=False,
            hidden=False,
            retracted=False,
        )
        .select_related("author")
        .order_by("-score", "created_at")
    )
    for comment in arguments:
        top.setdefault((comment.theory_id, comment.stance), comment)
    feedback = []
    items = Theory.objects.filter(longlist_id=group.longlist_id, status=Theory.Status.ACTIVE)
    for theory in items.order_by("number"):
        row = rows.get(theory.id)
        feedback.append(
            {
                "theory": theory,
                "n": row["n"] if row else 0,
                "median": row["median"] if row else None,
                "histogram": row["histogram"] if row else [0] * 10,
                "for": top.get((theory.id, Comment.Stance.FOR)),
                "against": top.get((theory.id, Comment.Stance.AGAINST)),
            }
        )
    return feedback
