"""REST endpoints of the ratings app, by concern: `ratings` (the caller's ratings), `rounds`
(rounds, changes of mind, my history); `answers` is the one hidden / 304 / 200 answer of every
ranking-shaped GET (the changes here, and the stored rankings and their figures of the
`rankings` app); `schema` the round parameter and the errors they document."""

from .ratings import RatingsMineView

__all__ = [
    "RatingsMineView",
]
