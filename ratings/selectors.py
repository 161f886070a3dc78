"""Every read of groups, ratings and rankings."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from theories.models import Theory

from .models import (
    GLOBAL_SCOPE,
    DiscussionGroup,
    Membership,
    Participant,
    Ranking,
    RankingRequest,
    Rating,
)
from .services import ranking_rows


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
    return groups.annotate(member_count=Subquery(member_count)).distinct().order_by("name")


def group_member_count(*, group: DiscussionGroup) -> int:
    return Membership.objects.filter(group=group).count()


def group_members(*, group: DiscussionGroup) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group)
        .select_related("user")
        .order_by("role", "user__username")
    )


def participant_of(*, group: DiscussionGroup, user: User | AnonymousUser) -> Participant | None:
    if not user.is_authenticated:
        return None
    return Participant.objects.filter(group=group, user=user).first()


def ratings_current(*, participant: Participant | None) -> list[Rating]:
    if participant is None:
        return []
    return list(
        Rating.objects.filter(participant=participant)
        .select_related("theory")
        .order_by("theory__number")
    )


@dataclass(frozen=True)
class RankingView:
    scope: str
    version: int
    computed_at: datetime | None
    raters: int
    results: list[dict[str, object]]

    @property
    def etag(self) -> str:
        return f'"{self.scope.replace(":", "-")}-v{self.version}"'


def ranking_get(*, scope: str) -> RankingView:
    """The stored ranking of `scope`. Never aggregates: a scope that has not been computed yet
    (no rating ever) reads as every theory unrated."""
    stored = Ranking.objects.filter(scope=scope).first()
    if stored is not None:
        return RankingView(scope, stored.version, stored.computed_at, stored.raters, stored.results)
    return RankingView(scope, 0, None, 0, ranking_rows(list(Theory.objects.all()), []))


def ranking_global() -> RankingView:
    return ranking_get(scope=GLOBAL_SCOPE)


def ranking_scopes_stale(*, older_than: timedelta) -> list[str]:
    """Scopes with recompute requests older than `older_than`: their normal enqueue was lost
    (broker down, worker killed) and the sweeper must relay them."""
    cutoff = timezone.now() - older_than
    return list(
        RankingRequest.objects.filter(created_at__lte=cutoff)
        .order_by()
        .values_list("scope", flat=True)
        .distinct()
    )
