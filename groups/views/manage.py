"""A facilitator's writes that reshape a group, from the "Run the group" page: a new invite link,
removing a member, deleting the group. Facilitators only (members 403, private outsiders 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from impactboard.request_types import AuthedHttpRequest

from ..access import Need, group_access
from ..forms import GroupDeleteForm, member_chosen
from ..selectors import group_guests, group_newcomers
from ..services import (
    LastFacilitator,
    group_delete,
    group_invite_rotate,
    membership_remove,
    newcomer_decide,
)


@login_required
@require_POST
def group_invite_rotate_page(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
    group_invite_rotate(group=access.group)
    messages.success(request, "New invite link made: the old one no longer works.")
    return redirect("group_facilitate", slug=slug)


@login_required
@require_POST
def group_member_remove(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
    user = member_chosen(request.POST)
    if user is None:
        messages.error(request, "Choose a member to remove.")
        return redirect("group_facilitate", slug=slug)
    guest = group_guests(group=access.group).get(user.pk)
    try:
        removed = membership_remove(group=access.group, user=user)
    except LastFacilitator as exc:
        messages.error(request, str(exc))
    else:
        if removed:
            name = guest.name if guest is not None else user.username
            messages.success(request, f"Removed {name}. Their ratings stay in the group's results.")
        else:
            messages.error(request, "That person is not a member.")
    return redirect("group_facilitate", slug=slug)


@login_required
@require_POST
def group_newcomer_decide(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """Approve or decline one newcomer waiting in the group's queue (its buttons on "Run the
    group"). An unknown name, or one nobody is waiting under, is a message, changing nothing."""
    access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
    decision = request.POST.get("decision")
    user = member_chosen(request.POST)
    waiting = {r.user_id: r for r in group_newcomers(group=access.group)}
    if decision not in ("approve", "decline") or user is None or user.pk not in waiting:
        messages.error(request, "Choose a newcomer who is waiting, and approve or decline.")
        return redirect("group_facilitate", slug=slug)
    name = waiting[user.pk].name  # type: ignore[attr-defined]
    newcomer_decide(group=access.group, user=user, approve=decision == "approve")
    if decision == "approve":
        messages.success(request, f"{name} is in: they can rate now.")
    else:
        messages.success(request, f"Declined {name}.")
    return redirect("group_facilitate", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def group_delete_page(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """Deleting needs the group's name typed on this page (and its CSRF token): a fresh, deliberate
    confirmation. The page offers the CSV exports first, since nothing survives."""
    access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
    group = access.group
    form = GroupDeleteForm(request.POST or None, group=group)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            name = group.name
            group_delete(group=group)
            messages.success(request, f"Deleted “{name}” and everything in it.")
            return redirect("group_list")
        status = 400
    return render(
        request,
        "groups/delete.html",
        {"group": group, "access": access, "form": form, "results_visible": True},
        status=status,
    )
