"""The facilitator's "Run the group" page: the group's settings, its invitation, who has rated,
roles. Facilitators only (members 403, private outsiders 404). Its buttons post to the group
pages (`groups.views.manage`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from groups.access import Need, group_access
from groups.forms import GroupSettingsForm
from groups.models import DiscussionGroup
from groups.selectors import group_guests, group_members, group_newcomers
from groups.services import group_update
from impactboard.request_types import AuthedHttpRequest

from ..selectors import group_rating_progress


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
    invite_url = request.build_absolute_uri(
        reverse("group_invite", kwargs={"slug": group.slug, "code": group.join_code})
    )
    progress = group_rating_progress(group=group)
    guests = group_guests(group=group)
    members = list(group_members(group=group))
    for m in members:
        m.guest = guests.get(m.user_id)  # type: ignore[attr-defined]
    return render(
        request,
        "ratings/facilitate/settings.html",
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
