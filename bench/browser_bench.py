"""Issue 14's browser benchmark: a phone on a slow network, against production serving.

    .venv/bin/python bench/browser_bench.py [--app-dir DIR ...] [--runs N]

For each app tree given (default: this one; pass a checkout of another commit to compare
before/after in the same run), it migrates and seeds the database named by
BROWSER_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ib_p14), collects that
tree's static files, starts gunicorn with the production settings (WhiteNoise serving the
compressed, fingerprinted files; a throwaway secret; no TLS redirect on loopback) and loads each
page in Debian's headless Chromium with CDP network and CPU emulation:

    slow:   400 kbit/s down and up, 400 ms latency, CPU slowed 4x
    faster: 1.6 Mbit/s down and up, 150 ms latency, CPU slowed 4x

Per page and profile, from a cold cache: bytes on the wire (encoded, every response), time to
the ranking table (visible), time to the first chart (Plotly's SVG in a chart box); and the same
load of /health/ (a few hundred bytes of JSON through the same stack) as the baseline, so each
time is also printed as a ratio to it. Every wait is bounded.
"""

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DSN = os.environ.get("BROWSER_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ib_p14")
REDIS = os.environ.get("BROWSER_BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PROFILES = {
    "slow": {"kbit": 400, "latency_ms": 400, "cpu": 4},
    "faster": {"kbit": 1600, "latency_ms": 150, "cpu": 4},
}
PAGES = {"home": "/", "group": "/groups/demo-reading-group/", "theory": "/theories/{theory}/"}
TIMEOUT_MS = 240_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def app_env(app: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=DSN,
        REDIS_URL=REDIS,
        DJANGO_SETTINGS_MODULE="impactboard.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_HSTS_SECONDS="0",
        PYTHONPATH=str(app),
    )
    return env


def prepare(app: Path) -> None:
    env = app_env(app)
    python = str(VENV_BIN / "python")
    for args in (
        ["migrate", "--noinput", "-v0"],
        ["seed_demo"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([python, "manage.py", *args], cwd=app, env=env, check=True, timeout=600)


class Server:
    def __init__(self, app: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "impactboard.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                "--workers=2",
                "--threads=4",
                "--worker-class=gthread",
            ],
            cwd=app,
            env=app_env(app),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/health/", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("gunicorn never answered /health/")

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def measure(
    browser: Any, url: str, profile: dict[str, int], *, page_with_charts: bool
) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    rate = profile["kbit"] * 1000 / 8  # bytes per second
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": profile["latency_ms"],
            "downloadThroughput": rate,
            "uploadThroughput": rate,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile["cpu"]})
    wire = {"bytes": 0}
    cdp.on(
        "Network.loadingFinished",
        lambda e: wire.__setitem__("bytes", wire["bytes"] + e["encodedDataLength"]),
    )
    started = time.monotonic()
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    out: dict[str, Any] = {}
    if page_with_charts:
        page.wait_for_selector(".ranking-table tbody tr", state="visible", timeout=TIMEOUT_MS)
        out["table_s"] = time.monotonic() - started
    if page_with_charts or "/theories/" in url:
        page.wait_for_selector("[data-chart] .main-svg", state="attached", timeout=TIMEOUT_MS)
        out["chart_s"] = time.monotonic() - started
    else:
        page.wait_for_load_state("load", timeout=TIMEOUT_MS)
        out["load_s"] = time.monotonic() - started
    page.wait_for_load_state("load", timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)  # the first poll's answers
    out["bytes"] = wire["bytes"]
    context.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--app-dir", action="append", type=Path, help="app tree(s); default this one"
    )
    args = parser.parse_args()
    apps = [p.resolve() for p in (args.app_dir or [ROOT])]
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for app in apps:
            prepare(app)
            server = Server(app)
            try:
                theory = "auditing"
                for pname, profile in PROFILES.items():
                    base = measure(
                        browser, f"{server.url}/health/", profile, page_with_charts=False
                    )
                    rows.append((app.name, pname, "/health/ (baseline)", base, base["load_s"]))
                    for name, path in PAGES.items():
                        url = server.url + path.format(theory=theory)
                        got = measure(browser, url, profile, page_with_charts=name != "theory")
                        rows.append((app.name, pname, name, got, base["load_s"]))
            finally:
                server.stop()
        browser.close()
    head = ("tree", "profile", "page", "KB wire", "table s", "chart s", "x base")
    print(f"{head[0]:<18} {head[1]:<7} {head[2]:<20} " + " ".join(f"{h:>8}" for h in head[3:]))
    for tree, pname, name, got, base in rows:
        table = f"{got['table_s']:.2f}" if "table_s" in got else "–"
        first = got.get("chart_s", got.get("load_s"))
        chart = f"{got['chart_s']:.2f}" if "chart_s" in got else f"{got['load_s']:.2f}*"
        print(
            f"{tree:<18} {pname:<7} {name:<20} {got['bytes'] / 1024:>8.1f} {table:>8} {chart:>8} "
            f"{first / base:>8.1f}"
        )
    print("* /health/: time to load (the baseline); 'x base' = first chart (or load) / baseline")


if __name__ == "__main__":
    main()
