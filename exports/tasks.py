"""Thin tasks: take an id, call one service, safe to run twice.

Services never import this module: they enqueue by the task's name (`services.enqueue`), and
the task imports its service inside its body, so the import graph runs one way.
"""

from celery import shared_task


# The import runs in one transaction; a 50,000-person sheet takes minutes, not hours.
@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=29 * 60)
def import_job_run(job_id: int) -> None:
    from .services import import_job_execute

    import_job_execute(job_id=job_id)


@shared_task(time_limit=120, soft_time_limit=100)
def import_previews_sweep() -> int:
    """Periodic (celery beat): previews never confirmed are deleted after a day."""
    from .services import import_previews_sweep as sweep

    return sweep()
