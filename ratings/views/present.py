"""The projector view: the screen on the wall of the room, driven from the facilitator's laptop.

Facilitators only (members 403, private outsiders 404): it names who has rated and who has not,
which is the facilitator's to show, and its keys are the facilitator's controls. Members follow
the same ranking on the group page. It obeys the group's hiding rule whoever looks at it
(ratings.selectors.present): a hidden ranking shows progress only, until revealed."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from groups.access import Need, group_access
from groups.qr import qr_svg
from impactboard.request_types import AuthedHttpRequest


@login_required
def group_present(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
    group = access.group
    invite_url = request.build_absolute_uri(
        reverse("group_invite", kwargs={"slug": group.slug, "code": group.join_code})
    )
    return render(
        request,
        "ratings/present.html",
        {
            "group": group,
            "invite_url": invite_url,
            "invite_qr": qr_svg(url=invite_url),
            "join_page": request.build_absolute_uri(reverse("group_list")),
        },
    )
