"""The one place that decides who may read, write and moderate which comments.

A thread is a theory's public comments (anyone reads, any signed-in user writes) or a group's own
comments on a theory (members only: 404 for a private group's outsiders, as everywhere; 403 for
a public group's non-members). Moderating means: a facilitator of the comment's group, or staff
for the public thread. The rules for the group itself come from groups.access.
"""

from dataclasses import dataclass
from enum import Enum

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from groups.access import GroupAccess, Need, group_access
from groups.models import DiscussionGroup
from theories.access import theory_visible
from theories.models import Theory

from .models import Comment


@dataclass(frozen=True)
class ThreadAccess:
    theory: Theory
    group: DiscussionGroup | None
    user: User | AnonymousUser
    group_access: GroupAccess | None = None

    @property
    def can_post(self) -> bool:
        return self.user.is_authenticated

    @property
    def can_moderate(self) -> bool:
        if self.group_access is not None:
            return self.group_access.is_facilitator
        return bool(self.user.is_authenticated and self.user.is_staff)


def group_thread_access(*, slug: str, user: User | AnonymousUser) -> GroupAccess:
    """The read (and write) rule of a group's own comments, for the thread API, its pages and
    the comments export alike: members only (404 for a private group's outsiders, 403 for a
    public group's)."""
    return group_access(slug=slug, user=user, need=Need.MEMBER)


def thread_access(
    *, theory: Theory, group_slug: str | None, user: User | AnonymousUser
) -> ThreadAccess:
    """The thread of `theory` in the group `group_slug` (None or "": the public thread), or
    Http404 / PermissionDenied. Reading and writing a group thread both need membership.
    An item of a private list the caller may not see is 404 in every thread; a group's thread
    exists only for the items of the list the group rates."""
    if not theory_visible(theory=theory, user=user):
        raise Http404("No such theory.")
    if not group_slug:
        return ThreadAccess(theory=theory, group=None, user=user)
    access = group_thread_access(slug=group_slug, user=user)
    if theory.longlist_id != access.group.longlist_id:
        raise Http404("No such theory in this group's list.")
    return ThreadAccess(theory=theory, group=access.group, user=user, group_access=access)


def thread_access_for(*, comment: Comment, user: User | AnonymousUser) -> ThreadAccess:
    slug = comment.group.slug if comment.group is not None else None
    return thread_access(theory=comment.theory, group_slug=slug, user=user)


class CommentNeed(Enum):
    VIEW = "view"  # read it (and vote on it, report it, reply to it: any reader who is signed in)
    AUTHOR = "author"  # edit, retract
    AUTHOR_OR_MODERATOR = "author_or_moderator"  # delete
    MODERATOR = "moderator"  # hide


def comment_access(
    *, comment_id: int, user: User | AnonymousUser, need: CommentNeed = CommentNeed.VIEW
) -> tuple[Comment, ThreadAccess]:
    """The comment `comment_id` and its thread, or Http404 (unknown, or in a private group the
    caller is not in) / PermissionDenied (a group the caller is not in, or not theirs to change)."""
    comment = (
        Comment.objects.select_related("theory__longlist", "group", "author")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise Http404("No such comment.")
    try:
        thread = thread_access_for(comment=comment, user=user)
    except Http404:
        # In a group the caller may not see: answer exactly as for a comment that does not
        # exist ("No such group." told id walkers which ids were private comments).
        raise Http404("No such comment.") from None
    is_author = user.is_authenticated and comment.author_id == user.pk
    if need is CommentNeed.AUTHOR and not is_author:
        raise PermissionDenied("Only its author may change a comment.")
    if need is CommentNeed.AUTHOR_OR_MODERATOR and not (is_author or thread.can_moderate):
        raise PermissionDenied("Only its author or a facilitator of its group may delete it.")
    if need is CommentNeed.MODERATOR and not thread.can_moderate:
        raise PermissionDenied("Only a facilitator of this group may do that.")
    return comment, thread


def comment_readable(*, comment: Comment, viewer_id: int | None, can_moderate: bool) -> bool:
    """Whether a reader may see the text of `comment` (body, stance, earlier versions): never
    once it is deleted; while a moderator hides it, only its author and the thread's
    moderators. Everyone else sees a placeholder."""
    if comment.deleted:
        return False
    if comment.hidden:
        return can_moderate or (viewer_id is not None and viewer_id == comment.author_id)
    return True
