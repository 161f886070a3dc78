"""Who may come in: the group's size, and the queue of newcomers a facilitator approves.

Every way in that a newcomer takes (the join button, the invite page, sign-up or log-in with an
invitation, the API's join and register, a guest's name) goes through `group_enter` (guests:
`guest_join`, which calls `group_room_ensure` and `newcomer_wait`). Each locks the group's row
first, so that the count of people and the new row are settled together: two newcomers at the
same instant cannot both take the last place.
"""

from django.contrib.auth.models import User
from django.db import transaction

from impactboard.errors import Conflict

from ..models import DiscussionGroup, JoinRequest, Membership, Participant
from .groups import membership_join


class GroupFull(Conflict):
    """The group has as many people as its facilitator allows (409)."""


def group_locked(*, group: DiscussionGroup) -> DiscussionGroup:
    """The group's row, locked until the transaction ends, as it now is."""
    return DiscussionGroup.objects.select_for_update().get(pk=group.pk)


def group_room_ensure(*, group: DiscussionGroup) -> None:
    """GroupFull unless the group (its row locked by the caller) has room for one more: members
    and newcomers waiting both take a place, so that a flood of requests is bounded too."""
    taken = (
        Membership.objects.filter(group=group).count()
        + JoinRequest.objects.filter(group=group).count()
    )
    if taken >= group.max_members:
        raise GroupFull(
            f"“{group.name}” is full: it takes {group.max_members} people. Ask its facilitator "
            "to make room."
        )


def newcomer_wait(*, group: DiscussionGroup, user: User, via_invite: bool) -> JoinRequest:
    """Put `user` in the group's queue (harmless if already there)."""
    request, _ = JoinRequest.objects.get_or_create(
        group=group, user=user, defaults={"via_invite": via_invite}
    )
    return request


def group_enter(*, group: DiscussionGroup, user: User, via_invite: bool) -> Membership | None:
    """`user` joins `group`, or waits for approval: the membership, or None while waiting.
    A member is a member still (a second join is harmless, and an invitation upgrades it, as in
    `membership_join`); a newcomer needs room (GroupFull, 409) and, when the group approves
    newcomers, waits in its queue."""
    with transaction.atomic():
        if Membership.objects.filter(group=group, user=user).exists():
            return membership_join(group=group, user=user, via_invite=via_invite)
        locked = group_locked(group=group)
        if JoinRequest.objects.filter(group=locked, user=user).exists():
            return None
        group_room_ensure(group=locked)
        if locked.approve_newcomers:
            newcomer_wait(group=locked, user=user, via_invite=via_invite)
            return None
        return membership_join(group=locked, user=user, via_invite=via_invite)


def newcomer_decide(*, group: DiscussionGroup, user: User, approve: bool) -> bool:
    """A facilitator approves a newcomer (the membership is made, as the join would have made
    it) or declines one (the request goes; a guest's account goes with it, so its name is free
    and its credential works nowhere). False if `user` was not waiting."""
    with transaction.atomic():
        waiting = JoinRequest.objects.select_for_update().filter(group=group, user=user).first()
        if waiting is None:
            return False
        waiting.delete()
        if approve:
            membership_join(group=group, user=user, via_invite=waiting.via_invite)
        else:
            guest = Participant.objects.filter(group=group, user=user, kind=Participant.Kind.GUEST)
            if guest.exists():
                # A guest account exists for this group alone: it goes, with its participant
                # (which holds no rating) and its credential (cascade).
                guest.delete()
                user.delete()
    return True


def newcomer_is_waiting(*, group: DiscussionGroup, user: User) -> bool:
    return JoinRequest.objects.filter(group=group, user=user).exists()
