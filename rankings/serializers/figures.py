"""The figures of each ranking-shaped answer (`api/figures.py`): plotly figures as JSON, each
with its own part and the part every figure of the answer shares."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

FIGURE = serializers.DictField(
    help_text="A plotly figure's own part: data, layout, empty, message, narrow (phone layout)."
)
SHARED = serializers.DictField(
    required=False,  # a hidden answer has no figures, so nothing to share
    help_text="What every figure of the answer shares: `layout` (deep-merged under each "
    "figure's layout) and `config`.",
)
FiguresSerializer = inline_serializer(
    "RankingFigures",
    {
        "computed_at": serializers.DateTimeField(allow_null=True),
        "raters": serializers.IntegerField(),
        "hidden": serializers.BooleanField(),
        "shared": SHARED,
        "figures": serializers.DictField(
            child=FIGURE, help_text="Keyed by chart: bars, heatmap, scatter."
        ),
    },
)
OneFigureSerializer = inline_serializer(
    "Figure",
    {
        "hidden": serializers.BooleanField(),
        "shared": SHARED,
        "figure": serializers.DictField(
            allow_null=True, help_text="A plotly figure's own part; null while hidden."
        ),
    },
)
