"""The recompute outbox: mark a scope's ranking stale in the caller's transaction, and enqueue its
recompute once that commits, coalescing bursts.

Services never import `rankings.tasks` (tasks import services): the task is sent by name, through
`_recompute_send`, the one place that enqueues it. The name is the one it had before the task
moved from `ratings` (docs/decisions/tasks-sent-by-name.md).
"""

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from impactboard.cache import CACHE_ERRORS, cache_guard, fail_open

from ..models import RankingRequest
from ..scope import Scope

logger = logging.getLogger(__name__)

RECOMPUTE_TASK = "ratings.tasks.rankings_recompute"


def queued_key(scope: Scope) -> str:
    return f"rankings:queued:{scope.key}"


def _recompute_send(scope: Scope, *, countdown: float) -> None:
    """Enqueue the recompute task of `scope` by name (its argument is the scope's key). A
    signature resolves to the registered task, so CELERY_TASK_ALWAYS_EAGER (no Redis) still runs
    it in-process."""
    current_app.signature(RECOMPUTE_TASK, args=(scope.key,)).apply_async(countdown=countdown)


def rankings_mark_stale(*, scopes: Iterable[Scope]) -> None:
    """Record in the caller's transaction that these rankings are stale, and enqueue their
    recompute once it commits. The outbox rows outlive a broker outage; the sweeper relays them."""
    scopes = list(scopes)
    RankingRequest.objects.bulk_create(RankingRequest(scope=s.key) for s in scopes)
    transaction.on_commit(partial(rankings_enqueue, scopes), robust=True)


def rankings_enqueue(scopes: Iterable[Scope]) -> None:
    """Queue one recompute per scope, coalescing bursts.

    How a burst is coalesced: a cache key `rankings:queued:<scope>` is added (atomic SET NX) before
    a task is queued, and the task deletes it when it starts. While a recompute is waiting in the
    queue, further submissions find the key and queue nothing: the waiting task will read their
    ratings too. The task is queued with a short countdown (RANKINGS_COALESCE_SECONDS) so that a
    burst arriving within that window is covered by one recompute (the global scope, which every
    public submission touches, has the wider RANKINGS_GLOBAL_COALESCE_SECONDS). So a scope has at
    most one waiting recompute, and at most one recompute per window, however many submissions
    arrive.

    If Redis is unreachable this logs and returns: the submission has already committed its
    RankingRequest rows, and `rankings_recompute_stale` recomputes them once Redis is back.
    """
    for scope in scopes:
        key = queued_key(scope)
        with cache_guard(f"enqueue the ranking recompute of {scope}"):
            if cache.add(key, 1, timeout=30):
                # The global ranking spans every public group: a wider window keeps it
                # from being recomputed back-to-back under a busy workshop.
                window = (
                    settings.RANKINGS_GLOBAL_COALESCE_SECONDS
                    if scope.is_global
                    else settings.RANKINGS_COALESCE_SECONDS
                )
                try:
                    _recompute_send(scope, countdown=window)
                except CACHE_ERRORS:
                    # Not queued after all: the next submission (or the sweeper) must queue it.
                    cache.delete(key)
                    raise


def rankings_queued_clear(*, scope: Scope) -> None:
    """Called as a recompute starts: from now on a new submission must queue a fresh run."""
    with cache_guard("clear the queued mark"):
        cache.delete(queued_key(scope))


def rankings_queued(*, scopes: list[Scope]) -> set[Scope]:
    """Which of `scopes` have a recompute waiting in the queue (none known if the cache is down)."""
    if not scopes:
        return set()
    found: dict[str, Any] = fail_open(
        "queued marks", lambda: cache.get_many([queued_key(s) for s in scopes]), {}
    )
    return {s for s in scopes if queued_key(s) in found}
