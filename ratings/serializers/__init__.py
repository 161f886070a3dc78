"""The ratings app's serializers, by concern like `api/`: `ratings` (the caller's ratings),
`rounds` (rounds, changes, history)."""
