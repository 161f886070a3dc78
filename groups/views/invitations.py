"""The way into a group: the invite link (join with a name, sign up, log in), the groups page's
invite-code field, and a facilitator removing a guest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from impactboard.throttling import sign_up_throttle

from ..access import Need, group_access, group_joinable
from ..forms import GuestJoinForm
from ..guest_auth import guest_cookie_set
from ..invitations import invitation_group, invitation_remember
from ..models import DiscussionGroup
from ..services import GroupFull, group_enter, newcomer_is_waiting
from ..services.guests import GuestNameInvalid, guest_join, guest_remove

INVALID_INVITE = (
    "This invitation link does not work: it may be mistyped, or the facilitator may have "
    "replaced it with a new one. Ask them for the current link."
)


WAITING_NOW = (
    "You asked to join “{name}”: its facilitator approves newcomers, and you can rate once they "
    "have let you in. Come back to this link later."
)


def _invite_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/invite_invalid.html", {"message": INVALID_INVITE}, status=404)


@require_http_methods(["GET", "POST"])
def group_invite(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The invite link: the group's name and description and three ways in (join with a name,
    sign up, log in). Opening it only remembers the invitation in the session, so that it
    survives the sign-up or log-in that follows; only a POST (with its CSRF token) joins."""
    user = request.user
    if user.is_authenticated:
        try:
            group = group_joinable(slug=slug, user=user, join_code=code)
        except Http404:
            return _invite_invalid(request)
    else:
        found = invitation_group(slug=slug, code=code)
        if found is None:
            return _invite_invalid(request)
        group = found
    guest_form = GuestJoinForm(request.POST if request.method == "POST" else None, group=group)
    status = 200
    if request.method == "POST" and user.is_authenticated:
        # The invitation (the right code) is what makes a member count in the global ranking.
        try:
            entered = group_enter(group=group, user=user, via_invite=code == group.join_code)
        except GroupFull as exc:
            messages.error(request, str(exc))
            status = 409
        else:
            if entered is None:
                messages.info(request, WAITING_NOW.format(name=group.name))
                return redirect("group_invite", slug=group.slug, code=code)
            messages.success(request, f"You have joined “{group.name}”.")
            return redirect("group_detail", slug=group.slug)
    if request.method == "POST" and not user.is_authenticated:
        if not group.guests_allowed:
            raise PermissionDenied("This group does not take guests.")
        if guest_form.is_valid():
            # Counted only once the name is valid: a form sent back with an error is free.
            if not sign_up_throttle(group.pk).allow_request(request, None):
                guest_form.add_error(None, "Too many people are joining right now; try again.")
                status = 429
            else:
                try:
                    guest = guest_join(group=group, name=guest_form.cleaned_data["name"])
                except GuestNameInvalid as exc:
                    guest_form.add_error("name", exc.messages)
                    status = 400
                except GroupFull as exc:
                    guest_form.add_error(None, str(exc))
                    status = 409
                else:
                    messages.success(request, f"Welcome, {guest.participant.name}.")
                    response = redirect("group_rate", slug=group.slug)
                    account = guest.participant.user
                    if account is not None and newcomer_is_waiting(group=group, user=account):
                        messages.info(request, WAITING_NOW.format(name=group.name))
                        response = redirect("group_invite", slug=group.slug, code=code)
                    guest_cookie_set(response, guest)
                    return response
        else:
            status = 400
    if not user.is_authenticated:
        invitation_remember(request, group)
    is_member = user.is_authenticated and group.memberships.filter(user=user).exists()
    waiting = user.is_authenticated and newcomer_is_waiting(group=group, user=user)
    context = {"group": group, "is_member": is_member, "waiting": waiting, "guest_form": guest_form}
    return render(request, "groups/group_invite.html", context, status=status)


def group_invite_code(request: HttpRequest) -> HttpResponse:
    """The groups page's "have an invite code?" field: the code (or the whole link pasted) leads
    to its invite page."""
    raw = request.GET.get("code", "").strip()
    if not raw:
        return redirect("group_list")  # nothing typed: back to the field
    code = raw.rstrip("/").rsplit("/", 1)[-1] if "/invite/" in raw else raw
    valid = code and "\x00" not in code  # PostgreSQL cannot even compare text holding NUL
    group = DiscussionGroup.objects.filter(join_code=code).first() if valid else None
    if group is None:
        return _invite_invalid(request)
    return redirect("group_invite", slug=group.slug, code=code)


@login_required
@require_POST
def group_guest_remove(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
    if guest_remove(group=access.group, participant_id=participant_id):
        messages.success(request, "The guest is removed: their link no longer works.")
    else:
        messages.error(request, "There is no such guest in this group.")
    return redirect("group_members", slug=slug)
