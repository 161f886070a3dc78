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
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test.testcases import QuietWSGIRequestHandler
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from accounts.services import token_for, user_create
from groups.models import DiscussionGroup
from groups.services import group_create, group_listing_decide, group_update, membership_join
from rankings.scope import Scope
from theories.longlist import seed
from theories.models import Theory

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
SERVICES = bool(
    os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")
)
PASSWORD = "correct horse battery staple"
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"... under pytest-xdist


# The live server answers each request in several small writes (the status line and headers, then
# the body). With Nagle's algorithm on, the body waits for the client's ACK of the headers, which a
# keep-alive client (Chromium, schemathesis) delays by up to 40 ms: 52 ms per request instead of
# 8 (measured on /static/ with a requests.Session). socketserver's own switch turns it off.
QuietWSGIRequestHandler.disable_nagle_algorithm = True

# Hypothesis's per-example deadline is a timing assertion, and speed is measured in bench/, never
# in tests: on a loaded 2-core CI machine one example of a pure function took 284 ms against the
# 200 ms default and failed the run. Examples are still limited by count, not by time.
hypothesis_settings.register_profile("impactboard", deadline=None)
hypothesis_settings.load_profile("impactboard")


# What `--backend-dependent-only` leaves out, and why (printed in the header of the run).
ONCE_REASON = (
    "browser tests, tests marked 'backend_agnostic' and tests that use no database are "
    "deselected: their behaviour does not depend on the database backend, and they run in "
    "the PostgreSQL + Redis pass"
)
# Fixtures that give a test the database (directly or through another fixture).
DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend-dependent-only",
        action="store_true",
        help="run only the tests whose behaviour can differ by database backend (ORM queries, "
        "constraints, migrations, SQL, query counts...): .ci/run's second, SQLite pass",
    )


def uses_database(item: pytest.Item) -> bool:
    return bool(
        item.get_closest_marker("django_db") or DB_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or {"transactional_db", "live_server"} & fixtures
    )


def backend_agnostic(item: pytest.Item) -> bool:
    return bool(
        item.get_closest_marker("browser")
        or item.get_closest_marker("backend_agnostic")
        or not uses_database(item)
    )


def deselect(config: pytest.Config, items: list[pytest.Item], rule, why: str) -> None:
    dropped = [item for item in items if rule(item)]
    if not dropped:
        return
    config.hook.pytest_deselected(items=dropped)
    items[:] = [item for item in items if not rule(item)]
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and not XDIST_WORKER:
        reporter.write_line(f"deselected {len(dropped)} {why}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not SERVICES:
        deselect(
            config,
            items,
            lambda item: item.get_closest_marker("services"),
            "tests marked 'services' (no PostgreSQL + Redis)",
        )
    if config.getoption("backend_dependent_only"):
        deselect(
            config, items, backend_agnostic, "backend-agnostic tests (run in the PostgreSQL pass)"
        )
    # The slowest tests first within pytest-django's order (database tests, transactional ones,
    # then the rest: a transactional test empties the tables, so that order stays), so that
    # under pytest-xdist they overlap with the others instead of trailing at the end.
    items.sort(
        key=lambda item: (
            (1 if transactional(item) else 0) if uses_database(item) else 2,
            0 if item.get_closest_marker("slow") else 1,
        )
    )


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = [
        "services: PostgreSQL + Redis + a real Celery worker"
        if SERVICES
        else "services: embedded default (SQLite, eager tasks); tests marked 'services' are "
        "deselected: set DATABASE_URL and REDIS_URL to run them"
    ]
    if config.getoption("backend_dependent_only"):
        lines.append(f"--backend-dependent-only: {ONCE_REASON}")
    if SERVICES and config.getoption("numprocesses", None):
        lines.append(
            "pytest-xdist: each worker gwN has its own test database (test_<name>_gwN), its own "
            "Redis database (REDIS_URL's number + N) and its own Celery workers"
        )
    return lines


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
    return


# --- data -----------------------------------------------------------------------------------------


@pytest.fixture
def theories(db: None) -> list[Theory]:
    """The 20 seeded theories. A transactional test flushes the tables, so re-seed if needed."""
    if Theory.objects.count() != 20:
        seed(Theory)
    return list(Theory.objects.order_by("number"))


@pytest.fixture
def make_user(db: None):
    def make(username: str):
        return user_create(username=username, password=PASSWORD)

    return make


def cast_build() -> Any:
    """A facilitator, a member and an outsider of a public and of a private group, and a
    facilitator of another group, as users; plus the groups (the `cast` fixture's)."""

    def make(username: str):
        return user_create(username=username, password=PASSWORD)

    class Cast:
        facilitator = make("fay")
        member = make("mo")
        outsider = make("otto")
        other_facilitator = make("olga")
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


@pytest.fixture
def cast(make_user, theories):
    """A facilitator, a member and an outsider of a public and of a private group, and a
    facilitator of another group, as users; plus the groups."""
    return cast_build()


@pytest.fixture(scope="class")
def matrix_world(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    """The authorisation matrix's world (tests/test_authz_matrix.py), built once for a class of
    cases: each case runs inside it as a savepoint (pytest-django's `db`), rolled back after the
    case, and the world itself is rolled back at the end. Per visibility, a `Ctx` of the group, a
    comment by the facilitator and one by the member, and the list rows' lists."""
    from discussion.services import comment_create
    from theories.models import Theory

    from .test_authz_matrix import Ctx, list_extra

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cast = cast_build()
            theory = Theory.objects.order_by("number")[2]
            staff = user_create(username="stan", password=PASSWORD)
            staff.is_staff = True
            staff.save()
            contexts = {}
            for visibility in ("public", "private"):
                ctx = Ctx(cast=cast, group=getattr(cast, visibility), theory=theory, staff=staff)
                for key, author in (("comment", cast.facilitator), ("member_comment", cast.member)):
                    ctx.extra[key] = comment_create(
                        author=author, theory=theory, group=ctx.group, body=f"By {author.username}."
                    )
                ctx.extra.update(list_extra(cast, visibility))
                contexts[visibility] = ctx
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield contexts
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user=user)}")
    return client


@pytest.fixture
def api():
    return api_client


def answer_schema(path: str, method: str, code: int) -> dict[str, Any]:
    """The JSON schema that the OpenAPI document /api/v1/schema/ serves gives the body of one
    answer (`code`) of one operation, its component resolved."""
    document = api_client().get("/api/v1/schema/?format=json").json()
    content = document["paths"][path][method]["responses"][str(code)]["content"]
    schema = content["application/json"]["schema"]
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def group_scope(group: DiscussionGroup) -> Scope:
    return Scope.group(group.pk)


# --- flushing between transactional tests -----------------------------------------------------------


@pytest.fixture(autouse=True, scope="session")
def _flush_waits_out_the_worker() -> Iterator[None]:
    """A transactional test ends with `flush` (one TRUNCATE of every table). The real worker's beat
    sweep or a recompute still finishing can hold a row lock that TRUNCATE waits for while holding
    the tables the worker wants next: PostgreSQL's deadlock detector then cancels the TRUNCATE,
    and the next test finds the last one's rows (CI saw this once in ~600 transactional tests).
    The flush is one transaction, so trying it again is safe; anything else still fails."""
    from django.core.management.base import CommandError
    from django.core.management.commands import flush
    from django.db import OperationalError

    handle = flush.Command.handle

    def handle_retrying(self: Any, **options: Any) -> Any:
        for attempt in range(5):
            try:
                return handle(self, **options)
            except CommandError as exc:
                if not isinstance(exc.__cause__, OperationalError) or attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))
        return None

    flush.Command.handle = handle_retrying  # type: ignore[method-assign]
    yield
    flush.Command.handle = handle  # type: ignore[method-assign]


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
def celery_worker(django_db_setup, django_db_blocker) -> Iterator[subprocess.Popen]:
    """A real `celery worker --beat` on the test database and this machine's Redis, consuming the
    default queue, and a second worker process for the `imports` queue (as docker-compose.yml
    runs them): two threads of one pool could both be held by imports, two processes cannot."""
    if not SERVICES:
        pytest.fail("the celery_worker fixture needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    import redis

    # Under pytest-xdist REDIS_URL is this worker's own Redis database (impactboard/settings/
    # test.py), and the worker's files are its own too.
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()  # no stale tasks from earlier runs
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    suffix = f"-{XDIST_WORKER}" if XDIST_WORKER else ""
    imports_log = ARTIFACTS / f"celery-worker-imports{suffix}.log"
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
        ],
        cwd=ROOT,
        env=service_env(),
        stdout=imports_log.open("a"),
        stderr=subprocess.STDOUT,
    )
    log = ARTIFACTS / f"celery-worker{suffix}.log"
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
            f"--schedule={ARTIFACTS / f'celerybeat-schedule{suffix}'}",
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


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.1):
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


# The requests in flight in each context of `new_context`, from Playwright's request events.
IN_FLIGHT: "weakref.WeakKeyDictionary[Any, set[Any]]" = weakref.WeakKeyDictionary()


@pytest.fixture
def new_context(browser: Any) -> Iterator[Callable[..., Any]]:
    """`browser.new_context(...)` whose contexts are closed when the test ends, passed or failed.
    A context left open went on polling the live server after its test, into the next test's
    tables (pytest's warnings about the live server's threads). Its requests are tracked for
    `settle`."""
    contexts: list[Any] = []

    def open_context(**options: Any) -> Any:
        context = browser.new_context(**options)
        pending: set[Any] = set()
        context.on("request", lambda request: pending.add(request))
        context.on("requestfinished", lambda request: pending.discard(request))
        context.on("requestfailed", lambda request: pending.discard(request))
        IN_FLIGHT[context] = pending
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


def next_frames(page: Any, count: int = 2) -> None:
    """Let the page have its chance: `count` animation frames rendered, then the tasks queued by
    then run (late events such as toggle, focus, animationstart and securitypolicyviolation)."""
    page.evaluate(
        """(count) => new Promise((done) => {
            const step = (left) => left ? requestAnimationFrame(() => step(left - 1))
                                        : setTimeout(done, 0);
            step(count);
        })""",
        count,
    )


def settle(page: Any, timeout: float = 15.0) -> None:
    """The ready signal of a page's scripts (charts fetched and drawn, first polls answered):
    every request the page made has been answered, and frames later it has asked for nothing
    new. For a page of a `new_context` context, after `goto` (which waits for the load event)."""
    in_context = IN_FLIGHT[page.context]
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 2:
        next_frames(page)  # also lets Playwright deliver the request events
        pending = [r for r in list(in_context) if r.frame.page == page]
        quiet = 0 if pending else quiet + 1
        if time.monotonic() > deadline:
            raise AssertionError(f"still in flight after {timeout} s: {[r.url for r in pending]}")


@pytest.fixture
def rankings_backend(request: pytest.FixtureRequest) -> None:
    """With real services, rankings are recomputed by the real worker; otherwise in-process."""
    if SERVICES:
        request.getfixturevalue("celery_worker")


# --- the events process (live/, issue 24) ------------------------------------------------------


EVENTS_APPLICATION_NAME = "impactboard-events-under-test"  # in pg_stat_activity


@pytest.fixture(scope="session")
def events_server(celery_worker) -> Iterator[str]:
    """The ASGI process as docker-compose.yml's `events` runs it (uvicorn impactboard.asgi), on
    the test database and Redis, with the pages offering their events streams. It serves the
    whole site, so a browser opens a page and its stream from one origin, as behind the proxy.
    It needs the real worker: the recomputes it runs publish the changes the streams carry."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = service_env(
        DJANGO_SETTINGS_MODULE="impactboard.settings.test",
        LIVE_EVENTS_OFFERED="true",
        PGAPPNAME=EVENTS_APPLICATION_NAME,  # libpq's: its connections are told apart by it
    )
    # REDIS_URL is already this xdist process's own database: the test settings must not add N
    # again in the child.
    env.pop("PYTEST_XDIST_WORKER", None)
    suffix = f"-{XDIST_WORKER}" if XDIST_WORKER else ""
    log = ARTIFACTS / f"uvicorn{suffix}.log"
    log.write_text("")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "impactboard.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off",
            "--loop", "uvloop", "--http", "httptools", "--timeout-graceful-shutdown", "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for_line(log, "Uvicorn running on", proc, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
