"""The shared cast and the real services.

With DATABASE_URL and REDIS_URL set, the suite runs on PostgreSQL and Redis, and tests marked
`services` get a real `celery worker` (with beat) started here against the test database. With
nothing set (the embedded default), `services` tests cannot run and are deselected, said aloud.
"""

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.services import token_for, user_create
from groups.models import DiscussionGroup
from groups.services import group_create, group_listing_decide, group_update, membership_join
from ratings.scope import Scope
from theories.longlist import seed
from theories.models import Theory

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
SERVICES = bool(
    os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")
)
PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SERVICES:
        return
    deselected = [item for item in items if item.get_closest_marker("services")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("services")]


def pytest_report_header(config: pytest.Config) -> str:
    if SERVICES:
        return "services: PostgreSQL + Redis + a real Celery worker"
    return (
        "services: embedded default (SQLite, eager tasks); tests marked 'services' are "
        "deselected: set DATABASE_URL and REDIS_URL to run them"
    )


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Each test starts with an empty application cache. With Redis the cache outlives a test
    (and slugs are reused across tests), so delete our prefixed keys only: the broker's queues
    live in the same Redis database and are left alone."""
    if os.environ.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        for key in client.scan_iter(match="ib:*", count=1000):
            client.delete(key)
    else:
        from django.core.cache import cache

        cache.clear()
    yield


# --- data -----------------------------------------------------------------------------------------


@pytest.fixture
def theories(db: None) -> list[Theory]:
    """The 20 seeded theories. A transactional test flushes the tables, so re-seed if needed."""
    if Theory.objects.count() != 20:
        seed(Theory)
    return list(Theory.objects.order_by("number"))


@pytest.fixture
def make_user(db: None):  # type: ignore[no-untyped-def]
    def make(username: str):  # type: ignore[no-untyped-def]
        return user_create(username=username, password=PASSWORD)

    return make


@pytest.fixture
def cast(make_user, theories):  # type: ignore[no-untyped-def]
    """A facilitator, a member and an outsider of a public and of a private group, and a
    facilitator of another group, as users; plus the groups."""

    class Cast:
        facilitator = make_user("fay")
        member = make_user("mo")
        outsider = make_user("otto")
        other_facilitator = make_user("olga")
        public = group_create(user=facilitator, name="Open Reading Group", visibility="public")
        private = group_create(user=facilitator, name="Secret Circle", visibility="private")
        other = group_create(user=other_facilitator, name="Other Group", visibility="public")

    # Results are hidden until rated by default; most tests read them, so reveal. The hiding
    # rule has its own tests.
    for group in (Cast.public, Cast.private, Cast.other):
        group_update(group=group, results_hidden=False)
    # The public groups are real ones that staff have listed, so they count in the global
    # ranking; the member joined both groups through their invitations. Self-joins and
    # unlisted groups have their own tests (tests/test_integrity.py).
    for group in (Cast.public, Cast.other):
        group_listing_decide(group=group, listed=True)
    membership_join(group=Cast.public, user=Cast.member, via_invite=True)
    membership_join(group=Cast.private, user=Cast.member, via_invite=True)
    return Cast


def api_client(user=None) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user=user)}")
    return client


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    return api_client


def group_scope(group: DiscussionGroup) -> str:
    return Scope.group(group.pk)


# --- the real worker -------------------------------------------------------------------------------


def test_database_url() -> str:
    """DATABASE_URL pointed at the test database pytest-django created."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))


test_database_url.__test__ = False  # type: ignore[attr-defined]


def service_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=test_database_url(),
        DJANGO_SETTINGS_MODULE="impactboard.settings",
        RANKINGS_SWEEP_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


def wait_for_line(path: Path, needle: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if needle in path.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError(f"{needle!r} never appeared; log:\n{path.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker) -> Iterator[subprocess.Popen]:  # type: ignore[no-untyped-def]
    """A real `celery worker --beat` on the test database and this machine's Redis, consuming the
    default queue, and a second worker process for the `imports` queue (as docker-compose.yml
    runs them): two threads of one pool could both be held by imports, two processes cannot."""
    if not SERVICES:
        pytest.fail("the celery_worker fixture needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()  # no stale tasks from earlier runs
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    imports_log = ARTIFACTS / "celery-worker-imports.log"
    imports_log.write_text("")
    imports = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "impactboard",
            "worker",
            "-Q",
            "imports",
            "-n",
            "imports@%h",
            "--loglevel=INFO",
            "--concurrency=1",
            "--pool=threads",
            "--without-gossip",
            "--without-mingle",
        ],  # fmt: skip
        cwd=ROOT,
        env=service_env(),
        stdout=imports_log.open("a"),
        stderr=subprocess.STDOUT,
    )
    log = ARTIFACTS / "celery-worker.log"
    log.write_text("")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "impactboard",
            "worker",
            "-Q",
            "celery",
            "--beat",
            "--loglevel=INFO",
            "--concurrency=2",
            "--pool=threads",
            f"--schedule={ARTIFACTS / 'celerybeat-schedule'}",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=service_env(),
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_line(log, "ready.", proc, timeout=60)
        wait_for_line(imports_log, "ready.", imports, timeout=60)
        yield proc
    finally:
        for each in (proc, imports):
            each.terminate()
            try:
                each.wait(timeout=10)
            except subprocess.TimeoutExpired:
                each.kill()


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.1):  # type: ignore[no-untyped-def]
    """Poll `predicate` until it returns something truthy; return it, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


# --- headless Chromium (Debian's), shared by every browser test -----------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls
    # happen in its own thread, but fixtures here touch the ORM too.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Debian's chromium is not installed: run `make browser` (apt-get install chromium)"
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def rankings_backend(request: pytest.FixtureRequest) -> None:
    """With real services, rankings are recomputed by the real worker; otherwise in-process."""
    if SERVICES:
        request.getfixturevalue("celery_worker")
