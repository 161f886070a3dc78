"""The ratings app's serializers, by concern like `api/`: `ratings` (the caller's ratings),
`rankings` (rankings, comparison, distribution), `rounds` (rounds, changes, history), `figures`
(the charts of each)."""
