"""Issue 14's browser benchmark: a phone on a slow network, against production serving.

    .venv/bin/python bench/browser_bench.py [--app-dir DIR ...] [--profile slow|faster ...]

For each app tree given (default: this one; pass a checkout of another commit to compare
before/after in the same run), it migrates and seeds the database named by
BROWSER_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ib_p14), collects that
tree's static files, starts gunicorn with the production settings (WhiteNoise serving the
compressed, fingerprinted files; a throwaway secret; no TLS redirect on loopback) and loads each
page in Debian's headless Chromium with CDP network and CPU emulation:

    slow:   400 kbit/s down and up, 400 ms latency, CPU slowed 4x
    faster: 1.6 Mbit/s down and up, 150 ms latency, CPU slowed 4x

Per page and profile, from a cold cache and warm (the same page loaded once before in the same
browser profile, as a phone that opened it yesterday): bytes on the wire (encoded, every
response) and responses, DOMContentLoaded, the ranking table (visible), the first chart (the
server's static SVG, issue 24, or Plotly's, whichever is drawn first) and the interactive chart
(Plotly's SVG in a chart box); and the same load of /health/ (a few hundred bytes of JSON
through the same stack) as the baseline, so each first chart is also printed as a ratio to it.
Every wait is bounded.
"""

import argparse
import json
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
from urllib.parse import urlsplit, urlunsplit

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


def create_database() -> None:
    """The benchmark's own database, created on a fresh machine (as `make bench` does its)."""
    import psycopg
    from psycopg import sql

    name = urlsplit(DSN).path.lstrip("/")
    admin = urlunsplit(urlsplit(DSN)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not found.fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare(app: Path) -> None:
    create_database()
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

    def warm(self, paths: list[str]) -> None:
        """Every page a few times before any is measured: the first answer of each gunicorn
        worker pays its imports and connections (2 s once, on the first page measured)."""
        for _ in range(6):
            for path in paths:
                with urllib.request.urlopen(f"{self.url}{path}", timeout=30) as r:
                    r.read()

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


# When each thing first exists in the page, by the page's own clock (ms since the navigation
# started), recorded by a MutationObserver as the parser or a script adds it: a long task
# afterwards (plotly.js running for seconds at CPU 4x) delays what Playwright can observe, not
# what the page had already shown. The first chart is the server's static drawing
# (svg.chart-static, issue 24) or Plotly's, whichever comes first; the interactive one Plotly's.
MARKS = {
    "table": ".ranking-table tbody tr",
    "chart": "[data-chart] svg.chart-static, [data-chart] .main-svg",
    "interactive": "[data-chart] .main-svg",
}
RECORDER = (
    "const __marks = "
    + json.dumps(MARKS)
    + """;
(() => {
  const marks = __marks;
  const seen = (window.__bench = {});
  const look = () => {
    for (const [name, selector] of Object.entries(marks)) {
      if (!(name in seen) && document.querySelector(selector)) seen[name] = performance.now();
    }
  };
  new MutationObserver(look).observe(document, { childList: true, subtree: true });
})();
"""
)


def emulate(context: Any, page: Any, profile: dict[str, int], *, cache: bool) -> dict[str, int]:
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": not cache})
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
    wire = {"bytes": 0, "requests": 0}

    def finished(event: dict[str, Any]) -> None:
        wire["bytes"] += event["encodedDataLength"]
        wire["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    return wire


def load(page: Any, url: str, wire: dict[str, int], *, charts: bool, table: bool) -> dict[str, Any]:
    """One load of `url`: seconds since the navigation started, by the page's clock."""
    wire["bytes"] = wire["requests"] = 0
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    wanted = [
        name for name, on in (("table", table), ("chart", charts), ("interactive", charts)) if on
    ]
    if wanted:
        page.wait_for_function(
            "(names) => names.every((n) => window.__bench && n in window.__bench)",
            arg=wanted,
            timeout=TIMEOUT_MS,
            polling=100,
        )
    page.wait_for_load_state("load", timeout=TIMEOUT_MS)
    out: dict[str, Any] = {}
    # DOMContentLoaded and the first contentful paint. An element exists (and is laid out)
    # before the render-blocking stylesheet has arrived, but nothing is on screen before the
    # first paint: the table and the first chart count from whichever comes later.
    marks, dcl, loaded, fcp = page.evaluate(
        """[window.__bench || {},
            performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
            performance.getEntriesByType('navigation')[0].loadEventEnd,
            (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || 0]"""
    )
    out["dcl_s"], out["fcp_s"] = dcl / 1000, fcp / 1000
    if not wanted:
        out["load_s"] = loaded / 1000
    for name in wanted:
        out[f"{name}_s"] = max(marks[name], fcp) / 1000
    page.wait_for_timeout(500)  # the first poll's answers
    out["bytes"] = wire["bytes"]
    out["requests"] = wire["requests"]
    return out


def measure(
    browser: Any, url: str, profile: dict[str, int], *, charts: bool, table: bool, warm: bool
) -> dict[str, Any]:
    """Cold: an empty cache. Warm: the same page loaded once before in the same browser profile
    (cache on, as a phone that opened it yesterday), then measured."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.add_init_script(RECORDER)
    page = context.new_page()
    wire = emulate(context, page, profile, cache=warm)
    if warm:
        load(page, url, wire, charts=charts, table=table)
        page.goto("about:blank")
    out = load(page, url, wire, charts=charts, table=table)
    context.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--app-dir", action="append", type=Path, help="app tree(s); default this one"
    )
    parser.add_argument(
        "--profile", action="append", choices=list(PROFILES), help="profile(s); default all"
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
                server.warm([p.format(theory=theory) for p in PAGES.values()])
                for pname in args.profile or list(PROFILES):
                    profile = PROFILES[pname]
                    for cache in ("cold", "warm"):
                        warm = cache == "warm"
                        base = measure(
                            browser,
                            f"{server.url}/health/",
                            profile,
                            charts=False,
                            table=False,
                            warm=warm,
                        )
                        rows.append((app.name, pname, cache, "/health/ (baseline)", base, base))
                        for name, path in PAGES.items():
                            got = measure(
                                browser,
                                server.url + path.format(theory=theory),
                                profile,
                                charts=True,
                                table=name != "theory",
                                warm=warm,
                            )
                            rows.append((app.name, pname, cache, name, got, base))
            finally:
                server.stop()
        browser.close()
    head = ("KB wire", "req", "DCL s", "FCP s", "table s", "chart s", "interact s", "x base")
    print(
        f"{'tree':<18} {'profile':<7} {'cache':<5} {'page':<20} "
        + " ".join(f"{h:>10}" for h in head)
    )
    for tree, pname, cache, name, got, base in rows:

        def s(key: str, got: dict[str, Any] = got) -> str:
            return f"{got[key]:.2f}" if key in got else "–"

        first = got.get("chart_s", got.get("load_s"))
        cells = (
            f"{got['bytes'] / 1024:.1f}",
            str(got["requests"]),
            s("dcl_s"),
            s("fcp_s"),
            s("table_s"),
            s("chart_s") if "chart_s" in got else f"{got['load_s']:.2f}*",
            s("interactive_s"),
            f"{first / base['load_s']:.1f}",
        )
        print(f"{tree:<18} {pname:<7} {cache:<5} {name:<20} " + " ".join(f"{c:>10}" for c in cells))
    print(
        "* /health/: time to load (the baseline); chart s = the first chart drawn (the server's "
        "static SVG or Plotly's); interact s = Plotly's chart; 'x base' = chart s (or load) / "
        "the baseline's load in the same profile and cache state"
    )


if __name__ == "__main__":
    main()
