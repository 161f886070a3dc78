"""Thin tasks: take a scope, call one service, safe to run twice. Each imports its service
inside its body: tasks depend on services, never the other way (services send them by name).

The names are the ones they had in `ratings`, where they were written: the outbox sends the
recompute by name and celery beat the sweep, and a task already queued under that name by a
process of the previous release still runs (docs/decisions/tasks-sent-by-name.md)."""

from datetime import timedelta

from celery import shared_task


@shared_task(
    name="ratings.tasks.rankings_recompute", acks_late=True, time_limit=120, soft_time_limit=100
)
def rankings_recompute(scope: str) -> None:
    """`scope` is a scope's key: what the broker carries (see `Scope.key`)."""
    from .scope import Scope
    from .services import ranking_recompute, rankings_queued_clear

    parsed = Scope.parse(scope)
    rankings_queued_clear(scope=parsed)
    ranking_recompute(scope=parsed)


@shared_task(name="ratings.tasks.rankings_recompute_stale", time_limit=300, soft_time_limit=280)
def rankings_recompute_stale() -> int:
    """Periodic safety net (celery beat): recompute scopes whose requests have waited too long."""
    from .selectors import ranking_scopes_stale
    from .services import ranking_recompute

    scopes = ranking_scopes_stale(older_than=timedelta(seconds=2))
    for scope in scopes:
        ranking_recompute(scope=scope)
    return len(scopes)
