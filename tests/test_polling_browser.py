"""Issue 24 in Chromium: polling costs what it is worth (static/js/rankings.js). Every second
while the ranking changes; the wait doubles (to 30 s at most) once ten polls in a row found
nothing new; nothing while the tab is hidden; at once, and every second again, when the tab is
shown or the window focused; and a change brings the 1 s pace straight back.

Time is Playwright's fake clock (page.clock), paused and advanced by the test; after each step
the test waits, in real time, for the poll it fired to be answered. Requests are counted with
page.on("request")."""

from typing import Any

import pytest

from groups.models import Participant
from rankings.scope import Scope
from rankings.services import ranking_recompute
from tests.factories import rate

from .test_live_browser import seed_realistic_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A hidden or shown tab, as the browser reports it (headless Chromium's tab is always visible).
VISIBILITY = """(state) => {
  Object.defineProperty(document, 'visibilityState', { get: () => state, configurable: true });
  Object.defineProperty(document, 'hidden', { get: () => state === 'hidden', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}"""
EPOCH_MS = 1_796_083_200_000  # 2026-12-01 00:00 UTC


class Board:
    """A group page on a paused fake clock, counting its polls of the group's rankings."""

    def __init__(self, browser: Any, url: str, rankings: str, width: int) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.polls = 0
        self.in_flight = 0  # every request of the page, answered or not
        self.statuses: list[int] = []
        self.page.on("request", lambda r: self._count(r.url, rankings))
        self.page.on("requestfinished", self._done)
        self.page.on("requestfailed", self._done)
        self.page.on(
            "response",
            lambda r: self.statuses.append(r.status) if r.url.endswith(rankings) else None,
        )
        self.page.clock.install(time=EPOCH_MS)
        self.page.clock.pause_at(EPOCH_MS + 1000)
        self.page.goto(url)
        self.settle()

    def _count(self, url: str, rankings: str) -> None:
        self.in_flight += 1
        if url.endswith(rankings):  # not the figures' or the comparison's URL
            self.polls += 1

    def _done(self, request: Any) -> None:
        self.in_flight -= 1

    def settle(self) -> None:
        """Real time for every request in flight to be answered (a poll that found something
        fetches the figures before it schedules the next one), and the page to act on it."""
        self.page.wait_for_timeout(100)
        for _ in range(200):
            if self.in_flight == 0:
                break
            self.page.wait_for_timeout(50)
        self.page.wait_for_timeout(150)

    def polls_in(self, seconds: float) -> int:
        before = self.polls
        self.page.clock.run_for(int(seconds * 1000))
        self.settle()
        return self.polls - before

    def next_poll_after(self, seconds: float) -> bool:
        """True if the next poll comes exactly `seconds` from now: none before, one then."""
        early = self.polls_in(seconds - 0.1)
        return early == 0 and self.polls_in(0.1) == 1

    def set_visibility(self, state: str) -> int:
        """The polls sent at once (no time passing) when the tab becomes `state`."""
        before = self.polls
        self.page.evaluate(VISIBILITY, state)
        self.settle()
        return self.polls - before


@pytest.mark.parametrize("width", [390, 1280])
def test_polls_back_off_while_nothing_changes_and_stop_while_hidden(
    browser, live_server, cast, theories, rankings_backend, width
) -> None:
    seed_realistic_group(cast.public, theories)
    rankings = f"/api/v1/groups/{cast.public.slug}/rankings/"
    board = Board(browser, f"{live_server.url}/groups/{cast.public.slug}/", rankings, width)
    assert board.polls == 1 and board.statuses == [200]
    # Ten polls a second apart find nothing new (304)...
    assert all(board.next_poll_after(1) for _ in range(10))
    assert set(board.statuses[1:]) == {304}
    # ...then the wait doubles, up to 30 s, and stays there.
    assert [board.next_poll_after(s) for s in (2, 4, 8, 16, 30, 30)] == [True] * 6

    # Hidden: not one poll in two minutes. Shown: one at once, and the 1 s pace is back.
    assert board.set_visibility("hidden") == 0
    assert board.polls_in(120) == 0
    assert board.set_visibility("visible") == 1
    assert all(board.next_poll_after(1) for _ in range(3))

    # The window's focus brings a poll at once too, in the middle of a long wait. (The poll on
    # showing was the first of ten with nothing new: six more, then 2, 4, 8 and now 16 s.)
    assert all(board.next_poll_after(s) for s in (1,) * 6 + (2, 4, 8))
    assert board.polls_in(5) == 0
    before = board.polls
    board.page.evaluate("window.dispatchEvent(new Event('focus'))")
    board.settle()
    assert board.polls == before + 1
    assert board.next_poll_after(1)
    board.context.close()


def test_a_change_brings_back_the_one_second_pace(
    browser, live_server, cast, theories, rankings_backend
) -> None:
    seed_realistic_group(cast.public, theories)
    rankings = f"/api/v1/groups/{cast.public.slug}/rankings/"
    board = Board(browser, f"{live_server.url}/groups/{cast.public.slug}/", rankings, 390)
    assert all(board.next_poll_after(s) for s in (1,) * 10 + (2, 4, 8))  # waiting 16 s now
    # Someone rates: the next poll finds it (200), and the pace is 1 s again.
    rate(Participant.objects.create(group=cast.public, name="late"), {1: 10, 5: 1})
    ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    assert board.next_poll_after(16)
    assert board.statuses[-1] == 200
    assert all(board.next_poll_after(1) for _ in range(3))
    assert set(board.statuses[-3:]) == {304}
    board.context.close()
