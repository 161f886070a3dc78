"""The figures, a pure library: plotly figures as plain JSON-shaped dicts, built from the payloads
the API answers (a ranking, a comparison, a theory's distribution, a changes row). No Django and
no project app (the layout test holds it); the endpoints that serve them are the rankings API's
(`ratings/api/figures.py`).

- `figures`: a ranking's own charts (bars with intervals, the score heatmap, the agreement map),
  and the rules every figure follows;
- `group_vs_global`: a group's ranks against the global ranks, a theory's score shares across
  groups;
- `slope_figures`: the changes page's slope chart of one theory between two rounds.
"""
