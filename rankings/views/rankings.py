"""The group page: its ranking, charts, rounds and (for members) what to do next."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from groups.access import group_access, results_visible_to
from groups.qr import qr_svg
from groups.selectors import group_member_count
from maths.ranking import rows_rated_by_few
from ratings.selectors import group_progress
from ratings.views.rounds import rounds_context
from theories.models import Theory
from theories.views import list_detail_context

from ..scope import Scope
from ..selectors import ranking_get


def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """For facilitators the page opens on the console: the invitation (link, QR code, short
    code), who has rated, the round and its controls; then the ranking; then everything else.
    static/js/console.js keeps the counts live, static/js/rankings.js the ranking."""
    access = group_access(slug=slug, user=request.user)
    group = access.group
    ranking = ranking_get(scope=Scope.group(group.pk))
    member_count = group_member_count(group=group)
    invite_url = None
    if access.is_facilitator:
        invite_url = request.build_absolute_uri(
            reverse("group_invite", kwargs={"slug": group.slug, "code": group.join_code})
        )
    visible = results_visible_to(access=access, user=request.user)
    progress = (
        group_progress(group=group, member_count=member_count, with_names=access.is_facilitator)
        if access.is_member
        else None
    )
    # Each theory's name links to its page (the ranking rows carry ids; the pages are by slug).
    theory_urls = {
        str(pk): reverse("theory_detail", kwargs={"slug": slug})
        for pk, slug in Theory.objects.values_list("pk", "slug")
    }
    ranking_rows = [{**r, "url": theory_urls.get(str(r["theory"]["id"]))} for r in ranking.results]
    # The facilitator's alert: items fewer than half the group's raters rated (issue 22).
    few_rated = rows_rated_by_few(ranking.results, ranking.raters) if access.is_facilitator else []
    rounds = rounds_context(group=group, visible=visible)
    if progress is not None:
        # The same count as the live updates, so that the first poll changes nothing.
        rounds["round_raters"] = progress["round_raters"]
    return render(
        request,
        "ratings/group_detail.html",
        {
            "group": group,
            "access": access,
            "ranking": ranking,
            "ranking_rows": ranking_rows,
            "few_rated": few_rated,
            "theory_urls": theory_urls,
            "member_count": member_count,
            "progress": progress,
            "rated_counts": (progress["rated"], progress["total"]) if progress else None,
            "invite_url": invite_url,
            "invite_qr": qr_svg(url=invite_url) if invite_url else None,
            "join_page": request.build_absolute_uri(reverse("group_list")),
            "results_visible": visible,
            "score_range": range(1, 11),
            "theories": (
                Theory.objects.filter(longlist_id=group.longlist_id, status="active")
                if access.is_member
                else []
            ),
            **rounds,
        },
    )


def list_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A list's page (theories.views.list_detail_context) with its own global ranking: the
    listed public groups that rate it, one voice each (the default list's is the home page's).
    Kept live by static/js/rankings.js from `GET /api/v1/longlists/{slug}/rankings/`."""
    context = list_detail_context(request, slug)
    longlist = context["longlist"]
    if longlist.is_public:
        scope = Scope.global_() if longlist.is_default else Scope.longlist(longlist.pk)
        ranking = ranking_get(scope=scope)
        urls = {
            str(item.pk): reverse("theory_detail", kwargs={"slug": item.slug})
            for item in context["items"]
        }
        context.update(
            ranking=ranking,
            ranking_rows=[{**r, "url": urls.get(str(r["theory"]["id"]))} for r in ranking.results],
            rankings_url=reverse("api-longlist-rankings", kwargs={"slug": longlist.slug}),
        )
    return render(request, "theories/list_detail.html", context)
