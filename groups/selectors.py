"""Reads of groups, memberships and participants."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from .models import DiscussionGroup, JoinRequest, Membership, Participant


def group_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[DiscussionGroup]:
    """Every public group, plus the private groups `user` belongs to, each annotated with
    `member_count` and the caller's `caller_role` (None when not a member)."""
    groups = DiscussionGroup.objects.all()
    if user.is_authenticated:
        role = Membership.objects.filter(group=OuterRef("pk"), user=user).values("role")[:1]
        groups = groups.annotate(caller_role=Subquery(role)).filter(
            Q(visibility=DiscussionGroup.Visibility.PUBLIC) | Q(memberships__user=user)
        )
    else:
        groups = groups.filter(visibility=DiscussionGroup.Visibility.PUBLIC)
    member_count = (
        Membership.objects.filter(group=OuterRef("pk"))
        .order_by()
        .values("group")
        .annotate(c=Count("*"))
        .values("c")
    )
    return (
        groups.annotate(member_count=Subquery(member_count))
        .select_related("longlist")
        .distinct()
        .order_by("name")
    )


def group_member_count(*, group: DiscussionGroup) -> int:
    return Membership.objects.filter(group=group).count()


def group_members(*, group: DiscussionGroup) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group)
        .select_related("user")
        .order_by("role", "user__username")
    )


def group_guests(*, group: DiscussionGroup) -> dict[int, Participant]:
    """The group's guests by account id: the members pages label them by the name they chose
    (their account's username is generated)."""
    guests = Participant.objects.filter(
        group=group, kind=Participant.Kind.GUEST, user__isnull=False
    )
    return {p.user_id: p for p in guests if p.user_id is not None}


def group_newcomers(*, group: DiscussionGroup) -> list[JoinRequest]:
    """The group's queue of newcomers, oldest first, each with `name`: a guest's chosen name,
    else the account's username."""
    guests = group_guests(group=group)
    waiting = list(JoinRequest.objects.filter(group=group).select_related("user"))
    for request in waiting:
        guest = guests.get(request.user_id)
        request.name = guest.name if guest is not None else request.user.username  # type: ignore[attr-defined]
    return waiting


def participant_of(*, group: DiscussionGroup, user: User | AnonymousUser) -> Participant | None:
    if not user.is_authenticated:
        return None
    return Participant.objects.filter(group=group, user=user).first()


def group_listing_queue() -> dict[str, list[DiscussionGroup]]:
    """The moderation queue of the global ranking: groups asking to be listed (oldest request
    first) and the listed ones, each with `member_count` and `rater_count` to judge them by."""
    member_count = (
        Membership.objects.filter(group=OuterRef("pk"))
        .order_by()
        .values("group")
        .annotate(c=Count("*"))
        .values("c")
    )
    groups = DiscussionGroup.objects.annotate(
        member_count=Subquery(member_count), rater_count=Count("participants", distinct=True)
    ).select_related("created_by")
    return {
        "requested": list(
            groups.filter(listing=DiscussionGroup.Listing.REQUESTED).order_by(
                "listing_changed_at", "pk"
            )
        ),
        "listed": list(groups.filter(listing=DiscussionGroup.Listing.LISTED).order_by("name")),
    }


def where_ratings_count(*, group: DiscussionGroup, user: User | AnonymousUser) -> str | None:
    """Why this person's ratings count in the group's own ranking only, or None when they also
    count in the global ranking of the group's list. The rule is the recompute's
    (rankings.services.recompute: the group feeds the list's ranking, and the person is imported
    or came through the group's invitation, and did not stop counting)."""
    if not group.is_public:
        return (
            "This is a private group: your ratings count in its own ranking, never in the "
            "global one."
        )
    if group.listing != DiscussionGroup.Listing.LISTED:
        return (
            "This group is not listed by staff yet, so its ratings count in its own ranking "
            "only, not in the global ranking."
        )
    if not group.feeds_list:
        return (
            "This group hides its results while ratings are open, so its ratings join the "
            "global ranking only once the facilitator reveals them or closes ratings."
        )
    membership = (
        Membership.objects.filter(group=group, user=user).first() if user.is_authenticated else None
    )
    participant = participant_of(group=group, user=user)
    if participant is not None and not participant.counts_globally:
        return "Your ratings count in this group's ranking only."
    if membership is not None and not membership.via_invite:
        return (
            "You joined this group from the list of groups, so your ratings count in its own "
            "ranking only: the global ranking counts the members who joined by the group's "
            "invitation, so that nobody can add themselves to it."
        )
    return None
