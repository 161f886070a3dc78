"""What a change to a group (`groups.signals`) or to its ratings (`ratings.signals`) means for
its rankings: stale marks for the rankings the change touches, and the cached group facts of the
ranking reads. Connected in RankingsConfig.ready(); each runs inside the sender's transaction."""

from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from groups.models import DiscussionGroup
from groups.signals import (
    group_changed,
    group_created,
    group_deleting,
    group_listing_decided,
    group_member_invited,
)
from ratings.signals import ratings_changed, round_opened

from .models import Ranking, RankingRequest
from .ranking_cache import group_meta_forget
from .scope import Scope
from .selectors.rankings import round_scope
from .services.outbox import rankings_mark_stale


def _list_scopes(group: DiscussionGroup) -> list[Scope]:
    """The global ranking of the group's list, when that is not the default list's (whose global
    ranking is Scope.global_()): marked stale wherever a public group's change could move it."""
    return [] if group.longlist.is_default else [Scope.longlist(group.longlist_id)]


def _forget_on_commit(group: DiscussionGroup) -> None:
    transaction.on_commit(partial(group_meta_forget, slug=group.slug), robust=True)


@receiver(group_created)
def group_created_forget(*, group: DiscussionGroup, **_: Any) -> None:
    # A deleted group's cached facts may still sit under this slug.
    _forget_on_commit(group)


@receiver(group_changed)
def group_settings_changed(
    *, group: DiscussionGroup, fed_global: bool, longlist_changed: bool = False, **_: Any
) -> None:
    _forget_on_commit(group)
    if longlist_changed:
        # No rating yet (groups.services.group_update), but the stored (and cached) rows name
        # the old list's items: the recompute stores the new list's, unrated, as a new version.
        rankings_mark_stale(scopes=[Scope.group(group.pk)])
    if group.feeds_global != fed_global:
        # The global ranking sums the groups that feed it (GLOBAL_FEED): visibility, listing,
        # hiding and closing all change that.
        rankings_mark_stale(scopes=[Scope.global_()])
    if lists := _list_scopes(group):
        # Its list's global ranking follows the same rule; whether the group fed it before is
        # not told, so it is recomputed (coalesced, and a no-op sum if nothing moved).
        rankings_mark_stale(scopes=lists)


@receiver(group_listing_decided)
def group_listing_changed(*, group: DiscussionGroup, **_: Any) -> None:
    if group.ratings.exists():
        # The group's recompute fills its eligible histograms (a listed group's only) and then
        # marks the global ranking stale if it feeds it; the global mark covers an un-listing.
        # A group without ratings changes no sum.
        rankings_mark_stale(scopes=[Scope.group(group.pk), Scope.global_(), *_list_scopes(group)])
    _forget_on_commit(group)


@receiver(group_member_invited)
def group_eligible_raters_changed(*, group: DiscussionGroup, **_: Any) -> None:
    # An invited member's ratings count in the global ranking: the eligible histograms follow.
    rankings_mark_stale(scopes=[Scope.group(group.pk)])


@receiver(group_deleting)
def group_rankings_delete(*, group: DiscussionGroup, **_: Any) -> None:
    """A public group counted in the global ranking, so it is marked stale in the deleting
    transaction: its recompute sums the stored group rankings, and this group's goes with the
    group (a foreign key). Round rankings and the outbox are keyed by scope only: by name."""
    Ranking.objects.filter(scope__startswith=Scope.rounds_prefix(group.pk)).delete()
    RankingRequest.objects.filter(scope=Scope.group(group.pk).key).delete()
    RankingRequest.objects.filter(scope__startswith=Scope.rounds_prefix(group.pk)).delete()
    if group.is_public:
        rankings_mark_stale(scopes=[Scope.global_(), *_list_scopes(group)])
    _forget_on_commit(group)


@receiver(ratings_changed)
def group_ratings_changed(*, group: DiscussionGroup, **_: Any) -> None:
    # The group's ranking only: the global one is summed from the group rankings, so the
    # group's recompute marks it stale in turn (see ranking_recompute).
    rankings_mark_stale(scopes=[Scope.group(group.pk)])


@receiver(round_opened)
def group_round_opened(*, group: DiscussionGroup, closed: int, **_: Any) -> None:
    # The closed round's results are now final and stored under their own scope (while the
    # group was in round 1 they were the group's ranking), and the new round starts empty.
    rankings_mark_stale(
        scopes=[
            round_scope(group=group, number=closed),
            round_scope(group=group, number=closed + 1),
        ]
    )
