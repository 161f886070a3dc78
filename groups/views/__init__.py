"""Pages of groups, by concern: `groups`, `invitations`, `manage` (the facilitator's)."""
