"""Who has rated in a group: per participant for its facilitators, as counts for its members."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q

from groups.models import DiscussionGroup, Membership, Participant


@dataclass(frozen=True)
class RaterProgress:
    name: str
    username: str | None  # None: a named participant without an account (imported)
    is_member: bool
    rated: int
    last_saved: datetime | None


def group_rating_progress(*, group: DiscussionGroup) -> list[RaterProgress]:
    """Every participant who counts as a rater of the group: current members (rated or not) and
    anyone else with ratings (imported people, former members). One query, counted in SQL."""
    member = Membership.objects.filter(group=group, user=OuterRef("user"))
    rows = (
        Participant.objects.filter(group=group)
        .annotate(
            rated=Count("ratings"),
            last_saved=Max("ratings__updated_at"),
            is_member=Exists(member),
        )
        .filter(Q(is_member=True) | Q(rated__gt=0))
        .select_related("user")
        .order_by("name")
    )
    return [
        RaterProgress(
            name=p.name,
            username=p.user.username if p.user else None,
            is_member=p.is_member,
            rated=p.rated,
            last_saved=p.last_saved,
        )
        for p in rows
    ]


def group_rated_counts(*, group: DiscussionGroup) -> tuple[int, int]:
    """(how many have rated at least one theory, how many could): "7 of 9 have rated"."""
    progress = group_rating_progress(group=group)
    return sum(1 for p in progress if p.rated), len(progress)
