"""Who may export and who may import: the group rules of ratings.access, plus the hiding rule.

Exports follow the rankings' read rules: anyone for a public group, members only for a private
one (404 otherwise), and not while the results are hidden from the caller (403). Imports are for
the group's facilitators.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from ratings.access import GroupAccess, Need, group_access, results_visible_to

HIDDEN_DETAIL = "Results are hidden until you have rated in this group."


def export_access(*, slug: str, user: User | AnonymousUser) -> GroupAccess:
    access = group_access(slug=slug, user=user, need=Need.VIEW)
    if not results_visible_to(access=access, user=user):
        raise PermissionDenied(HIDDEN_DETAIL)
    return access


def import_access(*, slug: str, user: User | AnonymousUser) -> GroupAccess:
    return group_access(slug=slug, user=user, need=Need.FACILITATOR)
