"""The first chart of a page drawn into its HTML (issue 24): a static SVG of the same figure the
API sends (charts/svg.py), shown until plotly.js has arrived and drawn the interactive one."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from charts.figures import ranking_bars
from charts.group_vs_global import distribution_figure
from charts.svg import figure_svg
from theories.models import Theory

from ..selectors import RankingView, ranking_payload, theory_distribution

register = template.Library()


@register.simple_tag
def ranking_bars_svg(ranking: RankingView) -> SafeString:
    """The ranking's bar chart (charts.figures.ranking_bars) as a static drawing."""
    svg = figure_svg(
        ranking_bars(ranking_payload(ranking)),
        uid="bars",
        label="Mean rating per theory with its 95% interval (a static drawing; the "
        "interactive chart replaces it)",
    )
    return mark_safe(svg)  # noqa: S308 (figure_svg escapes every text it writes)


@register.simple_tag(takes_context=True)
def distribution_svg(context: template.Context, theory: Theory) -> SafeString:
    """A theory's distribution chart, as the viewer may see it (the API's rules)."""
    payload = theory_distribution(theory=theory, user=context["request"].user)
    svg = figure_svg(
        distribution_figure(payload),
        uid="distribution",
        label="Share of raters giving each score (a static drawing; the interactive chart "
        "replaces it)",
    )
    return mark_safe(svg)  # noqa: S308 (figure_svg escapes every text it writes)
