"""The rankings app's serializers, by concern like `api/`: `rankings` (rankings, comparison,
distribution), `figures` (the charts of each)."""
