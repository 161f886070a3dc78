"""The group page: its ranking, charts, rounds and (for members) what to do next."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from groups.access import group_access, results_visible_to
from groups.selectors import group_member_count
from theories.models import Theory

from ..scope import Scope
from ..selectors import group_rated_counts, ranking_get
from .rounds import rounds_context


def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user)
    group = access.group
    ranking = ranking_get(scope=Scope.group(group.pk))
    invite_url = None
    if access.is_facilitator:
        invite_url = request.build_absolute_uri(
            reverse("group_invite", kwargs={"slug": group.slug, "code": group.join_code})
        )
    visible = results_visible_to(access=access, user=request.user)
    return render(
        request,
        "ratings/group_detail.html",
        {
            "group": group,
            "access": access,
            "ranking": ranking,
            "member_count": group_member_count(group=group),
            "rated_counts": group_rated_counts(group=group) if access.is_member else None,
            "invite_url": invite_url,
            "results_visible": visible,
            "score_range": range(1, 11),
            "theories": (
                Theory.objects.filter(longlist_id=group.longlist_id, status="active")
                if access.is_member
                else []
            ),
            **rounds_context(group=group, visible=visible),
        },
    )
