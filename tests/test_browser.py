"""The whole exercise in a real headless Chromium (Debian's), driven by Playwright."""

import re

import pytest

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_create_a_group_rate_five_theories_and_see_them_ranked(
    new_context, live_server, theories, rankings_backend
) -> None:
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill("reader1")
    page.locator("#id_password1").fill("correct horse battery staple")
    page.locator("#id_password2").fill("correct horse battery staple")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".who")).to_have_text("reader1")

    page.goto(f"{live_server.url}/groups/new/")
    page.get_by_label("Name").fill("Tuesday Interp Circle")
    page.get_by_label("Public").check()
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday Interp Circle")

    page.get_by_role("link", name="Rate the theories").click()
    scores = {3: 9, 1: 8, 7: 6, 12: 4, 20: 2}
    for number, score in scores.items():
        page.locator(f"#theory-{number} .score-option", has_text=str(score)).first.click()
    expect(page.locator("[data-rated-count]")).to_have_text("5")
    page.locator("#theory-3 input[type=text]").fill("Auditing is the whole point")
    page.get_by_role("button", name="Save my ratings").click()
    expect(page.locator(".message.success")).to_contain_text("Saved")
    expect(page.locator("#theory-3 .saved-value")).to_contain_text("9/10")
    expect(page.locator("#theory-3 input[type=radio][value='9']")).to_be_checked()

    page.get_by_role("link", name="See the group's ranking").click()
    rows = page.locator(".ranking-table tbody tr")
    # The ranking is recomputed in the background; the page polls and redraws it.
    expect(rows.nth(0)).to_contain_text("Auditing", timeout=15_000)
    expect(rows.nth(0).locator("td").nth(2)).to_have_text("1")
    titles = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(5)]
    numbers = [int(t.split(".")[0]) for t in titles]
    assert numbers == [3, 1, 7, 12, 20]
    expect(rows.nth(5)).to_have_class(re.compile(r"\bunrated\b"))
    page.screenshot(path=str(ARTIFACTS / "group-ranking.png"), full_page=True)
    assert not errors, errors


def test_the_rating_page_works_with_the_keyboard_alone_on_a_phone(
    new_context, live_server, theories, cast, rankings_backend
) -> None:
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD

    context = new_context(viewport={"width": 360, "height": 740}, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/groups/{cast.public.slug}/rate/")
    page.get_by_label("Username").fill(cast.member.username)
    page.locator("#id_password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rate the theories")
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Keyboard only: focus the first theory's "Not rated" radio, arrow right to 1, 2, 3.
    page.locator("#theory-1 input[type=radio]").first.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#theory-1 input[value='3']")).to_be_checked()
    page.keyboard.press("Tab")  # into the rationale field
    page.keyboard.type("keyboard only")
    page.keyboard.press("Enter")  # submits the form
    expect(page.locator(".message.success")).to_contain_text("Saved")
    expect(page.locator("#theory-1 .saved-value")).to_contain_text("3/10")
    page.screenshot(path=str(ARTIFACTS / "rate-phone.png"), full_page=False)
