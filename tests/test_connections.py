"""Issue 16, item 10: runserver (the embedded default, development) serves each request on a new
thread, and a reused database connection belongs to its thread. With CONN_MAX_AGE=60 every
finished thread left its connection open (400 GETs: 36-42 left; uncapped, PostgreSQL ran out for
every database on the server). Outside gunicorn nothing is kept: counted in pg_stat_activity."""

import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from .conftest import ARTIFACTS, ROOT, service_env, test_database_url, wait_for_line

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BURST = 200
# The contrast run leaks one connection per request by design: kept small, since the PostgreSQL
# server is shared (200 requests there took every connection the server had).
SMALL_BURST = 15


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def open_connections(application_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            [application_name],
        )
        return cursor.fetchone()[0]


def burst_against_runserver(application_name: str, requests: int, **env: str) -> int:
    """Start runserver, send `requests` GETs of /health/ (a query each) from up to 16 threads,
    and count the server's connections still open a moment after the last answer."""
    port = free_port()
    log = ARTIFACTS / f"runserver-{application_name}.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    database_url = test_database_url() + f"?application_name={application_name}"
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=service_env(DATABASE_URL=database_url, **env),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_line(log, "Quit the server", proc, timeout=30)

        def get(_: int) -> int:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=30) as r:
                return r.status

        with ThreadPoolExecutor(min(16, requests)) as pool:
            statuses = list(pool.map(get, range(requests)))
        assert statuses == [200] * requests
        time.sleep(1.0)
        return open_connections(application_name)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_runserver_holds_no_connection_per_finished_thread() -> None:
    assert burst_against_runserver("ib-runserver-default", BURST) == 0


def test_the_leak_this_prevents_is_real_with_reuse_turned_on() -> None:
    """The same burst with connections kept 60 s (the old default) leaves connections behind,
    where the default above leaves none. How many is up to the garbage collector: a finished
    thread's connection is closed only when its thread-local storage is collected, and CI runs
    left 15, 10 and 6 of 15. So the contrast asks for one, which the default never leaves."""
    left = burst_against_runserver("ib-runserver-reuse", SMALL_BURST, DATABASE_CONN_MAX_AGE="60")
    assert left >= 1
