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
