"""Issue 24 item 3 in Chromium: a group page served by the events process (uvicorn, the
`events_server` fixture, as the proxy serves it) takes its updates from the stream: a rating by
someone else redraws its table and charts with no poll at all, at 390 and 1280 px. With Redis
stopped the page falls back to polling at once, and goes back to the stream when Redis returns
(a fault test: it stops a Redis of its own)."""

import sys
from typing import Any
from urllib.parse import urlsplit

import pytest

from accounts.services import token_for

from .conftest import next_frames, service_env
from .test_faults import Process, free_port, http, start_worker
from .test_faults import private_redis as private_redis  # the fixture: a Redis of its own
from .test_live_browser import n_of_theory, seed_realistic_group
from .test_live_events import rate_through_the_api
from .test_polling_browser import VISIBILITY

# Every EventSource of the page, watched: `live` (the stream is up) and each event by name.
WATCH = """
window.__live = { up: 0, events: [] };
const Real = window.EventSource;
window.EventSource = class extends Real {
  constructor(url, options) {
    super(url, options);
    this.addEventListener("live", () => { window.__live.up += 1; });
    for (const name of ["ranking", "compare", "changed"]) {
      this.addEventListener(name, () => window.__live.events.push(name));
    }

  }
};
"""


class Page:
    """A group page and what it asks the API for: its ranking polls, the ranking's figures, the
    comparison and its figure (the stream itself aside)."""

    def __init__(self, context: Any, base: str, slug: str) -> None:
        self.page = context.new_page()
        self.rankings = f"/api/v1/groups/{slug}/rankings/"
        self.asked = {"ranking": 0, "figures": 0, "compare": 0}
        self.stream_statuses: list[int] = []
        self.in_flight: set[Any] = set()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", self._asked)
        self.page.on("requestfinished", lambda request: self.in_flight.discard(request))
        self.page.on("requestfailed", lambda request: self.in_flight.discard(request))
        self.page.on("response", self._answered)
        self.page.add_init_script(WATCH)
        self.page.goto(f"{base}/groups/{slug}/")

    def _kind(self, url: str) -> str | None:
        path = urlsplit(url).path
        if path == self.rankings:
            return "ranking"
        if path == self.rankings + "figures/":
            return "figures"
        if path.startswith(self.rankings + "compare/"):
            return "compare"
        return None

    def _asked(self, request: Any) -> None:
        if urlsplit(request.url).path == self.rankings + "events/":
            return  # open for as long as the page is
        self.in_flight.add(request)
        if (kind := self._kind(request.url)) is not None:
            self.asked[kind] += 1

    def _answered(self, response: Any) -> None:
        if urlsplit(response.url).path == self.rankings + "events/":
            self.stream_statuses.append(response.status)

    def settle(self) -> None:
        """Every request but the stream answered, and a few frames with nothing new asked."""
        quiet = 0
        for _ in range(400):
            next_frames(self.page)
            quiet = quiet + 1 if not self.in_flight else 0
            if quiet >= 3:
                return
            self.page.wait_for_timeout(25)
        raise AssertionError(f"still in flight: {[r.url for r in self.in_flight]}")

    def live_up(self, times: int) -> None:
        self.page.wait_for_function("(n) => window.__live.up >= n", arg=times, timeout=20_000)
        self.settle()

    def wait_for_n(self, number: int, n: int) -> None:
        self.page.wait_for_function(
            """([number, n]) => {
                const rows = [...document.querySelectorAll('.ranking-table tbody tr')];
                const row = rows.find(r => r.cells[1].textContent.trim().startsWith(number + '.'));
                return row && Number(row.cells[2].textContent) === n;
            }""",
            arg=[number, n],
            timeout=20_000,
        )


pytestmark = [pytest.mark.browser, pytest.mark.services]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_a_rating_by_someone_else_reaches_an_open_group_page_through_the_stream(
    new_context, events_server, cast, theories, width
) -> None:
    from playwright.sync_api import expect

    seed_realistic_group(cast.public, theories)
    board = Page(
        new_context(viewport={"width": width, "height": 900}), events_server, cast.public.slug
    )
    board.live_up(1)
    expect(board.page.locator('[data-chart="bars"] .main-svg').first).to_be_visible(timeout=15_000)
    board.settle()
    before, asked = n_of_theory(board.page, 5), dict(board.asked)
    # The stream brought the current versions: no poll of the ranking or the comparison at all
    # (the figures were asked for once, as the page loaded).
    assert asked == {"ranking": 0, "figures": 1, "compare": 0}

    rate_through_the_api(cast.member, cast.public, theories, 10)  # theories 1-5, by another
    board.wait_for_n(5, before + 1)
    board.page.wait_for_function(
        """(n) => {
            const el = document.querySelector('[data-chart=bars]');
            const counts = el.data.find(trace => trace.mode === 'text');  // the "n = k" column
            return counts.text[counts.y.findIndex(label => label.startsWith('5.'))] === n;
        }""",
        arg=f"n = {before + 1}",
        timeout=15_000,
    )
    expect(board.page.locator("[data-pulse]")).to_contain_text("+5 new ratings")
    board.settle()
    # Table, charts and comparison came pushed: not one request more for any of them.
    assert board.asked == asked
    assert "ranking" in board.page.evaluate("window.__live.events")
    assert board.stream_statuses == [200]
    assert not board.errors, board.errors


@pytest.mark.faults
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_the_page_polls_and_takes_the_stream_again_when_it_returns(
    new_context, private_redis, cast, theories
) -> None:
    seed_realistic_group(cast.public, theories)
    env = service_env(
        REDIS_URL=private_redis.url,
        DJANGO_SETTINGS_MODULE="impactboard.settings.test",
        LIVE_EVENTS_OFFERED="true",
    )
    env.pop("PYTEST_XDIST_WORKER", None)
    port = free_port()
    events = Process(
        "uvicorn-redis-fault",
        [
            sys.executable, "-m", "uvicorn", "impactboard.asgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--lifespan", "off", "--timeout-graceful-shutdown", "2",
        ],
        env,
        "Uvicorn running on",
    )  # fmt: skip
    worker = start_worker(env, "worker-live-redis-fault")
    base = f"http://127.0.0.1:{port}"
    try:
        board = Page(new_context(viewport={"width": 390, "height": 844}), base, cast.public.slug)
        board.live_up(1)
        polls = board.asked["ranking"]

        # The stream ends with the subscription; the page polls at once, and the stream's
        # reconnection is refused (503) while Redis is away, so EventSource stops trying.
        stream, poll = board.rankings + "events/", board.rankings
        with (
            board.page.expect_response(
                lambda r: urlsplit(r.url).path == stream and r.status == 503, timeout=20_000
            ),
            board.page.expect_request(lambda r: urlsplit(r.url).path == poll, timeout=15_000),
        ):
            private_redis.stop()
        assert board.asked["ranking"] > polls

        private_redis.start()
        # Redis is back: the page tries the stream again a minute later, or as soon as the tab
        # is shown again (which is what the test does, rather than wait).
        board.page.evaluate(VISIBILITY, "hidden")
        board.page.evaluate(VISIBILITY, "visible")
        board.live_up(2)
        asked = dict(board.asked)
        before = n_of_theory(board.page, 5)
        token = token_for(user=cast.member)
        body = {"ratings": [{"theory": t.pk, "score": 4} for t in theories[:5]]}
        assert (
            http("PUT", f"{base}/api/v1/groups/{cast.public.slug}/ratings/mine/", token, body)[0]
            == 200
        )
        board.wait_for_n(5, before + 1)
        board.settle()
        assert board.asked == asked  # through the stream again, not a poll
        assert not board.errors, board.errors
    finally:
        worker.kill()
        events.kill()
