"""Reads of stored rankings. Never aggregates ratings: a ranking is read as it was stored."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.utils import timezone

from groups.access import GroupAccess, results_visible_in
from groups.models import DiscussionGroup, Membership
from theories.models import Theory

from ..models import GLOBAL_SCOPE, LIST_SCOPE_PREFIX, Ranking, RankingRequest
from ..ranking_cache import RankingView
from ..rankmath import histogram_of, ranking_rows, ranking_summary, ranking_uncertainty_add
from ..rankmath import ranking_comparison as compare_rows
from .rounds import round_scope_parse


def ranking_get(*, scope: str) -> RankingView:
    """The stored ranking of `scope`. Never aggregates: a scope that has not been computed yet
    (no rating ever) reads as every theory unrated."""
    stored = Ranking.objects.filter(scope=scope).first()
    if stored is not None:
        summary = stored.summary or ranking_summary(stored.results)
        return RankingView(
            scope, stored.version, stored.computed_at, stored.raters, stored.results, summary
        )
    rows = ranking_rows(list(_scope_items(scope)), [])
    summary = ranking_summary(rows)
    ranking_uncertainty_add(rows, summary)  # nothing rated: the same fields, saying why not
    return RankingView(scope, 0, None, 0, rows, summary)


def _scope_items(scope: str) -> QuerySet[Theory]:
    """The items a scope ranks: its group's list's active items (a group or one of its rounds),
    or the default list's for the global ranking."""
    items = Theory.objects.filter(status=Theory.Status.ACTIVE).order_by("number")
    if scope == GLOBAL_SCOPE:
        return items.filter(longlist__is_default=True)
    if scope.startswith(LIST_SCOPE_PREFIX):
        return items.filter(longlist_id=int(scope.removeprefix(LIST_SCOPE_PREFIX)))
    group_id, _ = round_scope_parse(scope)
    return items.filter(longlist__groups__pk=group_id)


def ranking_global() -> RankingView:
    return ranking_get(scope=GLOBAL_SCOPE)


def rankings_of_groups(*, groups: list[DiscussionGroup]) -> dict[int, RankingView]:
    """Stored rankings of several groups in one query, keyed by group id."""
    stored = Ranking.objects.filter(group__in=groups)
    # group_id is never None here (filtered on group); the test narrows the nullable column.
    return {r.group_id: RankingView.of(r) for r in stored if r.group_id is not None}


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


def ranking_comparison(*, group: RankingView, world: RankingView) -> dict[str, Any]:
    """Group rank beside global rank per theory, with Kendall's tau-b (see rankmath)."""
    return compare_rows(group_rows=group.results, global_rows=world.results)


def theory_distribution(*, theory: Theory, user: User | AnonymousUser) -> dict[str, Any]:
    """A theory's histogram across all public groups and in each of `user`'s groups, read from
    the stored rankings: four queries at most (the global ranking, the memberships, their
    rankings, and which of the hiding groups the user has rated in), whatever the number of
    groups."""
    result: dict[str, Any] = {
        "theory": {"id": theory.id, "number": theory.number, "title": theory.title},
        "all_public": histogram_of(ranking_get(scope=GLOBAL_SCOPE).results, theory.id),
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
