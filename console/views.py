"""The facilitator's pages: "Run the group" (the group's settings, its invitation, who has rated,
roles; its buttons post to the group pages, `groups.views.manage`) and the projector (the screen
on the wall of the room, driven from the facilitator's laptop).

Facilitators only (members 403, private outsiders 404). The projector names who has rated and
who has not, which is the facilitator's to show, and its keys are the facilitator's controls;
members follow the same ranking on the group page. It obeys the group's hiding rule whoever
looks at it (`console.selectors`): a hidden ranking shows progress only, until revealed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from groups.access import Need, group_access
from groups.forms import GroupSettingsForm
from groups.models import DiscussionGroup
from groups.qr import qr_svg
from groups.selectors import group_guests, group_members, group_newcomers
from groups.services import group_update
from impactboard.request_types import AuthedHttpRequest
from ratings.selectors import group_rating_progress


def _invite_url(request: AuthedHttpRequest, group: DiscussionGroup) -> str:
    return request.build_absolute_uri(
        reverse("group_invite", kwargs={"slug": group.slug, "code": group.join_code})
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_facilitate(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """One page to run the group: settings, the invite link (copy, rotate), who has rated, roles."""
    access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
    group = access.group
    # A bound form would write its cleaned values onto `group` even when invalid; edit a copy.
    form = GroupSettingsForm(
        request.POST or None, instance=DiscussionGroup.objects.get(pk=group.pk)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.changed_data}
            if fields:
                group_update(group=group, by=request.user, **fields)
                messages.success(request, "Saved the group's settings.")
            else:
                messages.info(request, "Nothing changed, so nothing was saved.")
            return redirect("group_facilitate", slug=group.slug)
        messages.error(request, "Some settings need fixing: nothing was saved.")
        status = 400
    invite_url = _invite_url(request, group)
    progress = group_rating_progress(group=group)
    guests = group_guests(group=group)
    members = list(group_members(group=group))
    for m in members:
        m.guest = guests.get(m.user_id)  # type: ignore[attr-defined]
    return render(
        request,
        "console/settings.html",
        {
            "group": group,
            "access": access,
            "form": form,
            "invite_url": invite_url,
            "progress": progress,
            "rated_count": sum(1 for p in progress if p.rated),
            "members": members,
            "newcomers": group_newcomers(group=group),
            "total": 20,
        },
        status=status,
    )


@login_required
def group_present(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
    group = access.group
    invite_url = _invite_url(request, group)
    return render(
        request,
        "console/present.html",
        {
            "group": group,
            "invite_url": invite_url,
            "invite_qr": qr_svg(url=invite_url),
            "join_page": request.build_absolute_uri(reverse("group_list")),
        },
    )
