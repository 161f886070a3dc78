"""The rate page: every theory on one page, saved as one submission."""

from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from discussion.selectors import citable_comments
from groups.access import Need, group_access, results_visible_to
from groups.models import DiscussionGroup, Participant
from groups.services import participant_for_user
from impactboard.errors import DomainError
from impactboard.request_types import AuthedHttpRequest
from theories.models import Theory

from ..forms import RatingForm
from ..models import Rating, Submission
from ..selectors import ratings_current
from ..selectors.changes import round_feedback
from ..selectors.ratings import rate_page_notes
from ..services import RatingItem, RatingsClosed, rating_submission_create, ratings_open_check


@login_required
@require_http_methods(["GET", "POST"])
def group_rate(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user, need=Need.MEMBER)
    group = access.group
    participant = participant_for_user(group=group, user=request.user)
    # The active items of the group's list (a retired one takes no new score).
    on_list = Theory.objects.filter(longlist_id=group.longlist_id, status=Theory.Status.ACTIVE)
    current = {r.theory_id: r for r in ratings_current(participant=participant)}
    by_number = list(on_list.order_by("number"))
    notes = rate_page_notes(participant=participant, theories=by_number, current=current)
    # "New since you last rated" first (All Our Ideas and Polis both lost this silently; a test
    # keeps it), then the rest by number.
    theories = sorted(by_number, key=lambda t: not notes.get(t.id, {}).get("new"))
    later_round = group.current_round > 1
    visible = later_round and results_visible_to(access=access, user=request.user)
    form = RatingForm(
        request.POST or None,
        theories=theories,
        current=current,
        current_round=group.current_round,
        citable=citable_comments(group=group) if later_round else None,
        feedback=(
            {f["theory"].id: f for f in round_feedback(group=group, number=group.current_round - 1)}
            if visible
            else None
        ),
        notes=notes,
    )
    status = 200
    if request.method == "POST":
        try:
            saved = _save(request, group=group, form=form, participant=participant, current=current)
        except RatingsClosed:
            messages.error(request, "Ratings are closed in this group: nothing was saved.")
            status = 409
        else:
            if saved is not None:
                return saved
            messages.error(request, "Some answers need fixing: nothing was saved.")
            status = 400
    active = {t.id for t in theories}
    rated = sum(1 for tid, r in current.items() if r.score and tid in active)
    first_unrated = next((t for t in theories if t.id not in current), None)
    return render(
        request,
        "ratings/group_rate.html",
        {
            "group": group,
            "form": form,
            "rated": rated,
            "total": len(theories),
            "saved": current,
            "previous_round": group.current_round - 1,
            "first_unrated": first_unrated,
            "save_url": reverse("group_rate_save", kwargs={"slug": group.slug}),
            "new_count": sum(1 for n in notes.values() if n.get("new")),
            "reworded_count": sum(1 for n in notes.values() if "reworded" in n),
        },
        status=status,
    )


def _save(
    request: AuthedHttpRequest,
    *,
    group: DiscussionGroup,
    form: RatingForm,
    participant: Participant,
    current: dict[int, Rating],
) -> HttpResponse | None:
    """The POST: a redirect once saved (or when nothing changed); None when the form needs
    fixing. RatingsClosed before anything else, whatever the form holds: a closed group's rate
    page has no form, so this is the save of a page opened before ratings closed."""
    ratings_open_check(group=group)
    if not form.is_valid():
        return None
    items = form.changed_items()
    if not items and current:
        # Saving as you go (rate.js) has already saved every change: say so, where the
        # confirmation of a save always is.
        messages.success(request, "Saved: every rating was already saved as you went; nothing new.")
        return redirect(f"{reverse('group_rate', kwargs={'slug': group.slug})}#saved")
    if not items:
        messages.info(request, "Nothing changed, so nothing was saved.")
        return redirect("group_rate", slug=group.slug)
    rating_submission_create(
        participant=participant,
        items=items,
        submitted_by=request.user,
        source=Submission.Source.PAGE,
        check_open=False,  # checked just above, on this same group
    )
    messages.success(request, _saved_message(items=items, current=current))
    return redirect(f"{reverse('group_rate', kwargs={'slug': group.slug})}#saved")


def _saved_message(*, items: Sequence[RatingItem], current: dict[int, Rating]) -> str:
    """ "Saved: 1 change(s) to your ratings." — only what differs from the scores held before counts
    as a change; from round 2 on the form also sends the scores kept (each one a confirmation in
    the new round, which the history keeps), and says so apart."""
    changed = 0
    for item in items:
        before = current.get(item.theory_id)
        if before is None:
            changed += item.score is not None
        elif item.score != before.score or (
            item.rationale is not None and item.rationale != before.rationale
        ):
            changed += 1
    kept = len(items) - changed
    # The wording tests/test_pages.py pins ("Saved: 5 change(s) to your ratings."); the count is
    # what was wrong.
    message = f"Saved: {changed} change(s) to your ratings."
    if kept:
        message += (
            f" {kept} score{pluralize(kept)} kept as {'it was' if kept == 1 else 'they were'}."
        )
    return message


@login_required
@require_POST
def group_rate_save(request: AuthedHttpRequest, slug: str) -> JsonResponse:
    """Save as you go (static/js/rate.js): the rows the rater has just set, posted as the rate
    form posts them (`score_<id>`, `rationale_<id>`, `keep_<id>`, `moved_by_<id>`) with `rows`
    naming them, validated by the same form and saved as one all-or-nothing submission. The
    script sends each change once it settles and again after a failure, so a repeated post is
    harmless: a score equal to the stored one changes nothing."""
    access = group_access(slug=slug, user=request.user, need=Need.MEMBER)
    group = access.group
    participant = participant_for_user(group=group, user=request.user)
    wanted = {int(x) for x in request.POST.get("rows", "").split(",") if x.strip().isdigit()}
    on_list = Theory.objects.filter(
        longlist_id=group.longlist_id, status=Theory.Status.ACTIVE, pk__in=wanted
    )
    theories = list(on_list.order_by("number"))
    if not theories or len(theories) != len(wanted):
        return JsonResponse({"detail": "rows: not active items of this group's list."}, status=400)
    current = {r.theory_id: r for r in ratings_current(participant=participant)}
    form = RatingForm(
        request.POST,
        theories=theories,
        current=current,
        current_round=group.current_round,
        citable=citable_comments(group=group) if group.current_round > 1 else None,
        notes=rate_page_notes(participant=participant, theories=theories, current=current),
    )
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    items = form.changed_items()
    try:
        if items:
            rating_submission_create(
                participant=participant,
                items=items,
                submitted_by=request.user,
                source=Submission.Source.PAGE,
            )
    except RatingsClosed:
        return JsonResponse({"detail": "Ratings are closed in this group."}, status=409)
    except DomainError as exc:
        return JsonResponse({"errors": exc.body}, status=400)
    active = Theory.objects.filter(longlist_id=group.longlist_id, status=Theory.Status.ACTIVE)
    rated = Rating.objects.filter(participant=participant, theory__in=active).count()
    return JsonResponse(
        {"saved": sorted(wanted), "changed": len(items), "rated": rated, "total": active.count()}
    )
