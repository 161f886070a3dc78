"""Issue 7: faults survived. Real processes, real faults: Redis stopped, a worker SIGKILLed in
the middle of a recompute, PostgreSQL restarted under a running app.

These start their own Redis, PostgreSQL cluster, web server and workers, so they run in a pytest
session of their own (`-m faults`, see the Makefile) in which no other worker is running.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from accounts.services import token_for, user_create
from groups.models import Participant
from groups.services import membership_join
from rankings.models import Ranking, RankingRequest
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.models import Rating, Submission
from ratings.services import RatingItem, rating_submission_create

from .conftest import ARTIFACTS, PASSWORD, ROOT, service_env, wait_for_line, wait_until

pytestmark = [
    pytest.mark.services,
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
]
PG_BIN = Path("/usr/lib/postgresql") / sorted(os.listdir("/usr/lib/postgresql"))[-1] / "bin"
FIGURES = ARTIFACTS / "faults.json"


def record(**figures: object) -> None:
    """Figures for docs/RELIABILITY.md, merged into tests/artifacts/faults.json."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    data = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    data.update(figures)
    FIGURES.write_text(json.dumps(data, indent=2))
    print(figures)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    def __init__(self, name: str, args: list[str], env: dict[str, str], ready: str) -> None:
        self.log = ARTIFACTS / f"{name}.log"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        # A session of its own, so that a kill reaches its children too: a worker's embedded
        # beat is a child process, which outlived a SIGKILLed worker and went on sending tasks
        # to the tests' broker from then on.
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_line(self.log, ready, self.proc, timeout=60)

    def kill(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        with contextlib.suppress(ProcessLookupError):  # what is left of the group
            os.killpg(self.proc.pid, signal.SIGKILL)


def start_web(env: dict[str, str]) -> tuple[Process, str]:
    port = free_port()
    web = Process(
        f"web-{port}",
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env | {"THROTTLE_RATINGS": "100000/min"},
        "Quit the server",
    )
    return web, f"http://127.0.0.1:{port}"


def start_worker(env: dict[str, str], name: str) -> Process:
    schedule = Path(tempfile.mkdtemp()) / "beat-schedule"
    return Process(
        name,
        [
            sys.executable, "-m", "celery", "-A", "impactboard", "worker", "--beat",
            "--loglevel=INFO", "--pool=threads", "--concurrency=2", f"--schedule={schedule}",
            "--without-gossip", "--without-mingle",
        ],
        env,
        "ready.",
    )  # fmt: skip


def http(method: str, url: str, token: str | None = None, body: dict | None = None):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Token {token}"} if token else {}),
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, payload = exc.code, exc.read()
    return status, json.loads(payload or b"null"), time.monotonic() - started


def stored_row(scope: Scope, theory_id: int) -> dict | None:
    ranking = Ranking.objects.filter(scope=scope.key).first()
    if ranking is None:
        return None
    return next(r for r in ranking.results if r["theory"]["id"] == theory_id)


# --- Redis stopped -----------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of our own, so that stopping it disturbs nothing else on the machine."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: _port_open(self.port), timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        assert not _port_open(self.port)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.stop()


def test_with_redis_stopped_submissions_are_stored_and_rankings_converge_after_it_returns(
    private_redis, cast, theories
) -> None:
    env = service_env(REDIS_URL=private_redis.url)
    web, base = start_web(env)
    worker = start_worker(env, "worker-redis-fault")
    try:
        people = []
        for name in ("ana", "ben", "cy", "dee", "eli"):
            user = user_create(username=name, password=PASSWORD)
            membership_join(group=cast.public, user=user)
            people.append(token_for(user=user))
        url = f"{base}/api/v1/groups/{cast.public.slug}/ratings/mine/"
        t1, t2 = theories[0], theories[1]
        assert http("PUT", url, people[0], {"ratings": [{"theory": t1.id, "score": 2}]})[0] == 200
        wait_until(
            lambda: (r := stored_row(Scope.group(cast.public.pk), t1.id)) and r["n"] == 1, 15
        )

        private_redis.stop()
        latencies = []
        for i, token in enumerate(people * 2):
            status, body, seconds = http(
                "PUT", url, token, {"ratings": [{"theory": t2.id, "score": i % 10 + 1}]}
            )
            assert status == 200, body
            latencies.append(seconds)
        assert Submission.objects.filter(group=cast.public).count() == 11
        assert Rating.objects.filter(group=cast.public, theory=t2).count() == 5
        health = http("GET", f"{base}/health/")
        assert health[0] == 200 and health[1]["redis"] == "down"

        private_redis.start()
        returned = time.monotonic()
        expected = Rating.objects.filter(group=cast.public, theory=t2).count()
        wait_until(
            lambda: (r := stored_row(Scope.group(cast.public.pk), t2.id)) and r["n"] == expected, 30
        )
        catch_up = time.monotonic() - returned
        stored = Ranking.objects.get(scope=Scope.group(cast.public.pk).key).results
        assert stored == ranking_recompute(scope=Scope.group(cast.public.pk), force=True).results
        record(
            redis_down_submissions=len(latencies),
            redis_down_submission_max_seconds=round(max(latencies), 3),
            redis_down_submissions_lost=0,
            rankings_exact_after_redis_returned_seconds=round(catch_up, 2),
        )
    finally:
        web.kill()
        worker.kill()


# --- a worker killed mid-recompute -----------------------------------------------------------------


def test_a_worker_killed_in_the_middle_of_a_recompute_leaves_rankings_that_converge(
    cast, theories
) -> None:
    env = service_env(REDIS_URL=os.environ["REDIS_URL"])
    scope = Scope.group(cast.public.pk)
    ranking_recompute(scope=scope, force=True)
    worker = start_worker(env, "worker-killed")
    db = settings.DATABASES["default"]
    # Another session holds the ranking row, so the recompute blocks inside its transaction.
    blocker = psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    )
    try:
        blocker.execute("SELECT id FROM ratings_ranking WHERE scope = %s FOR UPDATE", [scope.key])
        person = Participant.objects.create(group=cast.public, name="kill-test")
        rating_submission_create(
            participant=person,
            items=[RatingItem(theory_id=theories[4].id, score=9)],
            submitted_by=None,
            source="api",
        )

        def recompute_is_waiting() -> bool:
            with psycopg.connect(
                host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
            ) as probe:
                row = probe.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query ILIKE '%%ratings_ranking%%' AND datname = current_database()"
                ).fetchone()
                return bool(row and row[0])

        wait_until(recompute_is_waiting, timeout=20)
        worker.kill(signal.SIGKILL)
    finally:
        blocker.rollback()
        blocker.close()
    # The killed run's transaction died with it: the outbox still says the ranking is stale.
    assert RankingRequest.objects.filter(scope=scope.key).exists()
    assert stored_row(scope, theories[4].id)["n"] == 0
    replacement = start_worker(env, "worker-replacement")
    try:
        started = time.monotonic()
        wait_until(lambda: stored_row(scope, theories[4].id)["n"] == 1, timeout=30)
        record(rankings_converged_after_worker_sigkill_seconds=round(time.monotonic() - started, 2))
        assert not RankingRequest.objects.filter(scope=scope.key).exists()
    finally:
        replacement.kill()


# --- PostgreSQL restarted -------------------------------------------------------------------------


class PrivatePostgres:
    """A throwaway PostgreSQL cluster of our own, so restarting it disturbs nothing else."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="ib-pg-"))
        os.chown(self.dir, _uid("postgres"), -1)
        self._as_postgres([str(PG_BIN / "initdb"), "-D", str(self.dir / "data"), "-A", "trust",
                           "-U", "postgres"])  # fmt: skip
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/impactboard_fault"

    def _as_postgres(self, args: list[str]) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/tmp",
        )

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-o", opts, "-w", "start"]
        )

    def stop(self) -> None:
        self._as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop"]
        )

    def remove(self) -> None:
        subprocess.run(["rm", "-rf", str(self.dir)], check=False)


def _uid(name: str) -> int:
    import pwd

    return pwd.getpwnam(name).pw_uid


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    pg = PrivatePostgres()
    pg.start()
    subprocess.run(
        [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres",
         "impactboard_fault"],
        check=True,
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=service_env(DATABASE_URL=pg.url),
        check=True,
    )
    yield pg
    with contextlib.suppress(subprocess.CalledProcessError):
        pg.stop()
    pg.remove()


def test_health_is_503_while_postgres_is_down_and_the_app_serves_again_after_a_restart(
    private_postgres,
) -> None:
    env = service_env(DATABASE_URL=private_postgres.url)
    web, base = start_web(env)
    try:
        assert http("GET", f"{base}/health/")[:2] == (200, {"database": "ok", "redis": "ok"})
        assert http("GET", f"{base}/api/v1/theories/")[0] == 200

        private_postgres.stop()
        status, body, seconds = http("GET", f"{base}/health/")
        assert status == 503
        assert body["database"] == "down"
        outage_api, outage_body, _ = http("GET", f"{base}/api/v1/theories/")
        assert outage_api == 503 and "unavailable" in outage_body["detail"]

        private_postgres.start()
        restarted = time.monotonic()
        wait_until(lambda: http("GET", f"{base}/health/")[0] == 200, timeout=20)
        status, body, _ = http("GET", f"{base}/api/v1/theories/")
        assert status == 200 and body["count"] == 20
        record(
            health_during_db_outage=503,
            health_answer_seconds_during_db_outage=round(seconds, 3),
            api_status_during_db_outage=outage_api,
            serving_again_after_db_restart_seconds=round(time.monotonic() - restarted, 2),
        )
    finally:
        web.kill()
