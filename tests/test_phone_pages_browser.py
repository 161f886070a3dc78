"""Pages that hold on a phone (issue 20 item 6), in Chromium at 390 px: the import preview of a
wide spreadsheet, and the My history table. Each is measured as a person would meet it: nothing wider
than the screen (wide tables scroll inside their own box), every control reachable."""

from pathlib import Path

import pytest

from ratings.services.rounds import round_open_next
from tests.factories import rate

from .conftest import settle
from .test_phone_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 800}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_import_preview_of_a_wide_sheet_fits_and_its_confirm_button_is_reachable(
    new_context, live_server, cast, theories, tmp_path: Path
) -> None:
    sheet = tmp_path / "old-spreadsheet.csv"
    header = "Name," + ",".join(f"{t.number}. {t.title}" for t in theories)
    rows = [f"Reader {i}," + ",".join(str(1 + (i + n) % 10) for n in range(20)) for i in range(6)]
    sheet.write_text("\n".join([header, *rows]) + "\n")
    page = new_context(viewport=PHONE).new_page()
    log_in(page, live_server, cast.facilitator.username)
    page.goto(f"{live_server.url}/groups/{cast.public.slug}/import/")
    page.locator("input[type=file]").set_input_files(str(sheet))
    page.locator("form.panel button[type=submit]").click()
    page.wait_for_load_state()
    assert "Preview" in page.locator("h1").inner_text()
    assert page_width(page) <= PHONE["width"]
    confirm = page.get_by_role("button", name="Import")
    confirm.scroll_into_view_if_needed()
    box = confirm.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def test_my_history_fits_a_phone(new_context, live_server, cast, theories) -> None:
    for score in (3, 8, 5):
        rate(cast.member, dict.fromkeys(theories, score), group=cast.public)
    page = new_context(viewport=PHONE).new_page()
    log_in(page, live_server, cast.member.username)
    page.goto(f"{live_server.url}/groups/{cast.public.slug}/me/")
    settle(page)
    assert page_width(page) <= PHONE["width"]
    # Each table is whole on screen or scrolls in its own box, never cut off by the page.
    cut = page.evaluate(
        """() => [...document.querySelectorAll('main table')].filter(t => {
            const r = t.getBoundingClientRect();
            if (r.right <= window.innerWidth + 1) return false;
            const box = t.closest('.table-scroll');
            return !box || getComputedStyle(box).overflowX !== 'auto';
        }).map(t => t.className || t.id || 'table')"""
    )
    assert cut == [], cut


def test_the_round_two_save_bar_covers_no_theorys_buttons(
    new_context, live_server, cast, theories
) -> None:
    rate(cast.member, dict.fromkeys(theories, 6), group=cast.public)
    round_open_next(group=cast.public, user=cast.facilitator)
    page = new_context(viewport=PHONE).new_page()
    log_in(page, live_server, cast.member.username)
    page.goto(f"{live_server.url}/groups/{cast.public.slug}/rate/")
    settle(page)
    assert page_width(page) <= PHONE["width"]
    bar = page.locator(".sticky-submit")
    page.screenshot(path="tests/artifacts/round-two-rate-390.png")

    def covered() -> list[int]:
        """Theories with a score button partly under the bar (on screen, not wholly above it)."""
        top = bar.bounding_box()["y"]
        hit = []
        for theory in theories[:6]:
            labels = page.locator(f"#theory-{theory.number} .scale label")
            for i in range(labels.count()):
                box = labels.nth(i).bounding_box()
                if box and box["y"] + box["height"] > top + 1 and box["y"] < PHONE["height"]:
                    hit.append(theory.number)
                    break
        return hit

    assert covered() == []  # as the page opens
    for theory in theories[:4]:  # and as a keyboard user moves down to each theory
        page.locator(f"#theory-{theory.number} input[type=radio]").first.focus()
        assert theory.number not in covered(), theory.number
