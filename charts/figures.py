"""Every chart the pages draw, built with plotly from the payloads the API answers.

Pure code: no Django. Each builder takes the JSON-shaped payload exactly as the API returns it
(a ranking, a comparison, a theory's distribution) and returns a figure as a plain dict
`{"data", "layout", "config", "empty", "message", "narrow"}` that plotly.js draws as is.

Why here and not in the page script: Plotly guesses an axis type from the values when none is
given, and short labels such as "#18" read as numbers, which turned the ranked bar chart into a
linear axis in theory-number order on phones. Every axis below declares its type; categorical
axes carry their categories in rank order.

`narrow` holds the layout overrides for screens under 560 px (theory numbers instead of titles,
tighter margins); the page merges it into `layout` when the chart box is that narrow.
"""

import math
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREY = "#BBBBBB"
VERMILLION = "#D55E00"
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
SCORES = list(range(1, 11))
# Below this many raters a whisker is noise, not information: draw points.
FEW_RATERS = 3
NARROW_PX = 560
INK = "#2a3f5f"
# The right margin of the bar chart, where each theory's "n = 12" is written.
N_COLUMN = 52

# The mode bar's zoom and pan are not useful on these small, fixed charts, and on a phone they
# take the space of the plot; hover still works.
CONFIG: dict[str, Any] = {"displayModeBar": False, "responsive": True, "displaylogo": False}
FONT = {"family": "system-ui, sans-serif", "size": 12, "color": INK}

# What the charts need that plotly.js does not default, in place of plotly.py's own template
# (issue 24: 6.5 KB per figure, a third to half of each, mostly for trace types and subplots
# these charts never draw). Kept: the look the charts were designed with (no grid or zero
# lines on the white plot, hatched bars as an overlay, the bars' thin outline).
AXIS_DEFAULTS = {
    "gridcolor": "white",
    "zerolinecolor": "white",
    "zerolinewidth": 2,
    "automargin": True,
    "title": {"standoff": 15},
}
TEMPLATE: dict[str, Any] = {
    "layout": {
        "autotypenumbers": "strict",
        "hoverlabel": {"align": "left"},
        "xaxis": AXIS_DEFAULTS,
        "yaxis": AXIS_DEFAULTS,
    },
    "data": {
        "bar": [
            {
                "marker": {
                    "line": {"color": "#E5ECF6", "width": 0.5},
                    "pattern": {"fillmode": "overlay", "size": 10, "solidity": 0.2},
                }
            }
        ],
    },
}
# Every figure's layout starts from this; a page's figures answer sends it once for all of
# them (page_spec below).
SHARED_LAYOUT: dict[str, Any] = {
    "uirevision": "keep",  # keeps the viewer's zoom and hover across redraws
    "margin": {"l": 10, "r": 10, "t": 10, "b": 50},
    "font": FONT,
    "showlegend": False,
    "template": TEMPLATE,
}

EMPTY_MESSAGE = "No ratings yet: the charts appear once someone has rated."


def _label(row: dict[str, Any], max_len: int = 38) -> str:
    text = f"{row['theory']['number']}. {row['theory']['title']}"
    return text if len(text) <= max_len else text[: max_len - 1] + "…"


def _code(row: dict[str, Any]) -> str:
    # The category name: unique per theory (it starts with the number) and drawn as the tick on
    # wide screens; phones show `_short` as the tick text instead.
    return _label(row)


def _short(row: dict[str, Any]) -> str:
    return f"#{row['theory']['number']}"


def _fmt(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _base_layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = dict(SHARED_LAYOUT)
    layout.update(extra)
    return layout


def _figure(
    fig: go.Figure, *, narrow: dict[str, Any] | None = None, message: str | None = None
) -> dict[str, Any]:
    as_dict = fig.to_plotly_json()
    return {
        "data": as_dict["data"],
        "layout": as_dict["layout"],
        "config": CONFIG,
        "empty": False,
        "message": message,
        "narrow": narrow or {},
    }


# SHARED_LAYOUT as plotly writes it into each figure (it names each template's trace type).
_SHARED_AS_WRITTEN: dict[str, Any] = go.Layout(**SHARED_LAYOUT).to_plotly_json()


SHARED: dict[str, Any] = {"layout": _SHARED_AS_WRITTEN, "config": CONFIG}


def figure_own(figure: dict[str, Any]) -> dict[str, Any]:
    """A figure without what page_spec sends once: the config, and the layout keys it shares."""
    layout = {k: v for k, v in figure["layout"].items() if _SHARED_AS_WRITTEN.get(k) != v}
    return {k: v for k, v in figure.items() if k != "config"} | {"layout": layout}


def page_spec(figures: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The figures of one answer as one spec: `shared` (the config and the layout every figure
    starts from, once) and each figure's own part. The page draws a figure with
    layout = shared.layout deep-merged with figure.layout, and config = shared.config."""
    return {
        "shared": SHARED,
        "figures": {name: figure_own(figure) for name, figure in figures.items()},
    }


def figure_spec(figure: dict[str, Any]) -> dict[str, Any]:
    """One figure in the same shape: `shared` and the figure's own part."""
    return {"shared": SHARED, "figure": figure_own(figure)}


def empty_figure(message: str | None, *, height: int = 160) -> dict[str, Any]:
    """No data: no axes, no colour bar, nothing drawn. The page prints `message` once, as text
    under the chart's heading, and hides the empty box (a message inside the box as well said
    it twice). None: another chart of the page already says it."""
    fig = go.Figure(
        layout=_base_layout(
            height=height,
            xaxis={"visible": False, "type": "linear"},
            yaxis={"visible": False, "type": "linear"},
        )
    )
    out = _figure(fig, message=message)
    out["empty"] = True
    return out


def _rated(results: Sequence[dict[str, Any]], minimum: int = 1) -> list[dict[str, Any]]:
    # Rows arrive in rank order; keeping that order is the point.
    return [r for r in results if r["n"] >= minimum]


def _category_axis(codes: list[str], labels: list[str]) -> dict[str, Any]:
    return {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": codes,
        "tickmode": "array",
        "tickvals": codes,
        "ticktext": labels,
        "autorange": "reversed",  # rank 1 at the top
        "automargin": True,
    }


def _unrated_note(results: Sequence[dict[str, Any]]) -> str | None:
    unrated = len(results) - len(_rated(results))
    if not unrated:
        return None
    return f"{unrated} theor{'y' if unrated == 1 else 'ies'} not rated yet (not ranked)."


def ranking_bars(payload: dict[str, Any]) -> dict[str, Any]:
    """Mean per rated theory in rank order: bars with the 95% interval, or points when the
    scope has fewer than three raters (an interval from one or two scores says nothing)."""
    rows = _rated(payload["results"])
    if not rows:
        return empty_figure(EMPTY_MESSAGE)
    raters = payload.get("raters") or 0
    codes = [_code(r) for r in rows]
    height = max(220, len(rows) * 26 + 80)
    hover = [
        [_label(r, 80), r["n"], raters, _fmt(r.get("ci_low"), 2), _fmt(r.get("ci_high"), 2)]
        for r in rows
    ]
    if raters < FEW_RATERS:
        trace: go.BaseTraceType = go.Scatter(
            x=[r["mean"] for r in rows],
            y=codes,
            mode="markers",
            marker={"size": 12, "color": BLUE, "line": {"color": "#333", "width": 1}},
            customdata=hover,
            hovertemplate="%{customdata[0]}<br>mean %{x:.2f}<br>"
            "n = %{customdata[1]} of %{customdata[2]} raters<extra></extra>",
        )
    else:
        trace = go.Bar(
            orientation="h",
            x=[r["mean"] for r in rows],
            y=codes,
            error_x={
                "type": "data",
                "symmetric": False,
                "color": "#333",
                "array": [
                    0 if r.get("ci_high") is None else r["ci_high"] - r["mean"] for r in rows
                ],
                "arrayminus": [
                    0 if r.get("ci_low") is None else r["mean"] - r["ci_low"] for r in rows
                ],
            },
            marker={
                "color": [GREY if r.get("thin") else BLUE for r in rows],
                "pattern": {
                    "shape": ["/" if r.get("thin") else "" for r in rows],
                    "fgcolor": "#555",
                },
            },
            textposition="none",
            customdata=hover,
            hovertemplate="%{customdata[0]}<br>mean %{x:.2f} "
            "(95%: %{customdata[3]}–%{customdata[4]})<br>"
            "n = %{customdata[1]} of %{customdata[2]} raters<extra></extra>",
        )
    # "n = 12" in a column right of the plot: inside the bars the label ran into the whiskers
    # of the short ones, on a phone most of all.
    counts = go.Scatter(
        x=[10.5] * len(rows),
        y=codes,
        mode="text",
        text=[f"n = {r['n']}" for r in rows],
        textposition="middle right",
        textfont={"color": INK, "size": 11},
        cliponaxis=False,
        hoverinfo="skip",
        showlegend=False,
    )
    fig = go.Figure(
        [trace, counts],
        layout=_base_layout(
            height=height,
            margin={"l": 10, "r": N_COLUMN, "t": 10, "b": 50},
            shapes=_tier_bands(rows),
            xaxis={
                "type": "linear",
                "range": [0.5, 10.5],  # the scale, 1 to 10, with its ends in full
                "title": {"text": "Mean rating (scale 1–10)"},
                "tickmode": "array",
                "tickvals": SCORES,
                "zeroline": False,
            },
            yaxis=_category_axis(codes, codes),
        ),
    )
    narrow = {
        "yaxis": {"ticktext": [_short(r) for r in rows]},
        "margin": {"l": 4, "r": N_COLUMN, "t": 10, "b": 50},
    }
    return _figure(fig, narrow=narrow, message=_unrated_note(payload["results"]))


def _tier_bands(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A shaded band behind every other tier (theories whose rank intervals overlap, so their
    order cannot be told apart; see /methods/#tiers), drawn on the category axis by position.
    None when the ranking has no tiers (fewer than three raters)."""
    if not rows or any(r.get("tier") is None for r in rows):
        return []
    tiers: list[int] = [r["tier"] for r in rows]
    bands = []
    start = 0
    for index in range(1, len(rows) + 1):
        if index == len(rows) or tiers[index] != tiers[start]:
            if tiers[start] % 2 == 1:  # odd tiers shaded: bands alternate down the list
                bands.append(
                    {
                        "type": "rect",
                        "xref": "paper",
                        "x0": 0,
                        "x1": 1,
                        "yref": "y",
                        "y0": start - 0.5,
                        "y1": index - 0.5,
                        "fillcolor": "rgba(0, 114, 178, 0.08)",
                        "line": {"width": 0},
                        "layer": "below",
                        "name": f"tier {tiers[start]}",
                    }
                )
            start = index
    return bands


def ranking_heatmap(payload: dict[str, Any]) -> dict[str, Any]:
    """Raters per (theory, score) for the rated theories, in rank order; scores are categories
    1..10 so that every column is one score whatever the counts.

    Drawn as a scatter of square markers coloured by count (and labelled with it), not as a
    heatmap trace: the page then needs only plotly.js's basic bundle (bar, scatter, pie), a
    quarter lighter than the cartesian one, which matters on a slow phone. Cells nobody chose
    get no marker: white, as in a heatmap."""
    rows = _rated(payload["results"])
    if not rows:
        return empty_figure(EMPTY_MESSAGE)
    codes = [_code(r) for r in rows]
    columns = [str(s) for s in SCORES]
    top = max(max(r["histogram"]) for r in rows)
    cells = [
        (code, str(score), count, row)
        for code, row in zip(codes, rows, strict=True)
        for score, count in zip(SCORES, row["histogram"], strict=True)
        if count
    ]
    fig = go.Figure(
        go.Scatter(
            x=[c[1] for c in cells],
            y=[c[0] for c in cells],
            mode="markers+text",
            marker={
                "symbol": "square",
                "size": 22,
                "color": [c[2] for c in cells],
                # Single-hue blues from a pale first step: readable with any colour vision.
                "colorscale": [[0, "#deebf7"], [0.5, "#6baed6"], [1, "#08306b"]],
                "cmin": 0,
                "cmax": max(1, top),
                "showscale": True,
                # Whole raters on the colour bar: ticks 0, 1, 2... (every k-th past ten).
                "colorbar": {
                    "title": {"text": "raters", "side": "right"},  # clear of the top tick
                    "thickness": 12,
                    "tickmode": "linear",
                    "tick0": 0,
                    "dtick": max(1, math.ceil(top / 8)),
                    "tickformat": "d",
                },
                "line": {"width": 0},
            },
            text=[str(c[2]) for c in cells],
            textfont={"color": ["#fff" if c[2] > top / 2 else "#1b1f24" for c in cells]},
            textposition="middle center",
            customdata=[[_label(c[3], 80), c[3]["n"], c[2]] for c in cells],
            hovertemplate="%{customdata[0]}<br>score %{x}: %{customdata[2]} of "
            "%{customdata[1]} raters<extra></extra>",
            cliponaxis=False,
        ),
        layout=_base_layout(
            height=max(220, len(rows) * 26 + 80),
            xaxis={
                "type": "category",
                "categoryorder": "array",
                "categoryarray": columns,
                "range": [-0.5, len(columns) - 0.5],  # every score column, even an empty one
                "title": {"text": "Score"},
                "side": "bottom",
                "showgrid": True,
                "gridcolor": "#eee",
            },
            yaxis={**_category_axis(codes, codes), "range": [len(codes) - 0.5, -0.5]},
        ),
    )
    narrow = {
        "yaxis": {"ticktext": [_short(r) for r in rows]},
        "margin": {"l": 4, "r": 4, "t": 10, "b": 50},
    }
    return _figure(fig, narrow=narrow, message=_unrated_note(payload["results"]))


def _groups_of_points(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Theories at the same (mean, controversy) drawn as one point with every number as its
    label: with two raters many theories coincide and their labels would print over each
    other."""
    found: dict[tuple[float, float], list[dict[str, Any]]] = {}
    for r in rows:
        found.setdefault((round(r["mean"], 2), round(r["controversy"], 2)), []).append(r)
    return list(found.values())


# The phone drawing, the narrowest the labels must fit: its plot area in px (a 390 px screen).
NARROW_PLOT = (300.0, 260.0)
LABEL_PLACES = ("top center", "bottom center", "middle right", "middle left")


def _label_box(
    place: str, cx: float, cy: float, r: float, w: float, h: float
) -> tuple[float, float, float, float]:
    """The box (left, right, bottom, top; px, y up) of a w × h label at `place` around a point
    of radius r at (cx, cy)."""
    if place == "top center":
        return cx - w / 2, cx + w / 2, cy + r, cy + r + h
    if place == "bottom center":
        return cx - w / 2, cx + w / 2, cy - r - h, cy - r
    if place == "middle right":
        return cx + r, cx + r + w, cy - h / 2, cy + h / 2
    return cx - r - w, cx - r, cy - h / 2, cy + h / 2


def _label_places(
    points: list[tuple[float, float, float, str]], x_span: float, y_span: float
) -> list[str]:
    """A textposition for each (x, y, marker size, label), such that no two labels overlap at
    phone width, or "" (no label; the hover still names the point) when every place around it
    is taken. Greedy, in the order given."""
    px_x, px_y = NARROW_PLOT[0] / x_span, NARROW_PLOT[1] / y_span
    taken: list[tuple[float, float, float, float]] = []
    places = []
    for x, y, size, text in points:
        w, h, r = 7.5 * len(text) + 2, 15.0, size / 2 + 1
        for place in LABEL_PLACES:
            box = _label_box(place, x * px_x, y * px_y, r, w, h)
            if all(
                box[1] <= t[0] or t[1] <= box[0] or box[3] <= t[2] or t[3] <= box[2] for t in taken
            ):
                taken.append(box)
                places.append(place)
                break
        else:
            places.append("")
    return places


def agreement_map(payload: dict[str, Any]) -> dict[str, Any]:
    """Mean against controversy for theories with at least two ratings."""
    rows = _rated(payload["results"], minimum=2)
    if not rows:
        return empty_figure("The agreement map appears once a theory has two ratings.", height=140)
    notable = (payload.get("summary") or {}).get("most_controversial_highly_rated")
    notable_id = notable["theory"]["id"] if notable else None
    points = _groups_of_points(rows)
    max_c = max(3.0, *(r["controversy"] + 0.5 for r in rows))

    def colour(group: list[dict[str, Any]]) -> str:
        if any(r["theory"]["id"] == notable_id for r in group):
            return VERMILLION
        return GREY if all(r.get("thin") for r in group) else BLUE

    sizes = [10 + min(20, max(r["n"] for r in g)) for g in points]
    labels = [", ".join(str(r["theory"]["number"]) for r in g) for g in points]
    # Labels where they fit at phone width without covering another; the ones placed first are
    # the points drawn largest (most raters), with the notable one before all.
    order = sorted(
        range(len(points)),
        key=lambda i: (colour(points[i]) != VERMILLION, -sizes[i], points[i][0]["rank"]),
    )
    placed = _label_places(
        [(points[i][0]["mean"], points[i][0]["controversy"], sizes[i], labels[i]) for i in order],
        10.0,
        max_c,
    )
    place_of = dict(zip(order, placed, strict=True))
    fig = go.Figure(
        go.Scatter(
            x=[g[0]["mean"] for g in points],
            y=[g[0]["controversy"] for g in points],
            mode="markers+text",
            text=[labels[i] if place_of[i] else "" for i in range(len(points))],
            textposition=[place_of[i] or "top center" for i in range(len(points))],
            cliponaxis=False,
            marker={
                "size": sizes,
                "color": [colour(g) for g in points],
                "line": {"color": "#333", "width": 1},
            },
            customdata=[["<br>".join(_label(r, 60) for r in g), g[0]["n"]] for g in points],
            hovertemplate="%{customdata[0]}<br>mean %{x:.2f}, controversy %{y:.2f}"
            "<br>n = %{customdata[1]}<extra></extra>",
        ),
        layout=_base_layout(
            height=380,
            margin={"l": 60, "r": 10, "t": 20, "b": 50},
            xaxis={
                "type": "linear",
                "range": [0.5, 10.5],
                "title": {"text": "Mean rating (1–10)"},
                "dtick": 1,
            },
            yaxis={
                "type": "linear",
                "range": [0, max_c],
                "title": {"text": "Controversy (points)"},
                "automargin": True,
            },
        ),
    )
    return _figure(fig, narrow={"height": 320, "margin": {"l": 50, "r": 6, "t": 10, "b": 50}})


def ranking_figures(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The three charts of a ranking, keyed as the page's chart boxes (`data-chart`). When
    nobody has rated, the first says so and the other two say nothing more."""
    figures = {
        "bars": ranking_bars(payload),
        "heatmap": ranking_heatmap(payload),
        "scatter": agreement_map(payload),
    }
    if figures["bars"]["empty"]:
        for name in ("heatmap", "scatter"):
            figures[name]["message"] = None
    return figures
