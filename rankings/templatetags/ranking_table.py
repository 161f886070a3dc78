"""The ranking table's columns in a template (see `rankings.ranking_columns`)."""

from typing import Any

from django import template

from maths.ranking import RankingRow

from ..ranking_columns import Column, page_columns

register = template.Library()


@register.simple_tag
def ranking_columns(of_groups: object = False) -> list[Column]:
    """The columns the page shows, in order (`of_groups`: a ranking of groups, the global one)."""
    return page_columns(of_groups=bool(of_groups))


@register.simple_tag
def ranking_columns_data(of_groups: object = False) -> list[dict[str, Any]]:
    """The same columns for the page script (json_script)."""
    return [c.data for c in page_columns(of_groups=bool(of_groups))]


@register.filter
def cell(row: RankingRow, column: Column) -> Any:
    """The row's value of `column`."""
    return dict(row).get(column.key)
