"""The changes view's slope charts, built with plotly from the changes rows (no Django here).

One figure per theory: round A on the left, round B on the right, a thin line per pair of
ratings (the same person's score in each round) and the two rounds' medians as a bold line. The
x axis is declared categorical: the round labels are never read as numbers.
"""

import json
import statistics
from collections import Counter
from typing import Any

import plotly.graph_objects as go

BLUE, VERMILLION, GREY = "#0072B2", "#D55E00", "#999999"


def slope_figure(row: dict[str, Any], *, first: int, last: int) -> dict[str, Any]:
    """The slope chart of one changes row (`lines`: [before, after] per pair), as plotly JSON."""
    labels = [f"Round {first}", f"Round {last}"]
    figure = go.Figure()
    counts = Counter((before, after) for before, after in row["lines"])
    for (before, after), count in sorted(counts.items()):
        moved = before != after
        figure.add_trace(
            go.Scatter(
                x=labels,
                y=[before, after],
                mode="lines+markers",
                line={"width": 1 + count, "color": VERMILLION if moved else GREY},
                opacity=0.8 if moved else 0.5,
                hovertemplate=(
                    f"{count} {'person' if count == 1 else 'people'}: {before} → {after}"
                    "<extra></extra>"
                ),
                showlegend=False,
            )
        )
    if row["lines"]:
        medians = [
            statistics.median(b for b, _ in row["lines"]),
            statistics.median(a for _, a in row["lines"]),
        ]
        figure.add_trace(
            go.Scatter(
                x=labels,
                y=medians,
                mode="lines+markers",
                name="Median of the pairs",
                line={"width": 5, "color": BLUE},
                hovertemplate="median %{y}<extra></extra>",
            )
        )
    theory = row["theory"]
    figure.update_layout(
        title={"text": f"{theory['number']}. {theory['title']}", "font": {"size": 14}},
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": labels},
        yaxis={"range": [0.5, 10.5], "dtick": 1, "title": {"text": "Score"}},
        margin={"l": 48, "r": 16, "t": 48, "b": 32},
        height=320,
        legend={"orientation": "h", "y": -0.15},
        paper_bgcolor="rgba(0,0,0,0)",
    )
    return dict(json.loads(figure.to_json()))
