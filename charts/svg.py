"""A static SVG of a bar figure, drawn on the server from the very figure plotly.js will draw.

Why (issue 24): at 400 kbit/s plotly.js alone takes about 8 s to arrive, so a page that waits
for it shows its first chart after 11–15 s. The page instead carries this drawing in its HTML
(a few KB); the page script replaces it with the interactive chart when plotly.js has run.

Pure code: no Django, no plotly. The input is a figure dict as charts/figures.py builds it
(`data`, `layout`, `narrow`, `empty`), so the drawing and the interactive chart cannot disagree
on order, values or labels. What it draws is what those figures use: bar traces (horizontal,
on a categorical y axis, with asymmetric whiskers, hatched bars and labels inside; or vertical,
grouped, on a categorical x axis, with a legend), scatter markers on a categorical axis (the
bar chart of one or two raters), and rectangles behind the plot (the tier bands). Anything else
in a figure is left out; an empty figure draws nothing (its message is on the page as text).

Horizontal positions are percentages of the drawing's width, vertical ones pixels of the
figure's height: the drawing fills its box at any width without scaling its text, and has the
height plotly.js will give the chart, so nothing moves when one replaces the other. Each figure
is drawn twice, with its wide and its `narrow` (phone) layout; CSS shows the one for the box's
width (app.css, the same 560 px as the page script).
"""

from collections.abc import Sequence
from html import escape
from math import floor, log10
from typing import Any

INK = "#2a3f5f"
FONT = "system-ui, sans-serif"
# The plot area's horizontal extent, in % of the width: the category labels (or the value
# ticks) take the left column. Wide labels are "12. A theory's title" (up to 38 characters),
# narrow ones "#12".
PLOT_LEFT = {"wide": 40.0, "narrow": 11.0}
PLOT_LEFT_VALUES = {"wide": 8.0, "narrow": 12.0}
PLOT_RIGHT = 98.0
# Where a figure writes a column of text right of its plot (the bar chart's "n = 12"), the plot
# ends earlier: plotly.js gives that column a fixed margin (charts.figures.N_COLUMN, 52 px).
PLOT_RIGHT_WITH_COLUMN = {"wide": 93.0, "narrow": 86.0}
BAR_GAP = 0.2  # plotly's default bargap: a bar fills 80% of its category's band
LEGEND_ROW = 18


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """The page script's merge (static/js/rankings.js): nested dicts merged, the rest replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = _merge(base[key], value)
        else:
            out[key] = value
    return out


def _at(items: Any, index: int, default: Any = None) -> Any:
    """A per-point attribute: a list (one value per point) or one value for all."""
    if isinstance(items, list | tuple):
        return items[index] if index < len(items) else default
    return default if items is None else items


def _nice_ticks(top: float, *, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top` (steps of 1, 2, 2.5 or 5 × 10^k)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** floor(log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _num(value: float) -> str:
    return f"{value:g}"


class _Canvas:
    """SVG elements in a mixed coordinate system: x in % of the width, y in px."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def rect(self, x0: float, x1: float, y0: float, y1: float, fill: str, **extra: str) -> None:
        left, width = min(x0, x1), abs(x1 - x0)
        attrs = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in extra.items())
        self.parts.append(
            f'<rect x="{left:.2f}%" y="{min(y0, y1):.1f}" width="{width:.2f}%" '
            f'height="{abs(y1 - y0):.1f}" fill="{escape(fill)}"{attrs}/>'
        )

    def line(self, x0: float, y0: float, x1: float, y1: float, stroke: str, width: float) -> None:
        self.parts.append(
            f'<line x1="{x0:.2f}%" y1="{y0:.1f}" x2="{x1:.2f}%" y2="{y1:.1f}" '
            f'stroke="{escape(stroke)}" stroke-width="{width:g}"/>'
        )

    def circle(self, x: float, y: float, r: float, fill: str, stroke: str, width: float) -> None:
        self.parts.append(
            f'<circle cx="{x:.2f}%" cy="{y:.1f}" r="{r:g}" fill="{escape(fill)}" '
            f'stroke="{escape(stroke)}" stroke-width="{width:g}"/>'
        )

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        anchor: str = "start",
        fill: str = INK,
        size: int = 12,
        dx: float = 0,
    ) -> None:
        shift = f' dx="{dx:g}"' if dx else ""
        self.parts.append(
            f'<text x="{x:.2f}%" y="{y:.1f}"{shift} text-anchor="{anchor}" '
            f'dominant-baseline="central" fill="{escape(fill)}" font-size="{size}">'
            f"{escape(text)}</text>"
        )


def _hatch(pattern_id: str, colour: str, ink: str) -> str:
    # Plotly's "/" pattern as an overlay (the figures' template): thin diagonal lines over the
    # bar's own colour.
    return (
        f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="10" height="10">'
        f'<rect width="10" height="10" fill="{escape(colour)}"/>'
        f'<path d="M-2,12 L12,-2 M-2,2 L2,-2 M8,12 L12,8" stroke="{escape(ink)}" '
        'stroke-width="1.5"/></pattern>'
    )


def _horizontal(
    canvas: _Canvas, defs: list[str], fig: dict[str, Any], variant: str, uid: str
) -> float:
    """Theories down a categorical y axis, values along x. Returns the height drawn."""
    layout = fig["layout"]
    height = float(layout.get("height") or 320)
    margin = layout.get("margin") or {}
    top, bottom = float(margin.get("t", 10)), height - float(margin.get("b", 50))
    yaxis, xaxis = layout.get("yaxis") or {}, layout.get("xaxis") or {}
    categories: list[str] = list(yaxis.get("categoryarray") or fig["data"][0].get("y") or [])
    labels = list(yaxis.get("ticktext") or categories)
    lo, hi = (xaxis.get("range") or [0, 10])[:2]
    left = PLOT_LEFT[variant]
    column = any(t.get("mode") == "text" for t in fig["data"])
    right = PLOT_RIGHT_WITH_COLUMN[variant] if column else PLOT_RIGHT
    band = (bottom - top) / max(1, len(categories))

    def x(value: float) -> float:
        return left + (right - left) * (value - lo) / ((hi - lo) or 1)

    def y(position: float) -> float:  # category index, 0 at the top (autorange "reversed")
        return top + band * (position + 0.5)

    for shape in layout.get("shapes") or []:
        if shape.get("type") == "rect" and shape.get("yref") == "y":
            canvas.rect(
                left + (right - left) * float(shape.get("x0", 0)),
                left + (right - left) * float(shape.get("x1", 1)),
                y(float(shape["y0"])),
                y(float(shape["y1"])),
                shape.get("fillcolor", "rgba(0,0,0,0.05)"),
            )
    for value in xaxis.get("tickvals") or _nice_ticks(hi)[1:]:
        if lo <= value <= hi:
            canvas.text(x(value), bottom + 10, _num(value), anchor="middle")
    title = (xaxis.get("title") or {}).get("text")
    if title:
        canvas.text((left + right) / 2, bottom + 32, title, anchor="middle")
    index = {c: i for i, c in enumerate(categories)}
    for i, label in enumerate(labels):
        canvas.text(left, y(i), str(label), anchor="end", dx=-6)
    for trace in fig["data"]:
        marker = trace.get("marker") or {}
        points = list(zip(trace.get("x") or [], trace.get("y") or [], strict=False))
        if trace.get("type") == "bar":
            error = trace.get("error_x") or {}
            hatch = (marker.get("pattern") or {}).get("shape")
            for i, (value, category) in enumerate(points):
                if value is None or category not in index:
                    continue
                centre = y(index[category])
                colour = _at(marker.get("color"), i, "#0072B2")
                fill = colour
                if _at(hatch, i, "") == "/":
                    fill = f"url(#{uid}-hatch-{i})"
                    ink = (marker.get("pattern") or {}).get("fgcolor", "#555")
                    defs.append(_hatch(f"{uid}-hatch-{i}", colour, ink))
                half = band * (1 - BAR_GAP) / 2
                canvas.rect(x(0 if lo <= 0 else lo), x(value), centre - half, centre + half, fill)
                text = _at(trace.get("text"), i)
                if text:
                    ink = _at((trace.get("textfont") or {}).get("color"), i, "#fff")
                    canvas.text(x(0 if lo <= 0 else lo), centre, str(text), fill=ink, dx=4)
                plus, minus = _at(error.get("array"), i), _at(error.get("arrayminus"), i)
                if plus or minus:
                    ink = error.get("color", "#333")
                    a, b = x(value - (minus or 0)), x(value + (plus or 0))
                    canvas.line(a, centre, b, centre, ink, 1.5)
                    for end in (a, b):
                        canvas.line(end, centre - 4, end, centre + 4, ink, 1.5)
        elif trace.get("type") == "scatter" and trace.get("mode") == "text":
            for i, (value, category) in enumerate(points):
                text = _at(trace.get("text"), i)
                if value is not None and category in index and text:
                    canvas.text(x(value), y(index[category]), str(text), size=11, dx=4)
        elif trace.get("type") == "scatter":
            outline = marker.get("line") or {}
            for i, (value, category) in enumerate(points):
                if value is None or category not in index:
                    continue
                canvas.circle(
                    x(value),
                    y(index[category]),
                    float(_at(marker.get("size"), i, 10)) / 2,
                    _at(marker.get("color"), i, "#0072B2"),
                    outline.get("color", "#333"),
                    float(outline.get("width", 1)),
                )
    return height


def _vertical(canvas: _Canvas, fig: dict[str, Any], variant: str) -> float:
    """Grouped bars up a linear y axis, categories along x, a legend below. Returns the
    height drawn (the figure's, or more if the legend needs it)."""
    layout = fig["layout"]
    height = float(layout.get("height") or 320)
    margin = layout.get("margin") or {}
    traces = [t for t in fig["data"] if t.get("type") == "bar"]
    xaxis, yaxis = layout.get("xaxis") or {}, layout.get("yaxis") or {}
    categories: list[str] = list(xaxis.get("categoryarray") or traces[0].get("x") or [])
    legend = bool(layout.get("showlegend")) and bool(traces)
    legend_h = LEGEND_ROW * len(traces) + 8 if legend else 0
    title = (yaxis.get("title") or {}).get("text")
    # The axis title goes above the plot (plotly turns it sideways, which percentages cannot).
    top = float(margin.get("t", 10)) + (18 if title else 0)
    bottom = height - float(margin.get("b", 50)) - legend_h
    top_value = max((v for t in traces for v in (t.get("y") or []) if v is not None), default=1)
    hi = float(top_value) * 1.05  # plotly's autorange leaves about this much room on top
    ticks = [t for t in _nice_ticks(float(top_value)) if t <= hi]
    left = PLOT_LEFT_VALUES[variant]
    band = (PLOT_RIGHT - left) / max(1, len(categories))

    def y(value: float) -> float:
        return bottom - (bottom - top) * value / (hi or 1)

    for value in ticks:
        canvas.line(left, y(value), PLOT_RIGHT, y(value), "#eee", 1)
        canvas.text(left, y(value), _num(value), anchor="end", dx=-4)
    if title:
        canvas.text(left, top - 14, title, anchor="start")
    index = {c: i for i, c in enumerate(categories)}
    for i, category in enumerate(categories):
        canvas.text(left + band * (i + 0.5), bottom + 10, str(category), anchor="middle")
    title = (xaxis.get("title") or {}).get("text")
    if title:
        canvas.text((left + PLOT_RIGHT) / 2, bottom + 30, title, anchor="middle")
    group = band * (1 - BAR_GAP)
    width = group / max(1, len(traces))
    for k, trace in enumerate(traces):
        colour = (trace.get("marker") or {}).get("color", "#0072B2")
        for i, (category, value) in enumerate(
            zip(trace.get("x") or [], trace.get("y") or [], strict=False)
        ):
            if value is None or category not in index:
                continue
            x0 = left + band * index[category] + band * BAR_GAP / 2 + width * k
            canvas.rect(x0, x0 + width, y(0), y(value), _at(colour, i, "#0072B2"))
    if legend:
        base = height - legend_h + 4
        for k, trace in enumerate(traces):
            row = base + LEGEND_ROW * k + LEGEND_ROW / 2
            colour = _at((trace.get("marker") or {}).get("color"), 0, "#0072B2")
            canvas.rect(left, left + 2.5, row - 5, row + 5, colour)
            canvas.text(left + 3.5, row, str(trace.get("name") or ""))
    return height


def figure_svg(figure: dict[str, Any], *, uid: str, label: str) -> str:
    """Both drawings of `figure` (wide and narrow), or "" when it draws nothing. `uid` makes
    the ids inside unique on the page; `label` is what a screen reader hears."""
    if figure.get("empty") or not figure.get("data"):
        return ""
    out = []
    for variant in ("wide", "narrow"):
        fig = dict(figure)
        if variant == "narrow":
            fig["layout"] = _merge(figure["layout"], figure.get("narrow") or {})
        canvas = _Canvas()
        defs: list[str] = []
        if _is_horizontal(fig["data"]):
            height = _horizontal(canvas, defs, fig, variant, f"{uid}-{variant}")
        else:
            height = _vertical(canvas, fig, variant)
        out.append(
            f'<svg class="chart-static chart-static-{variant}" xmlns="http://www.w3.org/2000/svg" '
            f'width="100%" height="{height:.0f}" role="img" aria-label="{escape(label)}" '
            f'font-family="{FONT}" font-size="12">'
            + (f"<defs>{''.join(defs)}</defs>" if defs else "")
            + "".join(canvas.parts)
            + "</svg>"
        )
    return "".join(out)


def _is_horizontal(data: Sequence[dict[str, Any]]) -> bool:
    first = data[0]
    return first.get("orientation") == "h" or first.get("type") == "scatter"
