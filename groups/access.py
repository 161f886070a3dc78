"""The one place that decides who may see or change what inside a group.

Private means invisible: an outsider gets 404 for a private group and everything in it, so the
group's existence is not revealed. A public group is visible to all; acting in it needs membership
(403), and running it needs the facilitator role (403).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import DiscussionGroup, Membership

WAITING = (
    "Your place in this group waits for a facilitator's approval: you can rate once they have "
    "let you in."
)


class Need(Enum):
    VIEW = "view"
    MEMBER = "member"
    FACILITATOR = "facilitator"


@dataclass(frozen=True)
class GroupAccess:
    group: DiscussionGroup
    membership: Membership | None

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    @property
    def is_facilitator(self) -> bool:
        return self.membership is not None and self.membership.role == Membership.Role.FACILITATOR

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None


def group_access(*, slug: str, user: User | AnonymousUser, need: Need = Need.VIEW) -> GroupAccess:
    """The group `slug` with the caller's membership, or Http404 / PermissionDenied.
    A member's request (every write) costs one query: the membership with its group."""
    membership = None
    if user.is_authenticated:
        membership = (
            Membership.objects.select_related("group__longlist")
            .filter(group__slug=slug, user=user)
            .first()
        )
    group = (
        membership.group
        if membership
        else DiscussionGroup.objects.select_related("longlist").filter(slug=slug).first()
    )
    if group is None:
        raise Http404("No such group.")
    access = GroupAccess(group=group, membership=membership)
    refused = need is not Need.VIEW or not group.is_public
    # A newcomer waiting for approval is told so (they know the group: they asked to join it),
    # and sees a private group no more than any outsider does. Only on the way to a refusal: a
    # member's request, and reading a public group, cost no query more.
    if (
        membership is None
        and refused
        and user.is_authenticated
        and group.join_requests.filter(user=user).exists()
    ):
        raise PermissionDenied(WAITING)
    if not group.is_public and membership is None:
        raise Http404("No such group.")
    if need is Need.MEMBER and not access.is_member:
        raise PermissionDenied("Only members of this group may do that.")
    if need is Need.FACILITATOR and not access.is_facilitator:
        raise PermissionDenied("Only facilitators of this group may do that.")
    return access


def results_visible_to(*, access: GroupAccess, user: User | AnonymousUser) -> bool:
    """The hiding rule, for pages, API and CSV alike: a group's aggregates are shown to someone
    who has a current rating in it, or to everyone once the facilitator has revealed them.
    A rating, not a submission: an empty or all-null save must not open the results."""
    if not access.group.results_hidden:
        return True
    if not user.is_authenticated:
        return False
    # Ratings live in the app above this one: read through the group's reverse relation.
    return access.group.ratings.filter(participant__user=user).exists()


def results_visible_in(*, accesses: Sequence[GroupAccess], user: User | AnonymousUser) -> set[int]:
    """The ids of the groups among `accesses` whose aggregates `user` may see (the rule of
    `results_visible_to`), in one query at most, whatever the number of groups."""
    visible = {a.group.pk for a in accesses if not a.group.results_hidden}
    hiding = [a.group.pk for a in accesses if a.group.results_hidden]
    if hiding and user.is_authenticated:
        visible.update(
            DiscussionGroup.objects.filter(pk__in=hiding, ratings__participant__user=user)
            .order_by()
            .values_list("pk", flat=True)
            .distinct()
        )
    return visible


def group_joinable(*, slug: str, user: User, join_code: str) -> DiscussionGroup:
    """The group `slug` if `user` may join it: a public group, a private one with its join code
    (the invite link carries it), or one `user` already belongs to. Otherwise Http404: a wrong
    code reveals nothing."""
    group = DiscussionGroup.objects.filter(slug=slug).first()
    if group is None:
        raise Http404("No such group.")
    if (
        not group.is_public
        and join_code != group.join_code
        and not group.memberships.filter(user=user).exists()
    ):
        raise Http404("No such group.")
    return group


def role_parse(value: object) -> str | None:
    """A membership role named in a request ("facilitator" or "member"), or None if it is not."""
    return value if isinstance(value, str) and value in Membership.Role.values else None
