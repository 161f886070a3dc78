"""Every read of ratings, by concern: `ratings`, `progress`, `rounds`, `changes`, `citations`.
The stored rankings are the `rankings` app's (`rankings.selectors`).

The names are re-exported here so that `from ratings.selectors import ratings_current` works for
the other apps.
"""

from .progress import RaterProgress, group_progress, group_rating_progress
from .ratings import ratings_current

__all__ = [
    "RaterProgress",
    "group_progress",
    "group_rating_progress",
    "ratings_current",
]
