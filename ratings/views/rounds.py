"""Pages of rounds: the facilitator's "open the next round", the changes view and my history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from charts.slope_figures import slope_figure
from groups.access import Need, group_access, results_visible_to
from groups.models import DiscussionGroup
from groups.selectors import participant_of
from impactboard.errors import DomainError
from impactboard.request_types import AuthedHttpRequest
from theories.models import Theory

from ..api.schema import round_number
from ..ranking_facts import ranking_results
from ..selectors import ratings_current
from ..selectors.changes import changes_between, round_feedback
from ..selectors.rounds import round_exists, round_list, submission_history
from ..services.rounds import round_open_next


@login_required
@require_POST
def round_open(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
    try:
        opened = round_open_next(group=access.group, user=request.user)
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Round {opened.number - 1} is closed and round {opened.number} is open: everyone "
            "can now rate again, starting from their earlier scores.",
        )
    return redirect("group_detail", slug=slug)


def _round_choice(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return None
    number = round_number(raw)
    if number is None:
        raise Http404("No such round.")
    return number


def changes_page(request: HttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user)
    group = access.group
    last = _round_choice(request, "to") or group.current_round
    first = _round_choice(request, "from") or max(1, last - 1)
    if not (round_exists(group=group, number=first) and round_exists(group=group, number=last)):
        raise Http404("No such round.")
    visible = results_visible_to(access=access, user=request.user)
    changes = changes_between(group=group, first=first, last=last) if visible else None
    figures = []
    if changes is not None:
        ranked = sorted(changes["results"], key=lambda r: (-r["moved"], r["theory"]["number"]))
        figures = [
            {"id": r["theory"]["id"], "figure": slope_figure(r, first=first, last=last)}
            for r in ranked
            if r["pairs"]
        ]
    return render(
        request,
        "ratings/changes.html",
        {
            "group": group,
            "access": access,
            "visible": visible,
            "changes": changes,
            "figures": figures,
            "rounds": round_list(group=group),
            "first": first,
            "last": last,
        },
    )


@login_required
def my_history(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """My scores beside the group's medians, what I changed and when, and my most unusual
    ratings (furthest from the median), each with a prompt to give a rationale."""
    access = group_access(slug=slug, user=request.user, need=Need.MEMBER)
    group = access.group
    participant = participant_of(group=group, user=request.user)
    theories = {t.id: t for t in Theory.objects.filter(longlist_id=group.longlist_id)}
    visible = results_visible_to(access=access, user=request.user)
    medians = {}
    if visible:
        current = ranking_results(group=group)
        medians = {r["theory"]["id"]: r["median"] for r in current}
    rows = []
    for rating in ratings_current(participant=participant):
        median = medians.get(rating.theory_id)
        rows.append(
            {
                "theory": theories[rating.theory_id],
                "score": rating.score,
                "rationale": rating.rationale,
                "median": median,
                "distance": abs(rating.score - median) if median is not None else None,
            }
        )
    unusual = sorted(
        (r for r in rows if r["distance"]), key=lambda r: (-r["distance"], r["theory"].number)
    )[:3]
    history = submission_history(participant=participant)
    for entry in history:
        for item in entry["items"]:
            item["theory_obj"] = theories.get(item["theory"])
        # "10 → 10" is not a change: a score kept in a later round is counted apart (the history
        # itself keeps every item, and the API lists them all).
        entry["changed"] = [i for i in entry["items"] if i["previous"] != i["score"]]
        entry["kept"] = len(entry["items"]) - len(entry["changed"])
    return render(
        request,
        "ratings/my_history.html",
        {
            "group": group,
            "access": access,
            "visible": visible,
            "rows": rows,
            "unusual": unusual,
            "history": history[:50],
            "more_history": len(history) > 50,
        },
    )


def rounds_context(*, group: DiscussionGroup, visible: bool) -> dict[str, object]:
    """What the group and rate pages show of rounds: the list, who has rated in the open round,
    and (from round 2 on, where the results are visible) the last closed round's feedback."""
    rounds = round_list(group=group)
    current = next((r for r in rounds if r["number"] == group.current_round), None)
    feedback_round = group.current_round - 1
    feedback = (
        round_feedback(group=group, number=feedback_round) if visible and feedback_round else []
    )
    return {
        "rounds": rounds,
        "round_raters": current["raters"] if current else 0,
        "feedback": feedback,
        "feedback_round": feedback_round,
    }
