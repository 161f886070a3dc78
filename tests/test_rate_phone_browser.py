"""The 200-item rate page on a phone (issue 21, Performance), in headless Chromium at 390 px:
"k of N rated", "Next unrated", and save as you go, each score saved when set and nothing lost
when the network drops a request (the script tries again; the server saves a batch or none)."""

import re
from typing import Any

import pytest

from groups.services import group_create, membership_join
from ratings.models import Rating
from theories.items import ItemText
from theories.services import longlist_create

from .conftest import settle
from .test_phone_browser import PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def score(page: Any, number: int, value: int) -> None:
    page.locator(f'#theory-{number} label:has(input[value="{value}"])').click()


def test_two_hundred_items_on_a_phone_save_as_you_go_through_a_dropped_request(
    new_context, live_server, cast
) -> None:
    longlist = longlist_create(
        user=cast.facilitator,
        title="Two hundred",
        visibility="public",
        items=[ItemText(title=f"Idea {i}", summary=f"What idea {i} says.") for i in range(1, 201)],
    )
    group = group_create(user=cast.facilitator, name="Big list", longlist=longlist)
    membership_join(group=group, user=cast.member, via_invite=True)
    context = new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, cast.member.username)
    # The first save request is dropped by the network; later ones are slow but get through.
    dropped: list[str] = []

    def network(route: Any) -> None:
        if not dropped:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            page.wait_for_timeout(300)
            route.continue_()

    page.route(re.compile(r".*/rate/save/$"), network)
    page.goto(f"{live_server.url}/groups/{group.slug}/rate/")
    settle(page)
    assert page.locator(".progress").inner_text() == "0 of 200 rated."
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("fieldset[data-theory]").count() == 200

    score(page, 1, 7)
    status = page.locator("#theory-1 [data-row-status]")
    page.wait_for_function(
        "() => document.querySelector('#theory-1 [data-row-status]').textContent"
        ".includes('trying again')",
        timeout=10_000,
    )
    assert dropped, "the first save went through the dropping route"
    # Two more while the first is still waiting to be retried: they all go in the next send.
    score(page, 2, 3)
    score(page, 3, 10)
    assert page.locator(".progress").inner_text() == "3 of 200 rated."
    for number in (1, 2, 3):
        page.locator(f"#theory-{number} [data-row-status]").filter(has_text="Saved.").wait_for(
            timeout=15_000
        )
    assert status.inner_text() == "Saved."
    page.locator("[data-autosave-status]").filter(has_text="All changes saved.").wait_for()
    saved = dict(
        Rating.objects.filter(participant__user=cast.member, group=group).values_list(
            "theory__number", "score"
        )
    )
    assert saved == {1: 7, 2: 3, 3: 10}

    # Next unrated: from the third row, the fourth; the page scrolls to it and focuses it.
    page.locator('#theory-3 input[value="10"]').focus()
    page.locator("[data-next-unrated]").click()
    focused = page.evaluate("document.activeElement.closest('fieldset').id")
    assert focused == "theory-4"
    top = page.evaluate("document.getElementById('theory-4').getBoundingClientRect().top")
    assert -2 <= top < PHONE["height"] / 2  # at the top (sub-pixel rounding aside)
    # From far down the list, it wraps round to the first unrated after the one in view.
    page.locator('#theory-150 input[value=""]').focus()
    page.locator("[data-next-unrated]").click()
    assert page.evaluate("document.activeElement.closest('fieldset').id") == "theory-151"

    # Nothing was only on the page: a reload shows the same scores and the same count.
    page.unroute(re.compile(r".*/rate/save/$"))
    page.reload()
    settle(page)
    assert page.locator(".progress").inner_text() == "3 of 200 rated."
    assert page.locator('#theory-1 input[value="7"]').is_checked()
    assert page.locator('#theory-3 input[value="10"]').is_checked()
    assert not [e for e in errors if "connectionreset" not in e and "Failed to load" not in e], (
        errors
    )
