"""Every write to comments, their versions, votes and reports.

The services take typed values (page forms and API serializers parse the requests) and judge
them: what makes a comment, a vote or a report acceptable is written here once, for both.
"""

from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from groups.models import DiscussionGroup
from impactboard.errors import DomainError
from theories.models import Theory

from .markdown import MENTION_RE, render_markdown
from .models import BODY_MAX_CHARS, Comment, CommentReport, CommentVersion, CommentVote

REASON_MAX_CHARS = 500


class CommentInvalid(DomainError):
    """The request cannot be carried out as asked; `errors` maps field -> messages, and is the
    API's 400 body as it stands."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


class _Unset:
    pass


UNSET = _Unset()


def _clean_body(body: str) -> str:
    if not body.strip():
        raise CommentInvalid({"body": ["A comment needs some text."]})
    if "\x00" in body:
        raise CommentInvalid({"body": ["A comment cannot contain NUL characters."]})
    body = body.rstrip()
    if len(body) > BODY_MAX_CHARS:
        raise CommentInvalid(
            {"body": [f"A comment is at most {BODY_MAX_CHARS:,} characters ({len(body):,} here)."]}
        )
    return body


def _clean_stance(stance: str | None) -> str | None:
    if not stance:
        return None
    if stance not in Comment.Stance.values:
        raise CommentInvalid({"stance": ["A stance is 'for', 'against', 'neutral' or null."]})
    return stance


def _ensure_not_gone(comment: Comment) -> None:
    if comment.deleted:
        raise CommentInvalid({"detail": ["This comment was deleted."]})


def comment_create(
    *,
    author: User,
    theory: Theory,
    group: DiscussionGroup | None,
    body: str,
    stance: str | None = None,
    parent_id: int | None = None,
) -> Comment:
    """A new comment in the thread (theory, group). The caller has checked that `author` may
    post there (discussion.access). A parent must be a live comment of the very same thread.
    Every problem is reported at once, by field."""
    errors: dict[str, list[str]] = {}
    try:
        body = _clean_body(body)
    except CommentInvalid as exc:
        errors |= exc.errors
    try:
        stance = _clean_stance(stance)
    except CommentInvalid as exc:
        errors |= exc.errors
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id).first()
        # The same message for "no such comment" and "a comment elsewhere": a reply must
        # not reveal whether a comment exists in a group the author cannot see.
        if (
            parent is None
            or parent.theory_id != theory.pk
            or parent.group_id != (group.pk if group else None)
        ):
            errors["parent"] = ["No such comment in this thread."]
        elif parent.deleted or parent.hidden:
            errors["parent"] = ["That comment was removed: it cannot be replied to."]
    if errors:
        raise CommentInvalid(errors)
    return Comment.objects.create(
        theory=theory,
        group=group,
        author=author,
        parent=parent,
        body=body,
        body_html=render_markdown(body),
        stance=stance,
    )


def comment_edit(
    *, comment: Comment, body: str | _Unset = UNSET, stance: str | _Unset | None = UNSET
) -> Comment:
    """Change the body and/or stance (UNSET: keep it); the text as it was is kept as a
    version."""
    new_body = comment.body if isinstance(body, _Unset) else _clean_body(body)
    new_stance = comment.stance if isinstance(stance, _Unset) else _clean_stance(stance)
    with transaction.atomic():
        # Lock the row: two edits at once must each keep the version they replaced.
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        _ensure_not_gone(current)
        if new_body == current.body and new_stance == current.stance:
            return current
        now = timezone.now()
        CommentVersion.objects.create(
            comment=current,
            body=current.body,
            body_html=current.body_html,
            stance=current.stance,
            written_at=current.edited_at or current.created_at,
            replaced_at=now,
        )
        if new_body != current.body:
            current.body, current.body_html = new_body, render_markdown(new_body)
        current.stance = new_stance
        current.edited_at = now
        current.save(update_fields=["body", "body_html", "stance", "edited_at"])
    return current


def comment_retract(*, comment: Comment, retracted: bool = True) -> Comment:
    """Retract (kept, struck through, "no longer endorsed") or take the retraction back."""
    _ensure_not_gone(comment)
    Comment.objects.filter(pk=comment.pk, deleted=False).update(retracted=retracted)
    comment.retracted = retracted
    return comment


def comment_delete(*, comment: Comment) -> None:
    """Soft delete: the row stays as a placeholder, so its replies keep their place; its text,
    stance and earlier versions are gone for good."""
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(
            deleted=True, body="", body_html="", stance=None
        )
        CommentVersion.objects.filter(comment=comment).delete()
    comment.deleted, comment.body, comment.body_html, comment.stance = True, "", "", None


def comments_of_author_delete(*, user: User) -> int:
    """Every comment `user` wrote becomes a "[deleted]" placeholder with no author (their account
    is going away): as `comment_delete`, in bulk, so threads keep their shape. The count."""
    with transaction.atomic():
        mine = Comment.objects.filter(author=user)
        CommentVersion.objects.filter(comment__in=mine).delete()
        return mine.update(deleted=True, body="", body_html="", stance=None, author=None)


def comment_hide(*, comment: Comment, hidden: bool = True) -> Comment:
    """A moderator hides a comment (a placeholder to readers) or shows it again."""
    Comment.objects.filter(pk=comment.pk).update(hidden=hidden)
    comment.hidden = hidden
    return comment


def comment_vote(*, comment: Comment, user: User, kind: str, value: int) -> None:
    """Set `user`'s vote of `kind` on `comment` (1 or -1; 0 removes it). A repeat replaces:
    the unique (comment, user, kind) row is upserted, so two clicks at once leave one vote."""
    if value not in (-1, 0, 1):
        raise CommentInvalid({"value": ["A vote is 1, 0 (no vote) or -1."]})
    if value and comment.author_id == user.pk:  # withdrawing an old one stays possible
        raise CommentInvalid({"value": ["You cannot vote on your own comment."]})
    number = value
    _ensure_not_gone(comment)
    if number == 0:
        CommentVote.objects.filter(comment=comment, user=user, kind=kind).delete()
        return
    CommentVote.objects.bulk_create(
        [CommentVote(comment=comment, user=user, kind=kind, value=number)],
        update_conflicts=True,
        unique_fields=["comment", "user", "kind"],
        update_fields=["value", "updated_at"],
    )


def comment_report(*, comment: Comment, reporter: User, reason: str) -> CommentReport:
    """Flag a comment for moderation; reporting again replaces the reason."""
    if not reason.strip():
        raise CommentInvalid({"reason": ["Say briefly what is wrong with it."]})
    reason = reason.strip()
    if len(reason) > REASON_MAX_CHARS or "\x00" in reason:
        raise CommentInvalid({"reason": [f"At most {REASON_MAX_CHARS} characters."]})
    report, _ = CommentReport.objects.update_or_create(
        comment=comment, reporter=reporter, defaults={"reason": reason, "resolved": False}
    )
    return report


def comments_rerender(*, batch: int = 500) -> int:
    """Render every stored body again (after the markdown or sanitising rules changed, or
    users mentioned before they signed up now exist). Returns the number of rows rewritten."""
    return _rerender(Comment, batch=batch) + _rerender(CommentVersion, batch=batch)


# Constrained, so the body below is checked once for each model.
_Rendered = TypeVar("_Rendered", Comment, CommentVersion)


def _rerender(model: type[_Rendered], *, batch: int) -> int:
    User = get_user_model()
    changed = 0
    last = 0
    while chunk := list(
        model.objects.filter(pk__gt=last).order_by("pk").only("pk", "body", "body_html")[:batch]
    ):
        last = chunk[-1].pk
        names = {m.group(1) for row in chunk for m in MENTION_RE.finditer(row.body)}
        known = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        dirty = []
        for row in chunk:
            html = render_markdown(row.body, known_users=known) if row.body else ""
            if html != row.body_html:
                row.body_html = html
                dirty.append(row)
        model.objects.bulk_update(dirty, ["body_html"])
        changed += len(dirty)
    return changed
