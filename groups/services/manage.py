"""A facilitator's writes that reshape a group: rotate its invitation, remove a member, delete it.
(Settings go through `group_update`; roles through `membership_set_role`.)"""

from django.contrib.auth.models import User
from django.db import transaction

from ..models import DiscussionGroup, GuestToken, Membership, new_join_code
from ..signals import group_changed, group_deleting
from .groups import _ensure_another_facilitator, _lock_for_role_change


def group_invite_rotate(*, group: DiscussionGroup) -> DiscussionGroup:
    """Give the group a new join code. The invitation is checked against the stored code on every
    request, so the old link stops working as soon as this commits."""
    group.join_code = new_join_code()
    with transaction.atomic():
        group.save(update_fields=["join_code"])
        group_changed.send(sender=DiscussionGroup, group=group, fed_global=group.feeds_global)
    return group


def membership_remove(*, group: DiscussionGroup, user: User) -> bool:
    """Take `user` out of `group` (a facilitator's decision). As when they leave, their participant
    and ratings stay: they were submitted to the group, and the facilitator can still delete the
    whole group. The last facilitator cannot be removed. A guest's credential goes too, so its
    token and cookie stop at once (as `guest_remove` does). True if there was a membership."""
    with transaction.atomic():
        membership = _lock_for_role_change(group=group, user=user)
        if membership is None:
            return False
        if membership.role == Membership.Role.FACILITATOR:
            _ensure_another_facilitator(group=group, user=user)
        membership.delete()
        GuestToken.objects.filter(participant__group=group, participant__user=user).delete()
    return True


def group_delete(*, group: DiscussionGroup) -> None:
    """Delete the group and everything in it (memberships, participants, ratings, history,
    comments, rounds, imports, its stored rankings: foreign keys cascade). What is keyed by the
    group's scope rather than a foreign key (round rankings, the outbox) and the global ranking
    it counted in are the receivers' of `group_deleting`, in the same transaction."""
    with transaction.atomic():
        group_deleting.send(sender=DiscussionGroup, group=group)
        group.delete()
