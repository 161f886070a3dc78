"""Issue 14: the figures are built in Python from the ranking payload, with every axis type
declared and the categories in rank order; and the API serves them with the ranking's rules."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from charts.figures import (
    EMPTY_MESSAGE,
    agreement_map,
    ranking_bars,
    ranking_figures,
    ranking_heatmap,
)
from charts.group_vs_global import comparison_figure, distribution_figure
from groups.models import Participant
from rankings.scope import Scope
from rankings.services import ranking_recompute
from tests.factories import rate


def row(rank: int, number: int, scores: list[int]) -> dict[str, Any]:
    n = len(scores)
    mean = sum(scores) / n if n else None
    histogram = [scores.count(s) for s in range(1, 11)]
    return {
        "rank": rank,
        "theory": {"id": 100 + number, "number": number, "title": f"Theory number {number}"},
        "n": n,
        "mean": mean,
        "median": mean,
        "stdev": None,
        "histogram": histogram,
        "controversy": (abs(scores[0] - scores[1]) if n == 2 else 1.5) if n >= 2 else None,
        "ci_low": mean - 1 if n >= 3 else None,
        "ci_high": mean + 1 if n >= 3 else None,
        "thin": n < 3,
    }


def payload(rows: list[dict[str, Any]], raters: int) -> dict[str, Any]:
    return {"computed_at": None, "raters": raters, "hidden": False, "results": rows, "summary": {}}


# Theory numbers chosen so that number order and rank order disagree.
MANY = payload(
    [
        row(1, 18, [9, 9, 8]),
        row(2, 3, [8, 7, 8]),
        row(3, 12, [5, 6, 4]),
        row(4, 1, [2, 3, 1]),
        row(5, 7, []),
    ],
    raters=3,
)
EMPTY = payload([row(i + 1, n, []) for i, n in enumerate([1, 2, 3, 4])], raters=0)
TWO = payload([row(1, 4, [9, 7]), row(2, 9, [9, 7]), row(3, 2, [5, 3]), row(4, 6, [])], raters=2)


def test_the_bar_chart_declares_a_categorical_axis_in_rank_order() -> None:
    fig = ranking_bars(MANY)
    y = fig["layout"]["yaxis"]
    assert y["type"] == "category"
    assert y["categoryorder"] == "array"
    assert y["categoryarray"] == [
        "18. Theory number 18",
        "3. Theory number 3",
        "12. Theory number 12",
        "1. Theory number 1",
    ]
    assert fig["data"][0]["y"] == y["categoryarray"]
    assert y["autorange"] == "reversed"  # rank 1 on top
    assert fig["layout"]["xaxis"]["type"] == "linear"


def test_the_phone_layout_labels_bars_with_theory_numbers_that_stay_categories() -> None:
    fig = ranking_bars(MANY)
    assert fig["narrow"]["yaxis"]["ticktext"] == ["#18", "#3", "#12", "#1"]
    # The phone override only relabels: it never touches the axis type or the order.
    assert "type" not in fig["narrow"]["yaxis"]
    assert "categoryarray" not in fig["narrow"]["yaxis"]


def test_unrated_theories_are_left_out_of_the_charts_and_said_to_be_unranked() -> None:
    for fig in (ranking_bars(MANY), ranking_heatmap(MANY)):
        assert "7. Theory number 7" not in fig["layout"]["yaxis"]["categoryarray"]
        assert fig["message"] == "1 theory not rated yet (not ranked)."


def test_bars_carry_the_interval_as_whiskers_with_three_raters_or_more() -> None:
    trace = ranking_bars(MANY)["data"][0]
    assert trace["type"] == "bar"
    assert trace["error_x"]["array"][0] == pytest.approx(1.0)


def test_one_or_two_raters_get_points_without_whiskers() -> None:
    for data in (TWO, payload([row(1, 5, [7]), row(2, 8, [])], raters=1)):
        trace = ranking_bars(data)["data"][0]
        assert trace["type"] == "scatter"
        assert trace["mode"] == "markers"
        assert "error_x" not in trace


def test_an_empty_group_has_no_heatmap_block_no_colour_bar_and_no_ranked_bars() -> None:
    figures = ranking_figures(EMPTY)
    for fig in figures.values():
        assert fig["empty"] is True
        assert fig["data"] == []
        assert "annotations" not in fig["layout"]  # the page prints the message, once
        assert fig["layout"]["xaxis"]["visible"] is False
    # The first chart says why; the other two say nothing more.
    assert [fig["message"] for fig in figures.values()] == [EMPTY_MESSAGE, None, None]


def test_the_bar_axis_is_the_scale_and_each_n_is_written_right_of_the_plot() -> None:
    for payload in (MANY, TWO):
        fig = ranking_bars(payload)
        assert fig["layout"]["xaxis"]["range"] == [0.5, 10.5]
        assert fig["layout"]["xaxis"]["tickvals"] == list(range(1, 11))
        counts = fig["data"][-1]
        assert counts["mode"] == "text" and set(counts["x"]) == {10.5}
        rated = [r for r in payload["results"] if r["n"]]
        assert counts["text"] == [f"n = {r['n']}" for r in rated]
        assert fig["layout"]["margin"]["r"] >= 40  # room for "n = 12" outside the plot
        assert fig["data"][0].get("textposition") in (None, "none")


def test_the_colour_bar_counts_whole_raters() -> None:
    bar = ranking_heatmap(MANY)["data"][0]["marker"]["colorbar"]
    assert bar["tickformat"] == "d" and bar["tick0"] == 0
    assert isinstance(bar["dtick"], int) and bar["dtick"] >= 1


def test_the_score_map_has_score_columns_as_categories_and_a_colour_scale_from_zero() -> None:
    fig = ranking_heatmap(MANY)
    trace = fig["data"][0]
    assert fig["layout"]["xaxis"]["type"] == "category"
    assert fig["layout"]["xaxis"]["categoryarray"] == [str(s) for s in range(1, 11)]
    assert fig["layout"]["yaxis"]["type"] == "category"
    assert trace["marker"]["cmin"] == 0 and trace["marker"]["cmax"] == 2
    # Theory 18 (rank 1) scored 9, 9, 8: two raters at 9, one at 8; empty cells get no marker.
    first = [
        (x, c)
        for x, y, c in zip(trace["x"], trace["y"], trace["marker"]["color"], strict=True)
        if y.startswith("18.")
    ]
    assert first == [("8", 1), ("9", 2)]


def test_coinciding_theories_on_the_agreement_map_share_one_labelled_point() -> None:
    fig = agreement_map(TWO)
    trace = fig["data"][0]
    # Theories 4 and 9 have the same scores: one point, both numbers, no overprinting.
    assert trace["text"] == ["4, 9", "2"]
    assert len(trace["x"]) == 2
    assert fig["layout"]["xaxis"]["type"] == "linear"
    assert fig["layout"]["yaxis"]["type"] == "linear"


def test_the_agreement_map_needs_two_ratings_of_a_theory() -> None:
    fig = agreement_map(payload([row(1, 5, [7]), row(2, 8, [])], raters=1))
    assert fig["empty"] is True


def test_the_comparison_and_distribution_figures_declare_their_axes() -> None:
    comparison = {
        "results": [
            {"theory": {"id": 1, "number": 1, "title": "A"}, "group_rank": 1, "global_rank": 2},
            {"theory": {"id": 2, "number": 2, "title": "B"}, "group_rank": None, "global_rank": 1},
        ]
    }
    fig = comparison_figure(comparison)
    assert fig["layout"]["xaxis"]["type"] == "linear"
    assert fig["data"][1]["text"] == ["1"]
    assert comparison_figure({"results": []})["empty"] is True
    dist = distribution_figure(
        {
            "all_public": {"n": 2, "mean": 5.0, "histogram": [0, 0, 0, 0, 2, 0, 0, 0, 0, 0]},
            "groups": [{"name": "G", "hidden": True, "n": 0, "mean": None, "histogram": None}],
        }
    )
    assert dist["layout"]["xaxis"]["type"] == "category"
    assert len(dist["data"]) == 1
    assert dist["data"][0]["y"][4] == 100


def test_every_figure_turns_the_mode_bar_off() -> None:
    for fig in ranking_figures(MANY).values():
        assert fig["config"]["displayModeBar"] is False


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_figures_follow_the_ranking_with_an_etag_derived_from_it(
    cast, theories, django_capture_on_commit_callbacks
) -> None:
    rate(Participant.objects.create(group=cast.public, name="a"), {18: 9, 3: 2})
    rate(Participant.objects.create(group=cast.public, name="b"), {18: 8, 3: 4})
    ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    client = APIClient()
    ranking = client.get(f"/api/v1/groups/{cast.public.slug}/rankings/")
    answer = client.get(f"/api/v1/groups/{cast.public.slug}/rankings/figures/")
    assert answer.status_code == 200
    assert answer["ETag"] == '"fig2-' + ranking["ETag"].strip('"') + '"'
    bars = answer.json()["figures"]["bars"]
    assert bars["layout"]["yaxis"]["type"] == "category"
    assert bars["layout"]["yaxis"]["categoryarray"][0].startswith("18.")
    again = client.get(
        f"/api/v1/groups/{cast.public.slug}/rankings/figures/", HTTP_IF_NONE_MATCH=answer["ETag"]
    )
    assert again.status_code == 304
    # As in production, the recompute's commit puts its new ETag in the cache (issue 24: the
    # figures, like the rankings, answer a poll from there).
    with django_capture_on_commit_callbacks(execute=True):
        rate(Participant.objects.create(group=cast.public, name="c"), {3: 10})
        ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    changed = client.get(
        f"/api/v1/groups/{cast.public.slug}/rankings/figures/", HTTP_IF_NONE_MATCH=answer["ETag"]
    )
    assert changed.status_code == 200
    assert changed["ETag"] != answer["ETag"]


@pytest.mark.django_db
def test_the_global_figures_answer_and_a_private_groups_figures_are_404_to_outsiders(
    cast, theories
) -> None:
    ranking_recompute(scope=Scope.global_(), force=True)
    client = APIClient()
    answer = client.get("/api/v1/rankings/figures/")
    assert answer.status_code == 200
    assert answer.json()["figures"]["heatmap"]["empty"] is True
    assert client.get(f"/api/v1/groups/{cast.private.slug}/rankings/figures/").status_code == 404


@pytest.mark.django_db
def test_hidden_results_hide_the_figures_too(cast, theories) -> None:
    cast.public.results_hidden = True
    cast.public.save()
    rate(Participant.objects.create(group=cast.public, name="a"), {1: 9})
    ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    client = APIClient()
    client.force_authenticate(cast.member)
    body = client.get(f"/api/v1/groups/{cast.public.slug}/rankings/figures/").json()
    assert body["hidden"] is True
    assert body["figures"] == {}


def test_the_bar_chart_shades_alternate_tiers_behind_the_bars() -> None:
    from charts.figures import ranking_bars

    def row(rank: int, tier: int) -> dict:
        return {
            "rank": rank,
            "theory": {"id": rank, "number": rank, "title": f"Theory {rank}"},
            "n": 9,
            "mean": 10 - rank * 0.5,
            "median": 5.0,
            "stdev": 1.0,
            "histogram": [0] * 9 + [9],
            "controversy": 1.0,
            "ci_low": 4.0,
            "ci_high": 6.0,
            "thin": False,
            "tier": tier,
            "rank_interval": [rank, rank + 1],
        }

    payload = {"raters": 9, "results": [row(1, 1), row(2, 1), row(3, 2), row(4, 3)]}
    shapes = ranking_bars(payload)["layout"]["shapes"]
    assert [(s["name"], s["y0"], s["y1"]) for s in shapes] == [
        ("tier 1", -0.5, 1.5),
        ("tier 3", 2.5, 3.5),
    ]
    no_tiers = {"raters": 2, "results": [dict(row(1, 1), tier=None)]}
    assert ranking_bars(no_tiers)["layout"].get("shapes", []) == []


# --- one spec per answer (issue 24) ---------------------------------------------------------------


def deep_merge(base: dict, over: dict) -> dict:
    """static/js/rankings.js's merge: nested dicts merged, everything else replaced."""
    out = dict(base)
    for key, value in over.items():
        nested = isinstance(value, dict) and isinstance(base.get(key), dict)
        out[key] = deep_merge(base[key], value) if nested else value
    return out


def test_a_pages_figures_share_one_layout_and_config_and_draw_as_before() -> None:
    from charts.figures import CONFIG, page_spec

    figures = ranking_figures(MANY)
    spec = page_spec(figures)
    assert spec["shared"]["config"] == CONFIG
    for name, full in figures.items():
        own = spec["figures"][name]
        assert "config" not in own
        assert "font" not in own["layout"] and "template" not in own["layout"]
        # The page's merge gives back exactly the figure built for it.
        assert deep_merge(spec["shared"]["layout"], own["layout"]) == full["layout"]
        assert own["data"] == full["data"] and own["narrow"] == full["narrow"]


def test_the_figures_carry_only_the_defaults_plotly_js_lacks() -> None:
    import json

    text = json.dumps(ranking_figures(MANY))
    # plotly.py's own template brings defaults for every trace type and subplot; ours does not.
    for unused in ("heatmapgl", "scatterpolar", "choropleth", "ternary", "mapbox", "colorway"):
        assert unused not in text
    layout = ranking_bars(MANY)["layout"]
    assert layout["template"]["layout"]["xaxis"]["gridcolor"] == "white"
    assert set(layout["template"]["data"]) == {"bar"}


@pytest.mark.django_db
def test_the_figures_answer_sends_the_shared_part_once(cast, theories) -> None:
    rate(Participant.objects.create(group=cast.public, name="a"), {18: 9, 3: 2})
    rate(Participant.objects.create(group=cast.public, name="b"), {18: 8, 3: 4})
    ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    body = APIClient().get(f"/api/v1/groups/{cast.public.slug}/rankings/figures/").json()
    assert body["shared"]["config"]["displayModeBar"] is False
    assert body["shared"]["layout"]["uirevision"] == "keep"
    assert set(body["figures"]) == {"bars", "heatmap", "scatter"}
    assert all("config" not in f and "font" not in f["layout"] for f in body["figures"].values())
    ranking_recompute(scope=Scope.global_(), force=True)
    theory = APIClient().get(f"/api/v1/theories/{theories[17].pk}/distribution/figure/").json()
    assert theory["shared"] == body["shared"]
    assert theory["figure"]["layout"]["xaxis"]["type"] == "category"
