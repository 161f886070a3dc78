"""Every read of comments: threads with their scores, the tree, stance counts, ratings beside."""

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from groups.access import results_visible_to
from groups.models import DiscussionGroup
from theories.access import longlists_visible_to

from .access import ThreadAccess, comment_readable
from .models import Comment, CommentVersion, CommentVote
from .rating_facts import author_scores, cited_items

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class CommentTallies(TypedDict):
    """What comments_annotated() adds to each comment (typed, so reads of them are checked)."""

    score: int
    agree_count: int
    disagree_count: int


Ordering = Literal["oldest", "newest", "top"]
ORDERINGS: dict[str, tuple[str, ...]] = {
    "oldest": ("created_at", "id"),
    "newest": ("-created_at", "-id"),
    "top": ("-score", "created_at", "id"),
}


def _vote_total(kind: str, *, value: int | None = None) -> Coalesce:
    """A correlated subquery, so that several totals never multiply each other's joins."""
    votes = CommentVote.objects.filter(comment=OuterRef("pk"), kind=kind)
    if value is None:
        total = votes.values("comment").annotate(t=Sum("value")).values("t")
    else:
        total = votes.filter(value=value).values("comment").annotate(t=Count("id")).values("t")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def comments_annotated() -> "QuerySet[WithAnnotations[Comment, CommentTallies]]":
    """Comments with `score` (sum of quality votes), `agree_count` and `disagree_count`."""
    return Comment.objects.select_related("author", "group").annotate(
        score=_vote_total(CommentVote.Kind.QUALITY),
        agree_count=_vote_total(CommentVote.Kind.AGREEMENT, value=1),
        disagree_count=_vote_total(CommentVote.Kind.AGREEMENT, value=-1),
    )


def thread_comments(*, thread: ThreadAccess, ordering: str = "oldest") -> QuerySet[Comment]:
    return (
        comments_annotated()
        .filter(theory=thread.theory, group=thread.group)
        .order_by(*ORDERINGS.get(ordering, ORDERINGS["oldest"]))
    )


def comment_get(*, pk: int) -> Comment:
    return comments_annotated().get(pk=pk)


@dataclass
class ViewerContext:
    """What a page of comments needs beyond the rows, each fetched in one query per page:
    the caller's own votes, and the authors' current ratings of the theory in the group."""

    viewer_id: int | None = None
    can_moderate: bool = False
    my_votes: dict[int, dict[str, int]] = field(default_factory=dict)
    author_ratings: dict[int, int] | None = None  # None: a public thread, or results hidden
    citations: dict[int, "Citations"] = field(default_factory=dict)


def viewer_context(
    *, thread: ThreadAccess, comments: list[Comment], user: User | AnonymousUser
) -> ViewerContext:
    ctx = ViewerContext(
        viewer_id=user.pk if user.is_authenticated else None, can_moderate=thread.can_moderate
    )
    ids = [c.pk for c in comments]
    if user.is_authenticated and ids:
        for comment_id, kind, value in CommentVote.objects.filter(
            user=user, comment_id__in=ids
        ).values_list("comment_id", "kind", "value"):
            ctx.my_votes.setdefault(comment_id, {})[kind] = value
    if thread.group is not None and thread.group_access is not None:
        # Hidden-until-rated covers individual ratings too: nobody anchors on them.
        if results_visible_to(access=thread.group_access, user=user):
            authors = {c.author_id for c in comments if c.author_id}
            ctx.author_ratings = author_scores(
                group_id=thread.group.pk, theory_id=thread.theory.pk, authors=authors
            )
            ctx.citations = citations_of(comments=comments, groups=[thread.group.pk])
    elif thread.group is None:
        ctx.citations = citations_of(comments=comments, groups=_groups_revealed_to(user))
    return ctx


@dataclass(frozen=True)
class CommentShown:
    """What a page shows beside one comment for its viewer (the viewer's own votes, the author's
    rating, the citations, whether the text may be read), from the page's one ViewerContext.
    Kept beside the comment, never set on the model instance."""

    my_vote: int
    my_agreement: int
    author_rating: int | None
    is_mine: bool
    citations: "Citations | None"
    readable: bool


def comments_shown(*, viewer: ViewerContext, comments: list[Comment]) -> dict[int, CommentShown]:
    """Each comment's CommentShown by id (no query: `viewer` holds what the page read)."""
    shown: dict[int, CommentShown] = {}
    for c in comments:
        mine = viewer.my_votes.get(c.pk, {})
        ratings = viewer.author_ratings
        cited = viewer.citations.get(c.pk)
        shown[c.pk] = CommentShown(
            my_vote=mine.get(CommentVote.Kind.QUALITY, 0),
            my_agreement=mine.get(CommentVote.Kind.AGREEMENT, 0),
            author_rating=ratings.get(c.author_id) if ratings and c.author_id else None,
            is_mine=viewer.viewer_id is not None and viewer.viewer_id == c.author_id,
            citations=cited if cited and cited.moved else None,
            readable=comment_readable(
                comment=c, viewer_id=viewer.viewer_id, can_moderate=viewer.can_moderate
            ),
        )
    return shown


def _groups_revealed_to(user: User | AnonymousUser) -> QuerySet[DiscussionGroup, int]:
    """The groups whose results `user` may see: public ones that show them to everyone, and the
    user's own groups that show them, or where the user has rated (the hiding rule)."""
    revealed = Q(visibility=DiscussionGroup.Visibility.PUBLIC, results_hidden=False)
    if user.is_authenticated:
        mine = Q(memberships__user=user) & (
            Q(results_hidden=False) | Q(ratings__participant__user=user)
        )
        revealed |= mine
    return DiscussionGroup.objects.filter(revealed).values_list("pk", flat=True)


def stance_counts(*, thread: ThreadAccess) -> dict[str, int]:
    """Live (not deleted, hidden or retracted) comments per stance, in one GROUP BY."""
    counts = dict.fromkeys(Comment.Stance.values, 0)
    rows = (
        Comment.objects.filter(
            theory=thread.theory,
            group=thread.group,
            deleted=False,
            hidden=False,
            retracted=False,
            stance__isnull=False,
        )
        .values("stance")
        .annotate(n=Count("id"))
    )
    for row in rows:
        stance = row["stance"]
        assert stance is not None  # filtered on stance__isnull=False above
        counts[stance] = row["n"]
    return counts


@dataclass
class TreeEntry:
    comment: Comment
    depth: int
    has_replies: bool
    closes: range  # how many levels of replies end right after this comment
    descendants: int = 0
    shown: CommentShown | None = None  # what the page shows beside it for its viewer


def comment_tree(
    comments: list[Comment], *, shown: dict[int, CommentShown] | None = None
) -> list[TreeEntry]:
    """The thread in reading order (each comment followed by its replies, siblings in the
    order given) as a flat list a template can walk without recursion, however deep; each entry
    with its comment's `shown` facts, if given."""
    children: dict[int | None, list[Comment]] = {}
    ids = {c.pk for c in comments}
    for c in comments:
        parent = c.parent_id if c.parent_id in ids else None
        children.setdefault(parent, []).append(c)
    entries: list[TreeEntry] = []
    # Iterative depth-first walk: (comment, depth, number of enclosing lists it is the last of).
    stack: list[tuple[Comment, int, int]] = [(c, 0, 0) for c in reversed(children.get(None, []))]
    while stack:
        comment, depth, ending = stack.pop()
        replies = children.get(comment.pk, [])
        entries.append(
            TreeEntry(
                comment=comment,
                depth=depth,
                has_replies=bool(replies),
                closes=range(0 if replies else ending),
                shown=shown.get(comment.pk) if shown else None,
            )
        )
        for index, reply in enumerate(reversed(replies)):
            # The last reply closes its own list and every list its parent was last in.
            stack.append((reply, depth + 1, ending + 1 if index == 0 else 0))
    below: dict[int, int] = {}
    for entry in reversed(entries):  # children before their parents
        entry.descendants = below.get(entry.comment.pk, 0)
        parent = entry.comment.parent_id
        if entry.depth and parent is not None:
            below[parent] = below.get(parent, 0) + 1 + entry.descendants
    return entries


def comment_versions(*, comment: Comment) -> QuerySet[CommentVersion]:
    return comment.versions.order_by("-written_at", "-id")


def user_public_comments(*, user: User, viewer: User | AnonymousUser) -> QuerySet[Comment]:
    """What a person has said in public threads (never in groups), newest first, on the items
    of the lists `viewer` may see (a private list's public threads are as private as it)."""
    return (
        comments_annotated()
        .select_related("theory")
        .filter(author=user, group__isnull=True, deleted=False, hidden=False)
        .filter(theory__longlist__in=longlists_visible_to(user=viewer))
        .order_by("-created_at", "-id")
    )


def sides(*, comments: list[Comment]) -> dict[str, list[Comment]]:
    """The live arguments for and against, best first (for the side-by-side view)."""
    live = [c for c in comments if not (c.deleted or c.hidden or c.retracted) and c.stance]
    # `score` is the annotation comments_annotated() adds; the stubs know only the columns.
    live.sort(key=lambda c: (-c.score, c.created_at))  # type: ignore[attr-defined]
    return {s: [c for c in live if c.stance == s] for s in Comment.Stance.values}


def groups_of(*, user: User | AnonymousUser) -> QuerySet[DiscussionGroup]:
    """The groups `user` belongs to: each has its own thread on every theory."""
    if not user.is_authenticated:
        return DiscussionGroup.objects.none()
    return DiscussionGroup.objects.filter(memberships__user=user).order_by("name")


# --- what an argument moved (rounds: a rating item's `moved_by`) -----------------------------


@dataclass(frozen=True)
class Citations:
    """How many submitted rating items name a comment as the argument that moved them, the mean
    change of those items (score minus the score it replaced, where there was one), and how many
    of them were given before the comment's last edit (to an earlier version of it)."""

    moved: int
    mean_change: float | None
    to_earlier_version: int

    @property
    def sentence(self) -> str:
        if not self.moved:
            return ""
        text = f"moved {self.moved} rating{'s' if self.moved != 1 else ''}"
        if self.mean_change is not None:
            text += f", mean {self.mean_change:+.1f}".replace("-", "−")
        if self.to_earlier_version:
            text += f" ({self.to_earlier_version} before its last edit)"
        return text


def citations_of(*, comments: Iterable[Any], groups: Any) -> dict[int, Citations]:
    """The citations of `comments` (objects with pk and edited_at) counted in `groups` (ids, or
    a query of them), those whose results the reader may see; None: every group. One query."""
    by_id = {c.pk: c for c in comments}
    if not by_id:
        return {}
    rows = cited_items(comment_ids=list(by_id), groups=groups)
    changes: dict[int, list[int]] = {}
    counts: dict[int, int] = {}
    earlier: dict[int, int] = {}
    for comment_id, score, before, cited_at in rows:
        counts[comment_id] = counts.get(comment_id, 0) + 1
        if score is not None and before is not None:
            changes.setdefault(comment_id, []).append(score - before)
        edited_at = by_id[comment_id].edited_at
        if edited_at is not None and edited_at > cited_at:
            earlier[comment_id] = earlier.get(comment_id, 0) + 1
    return {
        pk: Citations(
            moved=counts.get(pk, 0),
            mean_change=statistics.fmean(changes[pk]) if changes.get(pk) else None,
            to_earlier_version=earlier.get(pk, 0),
        )
        for pk in by_id
    }


def citable_comments(*, group: DiscussionGroup) -> dict[int, list[tuple[int, str]]]:
    """Per theory id, the comments a member of `group` may name as the argument that moved a
    change (live: not deleted, hidden or retracted; public or in this group), best first, each
    as (id, a short label). One query."""
    live = (
        comments_annotated()
        .filter(Q(group__isnull=True) | Q(group=group), deleted=False, hidden=False)
        .filter(retracted=False)
        .select_related("author")
        .order_by("theory_id", "-score", "created_at")
    )
    found: dict[int, list[tuple[int, str]]] = {}
    for c in live:
        # The name people know them by: a guest's own name (first_name), never its account's.
        author = (c.author.first_name or c.author.username) if c.author else "someone"
        stance = f"{c.get_stance_display().lower()}, " if c.stance else ""
        text = " ".join(c.body.split())
        text = text if len(text) <= 70 else text[:69] + "…"
        where = "this group" if c.group_id else "public"
        found.setdefault(c.theory_id, []).append((c.pk, f"{author} ({stance}{where}): {text}"))
    return found
