"""Issue 24: docker-compose.yml runs N web replicas behind one proxy, the workers on their own
queues (as `make worker` does), and PgBouncer in front of PostgreSQL. No Docker engine here, so
the file is checked as data: it parses, and its pieces are wired as docs/SCALING.md says."""

from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP = ("web", "worker", "worker-imports", "beat", "migrate")


def command(name: str) -> list[str]:
    return [str(part) for part in SERVICES[name]["command"]]


def test_the_web_replicas_sit_behind_one_proxy_that_alone_publishes_a_port() -> None:
    web = SERVICES["web"]
    assert web["deploy"]["replicas"] == "${WEB_REPLICAS:-2}"
    assert "ports" not in web  # only through the proxy
    assert [name for name, s in SERVICES.items() if s.get("ports")] == ["proxy"]
    proxy = SERVICES["proxy"]
    assert proxy["image"].startswith("nginx:")
    mounted = proxy["volumes"][0].split(":")[0]
    conf = (ROOT / mounted).read_text()
    assert "server web:8000;" in conf and "proxy_pass http://web;" in conf
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in conf
    assert SERVICES["web"]["environment"]["NUM_PROXIES"] == "${NUM_PROXIES:-1}"


def test_the_workers_take_their_own_queues_as_the_makefile_and_the_routes_say() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "-Q imports" in makefile and "-Q celery" in makefile
    imports_queue = settings.CELERY_TASK_ROUTES["exports.tasks.import_job_run"]["queue"]
    worker, imports = command("worker"), command("worker-imports")
    assert worker[worker.index("-Q") + 1] == "celery"
    assert imports[imports.index("-Q") + 1] == imports_queue
    assert "--beat" not in worker + imports  # beat runs once, on its own
    assert command("beat")[:4] == ["celery", "-A", "impactboard", "beat"]


def test_the_app_reaches_postgresql_through_pgbouncer_and_migrations_go_direct() -> None:
    for name in APP:
        env = SERVICES[name]["environment"]
        host = env["DATABASE_URL"].split("@")[1].split("/")[0]
        assert host == ("db:5432" if name == "migrate" else "pgbouncer:6432"), name
    pool = SERVICES["pgbouncer"]["environment"]
    assert pool["DB_HOST"] == "db" and pool["LISTEN_PORT"] == "6432"
    # Session pooling with a connection per request: every session feature still works.
    assert pool["POOL_MODE"] == "session"
    assert SERVICES["web"]["environment"]["DATABASE_CONN_MAX_AGE"] == "0"


def test_the_events_process_serves_the_streams_behind_the_proxy_unbuffered() -> None:
    """Issue 24: the live rankings' streams come from `events` (uvicorn, the same image), and
    the proxy passes exactly their paths to it, unbuffered, over HTTP/1.1, held open far longer
    than the app's heartbeat; every other path still goes to gunicorn."""
    import re

    from live import urls as live_urls
    from live.views import HEARTBEAT_S, STREAM_S

    events = SERVICES["events"]
    assert events["image"] == SERVICES["web"]["image"] and "ports" not in events
    argv = command("events")
    assert argv[:2] == ["uvicorn", "impactboard.asgi:application"]
    port = argv[argv.index("--port") + 1]
    assert events["expose"] == [port]
    pinned = (ROOT / "pyproject.toml").read_text()
    assert '"uvicorn==' in pinned and '"uvloop==' in pinned and '"httptools==' in pinned
    # The pages offer the streams wherever the proxy sends them to `events`.
    assert SERVICES["web"]["environment"]["LIVE_EVENTS_OFFERED"] == "true"

    conf = (ROOT / SERVICES["proxy"]["volumes"][0].split(":")[0]).read_text()
    assert f"server events:{port};" in conf
    found = re.search(r"location ~ (\S+) \{(.*?)\n    \}", conf, re.S)
    assert found is not None
    where, block = re.compile(found.group(1)), found.group(2)
    assert "proxy_pass http://events;" in block and "proxy_buffering off;" in block
    assert "proxy_http_version 1.1;" in block and 'proxy_set_header Connection "";' in block
    timeout = re.search(r"proxy_read_timeout (\d+)([smh]);", block)
    assert timeout is not None
    seconds = int(timeout.group(1)) * {"s": 1, "m": 60, "h": 3600}[timeout.group(2)]
    assert seconds >= STREAM_S * 1.2 > HEARTBEAT_S
    # Exactly the events routes go there; the rankings answers beside them do not.
    paths = [
        "/api/v1/" + str(p.pattern).replace("<slug:slug>", "a-slug")
        for p in live_urls.api_urlpatterns
    ]
    assert len(paths) == 3 and all(where.fullmatch(path) for path in paths)
    for other in (
        "/api/v1/rankings/",
        "/api/v1/groups/a-slug/rankings/",
        "/groups/a-slug/",
        "/api/v1/groups/a-slug/rankings/figures/",
        "/api/v1/groups/a-slug/events/",
    ):
        assert not where.fullmatch(other), other
