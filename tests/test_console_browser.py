"""Issue 20 in headless Chromium, at 390 and 1280 px: a facilitator creates a group and finds the
invite link, its QR code and the spoken code without scrolling; five people join (two as guests
by the spoken code); the console's counts follow each save; the projector updates live and
switches views from the keyboard; round 2 opens from the console. axe finds nothing serious on
the new pages."""

import pytest

from groups.models import DiscussionGroup
from groups.services import membership_join

from .conftest import PASSWORD, settle
from .test_phone_browser import DESKTOP, PHONE, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username: str) -> None:
    """Sign in and wait until the sign-in has landed (the next page is not the form), so that a
    page opened next carries the session."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def in_first_screen(page, selector: str, height: int) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} has no box"
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, f"{selector} at {box}"


def rate(page, live_server, slug: str, scores: dict[int, int]) -> None:
    page.goto(f"{live_server.url}/groups/{slug}/rate/")
    for theory_id, score in scores.items():
        page.locator(
            f"label.score-option:has(input[name='score_{theory_id}'][value='{score}'])"
        ).click()
    page.get_by_role("button", name="Save my ratings").click()
    page.wait_for_load_state()
    assert page.locator("#saved").get_by_text("Saved:").is_visible()


def sentence_is(page, which: str, text: str) -> None:
    """Wait (bounded) until the live sentence reads `text`: the poll has caught up."""
    page.wait_for_function(
        "([which, text]) => { const el = document.querySelector(`[data-progress-sentence=${which}]`);"
        " return el && el.textContent.trim() === text; }",
        arg=[which, text],
        timeout=10_000,
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_a_facilitator_runs_a_room_from_the_console_and_the_projector(
    new_context, live_server, make_user, theories, rankings_backend, viewport
) -> None:
    t1, t2 = theories[0], theories[1]
    fay = make_user("fay")
    errors: list[str] = []

    def new_page():
        context = new_context(viewport=viewport)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    console = new_page()
    log_in(console, live_server, fay.username)
    console.goto(f"{live_server.url}/groups/new/")
    console.locator("#id_name").fill("Thursday room")
    console.locator("#id_visibility input[value='private']").check()
    console.get_by_role("button", name="Create group").click()
    console.wait_for_load_state()
    group = DiscussionGroup.objects.get(name="Thursday room")
    assert console.url == f"{live_server.url}/groups/{group.slug}/"

    # The first screen: the link, its Copy button, the QR code, the spoken code, the next step.
    height = viewport["height"]
    for selector in (
        "#invite-link",
        "[data-copy='invite-link']",
        ".invite-card .qr svg",
        "[data-short-code]",
        ".next-step",
    ):
        in_first_screen(console, selector, height)
    assert console.locator("#invite-link").input_value() == (
        f"{live_server.url}/groups/{group.slug}/invite/{group.join_code}/"
    )
    assert console.locator("[data-short-code]").inner_text() == group.short_code_display
    # The round and its controls: the first screen on a desktop, one scroll on a phone.
    limit = height if viewport is DESKTOP else 2 * height
    for selector in (
        "[data-round-control] > summary",
        "button:text('Close ratings')",
        "button:text('Reveal results to everyone')",
    ):
        box = console.locator(selector).bounding_box()
        assert box is not None and box["y"] + box["height"] <= limit, (selector, box)
    sentence_is(console, "rated", "0 of 1 has rated.")
    if viewport is PHONE:
        # The ranking starts far below the controls on a phone: a link in the first screen jumps
        # there from the keyboard, the ranking's heading in view and holding the focus.
        heading = console.locator("#ranking-heading")
        before = heading.bounding_box()
        assert before is not None and before["y"] > height, before
        jump = console.get_by_role("link", name="Jump to the ranking")
        assert jump.is_visible()
        in_first_screen(console, ".console-jump a", height)
        jump.focus()
        console.keyboard.press("Enter")
        console.wait_for_function(
            "() => document.activeElement?.id === 'ranking-heading'", timeout=5_000
        )
        in_first_screen(console, "#ranking-heading", height)

    # Three people with accounts join through the invitation...
    members = [make_user(name) for name in ("ada", "basil", "chen")]
    for user in members:
        membership_join(group=group, user=user, via_invite=True)
    sentence_is(console, "rated", "0 of 4 have rated.")
    # ... and two guests type the code they heard, in lower case, at the groups page.
    guests = []
    for name in ("Zoë", "Yusuf"):
        guest = new_page()
        guest.goto(f"{live_server.url}/groups/")
        guest.locator("#id_invite_code").fill(group.short_code_display.lower())
        guest.locator("#invite-code").get_by_role("button", name="Go").click()
        guest.wait_for_load_state()
        guest.locator("#guest-join input[name='name']").fill(name)
        guest.get_by_role("button", name="Join as a guest").click()
        guest.wait_for_load_state()
        guests.append(guest)
    sentence_is(console, "rated", "0 of 6 have rated.")
    assert "Zoë" in console.locator('[data-people="waiting"]').inner_text()
    assert "guest-" not in console.locator(".who-rated").inner_text()

    # The projector, opened before anyone rates: progress only while results are hidden.
    wall = new_page()
    log_in(wall, live_server, fay.username)
    wall.goto(f"{live_server.url}/groups/{group.slug}/present/")
    wall.wait_for_selector("[data-present-url][data-version]")
    assert wall.locator("[data-view-name=ranking] [data-hidden-note]").is_visible()
    assert wall.locator("[data-list=ranking] li").count() == 0

    # Each save moves the console's counts, without a reload.
    rate(guests[0], live_server, group.slug, {t1.id: 9, t2.id: 4})
    sentence_is(console, "rated", "1 of 6 have rated.")
    sentence_is(console, "round", "1 of 6 members have rated in this round.")
    assert "Zoë" in console.locator('[data-people="rated"]').inner_text()
    rate(guests[1], live_server, group.slug, {t1.id: 2, t2.id: 5})
    sentence_is(console, "rated", "2 of 6 have rated.")
    for user, scores in zip(members[:2], ({t1.id: 7, t2.id: 6}, {t1.id: 3, t2.id: 8}), strict=True):
        member = new_page()
        log_in(member, live_server, user.username)
        rate(member, live_server, group.slug, scores)
    sentence_is(console, "rated", "4 of 6 have rated.")
    wall.wait_for_function(
        "(text) => document.querySelector('[data-field=progress]').textContent === text",
        arg="4 of 6 have rated.",
        timeout=10_000,
    )
    assert wall.locator("[data-list=ranking] li").count() == 0  # still hidden

    # The facilitator reveals: the wall shows the ranking with rank ranges, live.
    console.get_by_role("button", name="Reveal results to everyone").click()
    console.wait_for_load_state()
    # The ranking is recomputed by the worker after each save, so the wall may first draw the
    # one from before the fourth rating (theory 1 ahead); it must reach the fourth's, where
    # theory 2's mean (5.75) is above theory 1's (5.25), with n = 4.
    wall.wait_for_function(
        "(title) => { const top = document.querySelector('[data-list=ranking] li');"
        " return top && top.querySelector('.p-title').textContent.endsWith(title)"
        " && top.textContent.includes('(n = 4)'); }",
        arg=t2.title,
        timeout=10_000,
    )
    last = new_page()
    log_in(last, live_server, members[2].username)
    rate(last, live_server, group.slug, {t1.id: 10, t2.id: 1})
    wall.wait_for_function(
        "(title) => document.querySelector('[data-list=ranking] li .p-title')"
        ".textContent.endsWith(title)",
        arg=t1.title,
        timeout=10_000,
    )
    assert "(n = 5)" in wall.locator("[data-list=ranking] li").first.inner_text()

    # Keys switch the wall's views; D switches dark and light.
    wall.keyboard.press("2")
    assert wall.locator("[data-view-name=controversial]").is_visible()
    assert not wall.locator("[data-view-name=ranking]").is_visible()
    assert wall.locator("[data-list=controversial] li").count() == 2
    wall.keyboard.press("4")
    assert wall.locator("[data-view-name=join] .qr svg").is_visible()
    assert group.short_code_display in wall.locator("[data-view-name=join]").inner_text()
    wall.keyboard.press("ArrowRight")
    assert wall.locator("[data-view-name=ranking]").is_visible()
    before = wall.evaluate("getComputedStyle(document.body).backgroundColor")
    wall.keyboard.press("d")
    after = wall.evaluate("getComputedStyle(document.body).backgroundColor")
    assert before != after

    # Round 2 opens from the console; a re-rating shows there and on the wall's changes view.
    console.get_by_text("Close round 1 and open round 2…").click()
    console.get_by_role("button", name="Yes, open round 2").click()
    console.wait_for_load_state()
    assert console.get_by_role("heading", name="Round 2 is open").is_visible()
    sentence_is(console, "round", "0 of 6 members have re-rated in this round.")
    rate(guests[0], live_server, group.slug, {t1.id: 6})
    sentence_is(console, "round", "1 of 6 members have re-rated in this round.")
    wall.keyboard.press("3")
    wall.wait_for_selector("[data-list=changes] li", timeout=10_000)
    assert "1 of 1 moved" in wall.locator("[data-list=changes] li").first.inner_text()
    assert not errors, errors


def test_axe_finds_nothing_serious_on_the_console_and_the_projector(
    new_context, live_server, cast, theories, rankings_backend
) -> None:
    problems = []
    for viewport in (DESKTOP, PHONE):
        # axe is injected by evaluate: let it past the page's CSP (tests/test_csp_browser.py
        # holds the policy itself).
        context = new_context(viewport=viewport, bypass_csp=True)
        page = context.new_page()
        log_in(page, live_server, cast.facilitator.username)
        for path in (f"/groups/{cast.private.slug}/", f"/groups/{cast.private.slug}/present/"):
            page.goto(f"{live_server.url}{path}")
            settle(page)
            problems += [f"{viewport['width']} {path}: {v}" for v in axe_violations(page)]
        page.keyboard.press("4")
        problems += [f"{viewport['width']} join view: {v}" for v in axe_violations(page)]
    assert not problems, "\n".join(problems)
