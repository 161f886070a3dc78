"""Issue 13 in a real headless Chromium: the page script redraws the ranks with their range, the
pattern labels and the sentences below the table from the rankings API."""

import re

import pytest

from groups.models import Participant
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.services import RatingItem, rating_submission_create

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_live_table_redraws_ranks_with_their_range_and_the_pattern_labels(
    new_context, live_server, cast, theories
) -> None:
    from playwright.sync_api import expect

    # Theory 1 splits the room (three love it, three hate it); the rest are spread out.
    for i, split in enumerate([1, 2, 2, 9, 10, 10]):
        person = Participant.objects.create(group=cast.public, name=f"r{i}")
        scores = {1: split, **{n: (n * 7 + i * (n % 4)) % 10 + 1 for n in range(2, 20)}}
        rating_submission_create(
            participant=person,
            items=[RatingItem(theory_id=theories[n - 1].id, score=s) for n, s in scores.items()],
            submitted_by=None,
            source="api",
        )
    ranking = ranking_recompute(scope=Scope.group(cast.public.pk))
    first = ranking.results[0]

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}/groups/{cast.public.slug}/")
    # Rows carry data-theory only once the script has redrawn them from the API.
    redrawn = page.locator(".ranking-table tbody tr[data-theory]")
    expect(redrawn.first).to_be_visible(timeout=15_000)
    low, high = first["rank_interval"]
    expect(redrawn.first.locator("td").first).to_have_text(f"{first['rank']} ({low}–{high})")
    for row in redrawn.all():
        # A rank with its range, a rank alone, or "–" for a theory nobody rated (no place).
        assert re.fullmatch(r"\d+ \(\d+–\d+\)|\d+|–", row.locator("td").first.inner_text())
    split_row = page.locator(f'.ranking-table tbody tr[data-theory="{theories[0].id}"]')
    expect(split_row.locator(".flag-split")).to_have_text("split")
    expect(split_row.locator(".flag-words")).to_have_text(
        "3 of 6 rated it 8 or more; 3 rated it 3 or less."
    )
    expect(page.locator('[data-field="kendall-w"]')).to_contain_text("(n = 6 raters)")
    expect(page.locator('[data-reference="post"]')).to_contain_text("Kendall's τ-b = ")
    expect(page.locator('[data-field="tier-sentence"]')).to_have_text(
        ranking.summary["tier_sentence"]
    )
    page.screenshot(path=str(ARTIFACTS / "rank-uncertainty.png"), full_page=True)
    assert not errors, errors
