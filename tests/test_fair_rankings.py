"""Issue 22 item 4-5: rankings that are fair to who rated what. Every row states its coverage
(how many of the scope's raters rated it) and, beside the raw mean, an adjusted score (the item's
effect in the additive model score = item + rater + noise, maths/adjusted.py, itself checked
against statsmodels in tests/test_adjusted_score.py), with its interval, or "not connected";
the rank intervals stay honest for items few raters rated; and the post's own case (theory 20
added late, rated by three lenient raters) through the real services."""

import itertools
import math
import re
from html import unescape

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from scipy.stats import kendalltau

from groups.models import Participant
from groups.services import group_update
from maths.adjusted import NOT_CONNECTED
from maths.rank_intervals import POST_ORDER, rank_intervals
from maths.ranking import RankingRow, TheoryRef, ranking_build, rows_rated_by_few
from rankings.models import Ranking
from rankings.scope import Scope
from rankings.services import ranking_recompute
from theories.items import ItemText
from theories.models import Theory
from theories.services import longlist_create, longlist_item_add

from .conftest import wait_until
from .factories import rate
from .test_pages import ranking_rows
from .test_uncertainty import post_shaped

NAN = math.nan


class Item:
    def __init__(self, number: int) -> None:
        self.id, self.number, self.title = 100 + number, number, f"Item {number}"


def scores_of(m: np.ndarray) -> list[tuple[int, int, int]]:
    """(participant, theory id, score) triples of a raters × items matrix (NaN = not rated)."""
    return [
        (i, 101 + j, int(m[i, j]))
        for i in range(m.shape[0])
        for j in range(m.shape[1])
        if not np.isnan(m[i, j])
    ]


def build(m: np.ndarray) -> list[RankingRow]:
    items = [Item(n) for n in range(1, m.shape[1] + 1)]
    histograms: dict[int, list[int]] = {}
    for _, theory, score in scores_of(m):
        histograms.setdefault(theory, [0] * 10)[score - 1] += 1
    rows, _ = ranking_build(items, histograms, scores=scores_of(m))
    return rows


def by_number(rows: list[RankingRow]) -> dict[int, RankingRow]:
    return {r["theory"]["number"]: r for r in rows}


# --- the maths, through the row builder --------------------------------------------------------


def test_with_complete_data_the_adjusted_order_is_the_means_order_and_coverage_is_one() -> None:
    rng = np.random.default_rng(22)
    for raters, items in ((5, 8), (12, 20), (15, 40)):
        m = rng.integers(1, 11, (raters, items)).astype(float)
        rows = build(m)
        rated = [r for r in rows if r["n"]]
        assert all(r["coverage"] == 1.0 for r in rated)
        adjusted = [r["adjusted"] for r in rated]
        assert all(a is not None for a in adjusted)
        scores = [a["score"] for a in adjusted if a is not None]
        assert scores == pytest.approx([r["mean"] for r in rated], abs=1e-9)
        # Rows come in the mean's order; the adjusted scores follow it (never increasing).
        assert all(b <= a + 1e-9 for a, b in itertools.pairwise(scores))


def test_a_lenient_raters_item_has_a_raw_mean_above_its_adjusted_score() -> None:
    m = np.array([[5, 6, 7, NAN], [5, 6, 7, NAN], [5, 6, 7, NAN], [8, 9, 10, 9]], dtype=float)
    row = by_number(build(m))[4]
    assert row["mean"] == 9 and row["rank"] == 1  # the raw mean puts it first
    assert row["adjusted"] is not None
    assert row["adjusted"]["score"] == pytest.approx(6.75)
    assert row["coverage"] == 0.25 and row["adjusted_note"] is None


def test_an_item_that_shares_no_rater_says_not_connected_instead_of_a_number() -> None:
    m = np.array([[5, 6, NAN], [7, 4, NAN], [6, 6, NAN], [NAN, NAN, 9]], dtype=float)
    rows = by_number(build(m))
    assert rows[3]["adjusted"] is None
    assert rows[3]["adjusted_note"] == NOT_CONNECTED and "not connected" in NOT_CONNECTED
    assert rows[1]["adjusted"] is not None and rows[1]["adjusted_note"] is None


def test_the_facilitators_alert_lists_the_items_fewer_than_half_the_raters_rated() -> None:
    def row(number: int, n: int) -> RankingRow:
        theory: TheoryRef = {"id": number, "number": number, "title": f"T{number}"}
        return {"theory": theory, "n": n}  # type: ignore[typeddict-item]

    rows = [row(1, 12), row(2, 6), row(3, 5), row(4, 0)]
    assert [r["theory"]["number"] for r in rows_rated_by_few(rows, 12)] == [3, 4]
    assert rows_rated_by_few(rows, 1) == []  # below two raters there is no "half"


def test_an_item_rated_by_few_raters_gets_a_wider_rank_interval_than_by_all() -> None:
    """Raters who agree resample to the same mean every time: without the pooled spread the
    bootstrap gave an item four raters rated 8 the interval (1, 1), as sure as if all twelve
    had (the other items average 4.8-6.4 here)."""
    rng = np.random.default_rng(5)
    m = np.clip(rng.normal(6, 2, (12, 10)).round(), 1, 9)
    m[:, 0] = 8  # everyone: surely first
    everyone = rank_intervals(m).intervals[1]
    assert everyone == (1, 1)

    def width(raters: int) -> int:
        few = m.copy()
        few[raters:, 0] = NAN  # the same 8s from only the first `raters` of the twelve
        interval = rank_intervals(few).intervals[1]
        assert interval is not None and interval[0] == 1
        return interval[1] - interval[0]

    assert width(4) > 0  # wider than by all twelve
    assert width(3) > width(4) >= width(6) >= 0  # and the fewer the raters, the wider


# --- the post's own case ------------------------------------------------------------------------

LENIENT = (0, 4, 8)  # three of the twelve raters, who give everything three points more
LATE_SCORES = (9, 10, 9)  # their scores of theory 20


def post_case_matrix() -> np.ndarray:
    """12 raters × the 19 theories of the published order, shaped like the post's group
    (tests/test_uncertainty.py), three of them lenient; then theory 20, rated by those three."""
    m = post_shaped(12)
    m[list(LENIENT), :19] = np.minimum(m[list(LENIENT), :19] + 3, 10)
    m[:, 19] = NAN
    m[list(LENIENT), 19] = LATE_SCORES
    return m


def assert_the_post_case(rows: list[RankingRow], raters: int) -> None:
    row = by_number(rows)[20]
    assert raters == 12
    assert row["n"] == 3 and row["coverage"] == 0.25  # "3 of 12"
    assert row["rank"] <= 2  # the raw mean ranks it at the top
    adjusted = {r["theory"]["number"]: r["adjusted"]["score"] for r in rows if r["adjusted"]}
    adjusted_rank = sorted(adjusted, key=lambda n: -adjusted[n]).index(20) + 1
    assert adjusted_rank >= 8  # its adjusted score does not: the middle of the list
    assert row["adjusted"] is not None and row["adjusted"]["interval"] is not None
    assert row["adjusted"]["score"] < row["mean"] - 1.5
    widths = {
        r["theory"]["number"]: r["rank_interval"][1] - r["rank_interval"][0]
        for r in rows
        if r["rank_interval"]
    }
    assert widths[20] == max(widths.values())
    assert all(widths[20] > w for n, w in widths.items() if n != 20)  # the widest, alone
    # The 19 keep close to the published order (the lenient three's cap at 10 swaps neighbours).
    order = [n for n in (r["theory"]["number"] for r in rows) if n != 20]
    tau = kendalltau([order.index(n) for n in POST_ORDER], range(19)).statistic
    assert tau > 0.9


def test_the_posts_case_in_the_maths() -> None:
    rows = build(post_case_matrix())
    assert_the_post_case(rows, 12)


def post_list(owner):
    """A list of the post's 19 rated theories (numbers 1-19, as published), before theory 20."""
    default = list(Theory.objects.filter(longlist__is_default=True).order_by("number"))
    return longlist_create(
        user=owner,
        title="The post's list, as its group rated it",
        visibility="public",
        items=[ItemText(title=t.title, summary="") for t in default[:19]],
    ), default[19]


def run_post_case(cast, *, wait=None):
    """The exercise as it happened: twelve raters rate the 19, theory 20 is added to the list,
    and only the three lenient raters rate it. `wait` (the worker's tests): wait for the
    stored ranking instead of recomputing here."""
    from groups.services import group_create

    longlist, twentieth = post_list(cast.facilitator)
    group = group_create(
        user=cast.facilitator, name="The post's group", visibility="public", longlist=longlist
    )
    group_update(group=group, results_hidden=False)
    m = post_case_matrix()
    people = [Participant.objects.create(group=group, name=f"rater {i + 1}") for i in range(12)]
    for i, person in enumerate(people):
        rate(person, {j + 1: int(m[i, j]) for j in range(19)})
    item = longlist_item_add(longlist=longlist, by=cast.facilitator, title=twentieth.title)
    assert item.number == 20
    for i, score in zip(LENIENT, LATE_SCORES, strict=True):
        rate(people[i], {20: score})
    scope = Scope.group(group.pk)
    if wait is None:
        ranking_recompute(scope=scope)
    else:
        wait(
            lambda: (
                (r := Ranking.objects.filter(scope=scope.key).first()) is not None
                and any(row["theory"]["number"] == 20 and row["n"] == 3 for row in r.results)
            ),
            timeout=30,
        )
    return group


def assert_the_post_case_is_served(group, cast, api) -> None:
    body = api().get(f"/api/v1/groups/{group.slug}/rankings/").json()
    assert_the_post_case(body["results"], body["raters"])
    row = by_number(body["results"])[20]
    assert set(row["adjusted"]) == {"score", "interval"}
    # The page says it in words: "3 of 12"; and the facilitator's console raises the alert.
    page = Client().get(reverse("group_detail", args=[group.slug]))
    (late,) = [r for r in ranking_rows(page) if r[1] == f"20. {row['theory']['title']}"]
    low, high = row["adjusted"]["interval"]
    assert late[5:7] == [f"{row['adjusted']['score']:.2f} ({low:.2f}–{high:.2f})", "3 of 12"]
    facilitator = Client()
    facilitator.force_login(cast.facilitator)
    console = unescape(facilitator.get(reverse("group_detail", args=[group.slug])).content.decode())
    alerts = re.search(r"data-coverage-list>(.*?)</ul>", console, flags=re.S)
    assert alerts is not None
    assert f"20.</span> {row['theory']['title']}: <strong>rated by 3 of 12</strong>" in alerts[1]
    assert alerts[1].count("<li") == 1  # only theory 20: every other item has all twelve


@pytest.mark.django_db
def test_the_posts_case_through_the_services(cast, api, theories) -> None:
    group = run_post_case(cast)
    assert_the_post_case_is_served(group, cast, api)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_posts_case_recomputed_by_the_worker_on_postgresql(
    celery_worker, cast, api, theories
) -> None:
    group = run_post_case(cast, wait=wait_until)
    assert_the_post_case_is_served(group, cast, api)


# --- the API, the schema and the global ranking -------------------------------------------------


@pytest.mark.django_db
def test_every_row_of_a_group_ranking_carries_coverage_and_adjusted(cast, api, theories) -> None:
    people = [Participant.objects.create(group=cast.public, name=f"p{i}") for i in range(4)]
    for i, person in enumerate(people):
        rate(person, {1: 8, 2: 4 + i, **({3: 9} if i == 0 else {})})
    ranking_recompute(scope=Scope.group(cast.public.pk))
    body = api().get(f"/api/v1/groups/{cast.public.slug}/rankings/").json()
    rows = by_number(body["results"])
    assert body["raters"] == 4
    assert rows[1]["coverage"] == 1.0 and rows[3]["coverage"] == 0.25
    assert rows[20]["coverage"] == 0.0 and rows[20]["adjusted"] is None
    assert rows[20]["adjusted_note"] == "nobody rated it"
    assert rows[1]["adjusted"]["score"] == pytest.approx(8.0)
    low, high = rows[2]["adjusted"]["interval"]
    assert 1 <= low <= rows[2]["adjusted"]["score"] <= high <= 10


@pytest.mark.django_db
def test_the_global_ranking_has_coverage_of_groups_and_says_why_there_is_no_adjusted_score(
    cast, api, theories
) -> None:
    rate(Participant.objects.create(group=cast.public, name="a"), {1: 7, 2: 5})
    rate(Participant.objects.create(group=cast.other, name="b"), {1: 6})
    for group in (cast.public, cast.other):
        ranking_recompute(scope=Scope.group(group.pk))
    ranking_recompute(scope=Scope.global_())
    rows = by_number(api().get("/api/v1/rankings/").json()["results"])
    assert rows[1]["coverage"] == 1.0 and rows[2]["coverage"] == 0.5  # of the 2 groups
    assert rows[1]["adjusted"] is None and "groups" in rows[1]["adjusted_note"]


@pytest.mark.django_db
def test_the_schema_documents_coverage_and_the_adjusted_score(api) -> None:
    schema = api().get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    row = schema["RankingRow"]
    assert {"coverage", "adjusted", "adjusted_note"} <= set(row["properties"])
    assert {"coverage", "adjusted", "adjusted_note"} <= set(row["required"])
    assert row["properties"]["coverage"]["nullable"] is True
    assert set(schema["AdjustedScore"]["properties"]) == {"score", "interval"}


@pytest.mark.django_db
def test_the_methods_page_explains_coverage_and_the_adjusted_score(theories) -> None:
    html = Client().get("/methods/").content.decode()
    for anchor in ("coverage", "adjusted-score", "late-items"):
        assert f'id="{anchor}"' in html, anchor
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    assert "not connected" in text and "n = 5–15" in text


def test_the_one_key_order_of_the_resamples_is_the_four_key_lexsorts() -> None:
    """The bootstrap orders every resample by one argsort of an exact key (maths/rank_intervals
    `_contract_order`, four times cheaper at 200 items); it must be the contract's order, as the
    lexsort gives it, ties of mean and median included."""
    from maths.rank_intervals import _contract_order

    rng = np.random.default_rng(3)
    for raters in (3, 15, 60):
        n = rng.integers(0, raters + 1, (300, 40))
        total = np.where(n > 0, rng.integers(1, 11, n.shape) * n, 0)  # means tie often
        total = np.minimum(total + rng.integers(0, 2, n.shape) * (n > 0), 10 * n)
        rated = n > 0
        mean = np.divide(total, n, out=np.zeros(n.shape), where=rated)
        median2 = np.where(rated, rng.integers(2, 21, n.shape), 0)
        numbers = rng.permutation(np.arange(1, 41) * 3)
        fast = _contract_order(mean, median2, rated, numbers, raters)
        number = np.broadcast_to(numbers, mean.shape)
        slow = np.lexsort((number, -median2, -mean, ~rated), axis=-1)
        assert np.array_equal(fast, slow), raters
