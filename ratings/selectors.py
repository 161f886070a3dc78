"""Every read of groups, ratings and rankings."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
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
from .services import ranking_rows, ranking_summary
from .statistics import kendall_tau_b


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


def ratings_current(*, participant: Participant | None) -> list[Any]:
    """The participant's current ratings in theory order, as rows with `theory_id`, `score`,
    `rationale` and `updated_at` (plain rows: the submission reads them back on its hot path)."""
    if participant is None:
        return []
    return list(
        Rating.objects.filter(participant=participant)
        .order_by("theory__number")
        .values_list("theory_id", "score", "rationale", "updated_at", named=True)
    )


def ranking_etag(scope: str, version: int) -> str:
    return f'"{scope.replace(":", "-")}-v{version}"'


@dataclass(frozen=True)
class RankingView:
    scope: str
    version: int
    computed_at: datetime | None
    raters: int
    results: list[dict[str, Any]]
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def etag(self) -> str:
        return ranking_etag(self.scope, self.version)

    @classmethod
    def of(cls, stored: Ranking) -> "RankingView":
        return cls(
            stored.scope,
            stored.version,
            stored.computed_at,
            stored.raters,
            stored.results,
            stored.summary,
        )


def ranking_get(*, scope: str) -> RankingView:
    """The stored ranking of `scope`. Never aggregates: a scope that has not been computed yet
    (no rating ever) reads as every theory unrated."""
    stored = Ranking.objects.filter(scope=scope).first()
    if stored is not None:
        summary = stored.summary or ranking_summary(stored.results)
        return RankingView(
            scope, stored.version, stored.computed_at, stored.raters, stored.results, summary
        )
    rows = ranking_rows(list(Theory.objects.all()), [])
    return RankingView(scope, 0, None, 0, rows, ranking_summary(rows))


def rankings_of_groups(*, groups: list[DiscussionGroup]) -> dict[int, RankingView]:
    """Stored rankings of several groups in one query, keyed by group id."""
    stored = Ranking.objects.filter(group__in=groups)
    return {r.group_id: RankingView.of(r) for r in stored}


# --- cached facts for polling: a poll that finds nothing new should touch no database -------------


def _group_meta_key(slug: str) -> str:
    return f"group:meta:{slug}"


def _etag_key(scope: str) -> str:
    return f"rankings:etag:{scope}"


def group_meta_cached(*, slug: str) -> dict[str, Any] | None:
    """{"scope", "public", "hidden"} of a group, from the cache (filled from the database on a
    miss). None if there is no such group or the cache is unreachable."""
    key = _group_meta_key(slug)
    try:
        meta = cache.get(key)
        if meta is None:
            group = DiscussionGroup.objects.filter(slug=slug).first()
            if group is None:
                return None
            meta = {"scope": group.scope, "public": group.is_public, "hidden": group.results_hidden}
            cache.set(key, meta, timeout=300)
        return meta
    except Exception:
        return None


def group_meta_forget(*, slug: str) -> None:
    try:
        cache.delete(_group_meta_key(slug))
    except Exception:
        pass


def ranking_etag_remember(*, ranking: RankingView) -> None:
    """After a recompute: the new ETag with the rendered body of that version, so the first
    reads after it are answered from the cache too (one round trip)."""
    values = {
        _etag_key(ranking.scope): ranking.etag,
        _body_key(ranking.scope): (ranking.etag, ranking_body(ranking)),
    }
    try:
        cache.set_many(values, timeout=60)
    except Exception:
        pass


def ranking_payload(ranking: RankingView) -> dict[str, Any]:
    """A ranking's 200 answer in the rankings API, when it is not hidden."""
    return {
        "computed_at": ranking.computed_at,
        "raters": ranking.raters,
        "hidden": False,
        "results": ranking.results,
        "summary": ranking.summary,
    }


def ranking_body(ranking: RankingView) -> bytes:
    """`ranking_payload` rendered as the API renders JSON: what the cache serves."""
    from rest_framework.renderers import JSONRenderer

    return JSONRenderer().render(ranking_payload(ranking))


def _body_key(scope: str) -> str:
    return f"rankings:body:{scope}"


def ranking_cached(*, scope: str) -> tuple[str | None, bytes | None]:
    """The current ETag of `scope` and, if the cache holds it, the rendered JSON of exactly that
    version; one round trip. (None, None) when nothing is cached or the cache is unreachable."""
    try:
        found = cache.get_many([_etag_key(scope), _body_key(scope)])
    except Exception:
        return None, None
    return _current_body(found, scope)


# slug -> scope ("group:<id>"): neither ever changes for a group, so a process learns it once;
# the cached meta, fetched alongside, confirms it (a group deleted and re-created under the
# same slug has another id, and the mismatch sends the read the long way).
_group_scopes: dict[str, str] = {}


def group_ranking_cached(*, slug: str) -> tuple[dict[str, Any] | None, str | None, bytes | None]:
    """The group's cached meta (see group_meta_cached), its ranking's current ETag and the body
    of exactly that version: one round trip once this process has seen the group."""
    scope = _group_scopes.get(slug)
    if scope is not None:
        meta_key = _group_meta_key(slug)
        try:
            found = cache.get_many([meta_key, _etag_key(scope), _body_key(scope)])
        except Exception:
            return None, None, None
        meta = found.get(meta_key)
        if meta is not None and meta["scope"] == scope:
            return meta, *_current_body(found, scope)
        _group_scopes.pop(slug, None)
    meta = group_meta_cached(slug=slug)
    if meta is None:
        return None, None, None
    _group_scopes[slug] = meta["scope"]
    return meta, *ranking_cached(scope=meta["scope"])


def _current_body(found: dict[str, Any], scope: str) -> tuple[str | None, bytes | None]:
    etag, cached = found.get(_etag_key(scope)), found.get(_body_key(scope))
    return etag, (cached[1] if etag and cached and cached[0] == etag else None)


def ranking_read_remember(*, scope: str, etag: str, body: bytes | None = None) -> None:
    """After a read from the database: the ETag only if none is cached (a recompute's newer one
    wins), and the body paired with its ETag, so it is only ever served for that version."""
    try:
        cache.add(_etag_key(scope), etag, timeout=60)
        if body is not None:
            cache.set(_body_key(scope), (etag, body), timeout=60)
    except Exception:
        pass


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


def ranking_comparison(*, group: RankingView, world: RankingView) -> dict[str, Any]:
    """Group rank beside global rank per theory, and Kendall's tau-b between the group's and the
    global means over the theories rated in both (no re-aggregation: two stored rankings)."""
    global_rows = {r["theory"]["id"]: r for r in world.results}
    rows, pairs = [], []
    for row in group.results:
        other = global_rows.get(row["theory"]["id"])
        rows.append(
            {
                "theory": row["theory"],
                "group_rank": row["rank"] if row["n"] else None,
                "global_rank": other["rank"] if other and other["n"] else None,
                "group_mean": row["mean"],
                "global_mean": other["mean"] if other else None,
                "group_n": row["n"],
                "global_n": other["n"] if other else 0,
            }
        )
        if row["n"] and other and other["n"]:
            pairs.append((row["mean"], other["mean"]))
    tau = kendall_tau_b([p[0] for p in pairs], [p[1] for p in pairs]) if len(pairs) >= 2 else None
    return {
        "hidden": False,
        "rank_correlation": {
            "method": "Kendall's tau-b between group and global means, theories rated in both",
            "value": tau,
            "pairs": len(pairs),
        },
        "results": rows,
    }


def theory_distribution(*, theory: Theory, user: User | AnonymousUser) -> dict[str, Any]:
    """A theory's histogram across all public groups and in each of `user`'s groups, read from
    the stored rankings (two queries, whatever the number of groups)."""
    from .access import GroupAccess, results_visible_to

    def pick(ranking: RankingView | None) -> dict[str, Any]:
        row = next(
            (r for r in (ranking.results if ranking else []) if r["theory"]["id"] == theory.id),
            None,
        )
        if row is None:
            return {"n": 0, "mean": None, "histogram": [0] * 10}
        return {"n": row["n"], "mean": row["mean"], "histogram": row["histogram"]}

    result: dict[str, Any] = {
        "theory": {"id": theory.id, "number": theory.number, "title": theory.title},
        "all_public": pick(ranking_get(scope=GLOBAL_SCOPE)),
        "groups": [],
    }
    if user.is_authenticated:
        memberships = list(
            Membership.objects.filter(user=user).select_related("group").order_by("group__name")
        )
        stored = rankings_of_groups(groups=[m.group for m in memberships])
        for m in memberships:
            visible = results_visible_to(access=GroupAccess(m.group, m), user=user)
            entry = {"slug": m.group.slug, "name": m.group.name, "hidden": not visible}
            entry.update(
                pick(stored.get(m.group.id))
                if visible
                else {"n": None, "mean": None, "histogram": None}
            )
            result["groups"].append(entry)
    return result
