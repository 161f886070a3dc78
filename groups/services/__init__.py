"""Every write to groups, memberships, participants and guests, by concern: `groups` (create,
settings, listing, memberships), `manage` (a facilitator reshaping the group), `guests`.

What a change of a group means for the rankings (a stale mark, a first round) is announced
through `groups.signals` and handled by `ratings`, which sits above this app."""

from .groups import (
    LastFacilitator,
    ListingNotAllowed,
    LonglistLocked,
    LonglistNotAllowed,
    group_create,
    group_listing_decide,
    group_listing_request,
    group_update,
    membership_join,
    membership_leave,
    membership_set_role,
    participant_for_user,
)
from .manage import group_delete, group_invite_rotate, membership_remove
from .newcomers import GroupFull, group_enter, newcomer_decide, newcomer_is_waiting

__all__ = [
    "GroupFull",
    "LastFacilitator",
    "ListingNotAllowed",
    "LonglistLocked",
    "LonglistNotAllowed",
    "group_create",
    "group_delete",
    "group_enter",
    "group_invite_rotate",
    "group_listing_decide",
    "group_listing_request",
    "group_update",
    "membership_join",
    "membership_leave",
    "membership_remove",
    "membership_set_role",
    "newcomer_decide",
    "newcomer_is_waiting",
    "participant_for_user",
]
