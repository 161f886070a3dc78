"""Reads of stored rankings. Never aggregates ratings: a ranking is read as it was stored."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.utils import timezone

from groups.access import GroupAccess, results_visible_in
from groups.models import DiscussionGroup, Membership
from maths.combine import global_ranking_of_groups
from maths.comparison import histogram_of
from maths.comparison import ranking_comparison as compare_rows
from maths.ranking import RankingRow, ranking_build, ranking_summary
from theories.models import Theory

from ..models import Ranking, RankingRequest
from ..ranking_cache import RankingView
from ..scope import Scope


def round_scope(*, group: DiscussionGroup, number: int) -> Scope:
    """The stored ranking of a group's round `number`. While a group has never left round 1,
    its round-1 results are its current results, so they are the group's own ranking."""
    if group.current_round == 1:
        return Scope.group(group.pk)
    return Scope.round(group.pk, number)


def open_round_scope(*, group: DiscussionGroup) -> Scope:
    return round_scope(group=group, number=group.current_round)


def ranking_get(*, scope: Scope) -> RankingView:
    """The stored ranking of `scope`. Never aggregates: a scope that has not been computed yet
    (no rating ever) reads as every theory unrated."""
    stored = Ranking.objects.filter(scope=scope.key).first()
    if stored is not None:
        summary = stored.summary or ranking_summary(stored.results)
        return RankingView(
            scope, stored.version, stored.computed_at, stored.raters, stored.results, summary
        )
    theories = list(_scope_items(scope))
    if scope.is_global:  # no group counted yet: the same fields, saying why not
        rows, summary = global_ranking_of_groups(theories, [])
        return RankingView(scope, 0, None, 0, rows, summary)
    # Nothing rated: the same fields, saying why not.
    rows, summary = ranking_build(theories, {})
    return RankingView(scope, 0, None, 0, rows, summary)


def _scope_items(scope: Scope) -> QuerySet[Theory]:
    """The items a scope ranks: its group's list's active items (a group or one of its rounds),
    a list's for its own global ranking, or the default list's for the global ranking."""
    items = Theory.objects.filter(status=Theory.Status.ACTIVE).order_by("number")
    if scope.longlist_id is not None:
        return items.filter(longlist_id=scope.longlist_id)
    if scope.group_id is not None:
        return items.filter(longlist__groups__pk=scope.group_id)
    return items.filter(longlist__is_default=True)


def ranking_global() -> RankingView:
    return ranking_get(scope=Scope.global_())


def ranking_results(*, group: DiscussionGroup, number: int | None = None) -> list[RankingRow]:
    """The stored rows of the group's current ranking, or of its round `number`: what the pages
    of `ratings` show of them (provided to `ratings.ranking_facts` at start-up)."""
    scope = Scope.group(group.pk) if number is None else round_scope(group=group, number=number)
    return ranking_get(scope=scope).results


def rankings_of_groups(*, groups: list[DiscussionGroup]) -> dict[int, RankingView]:
    """Stored rankings of several groups in one query, keyed by group id."""
    stored = Ranking.objects.filter(group__in=groups)
    # group_id is never None here (filtered on group); the test narrows the nullable column.
    return {r.group_id: RankingView.of(r) for r in stored if r.group_id is not None}


def ranking_scopes_stale(*, older_than: timedelta) -> list[Scope]:
    """Scopes with recompute requests older than `older_than`: their normal enqueue was lost
    (broker down, worker killed) and the sweeper must relay them."""
    cutoff = timezone.now() - older_than
    keys = (
        RankingRequest.objects.filter(created_at__lte=cutoff)
        .order_by()
        .values_list("scope", flat=True)
        .distinct()
    )
    return [Scope.parse(key) for key in keys]


def ranking_comparison(*, group: RankingView, world: RankingView) -> dict[str, Any]:
    """Group rank beside global rank per theory, with Kendall's tau-b (maths.comparison)."""
    return compare_rows(group_rows=group.results, global_rows=world.results)


def theory_distribution(*, theory: Theory, user: User | AnonymousUser) -> dict[str, Any]:
    """A theory's histogram across all public groups and in each of `user`'s groups, read from
    the stored rankings: four queries at most (the global ranking, the memberships, their
    rankings, and which of the hiding groups the user has rated in), whatever the number of
    groups."""
    result: dict[str, Any] = {
        "theory": {"id": theory.id, "number": theory.number, "title": theory.title},
        "all_public": histogram_of(ranking_get(scope=Scope.global_()).results, theory.id),
        "groups": [],
    }
    if user.is_authenticated:
        memberships = list(
            # Only the groups that rate the theory's list have a histogram of it.
            Membership.objects.filter(user=user, group__longlist_id=theory.longlist_id)
            .select_related("group")
            .order_by("group__name")
        )
        stored = rankings_of_groups(groups=[m.group for m in memberships])
        visible = results_visible_in(
            accesses=[GroupAccess(m.group, m) for m in memberships], user=user
        )
        for m in memberships:
            entry: dict[str, Any] = {
                "slug": m.group.slug,
                "name": m.group.name,
                "hidden": m.group.pk not in visible,
            }
            if m.group.pk in visible:
                ranking = stored.get(m.group.pk)
                entry.update(histogram_of(ranking.results if ranking else None, theory.id))
            else:
                entry.update({"n": None, "mean": None, "histogram": None})
            result["groups"].append(entry)
    return result
