"""One column list for the ranking table (ratings/ranking_columns.py): the page's table, the
script that redraws it and the rankings CSV all follow it, so a statistic added to the list
shows up in all three."""

import csv
import io
import json
import re
from html import unescape

import pytest

from rankings import ranking_columns
from rankings.ranking_columns import RANKING_COLUMNS, Column, csv_header, page_columns
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.models import Participant

from .factories import rate
from .test_pages import ranking_rows

pytestmark = pytest.mark.django_db


def headings(html: str) -> list[str]:
    table = re.search(r'<table class="ranking-table">.*?</table>', html, flags=re.S)
    assert table
    cells = re.findall(r"<th\b[^>]*>(.*?)</th>", table.group(0), flags=re.S)
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", c))).strip() for c in cells]


def script_columns(html: str) -> list[dict[str, object]]:
    found = re.search(r'<script id="ranking-columns" type="application/json">(.*?)</script>', html)
    assert found, "the page hands its script no column list"
    columns: list[dict[str, object]] = json.loads(found.group(1))
    return columns


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def spread(group, theories) -> None:
    for i in range(4):
        person = Participant.objects.create(group=group, name=f"r{i}")
        rate(person, {theories[0]: 9, theories[1]: 3 + i, theories[2]: 1 + 3 * i})


def test_the_page_the_script_and_the_csv_follow_the_one_column_list(
    cast, client, api, theories
) -> None:
    spread(cast.public, theories)
    ranking_recompute(scope=Scope.group(cast.public.pk))
    page = client.get(f"/groups/{cast.public.slug}/")
    html = page.content.decode()
    shown = page_columns()
    assert headings(html) == [
        "Rank (range)",
        "Theory",
        "n",
        "Mean",
        "Median",
        "Adjusted",
        "Rated by",
        "SD",
        "Controversy",
        "Pattern",
    ]
    assert len(headings(html)) == len(shown)
    assert [c["key"] for c in script_columns(html)] == [c.key for c in shown]
    assert all(len(row) == len(shown) for row in ranking_rows(page))
    exported = csv_rows(api().get(f"/api/v1/groups/{cast.public.slug}/export/rankings.csv"))
    assert exported[0] == csv_header()
    assert {len(row) for row in exported} == {len(csv_header())}


def test_a_column_added_to_the_list_reaches_the_page_the_script_and_the_csv(
    cast, client, api, theories, monkeypatch
) -> None:
    """What adding a statistic costs: one more entry (the row's field already exists here)."""
    spread(cast.public, theories)
    ranking = ranking_recompute(scope=Scope.group(cast.public.pk))
    assert ranking is not None
    extra = Column("ci_low", "number", heading="Low", csv=("ci_low",), digits=2)
    monkeypatch.setattr(ranking_columns, "RANKING_COLUMNS", (*RANKING_COLUMNS, extra))
    page = client.get(f"/groups/{cast.public.slug}/")
    html = page.content.decode()
    assert headings(html)[-1] == "Low"
    assert script_columns(html)[-1] == {"key": "ci_low", "kind": "number", "digits": 2}
    top = ranking.results[0]
    assert top["ci_low"] is not None
    assert ranking_rows(page)[0][-1] == f"{top['ci_low']:.2f}"
    exported = csv_rows(api().get(f"/api/v1/groups/{cast.public.slug}/export/rankings.csv"))
    assert exported[0][-1] == "ci_low"
    assert float(exported[1][-1]) == top["ci_low"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_script_redraws_the_very_cells_the_page_drew(
    browser, live_server, client, cast, theories
) -> None:
    """The table as the server drew it, and as the script redraws it from the API with the
    page's column list: the same cells. (Scores chosen so that no statistic sits on a rounding
    tie, where Python's and JavaScript's rounding may part.)"""
    from playwright.sync_api import expect

    spread(cast.public, theories)
    ranking_recompute(scope=Scope.group(cast.public.pk))
    drawn = ranking_rows(client.get(f"/groups/{cast.public.slug}/"))
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/groups/{cast.public.slug}/")
    # Rows carry data-theory only once the script has redrawn them from the API.
    expect(page.locator(".ranking-table tbody tr[data-theory]").first).to_be_visible(timeout=15_000)
    redrawn = page.evaluate(
        """() => [...document.querySelectorAll('.ranking-table tbody tr')].map(
            (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent))"""
    )
    context.close()
    assert [[re.sub(r"\s+", " ", c).strip() for c in row] for row in redrawn] == drawn
    assert drawn[0][2:5] == ["4", "9.00", "9.0"]  # n, mean, median
    # Issue 22: the adjusted score with its interval, and "rated by k of n"; then SD, controversy.
    assert drawn[0][5:9] == ["9.00 (6.59–10.00)", "4 of 4", "0.00", "0.00"]
    assert not errors, errors
