"""Who may export and who may import: the group rules of groups.access, plus the hiding rule.

Exports follow the read rule of what they export: ratings and rankings as the rankings (anyone
for a public group, members only for a private one, 404 otherwise), comments as the group's
thread (members only); none while the results are hidden from the caller (403). Imports are for
the group's facilitators.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from discussion.access import group_thread_access
from groups.access import GroupAccess, Need, group_access, results_visible_to

HIDDEN_DETAIL = "Results are hidden until you have rated in this group."


def export_access(*, slug: str, user: User | AnonymousUser) -> GroupAccess:
    access = group_access(slug=slug, user=user, need=Need.VIEW)
    if not results_visible_to(access=access, user=user):
        raise PermissionDenied(HIDDEN_DETAIL)
    return access


def comments_export_access(*, slug: str, user: User | AnonymousUser) -> GroupAccess:
    """comments.csv exports a group's thread: the thread's own read rule (members only, from
    discussion.access, the function the thread API calls), then the hiding rule as for every
    export (the file names who wrote what)."""
    access = group_thread_access(slug=slug, user=user)
    if not results_visible_to(access=access, user=user):
        raise PermissionDenied(HIDDEN_DETAIL)
    return access


def import_access(*, slug: str, user: User | AnonymousUser) -> GroupAccess:
    return group_access(slug=slug, user=user, need=Need.FACILITATOR)
