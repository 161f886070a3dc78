"""Issue 13 end to end: the recompute stores how sure each ranking is (rank intervals, tiers,
flags, Kendall's W, comparisons with reference orders); the API, the CSV and the pages show it.
The statistics themselves are tested in tests/test_uncertainty.py; here, that they arrive."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from groups.models import Participant
from maths.agreement import compare_orders
from maths.rank_intervals import POST_ORDER
from rankings.ranking_cache import ranking_body
from rankings.scope import Scope
from rankings.selectors import ranking_get
from rankings.services import ranking_recompute
from ratings.services.rounds import round_open_next
from tests.factories import rate

REFERENCE_KEYS = {"key", "name", "kendall_tau_b", "kendall_tau_b_interval", "rbo"}


def people(group, count: int, prefix: str = "r") -> list[Participant]:
    return [Participant.objects.create(group=group, name=f"{prefix}{i}") for i in range(count)]


def spread_group(group, theories, raters: int = 6) -> None:
    """Raters who agree on some theories and not on others; theory 20 unrated."""
    for i, person in enumerate(people(group, raters)):
        rate(person, {n: (n * 7 + i * (n % 4)) % 10 + 1 for n in range(1, 20)})


def rankings(api, group) -> dict:
    response = api().get(f"/api/v1/groups/{group.slug}/rankings/")
    assert response.status_code == 200
    return response.json()


def test_every_rated_row_carries_a_rank_interval_that_contains_its_rank(
    cast, api, theories
) -> None:
    spread_group(cast.public, theories)
    ranking_recompute(scope=Scope.group(cast.public.pk))
    data = rankings(api, cast.public)
    rated = [r for r in data["results"] if r["n"]]
    assert len(rated) == 19
    for row in rated:
        low, high = row["rank_interval"]
        assert 1 <= low <= row["rank"] <= high <= 20
        assert row["tier"] >= 1
        assert isinstance(row["flags"], list) and row["in_words"]
    assert any(r["rank_interval"][0] < r["rank_interval"][1] for r in rated)  # some are unsure
    unrated = data["results"][-1]
    assert (unrated["n"], unrated["rank_interval"], unrated["tier"]) == (0, None, None)
    summary = data["summary"]
    assert summary["uncertainty_reason"] is None
    assert summary["rank_intervals"]["resamples"] == 2000
    assert summary["rank_intervals"]["n"] == 6
    # The tiers partition the rated theories, in rank order, and the sentence names the top one.
    assert [n for tier in summary["tiers"] for n in tier] == [r["theory"]["number"] for r in rated]
    top = summary["tiers"][0]
    assert str(top[0]) in summary["tier_sentence"]


def test_unanimous_raters_give_every_theory_its_exact_rank(cast, api, theories) -> None:
    for person in people(cast.public, 5):
        rate(person, {n: (n % 10) + 1 for n in range(1, 21)})
    ranking_recompute(scope=Scope.group(cast.public.pk))
    for row in rankings(api, cast.public)["results"]:
        assert row["rank_interval"] == [row["rank"], row["rank"]]
        assert row["flags"] == ["consensus"]


def test_below_three_raters_there_are_no_intervals_tiers_or_flags_and_the_reason_is_given(
    cast, api, theories
) -> None:
    for person, scores in zip(people(cast.public, 2), [(1, 10), (10, 1)], strict=True):
        rate(person, {1: scores[0], 2: scores[1], 3: 5})
    ranking_recompute(scope=Scope.group(cast.public.pk))
    data = rankings(api, cast.public)
    assert all(r["rank_interval"] is None and r["tier"] is None for r in data["results"])
    assert all(r["flags"] == [] for r in data["results"])
    summary = data["summary"]
    assert summary["uncertainty_reason"].startswith("With 2 raters there are no rank intervals")
    assert summary["tier_sentence"] == summary["uncertainty_reason"]
    assert summary["tiers"] == []
    assert summary["kendall_w"]["value"] is None
    assert summary["kendall_w"]["n_raters"] == 2
    post = next(r for r in summary["references"] if r["key"] == "post")
    assert post["kendall_tau_b_interval"] is None  # nothing to resample
    page = Client().get(reverse("group_detail", args=[cast.public.slug])).content.decode()
    assert "With 2 raters there are no rank intervals" in page


def test_a_split_theory_is_flagged_with_its_counts_in_words(cast, api, theories) -> None:
    for person, score in zip(people(cast.public, 6), [1, 2, 9, 10, 9, 5], strict=True):
        rate(person, {1: score, 2: 7})
    ranking_recompute(scope=Scope.group(cast.public.pk))
    rows = {r["theory"]["number"]: r for r in rankings(api, cast.public)["results"]}
    assert rows[1]["flags"] == ["split"]
    assert rows[1]["in_words"] == "3 of 6 rated it 8 or more; 2 rated it 3 or less."
    assert rows[2]["flags"] == ["consensus"]
    page = Client().get(reverse("group_detail", args=[cast.public.slug])).content.decode()
    assert '<span class="flag flag-split">split</span>' in page
    assert "3 of 6 rated it 8 or more; 2 rated it 3 or less." in page


def post_order_group(group, theories) -> None:
    """Three raters whose means put the 19 theories of the post exactly in the post's order."""
    for k, person in enumerate(people(group, 3)):
        scores = {}
        for position, number in enumerate(POST_ORDER):
            total = 30 - position  # 30, 29, …, 12 over three raters: strictly decreasing means
            scores[number] = total // 3 + (1 if k < total % 3 else 0)
        rate(person, scores)


def test_the_post_reference_of_the_posts_own_order_has_tau_b_and_rbo_of_one(
    cast, api, theories
) -> None:
    post_order_group(cast.public, theories)
    ranking_recompute(scope=Scope.group(cast.public.pk))
    data = rankings(api, cast.public)
    order = [r["theory"]["number"] for r in data["results"] if r["n"]]
    assert order == POST_ORDER
    post = next(r for r in data["summary"]["references"] if r["key"] == "post")
    assert set(post) >= REFERENCE_KEYS
    assert post["name"] == "the post's group"
    itself = compare_orders(POST_ORDER, POST_ORDER)
    assert post["kendall_tau_b"] == itself.kendall_tau_b == pytest.approx(1.0)
    assert post["rbo"] == itself.rbo == 1.0
    low, high = post["kendall_tau_b_interval"]
    assert -1 <= low <= high <= 1
    assert post["n"] == 19 and post["largest_differences"] == []
    assert post["sentence"].startswith("Your group agrees with the post's group on the top three")


def test_the_group_page_says_how_the_group_differs_from_the_post(cast, api, theories) -> None:
    # Theory 5, last in the post, first here; the rest in the post's order.
    for person in people(cast.public, 4):
        rate(person, {n: 10 - i // 2 for i, n in enumerate([5, *POST_ORDER[:-1]])})
    ranking_recompute(scope=Scope.group(cast.public.pk))
    post = next(
        r for r in rankings(api, cast.public)["summary"]["references"] if r["key"] == "post"
    )
    assert post["largest_differences"][0]["theory"] == 5
    assert "you rate 5 much higher" in post["sentence"]
    page = Client().get(reverse("group_detail", args=[cast.public.slug])).content.decode()
    assert post["sentence"].replace("'", "&#x27;") in page
    assert 'href="/methods/#references"' in page


def test_the_global_reference_is_the_stored_global_order(cast, api, theories) -> None:
    spread_group(cast.other, theories)
    ranking_recompute(scope=Scope.group(cast.other.pk))
    world = ranking_recompute(scope=Scope.global_())
    spread_group(cast.public, theories, raters=4)
    ranking_recompute(scope=Scope.group(cast.public.pk))
    references = {r["key"]: r for r in rankings(api, cast.public)["summary"]["references"]}
    assert set(references) == {"post", "global"}
    mine = [
        r["theory"]["number"]
        for r in ranking_get(scope=Scope.group(cast.public.pk)).results
        if r["n"]
    ]
    theirs = [r["theory"]["number"] for r in world.results if r["n"]]
    assert references["global"]["kendall_tau_b"] == compare_orders(mine, theirs).kendall_tau_b
    assert set(references["global"]) >= REFERENCE_KEYS


def test_the_global_ranking_has_intervals_from_resampling_its_groups_and_no_references(
    cast, api, theories, make_user
) -> None:
    # Issue 23: the global ranking is a ranking of groups, so its intervals resample groups
    # (before, the normal approximation from the pooled histograms); three groups, the least
    # that has intervals.
    from groups.services import group_create, group_listing_decide, group_update

    third = group_create(user=make_user("thea"), name="Third group", visibility="public")
    group_update(group=third, results_hidden=False)
    group_listing_decide(group=third, listed=True)
    for group, raters in ((cast.public, 6), (cast.other, 4), (third, 5)):
        spread_group(group, theories, raters=raters)
        ranking_recompute(scope=Scope.group(group.pk))
    ranking_recompute(scope=Scope.global_())
    data = api().get("/api/v1/rankings/").json()
    assert data["summary"]["references"] == []
    assert data["summary"]["kendall_w"]["value"] is None
    assert "bootstrap over groups" in data["summary"]["rank_intervals"]["method"]
    assert data["summary"]["rank_intervals"]["n"] == data["groups"] == 3
    for row in data["results"]:
        if row["n"]:
            assert row["rank_interval"][0] <= row["rank"] <= row["rank_interval"][1]
        else:
            assert row["rank_interval"] is None


def test_the_previous_round_becomes_a_reference_once_round_two_is_open(cast, api, theories) -> None:
    group = cast.public
    raters = people(group, 4)
    for i, person in enumerate(raters):
        rate(person, {n: (n + i) % 10 + 1 for n in range(1, 11)})
    first = ranking_recompute(scope=Scope.group(group.pk))
    assert "round-1" not in {r["key"] for r in first.summary["references"]}
    round_open_next(group=group, user=cast.facilitator)
    ranking_recompute(scope=Scope.round(group.pk, 1))
    for i, person in enumerate(raters):
        rate(person, {n: (n * 3 + i) % 10 + 1 for n in range(1, 11)})
    for scope in (Scope.group(group.pk), Scope.round(group.pk, 2)):
        stored = ranking_recompute(scope=scope, force=True)
        keys = [r["key"] for r in stored.summary["references"]]
        assert keys.count("round-1") == 1, scope
        reference = next(r for r in stored.summary["references"] if r["key"] == "round-1")
        assert reference["name"] == "your round 1"
        assert reference["kendall_tau_b_interval"] is not None
    round_one = ranking_recompute(scope=Scope.round(group.pk, 1), force=True)
    assert "round-1" not in {r["key"] for r in round_one.summary["references"]}
    data = api().get(f"/api/v1/groups/{group.slug}/rankings/?round=2").json()
    assert any(r["key"] == "round-1" for r in data["summary"]["references"])
    assert all(
        r["rank_interval"] is None or r["rank_interval"][0] <= r["rank"] for r in data["results"]
    )


def test_two_recomputes_of_the_same_ratings_store_identical_figures(cast, api, theories) -> None:
    spread_group(cast.public, theories)
    first = ranking_recompute(scope=Scope.group(cast.public.pk))
    second = ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    assert second.version == first.version + 1
    assert second.results == first.results
    assert second.summary == first.summary


def test_the_same_ratings_in_another_rater_order_give_the_same_intervals(cast, theories) -> None:
    ratings = [{n: (n * 7 + i * (n % 4)) % 10 + 1 for n in range(1, 20)} for i in range(6)]
    for person, scores in zip(people(cast.public, 6), ratings, strict=True):
        rate(person, scores)
    for person, scores in zip(people(cast.other, 6, "x"), reversed(ratings), strict=True):
        rate(person, scores)
    one = ranking_recompute(scope=Scope.group(cast.public.pk))
    other = ranking_recompute(scope=Scope.group(cast.other.pk))
    assert [r["rank_interval"] for r in one.results] == [r["rank_interval"] for r in other.results]
    assert one.summary["references"][0] == other.summary["references"][0]


def test_the_cached_body_with_the_new_figures_is_what_the_api_renders(
    cast, api, theories, django_capture_on_commit_callbacks
) -> None:
    """The body the recompute caches is the stored ranking rendered (the new floats, nulls and
    non-ASCII sentences included), and the read from the database renders the same data. (On
    PostgreSQL jsonb returns the rows' keys in its own order, so the database read's bytes are
    compared with its own rendering and the content with the cached one.)"""
    from django.core.cache import cache

    from rankings.ranking_cache import RankingView

    spread_group(cast.public, theories)
    with django_capture_on_commit_callbacks(execute=True):  # the recompute caches the body
        stored = ranking_recompute(scope=Scope.group(cast.public.pk))
    url = f"/api/v1/groups/{cast.public.slug}/rankings/"
    cached = api().get(url)
    assert cached.content == ranking_body(RankingView.of(stored))
    assert b'"rank_interval":[' in cached.content and b'"references":[' in cached.content
    assert "√".encode() in cached.content  # the method's sentence, unescaped UTF-8
    cache.clear()  # the same read the long way, from the database
    from_database = api().get(url)
    assert from_database.content == ranking_body(ranking_get(scope=Scope.group(cast.public.pk)))
    assert from_database.json() == cached.json()
    assert from_database["ETag"] == cached["ETag"]


@pytest.mark.django_db
def test_the_schema_documents_the_rank_uncertainty_fields(api) -> None:
    schema = api().get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    row = schema["RankingRow"]["properties"]
    assert {"rank_interval", "tier", "flags", "in_words"} <= set(row)
    assert row["rank_interval"]["nullable"] is True
    summary = schema["RankingSummary"]["properties"]
    assert {"references", "kendall_w", "tier_sentence", "tiers", "uncertainty_reason"} <= set(
        summary
    )
    reference = schema["Reference"]["properties"]
    assert REFERENCE_KEYS | {"largest_differences", "sentence", "n"} <= set(reference)


def test_the_group_page_shows_ranks_with_their_range_and_links_every_figure_to_methods(
    cast, theories
) -> None:
    spread_group(cast.public, theories)
    ranking = ranking_recompute(scope=Scope.group(cast.public.pk))
    page = Client().get(reverse("group_detail", args=[cast.public.slug])).content.decode()
    first = ranking.results[0]
    low, high = first["rank_interval"]
    assert f'{first["rank"]} <span class="rank-interval">({low}–{high})</span>' in page
    for anchor in ("rank-intervals", "flags", "tiers", "kendall-w", "alpha", "references"):
        assert f'href="/methods/#{anchor}"' in page, anchor
    assert "Kendall's W = " in page and "(n = 6 raters)" in page
    assert ranking.summary["tier_sentence"] in page.replace("&#x27;", "'")


def test_the_methods_page_has_an_anchor_for_every_figure_and_follows_docs_methods(
    theories,
) -> None:
    response = Client().get("/methods/")
    assert response.status_code == 200
    html = response.content.decode()
    anchors = set(re.findall(r'<h[23] id="([a-z-]+)"', html))
    assert {"rank-intervals", "tiers", "flags", "alpha", "kendall-w", "references"} <= anchors
    source = (Path(__file__).resolve().parent.parent / "docs" / "methods.md").read_text()
    headings = re.findall(r"^#{2,3} (.+?)(?: \{#[a-z-]+\})?$", source, flags=re.M)
    shown = [
        re.sub(r"\s+<a class=\"anchor\".*", "", h)
        for h in re.findall(r"<h[23] id=\"[a-z-]+\">(.*?)</h[23]>", html)
    ]
    assert headings == [unescape(h) for h in shown]
    assert 'href="/methods/"' in Client().get("/").content.decode()  # the footer links it


def test_a_group_of_more_than_sixty_raters_takes_the_normal_approximation(cast, theories) -> None:
    """The bootstrap's cost grows with every rater; past 60 the means' normal approximation
    (the global ranking's method) gives the intervals, and Kendall's W is still computed."""
    from maths.ranking import BOOTSTRAP_MAX_RATERS, RANK_INTERVAL_METHODS
    from rankings.services import ranking_recompute

    for i in range(BOOTSTRAP_MAX_RATERS + 1):
        person = Participant.objects.create(group=cast.public, name=f"p{i}")
        rate(person, {1: 9 - i % 3, 2: 5 + i % 4, 3: 2 + i % 2})
    summary = ranking_recompute(scope=Scope.group(cast.public.pk), force=True).summary
    assert summary["rank_intervals"]["method"] == RANK_INTERVAL_METHODS["normal"]
    assert summary["rank_intervals"]["n"] == BOOTSTRAP_MAX_RATERS + 1
    assert summary["kendall_w"]["value"] is not None
