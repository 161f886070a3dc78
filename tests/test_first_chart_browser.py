"""Issue 24 in Chromium: nothing waits for plotly.js. While it is held back, the page is
complete (table, DOMContentLoaded) and its first chart is the server's static drawing, the
phone's at 390 px and the wide one on a desktop; when plotly.js arrives, Plotly's interactive
chart takes the drawing's place, at the height the drawing held."""

import pytest

from .test_live_browser import seed_realistic_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLOTLY = "**/plotly-basic*.js"


@pytest.mark.parametrize(
    ("width", "shown", "other"), [(390, "narrow", "wide"), (1280, "wide", "narrow")]
)
def test_the_static_chart_shows_until_plotly_js_arrives_and_then_gives_way(
    browser, live_server, cast, theories, rankings_backend, width, shown, other
) -> None:
    from playwright.sync_api import expect

    seed_realistic_group(cast.public, theories)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    held = []
    page.route(PLOTLY, lambda route: held.append(route))  # answered when the test says
    page.goto(f"{live_server.url}/groups/{cast.public.slug}/", wait_until="domcontentloaded")
    bars = page.locator('[data-chart="bars"]')
    expect(bars.locator(f"svg.chart-static-{shown}")).to_be_visible()
    expect(bars.locator(f"svg.chart-static-{other}")).to_be_hidden()
    expect(page.locator(".ranking-table tbody tr").first).to_be_visible()
    # The live table polls without plotly.js: the first poll's answer has been drawn.
    page.wait_for_function(
        "document.readyState === 'complete' || document.readyState === 'interactive'"
    )
    assert bars.locator(".main-svg").count() == 0
    assert held, "plotly.js was asked for while the page showed the static chart"
    drawn = bars.locator(f"svg.chart-static-{shown}").bounding_box()
    assert drawn is not None and drawn["height"] > 300
    for route in held:
        route.continue_()
    page.unroute(PLOTLY)
    expect(bars.locator(".main-svg").first).to_be_visible(timeout=15_000)
    expect(bars.locator("svg.chart-static")).to_have_count(0)
    interactive = bars.bounding_box()
    assert interactive is not None
    assert abs(interactive["height"] - drawn["height"]) <= 2  # nothing below it moved
    assert not errors
    context.close()


def test_the_theory_page_draws_its_distribution_before_plotly_js(
    browser, live_server, cast, theories, rankings_backend
) -> None:
    from playwright.sync_api import expect

    seed_realistic_group(cast.public, theories)
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    held = []
    page.route(PLOTLY, lambda route: held.append(route))
    page.goto(f"{live_server.url}/theories/{theories[0].slug}/", wait_until="domcontentloaded")
    box = page.locator('[data-chart="distribution"]')
    expect(box.locator("svg.chart-static-narrow")).to_be_visible()
    expect(box.locator("svg.chart-static-narrow")).to_contain_text("All public groups")
    # The distribution table fills in from the API meanwhile.
    expect(page.locator('[data-table="distribution"] tbody tr').first).to_be_visible()
    for route in held:
        route.continue_()
    page.unroute(PLOTLY)
    expect(box.locator(".main-svg").first).to_be_visible(timeout=15_000)
    expect(box.locator("svg.chart-static")).to_have_count(0)
    context.close()
