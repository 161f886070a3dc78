"""The pending invitation of a browser: remembered in the session when the invite page is
opened, so that it survives the sign-up form (even a failed one), the header's "Sign up" and
the log-in page, and consumed once the person has an account."""

import time

from django.contrib.auth.models import User
from django.http import HttpRequest

from .models import DiscussionGroup
from .services import GroupFull, group_enter

SESSION_KEY = "invitation"
MAX_AGE_SECONDS = 24 * 60 * 60  # an invitation opened yesterday is still the one meant today


def invitation_group(*, slug: str, code: str) -> DiscussionGroup | None:
    """The group whose current invite code is `code`; None for a wrong, rotated or unknown one."""
    if "\x00" in slug or "\x00" in code:  # PostgreSQL cannot even compare text holding NUL
        return None
    group = DiscussionGroup.objects.filter(slug=slug).first()
    if group is None or not code or code != group.join_code:
        return None
    return group


def invitation_remember(request: HttpRequest, group: DiscussionGroup) -> None:
    request.session[SESSION_KEY] = {
        "slug": group.slug,
        "code": group.join_code,
        "at": int(time.time()),
    }


def invitation_pending(request: HttpRequest) -> DiscussionGroup | None:
    """The group of the session's invitation while it is still valid (not rotated, not stale)."""
    pending = request.session.get(SESSION_KEY)
    if not isinstance(pending, dict):
        return None
    if int(time.time()) - int(pending.get("at", 0)) > MAX_AGE_SECONDS:
        return None
    return invitation_group(slug=str(pending.get("slug", "")), code=str(pending.get("code", "")))


def invitation_accept(request: HttpRequest, user: User) -> tuple[DiscussionGroup | None, str]:
    """Join the session's pending invitation's group, if any, and forget the invitation: the
    group and what came of it, "joined", "waiting" (the group approves newcomers) or "full"
    ("" without an invitation)."""
    group = invitation_pending(request)
    request.session.pop(SESSION_KEY, None)
    if group is None:
        return None, ""
    try:
        entered = group_enter(group=group, user=user, via_invite=True)  # a valid invitation
    except GroupFull:
        return group, "full"
    return group, "joined" if entered is not None else "waiting"
