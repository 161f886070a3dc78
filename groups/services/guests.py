"""Guests: people who join a group through its invite with just a name, and later perhaps claim
their participation by creating an account.

A guest is a Participant of kind "guest" whose user is a guest account: a User with an unusable
password and a generated username, never signed in through Django's session. It acts only
through its GuestToken (the API token, and the signed guest cookie of the pages), which
authenticates only on its own group's URLs (`groups.guest_auth`). Claiming turns that account
into an ordinary one (`accounts.services.guest_claim`), so that the ratings, the history and the
comments it authored stay attached without being copied.
"""

import secrets

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from impactboard.errors import DomainError, Forbidden
from impactboard.names import name_clean, name_skeleton
from impactboard.text import formula_like

from ..models import DiscussionGroup, GuestToken, Membership, Participant
from .groups import membership_join
from .newcomers import group_locked, group_room_ensure, newcomer_wait

GUEST_NAME_MAX = 60
TOKEN_PREFIX = "guest_"  # noqa: S105  # not a secret: tells a guest key from an account's token key at a glance


class GuestNameInvalid(DomainError):
    """A guest name that is blank, too long, formula-like or taken: a 400 on `name`."""

    def __init__(self, message: str) -> None:
        super().__init__({"name": [message]})


class GuestsNotAllowed(Forbidden):
    """The facilitator has not let guests into this group (403)."""


def guest_name_clean(*, group: DiscussionGroup, name: object) -> str:
    """The guest name as it will be stored (invisible characters removed, spaces collapsed), or
    GuestNameInvalid saying what is wrong with it. Taken means: it looks like (the same Unicode
    confusable skeleton, any case) the name of someone in the group, a member's username
    included, so that nobody can pass as "Ada" with a Cyrillic "А" or a zero-width space."""
    if not isinstance(name, str):
        raise GuestNameInvalid("Type the name the group will know you by.")
    name = name_clean(name)
    if not name:
        raise GuestNameInvalid("Type the name the group will know you by.")
    if len(name) > GUEST_NAME_MAX:
        raise GuestNameInvalid(f"A name is at most {GUEST_NAME_MAX} characters.")
    # The exports' own rule: a name a spreadsheet would run as a formula is refused at the door.
    if formula_like(name):
        raise GuestNameInvalid("A name cannot begin with = + - or @.")
    key = name_skeleton(name)
    names = Participant.objects.filter(group=group).values_list("name", flat=True)
    usernames = Membership.objects.filter(group=group).values_list("user__username", flat=True)
    if any(name_skeleton(other) == key for other in (*names, *usernames)):
        raise GuestNameInvalid("Someone in this group already has that name; choose another.")
    return name


def guest_join(*, group: DiscussionGroup, name: object) -> GuestToken:
    """A new guest of `group` named `name`, with its token. The invitation (join code) has been
    checked by the caller; this checks the group's choice, the name and the room left (GroupFull);
    when the group approves newcomers, the guest waits for approval. The group's row is locked
    while the name is checked and taken, so that two guests choosing look-alike names at one
    instant cannot both pass (the unique index catches only the same name)."""
    if not group.guests_allowed:
        raise GuestsNotAllowed("This group does not take guests: sign up or log in to join.")
    try:
        with transaction.atomic():
            locked = group_locked(group=group)
            clean = guest_name_clean(group=locked, name=name)
            group_room_ensure(group=locked)
            user = User(username=f"guest-{secrets.token_hex(8)}", first_name=clean[:150])
            user.set_unusable_password()
            user.save()
            if locked.approve_newcomers:
                # Known (its name kept, its credential issued) but not a member until approved.
                newcomer_wait(group=locked, user=user, via_invite=True)
                participant = Participant.objects.create(group=locked, user=user, name=clean)
            else:
                membership_join(group=locked, user=user, via_invite=True)
                participant = Participant.objects.get(group=locked, user=user)
                participant.name = clean
            participant.kind = Participant.Kind.GUEST
            participant.save(update_fields=["name", "kind"])
            return GuestToken.objects.create(
                participant=participant, key=TOKEN_PREFIX + secrets.token_hex(17)
            )
    except IntegrityError as exc:  # another guest took the name at this very instant
        raise GuestNameInvalid(
            "Someone in this group already has that name; choose another."
        ) from exc


def guest_remove(*, group: DiscussionGroup, participant_id: int) -> bool:
    """A facilitator removes a guest: its credential and membership go at once, so the cookie
    and the token stop working; the ratings it submitted stay, as when a member leaves. True if
    there was such a guest."""
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update()
            .filter(group=group, pk=participant_id, kind=Participant.Kind.GUEST)
            .first()
        )
        if participant is None:
            return False
        GuestToken.objects.filter(participant=participant).delete()
        if participant.user_id is not None:
            Membership.objects.filter(group=group, user_id=participant.user_id).delete()
    return True
