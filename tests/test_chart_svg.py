"""Issue 24: the first chart of a page is drawn on the server (charts/svg.py) from the same
figure plotly.js draws later, into the page's HTML, under the same read rules as the API."""

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from charts.figures import ranking_bars
from charts.group_vs_global import distribution_figure
from charts.svg import PLOT_LEFT, PLOT_RIGHT_WITH_COLUMN, figure_svg
from groups.models import Participant
from groups.services import group_update
from rankings.scope import Scope
from rankings.services import ranking_recompute
from tests.factories import rate
from tests.test_figures import EMPTY, MANY, TWO, payload, row

SVG = "{http://www.w3.org/2000/svg}"


def drawings(markup: str) -> dict[str, ET.Element]:
    """The wide and the narrow drawing, parsed (the markup is two <svg> elements)."""
    root = ET.fromstring(f"<root>{markup}</root>")
    return {el.get("class", "").split("-")[-1]: el for el in root}


def texts(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


def bars(svg: ET.Element) -> list[ET.Element]:
    # Bars are the rects inside the plot with a solid or hatched fill; tier bands are pale.
    return [r for r in svg.iter(f"{SVG}rect") if not r.get("fill", "").startswith("rgba")]


def pct(value: str | None) -> float:
    assert value is not None and value.endswith("%")
    return float(value[:-1])


def test_the_static_bar_chart_has_one_bar_per_rated_theory_in_rank_order() -> None:
    figure = ranking_bars(MANY)
    wide = drawings(figure_svg(figure, uid="bars", label="Bars"))["wide"]
    labels = [t for t in texts(wide) if re.match(r"^\d+\. ", t)]
    assert labels == figure["layout"]["yaxis"]["categoryarray"]  # rank order, unrated left out
    drawn = bars(wide)
    assert len(drawn) == 4
    # Widths follow the means on the figure's own axis range (0.5 to 10.5), in a plot that
    # ends where the "n = k" column begins.
    lo, hi = figure["layout"]["xaxis"]["range"]
    right = PLOT_RIGHT_WITH_COLUMN["wide"]
    for rect, mean in zip(drawn, figure["data"][0]["x"], strict=True):
        expected = (right - PLOT_LEFT["wide"]) * (mean - lo) / (hi - lo)
        assert pct(rect.get("width")) == pytest.approx(expected, abs=0.01)
    # Rank 1 on top: the y positions grow down the ranking.
    ys = [float(r.get("y", "0")) for r in drawn]
    assert ys == sorted(ys)


def test_the_static_chart_has_the_height_plotly_gives_the_chart() -> None:
    figure = ranking_bars(MANY)
    for svg in drawings(figure_svg(figure, uid="bars", label="Bars")).values():
        assert svg.get("height") == str(figure["layout"]["height"])
        assert svg.get("width") == "100%"


def test_the_phone_drawing_labels_bars_with_theory_numbers() -> None:
    narrow = drawings(figure_svg(ranking_bars(MANY), uid="bars", label="Bars"))["narrow"]
    assert [t for t in texts(narrow) if t.startswith("#")] == ["#18", "#3", "#12", "#1"]
    assert not any(re.match(r"^\d+\. ", t) for t in texts(narrow))


def test_whiskers_are_drawn_with_three_raters_and_points_with_two() -> None:
    many = drawings(figure_svg(ranking_bars(MANY), uid="bars", label="Bars"))["wide"]
    # One whisker per bar: a line across and two end caps.
    assert len(list(many.iter(f"{SVG}line"))) == 3 * 4
    two = drawings(figure_svg(ranking_bars(TWO), uid="bars", label="Bars"))["wide"]
    assert len(list(two.iter(f"{SVG}circle"))) == 3
    assert not bars(two) and not list(two.iter(f"{SVG}line"))


def test_thin_bars_are_hatched_with_a_pattern_defined_in_the_drawing() -> None:
    thin = payload([row(1, 4, [9, 7, 8]), row(2, 9, [5, 6, 4])], raters=3)
    thin["results"][1]["thin"] = True
    wide = drawings(figure_svg(ranking_bars(thin), uid="bars", label="Bars"))["wide"]
    fills = [r.get("fill") for r in bars(wide) if r.get("fill", "").startswith("url(")]
    assert fills == ["url(#bars-wide-hatch-1)"]
    assert wide.find(f".//{SVG}pattern[@id='bars-wide-hatch-1']") is not None


def test_the_drawing_escapes_every_text_it_writes() -> None:
    hostile = payload([row(1, 4, [9, 8, 7])], raters=3)
    hostile["results"][0]["theory"]["title"] = '<script>alert(1)</script> & "co"'
    markup = figure_svg(ranking_bars(hostile), uid="bars", label='A "label" <b>')
    assert "<script" not in markup and "<b>" not in markup
    assert "&lt;script&gt;" in markup
    drawings(markup)  # still well-formed


def test_an_empty_figure_draws_nothing() -> None:
    assert figure_svg(ranking_bars(EMPTY), uid="bars", label="Bars") == ""


def test_the_distribution_draws_each_visible_series_with_a_legend() -> None:
    figure = distribution_figure(
        {
            "all_public": {"n": 4, "mean": 5.0, "histogram": [0, 0, 0, 0, 2, 2, 0, 0, 0, 0]},
            "groups": [
                {
                    "name": "Ours <i>",
                    "hidden": False,
                    "n": 1,
                    "mean": 9.0,
                    "histogram": [0, 0, 0, 0, 0, 0, 0, 0, 1, 0],
                },
                {"name": "Hidden one", "hidden": True, "n": 0, "mean": None, "histogram": None},
            ],
        }
    )
    markup = figure_svg(figure, uid="distribution", label="Distribution")
    wide = drawings(markup)["wide"]
    assert "All public groups (n = 4)" in texts(wide)
    assert "Ours <i> (n = 1)" in texts(wide)  # as text, escaped in the markup
    assert "Hidden one" not in markup
    # A bar for each share above zero (two, and one), and the legend's two swatches.
    heights = [float(r.get("height", "0")) for r in bars(wide)]
    assert len([h for h in heights if h > 0]) == 3 + 2


# --- in the pages --------------------------------------------------------------------------------


def rated_group(cast: Any) -> None:
    for i, score in enumerate((9, 7, 8)):
        rate(Participant.objects.create(group=cast.public, name=f"p{i}"), {18: score, 3: 4})
    ranking_recompute(scope=Scope.group(cast.public.pk), force=True)


@pytest.mark.django_db
def test_the_group_page_carries_its_bar_chart_drawn(cast, client, theories) -> None:
    rated_group(cast)
    html = client.get(f"/groups/{cast.public.slug}/").content.decode()
    box = html[html.index('data-chart="bars"') :]
    box = box[: box.index("</div>")]
    assert box.count('class="chart-static chart-static-wide"') == 1
    assert box.count('class="chart-static chart-static-narrow"') == 1
    assert "18. " in box


@pytest.mark.django_db
def test_hidden_results_carry_no_drawing(cast, client, theories) -> None:
    rated_group(cast)
    group_update(group=cast.public, results_hidden=True)
    client.force_login(cast.member)  # a member who has not rated
    html = client.get(f"/groups/{cast.public.slug}/").content.decode()
    assert "Results are hidden until you have rated" in html
    assert "chart-static" not in html


@pytest.mark.django_db
def test_the_theory_page_draws_only_the_groups_the_viewer_may_see(cast, client, theories) -> None:
    rate(Participant.objects.create(group=cast.public, name="a"), {theories[2]: 7})
    rate(Participant.objects.create(group=cast.private, name="b"), {theories[2]: 2})
    for group in (cast.public, cast.private):
        ranking_recompute(scope=Scope.group(group.pk), force=True)

    ranking_recompute(scope=Scope.global_(), force=True)
    group_update(group=cast.private, results_hidden=True)
    url = f"/theories/{theories[2].slug}/"
    anonymous = client.get(url).content.decode()
    assert "chart-static" in anonymous
    assert cast.private.name not in anonymous
    client.force_login(cast.member)  # in both groups; has not rated in the private one
    member = client.get(url).content.decode()
    assert f"{cast.public.name} (n = 1)" in member
    assert cast.private.name not in member.split('data-chart="distribution"')[1].split("</div>")[0]
