"""Issue 23, item 2 in a real headless Chromium: a guest joins a group that approves newcomers
on a phone (390 px), waits, the facilitator lets them in from "Run the group" (on a phone too,
then at desktop width), and the guest rates."""

import pytest

from groups.services import group_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def test_a_waiting_guest_is_let_in_from_run_the_group_and_rates(
    new_context, live_server, theories, cast, rankings_backend
) -> None:
    from playwright.sync_api import expect

    from .conftest import PASSWORD

    group = cast.private
    group_update(group=group, approve_newcomers=True)
    errors: list[str] = []
    guest = new_context(viewport=PHONE, has_touch=True).new_page()
    guest.on("pageerror", lambda exc: errors.append(str(exc)))
    guest.goto(f"{live_server.url}/groups/{group.slug}/invite/{group.join_code}/")
    guest.get_by_label("Your name in this group").fill("Gwen")
    guest.get_by_role("button", name="Join as a guest").click()
    expect(guest.get_by_text("Your place in this group waits")).to_be_visible()
    assert guest.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    guest.goto(f"{live_server.url}/groups/{group.slug}/rate/")
    expect(guest.locator("main")).to_contain_text("waits for a facilitator's approval")

    for viewport in (PHONE, DESKTOP):
        fay = new_context(viewport=viewport).new_page()
        fay.on("pageerror", lambda exc: errors.append(str(exc)))
        fay.goto(f"{live_server.url}/accounts/login/")
        fay.get_by_label("Username").fill("fay")
        fay.get_by_label("Password").fill(PASSWORD)
        fay.get_by_role("button", name="Log in").click()
        fay.goto(f"{live_server.url}/groups/{group.slug}/facilitate/")
        queue = fay.get_by_role("region", name="Waiting for approval")
        if viewport is PHONE:
            expect(queue.locator("[data-newcomer='Gwen']")).to_be_visible()
            assert fay.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            continue
        queue.get_by_role("button", name="Let in").click()
        expect(fay.locator(".message.success")).to_contain_text("Gwen is in: they can rate now.")
        expect(fay.get_by_role("region", name="Waiting for approval")).to_contain_text(
            "Nobody is waiting"
        )

    guest.goto(f"{live_server.url}/groups/{group.slug}/rate/")
    expect(guest.get_by_role("heading", level=1)).to_contain_text("Rate the theories")
    guest.locator("#theory-1 .score-option", has_text="8").first.click()
    guest.get_by_role("button", name="Save my ratings").click()
    expect(guest.locator(".message.success")).to_contain_text("Saved")
    assert errors == []
