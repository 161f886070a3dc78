"""Issue 20's measure: how far down the facilitator's pages the things they need are.

    .venv/bin/python bench/console_positions.py [--app-dir DIR]

Starts the app of DIR (default: this tree) on a throwaway SQLite database (embedded mode: tasks
run in-process), signs a facilitator in, creates a group through the "Create group" form and,
on the page that follows, reads the y-position (px from the top of the page) of the invite link.
Then five people rate in that group and, on the group page, it reads the y-position of the
ranking table and of the round control ("open round 2"), at 1280×900 and 390×844 in Debian's
headless Chromium. An element inside a closed <details> has no box of its own: the position of
its summary is printed, marked "(collapsed)". Nothing is asserted: it prints.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VIEWPORTS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
PASSWORD = "correct horse battery staple"

SEED = """
from django.contrib.auth.models import User
User.objects.create_user("fay", password={password!r})
"""

RATE = """
import random
from django.contrib.auth.models import User
from groups.models import DiscussionGroup, Participant
from groups.services import membership_join, participant_for_user
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.models import Submission
from ratings.services import RatingItem, rating_submission_create
from theories.models import Theory
rng = random.Random(20)
group = DiscussionGroup.objects.get(slug={slug!r})
theories = list(Theory.objects.order_by("number"))
people = [participant_for_user(group=group, user=User.objects.get(username="fay"))]
for name in ["ada", "basil", "chen", "dara"]:
    user, _ = User.objects.get_or_create(username=name)
    membership_join(group=group, user=user, via_invite=True)
    people.append(participant_for_user(group=group, user=user))
for p in people:
    items = [RatingItem(theory_id=t.id, score=rng.randint(1, 10)) for t in theories]
    rating_submission_create(participant=p, items=items, submitted_by=p.user,
                             source=Submission.Source.PAGE)
ranking_recompute(scope=Scope.group(group.pk), force=True)
"""

# The y of the first match of each selector, or of the summary of the closed <details> it is in.
POSITION_JS = """(selectors) => {
  for (const sel of selectors) {
    const el = document.querySelector(sel);
    if (!el) continue;
    const closed = el.closest("details:not([open])");
    const target = closed && !el.matches("summary") ? closed.querySelector("summary") : el;
    const box = target.getBoundingClientRect();
    if (box.height === 0 && box.width === 0) continue;
    return {y: Math.round(box.top + window.scrollY), collapsed: Boolean(closed && target !== el)};
  }
  return null;
}"""

TARGETS = {
    "invite link": ["[data-invite-link]", "#invite-link"],
    "ranking table": [".ranking-table"],
    "round control": ["[data-round-control]", "details.confirm > summary"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def manage(app: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=app, env=env, check=True, capture_output=True
    )


def position(page, name: str) -> str:
    found = page.evaluate(POSITION_JS, TARGETS[name])
    if found is None:
        return "absent"
    return f"{found['y']} px" + (" (collapsed)" if found["collapsed"] else "")


def log_in(page, base: str) -> None:
    response = page.goto(f"{base}/accounts/login/")
    if response is None or response.status != 200:
        raise SystemExit(f"login page: {response and response.status}: {page.content()}")
    page.locator("#id_username").fill("fay")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app-dir", default=str(ROOT))
    parser.add_argument("--screenshots", help="a folder for the first screen of each page")
    args = parser.parse_args()
    app = Path(args.app_dir).resolve()
    shots = Path(args.screenshots) if args.screenshots else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="console-positions-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp / 'db.sqlite3'}"
    env["DJANGO_SETTINGS_MODULE"] = "impactboard.settings"
    manage(app, env, "migrate", "--noinput")
    manage(app, env, "collectstatic", "--noinput", "--verbosity", "0")  # as `make run` does
    manage(app, env, "shell", "-c", SEED.format(password=PASSWORD))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=app,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a busy machine starts Django slowly
        while True:
            try:
                urllib.request.urlopen(f"{base}/health/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the app did not start") from None
                time.sleep(0.3)
        from playwright.sync_api import sync_playwright

        results: dict[str, dict[str, str]] = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            slugs = {}
            for width, viewport in VIEWPORTS.items():
                context = browser.new_context(viewport=viewport)
                page = context.new_page()
                log_in(page, base)
                page.goto(f"{base}/groups/new/")
                page.locator("#id_name").fill(f"Positions at {width}")
                page.get_by_role("button", name="Create group").click()
                page.wait_for_load_state()
                slugs[width] = page.url.rstrip("/").split("/groups/")[1].split("/")[0]
                results[width] = {"invite link": position(page, "invite link")}
                if shots:
                    page.screenshot(path=str(shots / f"created-{width}.png"))
                context.close()
            for width, viewport in VIEWPORTS.items():
                manage(app, env, "shell", "-c", RATE.format(slug=slugs[width], password=PASSWORD))
                context = browser.new_context(viewport=viewport)
                page = context.new_page()
                log_in(page, base)
                page.goto(f"{base}/groups/{slugs[width]}/")
                page.wait_for_selector(".ranking-table tbody tr")
                for name in ("ranking table", "round control"):
                    results[width][name] = position(page, name)
                if shots:
                    page.screenshot(path=str(shots / f"group-{width}.png"))
                    page.goto(f"{base}/groups/{slugs[width]}/present/")
                    page.wait_for_selector("[data-present-url][data-version]", timeout=15_000)
                    page.screenshot(path=str(shots / f"present-{width}.png"))
                context.close()
            browser.close()
        print(f"app: {app}")
        print(f"{'':16}{'1280 px':>22}{'390 px':>22}")
        for name in TARGETS:
            print(f"{name:16}{results['1280'][name]:>22}{results['390'][name]:>22}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
