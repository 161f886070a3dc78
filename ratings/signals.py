"""What a change to the ratings means for the apps above this one is theirs to say: this app
announces the change and `rankings` (stale marks for the stored rankings it touches) listens
(`rankings.receivers`). Receivers run synchronously, inside the sender's transaction, so a stale
mark commits or rolls back with the change that caused it.

Every signal is sent with `group` (the DiscussionGroup, as saved)."""

from django.dispatch import Signal

# A submission changed the group's current ratings (inside the saving transaction).
ratings_changed = Signal()
# Round `closed` of the group was closed and round `closed + 1` opened (inside the opening
# transaction; `group.current_round` is already the new round's number).
round_opened = Signal()
