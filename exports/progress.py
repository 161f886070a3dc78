"""The progress of a running import job, kept in the cache.

The import runs in one transaction, so a progress column would stay invisible until the end;
the worker writes the count here and the status endpoint reads it. Both sides fail open: the
progress bar is a nicety, never a reason for an import or a poll to fail.
"""

from django.core.cache import cache

from impactboard.cache import cache_guard, fail_open

PROGRESS_TIMEOUT = 3600  # seconds: longer than the task's hard time limit


def import_progress_key(job_id: int) -> str:
    return f"exports:import:{job_id}:done"


def import_progress_record(*, job_id: int, done: int) -> None:
    with cache_guard("import progress"):
        cache.set(import_progress_key(job_id), done, timeout=PROGRESS_TIMEOUT)


def import_progress_read(*, job_id: int) -> int:
    """People done so far as the worker last recorded it; 0 when unknown or unreachable."""
    return int(fail_open("import progress", lambda: cache.get(import_progress_key(job_id)), 0) or 0)
