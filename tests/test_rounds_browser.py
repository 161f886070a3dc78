"""Issue 12 in headless Chromium at phone width: a two-round session with three people. They
rate, the facilitator reveals the results, one argues in the group thread, the facilitator opens
round 2, another re-rates citing that comment, and everyone reads the changes view."""

import pytest

from discussion.models import Comment
from groups.services import group_update, membership_join
from ratings.models import SubmissionItem

from .test_phone_browser import PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def rate(page, live_server, slug: str, scores: dict[int, int]) -> None:
    page.goto(f"{live_server.url}/groups/{slug}/rate/")
    for theory_id, score in scores.items():
        page.locator(
            f"label.score-option:has(input[name='score_{theory_id}'][value='{score}'])"
        ).click()
    page.get_by_role("button", name="Save my ratings").click()
    page.wait_for_load_state()
    assert page.locator("#saved").get_by_text("Saved:").is_visible()


def test_a_two_round_session_on_phones_shows_who_moved_and_which_argument_did_it(
    new_context, live_server, cast, make_user, theories, rankings_backend
) -> None:
    t1, t2 = theories[0], theories[1]
    group = cast.public
    group_update(group=group, results_hidden=True)
    tess = make_user("tess")
    membership_join(group=group, user=tess)
    people = {}
    for user in (cast.facilitator, cast.member, tess):
        context = new_context(viewport=PHONE)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        log_in(page, live_server, user.username)
        people[user.username] = (page, errors)
    fay, mo, tess_page = people["fay"][0], people["mo"][0], people["tess"][0]

    # Round 1: everyone rates privately.
    rate(fay, live_server, group.slug, {t1.id: 3, t2.id: 5})
    rate(mo, live_server, group.slug, {t1.id: 8, t2.id: 6})
    rate(tess_page, live_server, group.slug, {t1.id: 4, t2.id: 7})

    # The facilitator reveals the results to everyone.
    fay.goto(f"{live_server.url}/groups/{group.slug}/")
    fay.locator("details.facilitator-panel > summary").click()
    fay.get_by_role("button", name="Reveal results to everyone").click()
    fay.wait_for_load_state()

    # mo argues in the group's thread on theory 1.
    mo.goto(f"{live_server.url}/groups/{group.slug}/theories/{t1.slug}/")
    mo.locator("#new-body").fill("It gives alignment research fast, rich feedback.")
    mo.get_by_role("button", name="Post comment").click()
    mo.wait_for_load_state()
    argument = Comment.objects.get(group=group, theory=t1)

    # The facilitator closes round 1 and opens round 2, after a confirmation that says what
    # happens.
    fay.goto(f"{live_server.url}/groups/{group.slug}/")
    fay.get_by_text("Close round 1 and open round 2…").click()
    assert fay.get_by_text("everyone can rate again in round 2").is_visible()
    fay.get_by_role("button", name="Yes, open round 2").click()
    fay.wait_for_load_state()
    assert fay.get_by_role("heading", name="Round 2 is open").is_visible()

    # tess re-rates theory 1, naming mo's comment as what moved her; the rest is kept.
    tess_page.goto(f"{live_server.url}/groups/{group.slug}/rate/")
    assert tess_page.get_by_text("Your round 1 score:").first.is_visible()
    tess_page.locator(f"label.score-option:has(input[name='score_{t1.id}'][value='7'])").click()
    tess_page.locator(f"select[name='moved_by_{t1.id}']").select_option(str(argument.pk))
    tess_page.get_by_role("button", name="Save my ratings").click()
    tess_page.wait_for_load_state()
    cited = SubmissionItem.objects.get(submission__round=2, theory=t1)
    assert (cited.score, cited.moved_by_id) == (7, argument.pk)

    # Everyone reads the changes view: the sentences, the table and the slope chart.
    mo.goto(f"{live_server.url}/groups/{group.slug}/")
    mo.get_by_role("link", name="Who changed their mind").click()
    mo.wait_for_load_state()
    assert mo.get_by_text(
        "1 person changed 1 of 2 ratings between round 1 and round 2"
    ).is_visible()
    assert mo.get_by_text("1 of the 1 moves named an argument that moved them.").is_visible()
    mo.wait_for_function(
        "() => { const gd = document.querySelector('[data-slope-chart]');"
        " return gd && gd._fullLayout && gd.querySelector('.main-svg'); }",
        timeout=15_000,
    )
    axis = mo.evaluate("() => document.querySelector('[data-slope-chart]')._fullLayout.xaxis.type")
    assert axis == "category"
    width = mo.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the changes view scrolls sideways on a phone"

    # The thread says the comment moved a rating, without naming who.
    mo.goto(f"{live_server.url}/groups/{group.slug}/theories/{t1.slug}/")
    assert mo.get_by_text("moved 1 rating, mean +3.0").is_visible()
    for name, (_, errors) in people.items():
        assert errors == [], f"{name}: {errors}"
