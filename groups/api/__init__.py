"""REST endpoints of groups: `groups` (groups and memberships), `guests` (joining with a name),
`manage` (a facilitator's invitation)."""

from .groups import GroupViewSet, MemberRoleView
from .guests import GuestsView

__all__ = ["GroupViewSet", "GuestsView", "MemberRoleView"]
