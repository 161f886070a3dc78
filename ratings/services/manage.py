"""A facilitator's writes that reshape a group: rotate its invitation, remove a member, delete it.
(Settings go through `group_update`; roles through `membership_set_role`.)"""

from functools import partial

from django.contrib.auth.models import User
from django.db import transaction

from ..models import (
    GLOBAL_SCOPE,
    DiscussionGroup,
    GuestToken,
    Membership,
    Ranking,
    RankingRequest,
    new_join_code,
)
from ..ranking_cache import group_meta_forget
from .groups import _ensure_another_facilitator, _lock_for_role_change
from .outbox import rankings_mark_stale


def group_invite_rotate(*, group: DiscussionGroup) -> DiscussionGroup:
    """Give the group a new join code. The invitation is checked against the stored code on every
    request, so the old link stops working as soon as this commits."""
    group.join_code = new_join_code()
    with transaction.atomic():
        group.save(update_fields=["join_code"])
        transaction.on_commit(partial(group_meta_forget, slug=group.slug), robust=True)
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
    comments, rounds, imports, its stored rankings: foreign keys cascade). A public group counted
    in the global ranking, so the global ranking is marked stale in the same transaction: its
    recompute sums the stored group rankings, and this group's is gone with it."""
    slug, group_id = group.slug, group.pk
    with transaction.atomic():
        # Round rankings are keyed by scope only (no foreign key), so they go by name.
        Ranking.objects.filter(scope__startswith=f"round:{group_id}:").delete()
        RankingRequest.objects.filter(scope=group.scope).delete()
        RankingRequest.objects.filter(scope__startswith=f"round:{group_id}:").delete()
        if group.is_public:
            rankings_mark_stale(scopes=[GLOBAL_SCOPE])
        group.delete()
        transaction.on_commit(partial(group_meta_forget, slug=slug), robust=True)
