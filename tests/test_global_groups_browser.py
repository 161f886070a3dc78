"""Issue 23 item 1 in a real browser: the home page's global ranking shows the groups and raters
behind each theory, says its rule in one sentence, and keeps the groups column when it redraws
live; on a phone and on a desktop, with nothing serious for axe."""

import pytest

from groups.services import group_create, group_listing_decide, group_update

from .test_live_browser import seed_realistic_group
from .test_phone_browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cells_and_groups(page):
    """Per row: (number of cells, the Groups cell's text), and the header's cell count."""
    return page.evaluate(
        """() => {
            const table = document.querySelector('.ranking-table');
            const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
            const col = heads.indexOf('Groups');
            const rows = [...table.querySelectorAll('tbody tr')].map(
                tr => [tr.cells.length, col < 0 ? null : tr.cells[col].textContent.trim()]);
            return {heads: heads.length, col, rows};
        }"""
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_the_home_page_shows_the_groups_behind_each_theory_and_keeps_them_live(
    width, browser, live_server, cast, theories, api, make_user, rankings_backend
) -> None:
    from playwright.sync_api import expect

    from rankings.scope import Scope
    from rankings.services import ranking_recompute

    seed_realistic_group(cast.public, theories, raters=6)
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/")
    expect(page.locator("[data-global-groups-rule]")).to_contain_text("one voice per group")
    expect(page.locator('.ranking-meta [data-field="groups"]')).to_have_text("1")
    table = cells_and_groups(page)
    assert table["col"] == 3  # rank, theory, n, Groups
    assert all(cells == table["heads"] for cells, _ in table["rows"])
    body = api().get("/api/v1/rankings/").json()
    assert [g for _, g in table["rows"]] == [str(r["groups"]) for r in body["results"]]

    # A second listed group rates: the page redraws from the API and keeps the column.
    second = group_create(user=make_user("sid"), name="Second group", visibility="public")
    group_update(group=second, results_hidden=False)
    group_listing_decide(group=second, listed=True)
    seed_realistic_group(second, theories, raters=4)
    ranking_recompute(scope=Scope.global_(), force=True)
    expect(page.locator('.ranking-meta [data-field="groups"]')).to_have_text("2", timeout=15_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.ranking-table tbody tr')]"
        ".some(tr => tr.cells[3].textContent.trim() === '2')",
        timeout=15_000,
    )
    table = cells_and_groups(page)
    assert all(cells == table["heads"] for cells, _ in table["rows"])
    body = api().get("/api/v1/rankings/").json()
    assert [g for _, g in table["rows"]] == [str(r["groups"]) for r in body["results"]]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not axe_violations(page)
    assert not errors, errors
    context.close()
