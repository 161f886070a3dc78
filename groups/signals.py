"""What a change to a group means for the apps above this one is theirs to say: this app
announces the change, and `ratings` (the first round: `ratings.receivers`) and `rankings` (stale
rankings, cached group facts: `rankings.receivers`) listen. Receivers run synchronously, inside
the sender's transaction, so a stale mark commits or rolls back with the change that caused it.

Every signal is sent with `group` (the DiscussionGroup, as saved)."""

from django.dispatch import Signal

# A new group, with `by` (its creator), inside the creating transaction.
group_created = Signal()
# Its settings, listing or invitation changed; `fed_global`: whether it fed the global ranking
# before the change (DiscussionGroup.feeds_global), so receivers can tell if that changed.
group_changed = Signal()
# Staff listed or un-listed it.
group_listing_decided = Signal()
# A member's participation changed what counts: they now came in through the invitation.
group_member_invited = Signal()
# It is about to be deleted (inside the deleting transaction, before the DELETE).
group_deleting = Signal()
