"""Thin tasks: take an id, call one service, safe to run twice."""

from celery import shared_task

from .services import import_job_execute


# The import runs in one transaction; a 50,000-person sheet takes minutes, not hours.
@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=29 * 60)
def import_job_run(job_id: int) -> None:
    import_job_execute(job_id=job_id)
