"""Writes of groups, memberships and participants."""

import secrets
from functools import partial

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from impactboard.errors import Conflict

from ..models import GLOBAL_SCOPE, DiscussionGroup, Membership, Participant, Round
from ..ranking_cache import group_meta_forget
from .outbox import rankings_mark_stale


class LastFacilitator(Conflict):
    """The only facilitator cannot leave or step down: the group would have nobody to run it."""


def group_create(
    *, user: User, name: str, description: str = "", visibility: str = "public"
) -> DiscussionGroup:
    """Create a group; its creator becomes its first facilitator (and participant)."""
    base = slugify(name)[:50] or "group"
    for attempt in range(5):
        slug = base if attempt == 0 else f"{base}-{secrets.token_hex(3)}"
        try:
            with transaction.atomic():
                group = DiscussionGroup.objects.create(
                    slug=slug,
                    name=name,
                    description=description,
                    visibility=visibility,
                    # A private group's members arrive through one shared link: let them in with
                    # just a name unless the facilitator says otherwise. Public groups need
                    # accounts.
                    guests_allowed=visibility == DiscussionGroup.Visibility.PRIVATE,
                    created_by=user,
                )
                membership_join(group=group, user=user, role=Membership.Role.FACILITATOR)
                Round.objects.create(
                    group=group, number=1, opened_at=group.created_at, opened_by=user
                )
                # A deleted group's cached facts may still sit under this slug.
                transaction.on_commit(partial(group_meta_forget, slug=slug), robust=True)
                return group
        except IntegrityError:
            continue  # the slug was taken (perhaps at this very instant): try another
    raise RuntimeError("could not find a free slug")


def group_update(*, group: DiscussionGroup, **fields: object) -> DiscussionGroup:
    allowed = {
        "name",
        "description",
        "visibility",
        "ratings_open",
        "results_hidden",
        "guests_allowed",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot update {sorted(unknown)}")
    visibility_changed = "visibility" in fields and fields["visibility"] != group.visibility
    for name, value in fields.items():
        setattr(group, name, value)
    with transaction.atomic():
        group.save(update_fields=list(fields))
        transaction.on_commit(partial(group_meta_forget, slug=group.slug), robust=True)
        if visibility_changed:
            # The global ranking covers public groups only: it changes with the group's visibility.
            rankings_mark_stale(scopes=[GLOBAL_SCOPE])
    return group


def membership_join(
    *, group: DiscussionGroup, user: User, role: str = Membership.Role.MEMBER
) -> Membership:
    """Join `group` (harmless when already a member: the existing membership is returned)."""
    with transaction.atomic():
        membership, _ = Membership.objects.get_or_create(
            group=group, user=user, defaults={"role": role}
        )
        participant_for_user(group=group, user=user)
    return membership


def membership_leave(*, group: DiscussionGroup, user: User) -> None:
    """Leave `group`. The participant and its ratings stay: they were submitted to the group."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(group=group, user=user).first()
        if membership is None:
            return
        if membership.role == Membership.Role.FACILITATOR:
            _ensure_another_facilitator(group=group, user=user)
        membership.delete()


def membership_set_role(*, group: DiscussionGroup, user: User, role: str) -> Membership:
    """Promote a member to facilitator, or step one down (never the last one)."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(group=group, user=user)
        if role == Membership.Role.MEMBER and membership.role == Membership.Role.FACILITATOR:
            _ensure_another_facilitator(group=group, user=user)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def _ensure_another_facilitator(*, group: DiscussionGroup, user: User) -> None:
    # Lock every facilitator row, so that two facilitators stepping down at once cannot both pass.
    others = list(
        Membership.objects.select_for_update()
        .filter(group=group, role=Membership.Role.FACILITATOR)
        .exclude(user=user)
        .values_list("id", flat=True)
    )
    if not others:
        raise LastFacilitator("Promote another facilitator first: a group needs one.")


def participant_for_user(*, group: DiscussionGroup, user: User) -> Participant:
    participant, _ = Participant.objects.get_or_create(
        group=group, user=user, defaults={"name": user.username}
    )
    participant.group = group  # saves the query that participant.group would otherwise cost
    return participant
