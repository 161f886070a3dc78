"""Issue 14 in headless Chromium: the app on a phone (390 × 844) and what an accessibility
checker says about every page. The charts are checked as drawn (Plotly's own full layout and
the tick labels in the DOM), not only as JSON."""

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from discussion.services import comment_create
from groups.models import Participant
from groups.services import group_create
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.services import RatingItem, rating_submission_create

from .conftest import PASSWORD, settle
from .test_authz_matrix import MATRIX, Ctx, list_extra
from .test_live_browser import seed_realistic_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# "Download my data" is a JSON attachment, not a page; nor is the proposal hint (JSON).
NOT_PAGES = ("health", "profile_data", "list_similar")  # list_similar: the hint's JSON
PAGES = [row for row in MATRIX if not row.api and row.method == "get" and row.name not in NOT_PAGES]


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_load_state()


def drawn(page, name: str) -> dict[str, Any]:
    """What Plotly actually drew in a chart box: axis types, tick labels, trace types."""
    return page.evaluate(
        """(name) => {
            const gd = document.querySelector(`[data-chart="${name}"]`);
            const full = gd._fullLayout;
            return {
                ytype: full.yaxis.type, xtype: full.xaxis.type,
                yticks: [...gd.querySelectorAll('.ytick text')].map(t => t.textContent),
                traces: gd._fullData.map(t => t.type),
                errorBars: gd.querySelectorAll('.errorbar').length,
                colorbars: gd.querySelectorAll('.colorbar').length,
                annotations: (full.annotations || []).map(a => a.text),
                text: gd._fullData.length ? gd._fullData[0].text : null,
                tickTops: [...gd.querySelectorAll('.ytick text')].map(t => t.getBoundingClientRect().top),
            };
        }""",
        name,
    )


def wait_for_chart(page, name: str) -> None:
    page.wait_for_function(
        '(name) => { const gd = document.querySelector(`[data-chart="${name}"]`);'
        " return gd && gd._fullLayout && gd.querySelector('.main-svg'); }",
        arg=name,
        timeout=15_000,
    )


def test_on_a_phone_the_charts_keep_categorical_axes_in_rank_order(
    new_context, live_server, cast, theories, rankings_backend
) -> None:
    seed_realistic_group(cast.public, theories)
    context = new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/groups/{cast.public.slug}/")
    ranked = page.evaluate(
        f"""fetch('/api/v1/groups/{cast.public.slug}/rankings/').then(r => r.json())
            .then(d => d.results.filter(r => r.n > 0).map(r => '#' + r.theory.number))"""
    )
    for name in ("bars", "heatmap"):
        wait_for_chart(page, name)
        chart = drawn(page, name)
        assert chart["ytype"] == "category", name
        # The phone labels are theory numbers; they must be drawn in rank order, top to bottom.
        order = [label for _, label in sorted(zip(chart["tickTops"], chart["yticks"], strict=True))]
        assert order == ranked, name
    assert drawn(page, "heatmap")["xtype"] == "category"
    assert drawn(page, "bars")["errorBars"] > 0  # twelve raters: intervals as whiskers
    wait_for_chart(page, "scatter")
    assert drawn(page, "scatter")["xtype"] == "linear"
    # Nothing wider than the phone; the ranking comes before any facilitator panel.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    table = page.locator(".ranking .table-scroll")
    assert table.get_attribute("tabindex") == "0"
    assert table.get_attribute("aria-label")
    assert page.locator(".scroll-cue").is_visible()
    assert not errors, errors


def test_an_empty_group_and_a_two_rater_group_show_their_own_states(
    new_context, live_server, cast, theories, rankings_backend
) -> None:
    empty = group_create(user=cast.facilitator, name="Nobody Yet", visibility="public")
    two = group_create(user=cast.facilitator, name="Just Two", visibility="public")
    for group in (empty, two):
        group.results_hidden = False  # open to onlookers, like the cast's public group
        group.save(update_fields=["results_hidden"])
    for i, scores in enumerate(({4: 9, 9: 9, 2: 5}, {4: 7, 9: 7, 2: 3})):
        person = Participant.objects.create(group=two, name=f"two-{i}")
        rating_submission_create(
            participant=person,
            items=[RatingItem(theory_id=theories[n - 1].id, score=s) for n, s in scores.items()],
            submitted_by=None,
            source="import",
        )
    ranking_recompute(scope=Scope.group(two.pk), force=True)
    ranking_recompute(scope=Scope.global_(), force=True)
    context = new_context(viewport=PHONE)
    page = context.new_page()

    page.goto(f"{live_server.url}/groups/{empty.slug}/")
    settle(page)
    for name in ("bars", "heatmap", "scatter"):
        box = page.locator(f'[data-chart="{name}"]')
        # Nothing drawn: no solid block, no ranked unrated theories, no empty axes.
        assert box.is_hidden(), name
        assert box.locator(".main-svg").count() == 0, name
    # The empty state is said once on the page, not once per chart.
    assert page.locator("body").inner_text().count("No ratings yet") == 1
    # Nobody rated: no theory is given a place in the table.
    ranks = page.locator(".ranking-table tbody tr td:first-child").all_inner_texts()
    assert ranks and all(text.strip() == "–" for text in ranks), ranks

    page.goto(f"{live_server.url}/groups/{two.slug}/")
    wait_for_chart(page, "bars")
    bars = drawn(page, "bars")
    assert bars["traces"] == ["scatter", "scatter"]  # points and the n column, no bars
    assert bars["errorBars"] == 0
    assert bars["ytype"] == "category"
    assert bars["yticks"] == ["#4", "#9", "#2"]
    page.wait_for_function(
        "document.querySelector('[data-chart-note=bars]').textContent.includes('not rated')"
    )
    wait_for_chart(page, "scatter")
    # Theories 4 and 9 coincide: one point labelled with both, not two labels on top of each other.
    assert drawn(page, "scatter")["text"] == ["4, 9", "2"]


# Every text Plotly wrote in a chart, as boxes; two that overlap are a label printed over another.
TEXT_BOXES = """(name) => [...document.querySelectorAll(`[data-chart="${name}"] svg text`)]
    .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map(t => { const r = t.getBoundingClientRect();
        return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })"""


def overlapping(boxes: list[dict[str, Any]], slack: float = 1.0) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["left"] < b["right"] - slack
        and b["left"] < a["right"] - slack
        and a["top"] < b["bottom"] - slack
        and b["top"] < a["bottom"] - slack
    ]


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["390", "1280"])
def test_the_charts_of_a_small_group_tell_the_truth_and_print_nothing_over_anything(
    new_context, live_server, cast, theories, rankings_backend, viewport
) -> None:
    seed_realistic_group(cast.public, theories, raters=5)
    page = new_context(viewport=viewport).new_page()
    page.goto(f"{live_server.url}/groups/{cast.public.slug}/")
    for name in ("bars", "heatmap", "scatter"):
        wait_for_chart(page, name)
    settle(page)
    for name in ("bars", "heatmap", "scatter"):
        assert overlapping(page.evaluate(TEXT_BOXES, name)) == [], name
    # The score axis is the scale: 1 to 10, every score ticked, nothing below 1 or above 10.
    ticks = page.evaluate(
        """() => [...document.querySelectorAll('[data-chart="bars"] .xtick text')]
            .map(t => t.textContent)"""
    )
    assert ticks == [str(s) for s in range(1, 11)]
    # Each theory's "n = k" sits right of every whisker (none runs into its label).
    clear = page.evaluate(
        """() => {
            const gd = document.querySelector('[data-chart="bars"]');
            const whiskers = [...gd.querySelectorAll('.errorbar path')]
                .map(p => p.getBoundingClientRect().right);
            const labels = [...gd.querySelectorAll('.textpoint text')]
                .filter(t => t.textContent.startsWith('n = '))
                .map(t => t.getBoundingClientRect().left);
            return {whiskers: Math.max(...whiskers), labels: Math.min(...labels),
                    count: labels.length};
        }"""
    )
    assert clear["count"] > 0 and clear["whiskers"] <= clear["labels"], clear
    # The colour bar counts raters: whole numbers only.
    bar_ticks = page.evaluate(
        """() => [...document.querySelectorAll('[data-chart="heatmap"] .colorbar .cbaxis text')]
            .map(t => t.textContent)"""
    )
    assert bar_ticks and all(t.strip().isdigit() for t in bar_ticks), bar_ticks


def test_the_rate_page_saves_with_the_keyboard_alone_on_a_phone(
    new_context, live_server, cast, theories
) -> None:
    context = new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, cast.member.username)
    page.goto(f"{live_server.url}/groups/{cast.public.slug}/rate/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # "Not rated" is chosen and neutral: not the filled look of a chosen score.
    not_rated = page.locator("#theory-1 .not-rated span")
    assert not_rated.evaluate("e => getComputedStyle(e).backgroundColor") != page.locator(
        "body"
    ).evaluate("() => getComputedStyle(document.querySelector('.button, button')).backgroundColor")
    bar = page.locator(".sticky-submit")
    page.locator("#theory-1 input[type=radio]").first.focus()
    covered = []
    rated = 0
    for _ in range(80):
        focused = page.evaluate(
            """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
                return {tag: e.tagName, type: e.type || '', name: e.name || '',
                        text: e.textContent.trim(), bottom: r.bottom, top: r.top}; }"""
        )
        if focused["tag"] == "BUTTON" and focused["text"] == "Save my ratings":
            break
        bar_top = bar.bounding_box()["y"]
        if focused["bottom"] > bar_top + 1 and focused["tag"] != "A":
            covered.append(focused)
        if focused["type"] == "radio" and rated < 3:
            # Arrows move within a theory's scale (from "Not rated" to 1, 2, ...).
            for _ in range(7 + rated):
                page.keyboard.press("ArrowRight")
            rated += 1
        page.keyboard.press("Tab")
    else:
        raise AssertionError("Tab never reached the save button")
    assert not covered, covered
    page.keyboard.press("Enter")
    page.wait_for_url("**/rate/#saved")
    message = page.locator(".message.success")
    from playwright.sync_api import expect

    expect(message).to_contain_text("Saved")
    expect(message).to_be_in_viewport()
    assert page.locator("#saved").evaluate("e => e === document.activeElement")
    assert page.locator("#saved [role=status] .message.success").count() == 1
    expect(page.locator("[data-rated-count]")).to_have_text("3")


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.slow
def test_no_page_has_a_serious_accessibility_violation_signed_in_or_out_on_desktop_and_phone(
    new_context, live_server, cast, theories, make_user, rankings_backend
) -> None:
    ctx = Ctx(cast=cast, group=cast.public, theory=theories[2], staff=make_user("stan"))
    ctx.extra.update(list_extra(cast, "public"))  # the list pages' rows
    for key, author in (("comment", cast.facilitator), ("member_comment", cast.member)):
        ctx.extra[key] = comment_create(
            author=author, theory=ctx.theory, group=ctx.group, body="**Bold** and a comment."
        )
    seed_realistic_group(cast.public, theories, raters=4)
    urls = sorted(
        {
            reverse(row.name, kwargs=row.kwargs(ctx))
            for row in PAGES
            if row.name != "group_import_job"
        }
    )
    assert len(urls) >= 15
    problems: list[str] = []
    checked = 0
    for viewport in (DESKTOP, PHONE):
        for who in (None, cast.facilitator.username):
            # axe is injected by evaluate: let it past the page's CSP (tests/test_csp_browser.py
            # holds the policy itself).
            context = new_context(viewport=viewport, bypass_csp=True)
            page = context.new_page()
            if who:
                log_in(page, live_server, who)
            seen: set[str] = set()
            for path in urls:
                response = page.goto(f"{live_server.url}{path}")
                if response is None or response.status >= 400:
                    continue  # a refusal page for this visitor; the 404 page is checked below
                landed = urlsplit(page.url).path
                if landed in seen:
                    continue  # a redirect to a page already checked (the sign-in page, mostly)
                seen.add(landed)
                settle(page)  # the charts fetched and drawn
                checked += 1
                problems.extend(
                    f"{viewport['width']}px {who or 'anonymous'} {path}: {v}"
                    for v in axe_violations(page)
                )
            page.goto(f"{live_server.url}/groups/{cast.private.slug}x/")
            problems.extend(f"404 page: {v}" for v in axe_violations(page))
            context.close()
    print(f"\naxe: {checked} pages checked")
    assert checked >= 4 * 12
    assert not problems, "\n".join(problems)
