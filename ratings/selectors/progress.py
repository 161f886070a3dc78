"""Who has rated in a group: per participant for its facilitators, as counts for its members."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q

from groups.models import DiscussionGroup, Membership, Participant

from ..models import Submission


@dataclass(frozen=True)
class RaterProgress:
    name: str
    username: str | None  # None: a named participant without an account (imported)
    is_member: bool
    rated: int
    last_saved: datetime | None
    rated_in_round: bool = False  # saved a score during the open round


def group_rating_progress(*, group: DiscussionGroup) -> list[RaterProgress]:
    """Every participant who counts as a rater of the group: current members (rated or not) and
    anyone else with ratings (imported people, former members). One query, counted in SQL."""
    member = Membership.objects.filter(group=group, user=OuterRef("user"))
    in_round = Submission.objects.filter(
        participant=OuterRef("pk"), round=group.current_round, items__score__isnull=False
    )
    rows = (
        Participant.objects.filter(group=group)
        .annotate(
            rated=Count("ratings"),
            last_saved=Max("ratings__updated_at"),
            is_member=Exists(member),
            rated_in_round=Exists(in_round),
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
            rated_in_round=p.rated_in_round,
        )
        for p in rows
    ]


def group_progress(
    *, group: DiscussionGroup, member_count: int, with_names: bool
) -> dict[str, object]:
    """The console's live numbers, as the page prints them: "k of N have rated" (anyone with a
    current rating, of everyone who counts as a rater), "r of M members have rated in this
    round" and, for facilitators (`with_names`), who has rated and who has not, by the name
    each person gave (a guest's own name, never its account's). Counts only, never a score:
    the hiding rule does not apply to how many have rated (the hidden page says it too)."""
    progress = group_rating_progress(group=group)
    body: dict[str, object] = {
        "round": group.current_round,
        "ratings_open": group.ratings_open,
        "results_hidden": group.results_hidden,
        "rated": sum(1 for p in progress if p.rated),
        "total": len(progress),
        "round_raters": sum(1 for p in progress if p.rated_in_round),
        "members": member_count,
    }
    if with_names:
        body["people"] = [
            {
                "name": p.name,
                "rated": p.rated,
                "rated_in_round": p.rated_in_round,
                "is_member": p.is_member,
                "last_saved": p.last_saved.isoformat() if p.last_saved else None,
            }
            for p in progress
        ]
    return body
