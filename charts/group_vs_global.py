"""The charts that set a group beside all public groups: its ranks against the global ranks
(the comparison), and one theory's score shares across all public groups and in each of the
viewer's groups (the distribution). The ranking's own charts are in charts/figures.py, with the
rules every figure follows."""

from typing import Any

import plotly.graph_objects as go

from .figures import ORANGE, PALETTE, SCORES, _base_layout, _figure, _label, empty_figure


def comparison_figure(payload: dict[str, Any]) -> dict[str, Any]:
    """A group's rank against the global rank, for theories rated in both."""
    both = [
        r
        for r in payload["results"]
        if r["group_rank"] is not None and r["global_rank"] is not None
    ]
    if not both:
        return empty_figure(
            "The comparison appears once theories are rated here and elsewhere.", height=140
        )
    top = max(2, *(max(r["group_rank"], r["global_rank"]) for r in both)) + 1
    fig = go.Figure(
        [
            go.Scatter(
                x=[0, top],
                y=[0, top],
                mode="lines",
                line={"dash": "dot", "color": "#999"},
                hoverinfo="skip",
            ),
            go.Scatter(
                x=[r["global_rank"] for r in both],
                y=[r["group_rank"] for r in both],
                mode="markers+text",
                text=[str(r["theory"]["number"]) for r in both],
                textposition="middle right",
                marker={"size": 12, "color": ORANGE, "line": {"color": "#333", "width": 1}},
                customdata=[_label(r, 80) for r in both],
                hovertemplate="%{customdata}<br>rank here %{y}, in all public groups %{x}"
                "<extra></extra>",
            ),
        ],
        layout=_base_layout(
            height=380,
            margin={"l": 60, "r": 10, "t": 10, "b": 50},
            xaxis={
                "type": "linear",
                "range": [top, 0],
                "title": {"text": "Rank in all public groups"},
                "dtick": 2,
            },
            yaxis={
                "type": "linear",
                "range": [top, 0],
                "title": {"text": "Rank in this group"},
                "dtick": 2,
            },
        ),
    )
    return _figure(fig, narrow={"height": 320, "margin": {"l": 50, "r": 6, "t": 10, "b": 50}})


def distribution_figure(payload: dict[str, Any]) -> dict[str, Any]:
    """A theory's score shares: all public groups and each of the viewer's visible groups."""
    series = [{"name": "All public groups", **payload["all_public"]}] + [
        g for g in payload["groups"] if not g.get("hidden")
    ]
    shown = [s for s in series if s.get("n")]
    if not shown:
        return empty_figure("Nobody has rated this theory yet.", height=140)
    columns = [str(s) for s in SCORES]
    fig = go.Figure(
        [
            go.Bar(
                name=f"{s['name']} (n = {s['n']})",
                x=columns,
                y=[100 * c / s["n"] for c in s["histogram"]],
                customdata=[[c, s["n"]] for c in s["histogram"]],
                hovertemplate="score %{x}: %{customdata[0]} of %{customdata[1]} raters "
                "(%{y:.0f}%)<extra>%{fullData.name}</extra>",
                marker={"color": PALETTE[i % len(PALETTE)]},
            )
            for i, s in enumerate(shown)
        ],
        layout=_base_layout(
            height=340,
            barmode="group",
            showlegend=True,
            margin={"l": 60, "r": 10, "t": 10, "b": 50},
            xaxis={
                "type": "category",
                "categoryorder": "array",
                "categoryarray": columns,
                "title": {"text": "Score"},
            },
            yaxis={
                "type": "linear",
                "title": {"text": "Share of raters (%)"},
                "rangemode": "tozero",
            },
            legend={"orientation": "h", "y": -0.25},
        ),
    )
    return _figure(fig, narrow={"margin": {"l": 50, "r": 6, "t": 10, "b": 50}})
