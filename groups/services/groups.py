"""Writes of groups, memberships and participants."""

import secrets

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from impactboard.errors import Conflict, DomainError
from theories.models import Longlist
from theories.services import longlist_default_get

from ..models import DiscussionGroup, Membership, Participant
from ..signals import group_changed, group_created, group_listing_decided, group_member_invited


class LastFacilitator(Conflict):
    """The only facilitator cannot leave or step down: the group would have nobody to run it."""


class ListingNotAllowed(DomainError):
    """A private group cannot be listed in the global ranking, nor ask to be (400)."""

    def __init__(self, message: str) -> None:
        super().__init__({"listing": [message]})


class LonglistNotAllowed(DomainError):
    """A public group cannot rate a private list: its pages would show the list to anyone (400)."""

    def __init__(self, message: str) -> None:
        super().__init__({"longlist": [message]})


class LonglistLocked(Conflict):
    """The group has ratings, so the list it rates can no longer change (409)."""


def _longlist_check(*, visibility: str, longlist: Longlist) -> None:
    if visibility == DiscussionGroup.Visibility.PUBLIC and not longlist.is_public:
        raise LonglistNotAllowed(
            "A public group rates a public list: make the list public or the group private."
        )


def group_create(
    *,
    user: User,
    name: str,
    description: str = "",
    visibility: str = "public",
    longlist: Longlist | None = None,
) -> DiscussionGroup:
    """Create a group; its creator becomes its first facilitator (and participant). It rates
    `longlist` (the caller has checked they may see it), the default list unless given."""
    longlist = longlist or longlist_default_get()
    _longlist_check(visibility=visibility, longlist=longlist)
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
                    longlist=longlist,
                    # A private group's members arrive through one shared link: let them in with
                    # just a name unless the facilitator says otherwise. Public groups need
                    # accounts.
                    guests_allowed=visibility == DiscussionGroup.Visibility.PRIVATE,
                    created_by=user,
                )
                membership_join(
                    group=group, user=user, role=Membership.Role.FACILITATOR, via_invite=True
                )
                group_created.send(sender=DiscussionGroup, group=group, by=user)
                return group
        except IntegrityError:
            continue  # the slug was taken (perhaps at this very instant): try another
    raise RuntimeError("could not find a free slug")


def group_update(
    *, group: DiscussionGroup, by: User | None = None, **fields: object
) -> DiscussionGroup:
    """Change the group's settings. Closing ratings records when and by whom (`by`), so that the
    rate page and the group page can say so."""
    allowed = {
        "name",
        "description",
        "visibility",
        "ratings_open",
        "results_hidden",
        "guests_allowed",
        "longlist",
        "max_members",
        "approve_newcomers",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot update {sorted(unknown)}")
    longlist = fields.get("longlist", group.longlist)
    assert isinstance(longlist, Longlist)
    _longlist_check(visibility=str(fields.get("visibility", group.visibility)), longlist=longlist)
    if "longlist" in fields and longlist.pk != group.longlist_id:
        # Ratings and their history hang off the list's items: the list is fixed from the first.
        # (Ratings live in the app above: read through the group's reverse relations.)
        if group.ratings.exists() or group.submissions.exists():
            raise LonglistLocked("The group has ratings: the list it rates can no longer change.")
    elif "longlist" in fields:
        del fields["longlist"]
    longlist_changed = "longlist" in fields
    fed_global = group.feeds_global
    if fields.get("ratings_open") is False and group.ratings_open:
        fields["ratings_closed_at"] = timezone.now()
        fields["ratings_closed_by"] = by
    for name, value in fields.items():
        setattr(group, name, value)
    update_fields = list(fields)
    if not group.is_public and group.listing != DiscussionGroup.Listing.UNLISTED:
        # Going private withdraws the group from the global ranking and from the queue.
        group.listing = DiscussionGroup.Listing.UNLISTED
        group.listing_changed_at = timezone.now()
        update_fields += ["listing", "listing_changed_at"]
    with transaction.atomic():
        group.save(update_fields=update_fields)
        group_changed.send(
            sender=DiscussionGroup,
            group=group,
            fed_global=fed_global,
            longlist_changed=longlist_changed,
        )
    return group


def group_listing_request(*, group: DiscussionGroup) -> DiscussionGroup:
    """A facilitator asks for the public `group` to count in the global ranking. Harmless when
    it already asked or is listed; a refused group may ask again (staff see it in the queue)."""
    if not group.is_public:
        raise ListingNotAllowed("Only a public group can ask to be listed.")
    if group.listing == DiscussionGroup.Listing.UNLISTED:
        updated = DiscussionGroup.objects.filter(
            pk=group.pk, listing=DiscussionGroup.Listing.UNLISTED, visibility="public"
        ).update(listing=DiscussionGroup.Listing.REQUESTED, listing_changed_at=timezone.now())
        if updated:
            group.listing = DiscussionGroup.Listing.REQUESTED
            # A request changes nothing that is counted, only what the group's facts say.
            group_changed.send(sender=DiscussionGroup, group=group, fed_global=group.feeds_global)
    return group


def group_listing_decide(*, group: DiscussionGroup, listed: bool) -> DiscussionGroup:
    """Staff list a group (it then feeds the global ranking) or refuse / un-list it. The group's
    own recompute fills its global-eligible histograms, and marks the global ranking stale
    (`ratings.receivers`)."""
    if listed and not group.is_public:
        raise ListingNotAllowed("Only a public group can be listed.")
    target = DiscussionGroup.Listing.LISTED if listed else DiscussionGroup.Listing.UNLISTED
    with transaction.atomic():
        DiscussionGroup.objects.filter(pk=group.pk).update(
            listing=target, listing_changed_at=timezone.now()
        )
        group.listing = target
        group_listing_decided.send(sender=DiscussionGroup, group=group)
    return group


def membership_join(
    *,
    group: DiscussionGroup,
    user: User,
    role: str = Membership.Role.MEMBER,
    via_invite: bool = False,
) -> Membership:
    """Join `group` (harmless when already a member: the existing membership is returned).
    `via_invite`: through the invite link or the join code, which only the group's own people
    hand out; a member who self-joined and later uses the invitation becomes an invited one.
    Their ratings then count in the global ranking (once the group is listed): the group is
    marked stale so that its eligible histograms follow."""
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(
            group=group, user=user, defaults={"role": role, "via_invite": via_invite}
        )
        if via_invite and not membership.via_invite:
            membership.via_invite = True
            membership.save(update_fields=["via_invite"])
            group_member_invited.send(sender=DiscussionGroup, group=group)
        participant_for_user(group=group, user=user)
    return membership


def membership_leave(*, group: DiscussionGroup, user: User) -> None:
    """Leave `group`. The participant and its ratings stay: they were submitted to the group."""
    with transaction.atomic():
        membership = _lock_for_role_change(group=group, user=user)
        if membership is None:
            return
        if membership.role == Membership.Role.FACILITATOR:
            _ensure_another_facilitator(group=group, user=user)
        membership.delete()


def membership_set_role(*, group: DiscussionGroup, user: User, role: str) -> Membership:
    """Promote a member to facilitator, or step one down (never the last one)."""
    with transaction.atomic():
        membership = _lock_for_role_change(group=group, user=user)
        if membership is None:
            raise Membership.DoesNotExist("That person is not a member.")
        if role == Membership.Role.MEMBER and membership.role == Membership.Role.FACILITATOR:
            _ensure_another_facilitator(group=group, user=user)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def _lock_for_role_change(*, group: DiscussionGroup, user: User) -> Membership | None:
    """Lock `user`'s membership of `group` and every facilitator membership of it, in one
    statement ordered by id, and return `user`'s (None if there is none).

    Every change that could leave a group without a facilitator (stepping down, leaving, being
    removed) takes these locks first and in the same order. Locking one's own row and then the
    others' made two facilitators stepping down (or removing each other) at the same instant
    each hold the row the other wanted: a deadlock, which PostgreSQL broke by failing one of
    them (issue 23: 7 of 14 pairs answered 503). In one order, the second waits for the first
    and then sees its result."""
    rows = list(
        Membership.objects.select_for_update()
        .filter(Q(user=user) | Q(role=Membership.Role.FACILITATOR), group=group)
        .order_by("id")
    )
    return next((m for m in rows if m.user_id == user.pk), None)


def _ensure_another_facilitator(*, group: DiscussionGroup, user: User) -> None:
    # The rows are locked by _lock_for_role_change: read them as they now are.
    others = (
        Membership.objects.filter(group=group, role=Membership.Role.FACILITATOR)
        .exclude(user=user)
        .exists()
    )
    if not others:
        raise LastFacilitator("Promote another facilitator first: a group needs one.")


def participant_for_user(*, group: DiscussionGroup, user: User) -> Participant:
    participant, _ = Participant.objects.get_or_create(
        group=group, user=user, defaults={"name": user.username}
    )
    participant.group = group  # saves the query that participant.group would otherwise cost
    return participant
