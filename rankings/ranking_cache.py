"""The ranking cache: a group's facts (meta), each scope's current ETag, and the rendered JSON body
of exactly that version. A poll that finds nothing new is answered from here with no query.

Every call fails open through `impactboard.cache`: with the cache down a read finds nothing and
the caller goes the long way (the database); a write is skipped. Database errors propagate.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.cache import cache
from rest_framework.renderers import JSONRenderer

from groups.models import DiscussionGroup
from impactboard.cache import cache_guard, fail_open
from maths.ranking import RankingRow

from .models import Ranking
from .scope import Scope, world_scope

META_TIMEOUT = 300
ETAG_TIMEOUT = 60


def ranking_etag(scope: Scope, version: int) -> str:
    return f'"{scope.key.replace(":", "-")}-v{version}"'


@dataclass(frozen=True)
class RankingView:
    """One stored version of a scope's ranking, as the API and pages read it."""

    scope: Scope
    version: int
    computed_at: datetime | None
    raters: int
    results: list[RankingRow]
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def etag(self) -> str:
        return ranking_etag(self.scope, self.version)

    @classmethod
    def of(cls, stored: Ranking) -> "RankingView":
        return cls(
            Scope.parse(stored.scope),
            stored.version,
            stored.computed_at,
            stored.raters,
            stored.results,
            stored.summary,
        )


def ranking_payload(ranking: RankingView) -> dict[str, Any]:
    """A ranking's 200 answer in the rankings API, when it is not hidden (see RankingSerializer):
    what DRF renders, and what the figures are drawn from. The global ranking's also says how
    many groups it counts (a ranking of groups)."""
    payload: dict[str, Any] = {
        "computed_at": ranking.computed_at,
        "raters": ranking.raters,
        "hidden": False,
        "results": ranking.results,
        "summary": ranking.summary,
    }
    if ranking.scope.is_global:
        payload["groups"] = (ranking.summary.get("groups") or {}).get("counted", 0)
    return payload


def ranking_body(ranking: RankingView) -> bytes:
    """`ranking_payload` rendered by DRF's own JSONRenderer, as the API renders a Response: the
    body the cache keeps and serves."""
    return JSONRenderer().render(ranking_payload(ranking))


def _group_meta_key(slug: str) -> str:
    return f"group:meta:{slug}"


def _etag_key(scope: Scope) -> str:
    return f"rankings:etag:{scope.key}"


def _body_key(scope: Scope) -> str:
    return f"rankings:body:{scope.key}"


def group_meta_cached(*, slug: str) -> dict[str, Any] | None:
    """{"scope" (its key), "world" (its list's global ranking's key), "public", "hidden"} of a
    group, from the cache (filled from the database on a miss). None if there is no such group
    or the cache is unreachable."""
    key = _group_meta_key(slug)
    # (reachable, value): an unreachable cache is told apart from a miss (None).
    reachable, meta = fail_open("group meta", lambda: (True, cache.get(key)), (False, None))
    if not reachable:
        return None
    if meta is None:
        # Outside the guard: may raise. With its list, whose global ranking it is compared with.
        group = DiscussionGroup.objects.filter(slug=slug).select_related("longlist").first()
        if group is None:
            return None
        meta = {
            "scope": Scope.group(group.pk).key,
            "world": world_scope(
                longlist_id=group.longlist_id, is_default=group.longlist.is_default
            ).key,  # the global ranking it is compared with
            "public": group.is_public,
            "hidden": group.results_hidden,
        }
        with cache_guard("group meta"):
            cache.set(key, meta, timeout=META_TIMEOUT)
    return meta


def group_meta_forget(*, slug: str) -> None:
    with cache_guard("group meta"):
        cache.delete(_group_meta_key(slug))


def ranking_etag_remember(*, ranking: RankingView) -> None:
    """After a recompute: the new ETag with the rendered body of that version, so the first
    reads after it are answered from the cache too (one round trip)."""
    values = {
        _etag_key(ranking.scope): ranking.etag,
        _body_key(ranking.scope): (ranking.etag, ranking_body(ranking)),
    }
    with cache_guard("ranking etag"):
        cache.set_many(values, timeout=ETAG_TIMEOUT)


def ranking_cached(*, scope: Scope) -> tuple[str | None, bytes | None]:
    """The current ETag of `scope` and, if the cache holds it, the rendered JSON of exactly that
    version; one round trip. (None, None) when nothing is cached or the cache is unreachable."""
    found: dict[str, Any] = fail_open(
        "ranking etag", lambda: cache.get_many([_etag_key(scope), _body_key(scope)]), {}
    )
    etag, cached = found.get(_etag_key(scope)), found.get(_body_key(scope))
    return etag, (cached[1] if etag and cached and cached[0] == etag else None)


def ranking_etags_with(*, scopes: list[Scope], key: str) -> tuple[list[str | None], Any]:
    """The current ETags of `scopes` and the cached value at `key` (data derived from those
    rankings, such as their figures), in one round trip; Nones when the cache is down."""
    keys = [_etag_key(scope) for scope in scopes]
    found: dict[str, Any] = fail_open("ranking etag", lambda: cache.get_many([*keys, key]), {})
    return [found.get(k) for k in keys], found.get(key)


def comparison_etag(group_etag: str, world_etag: str) -> str:
    """A group's comparison with the global ranking changes when either ranking does."""
    return f'"cmp-{group_etag.strip(chr(34))}-{world_etag.strip(chr(34))}"'


def group_ranking_cached(*, slug: str) -> tuple[dict[str, Any] | None, str | None, bytes | None]:
    """The group's cached meta (see group_meta_cached), its ranking's current ETag and the body
    of exactly that version: two round trips (the meta names the scope)."""
    meta = group_meta_cached(slug=slug)
    if meta is None:
        return None, None, None
    return meta, *ranking_cached(scope=Scope.parse(meta["scope"]))


def ranking_read_remember(*, scope: Scope, etag: str, body: bytes | None = None) -> None:
    """After a read from the database: the ETag only if none is cached (a recompute's newer one
    wins), and the body paired with its ETag, so it is only ever served for that version."""
    with cache_guard("ranking etag"):
        cache.add(_etag_key(scope), etag, timeout=ETAG_TIMEOUT)
        if body is not None:
            cache.set(_body_key(scope), (etag, body), timeout=ETAG_TIMEOUT)
