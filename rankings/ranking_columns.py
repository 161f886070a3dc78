"""The columns of a ranking table, written once. The page's table
(templates/rankings/_ranking_table.html, through `rankings.templatetags.ranking_table`), the script
that redraws it on every poll (static/js/rankings.js, which reads them from the page's
json_script) and the rankings CSV export (`exports.selectors.export_rankings`) all follow this
list, so a statistic added to the row is shown, redrawn and exported by one more entry here.
"""

from dataclasses import dataclass, replace
from typing import Any, Literal

from maths.ranking import RankingRow

#: How a cell shows its value: `rank` (with its rank interval on the page), `theory` (number and
#: title), `number` (`digits` decimals, "–" for none), `pattern` (the flags with their words),
#: `interval` (a [low, high] pair: two CSV cells), `coverage` ("3 of 12" on the page: the row's
#: n of the ranking's raters; the share in the CSV), `adjusted` (the adjusted score with its
#: interval on the page, or why there is none; score, low and high in the CSV).
Kind = Literal["rank", "theory", "number", "pattern", "interval", "coverage", "adjusted"]


@dataclass(frozen=True)
class Column:
    key: str  # the row's field (RankingRow)
    kind: Kind
    heading: str = ""  # the page's column heading; "" = not on the page
    csv: tuple[str, ...] = ()  # the CSV header cells it fills, in order; () = not in the CSV
    digits: int | None = None  # a number's decimals on the page; None = as it is
    abbr: str = ""  # what the heading abbreviates (an <abbr title>)
    method: str = ""  # the /methods/ section the heading links to
    method_title: str = ""
    method_text: str = ""  # the link's text after the heading; "" = the heading is the link

    @property
    def data(self) -> dict[str, Any]:
        """What the page script needs of the column to draw its cells."""
        return {"key": self.key, "kind": self.kind, "digits": self.digits}


RANKING_COLUMNS: tuple[Column, ...] = (
    Column(
        "rank",
        "rank",
        heading="Rank",
        csv=("rank",),
        method="rank-intervals",
        method_title=(
            "The range in brackets: the places it could plausibly hold given these raters (95%)"
        ),
        method_text="(range)",
    ),
    Column("theory", "theory", heading="Theory", csv=("theory", "title")),
    Column("n", "number", heading="n", csv=("n",), abbr="number of ratings"),
    Column("mean", "number", heading="Mean", csv=("mean",), digits=2),
    Column("median", "number", heading="Median", csv=("median",), digits=1),
    Column(
        "adjusted",
        "adjusted",
        heading="Adjusted",
        digits=2,
        method="adjusted-score",
        method_title=(
            "The score corrected for who rated it (raters' leniency), with its 95% interval"
        ),
    ),
    Column(
        "coverage",
        "coverage",
        heading="Rated by",
        method="coverage",
        method_title="How many of this ranking's raters rated it",
    ),
    Column(
        "stdev", "number", heading="SD", csv=("stdev",), digits=2, abbr="sample standard deviation"
    ),
    Column(
        "controversy",
        "number",
        heading="Controversy",
        csv=("controversy",),
        digits=2,
        abbr="Controversy: how many points two raters differ by, on average",
    ),
    Column(
        "flags",
        "pattern",
        heading="Pattern",
        method="flags",
        method_title=("Split: two camps; spread: everyone unsure; consensus: 70% within a point"),
    ),
    # In the CSV only, and last there (issue 13), so that the earlier columns keep their place.
    Column("rank_interval", "interval", csv=("rank_low", "rank_high")),
    Column("tier", "number", csv=("tier",)),
    # Issue 22: after those, so that every earlier column keeps its place.
    Column("coverage", "number", csv=("coverage",)),
    Column("adjusted", "adjusted", csv=("adjusted", "adjusted_low", "adjusted_high")),
)


#: The global ranking is a ranking of groups: its rows also say how many groups rated each
#: theory, and its score is the median of the groups' means (maths.combine).
GROUPS_COLUMN = Column(
    "groups",
    "number",
    heading="Groups",
    method="global-groups",
    method_title="Groups that rated it: each one voice",
)


def page_columns(*, of_groups: bool = False) -> list[Column]:
    """The columns of the page's table (and of its script), in order; `of_groups` for a ranking
    of groups (the global one)."""
    columns = [c for c in RANKING_COLUMNS if c.heading]
    if not of_groups:
        return columns
    shown: list[Column] = []
    for column in columns:
        if column.kind in ("coverage", "adjusted"):
            continue  # a ranking of groups: its Groups column is the coverage; no rater rows
        if column.key == "mean":
            column = replace(column, heading="Score", abbr="The median of the groups' means")
        shown.append(column)
        if column.key == "n":
            shown.append(GROUPS_COLUMN)
    return shown


def csv_header() -> list[str]:
    return [name for c in RANKING_COLUMNS for name in c.csv]


def csv_cells(row: RankingRow) -> list[Any]:
    """One row of the rankings CSV, cells in `csv_header` order. `.get`: a ranking stored before
    issue 13 has no rank interval or tier until it is recomputed."""
    fields: dict[str, Any] = dict(row)
    cells: list[Any] = []
    for column in RANKING_COLUMNS:
        if not column.csv:
            continue
        if column.kind == "theory":
            cells += [row["theory"]["number"], row["theory"]["title"]]
        elif column.kind == "interval":
            cells += list(fields.get(column.key) or [None] * len(column.csv))
        elif column.kind == "adjusted":
            adjusted = fields.get(column.key) or {}
            interval = adjusted.get("interval") or [None, None]
            cells += [adjusted.get("score"), *interval]
        else:
            cells.append(fields.get(column.key))
    return cells
