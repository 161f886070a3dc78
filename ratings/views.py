"""Pages for groups, rating and rankings. Short views: parse, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from discussion.selectors import citable_comments
from impactboard.request_types import AuthedHttpRequest
from impactboard.throttling import sign_up_throttle
from theories.models import Theory

from .access import Need, group_access, group_joinable, results_visible_to, role_parse
from .forms import GroupCreateForm, GuestJoinForm, RatingForm, member_chosen
from .guest_auth import guest_cookie_set
from .invitations import invitation_group, invitation_remember
from .models import DiscussionGroup, Membership, Submission
from .round_views import rounds_context
from .selectors import (
    group_guests,
    group_list_visible_to,
    group_listing_queue,
    group_member_count,
    group_members,
    group_rated_counts,
    ranking_get,
    ratings_current,
)
from .selectors.changes import round_feedback
from .services import (
    LastFacilitator,
    ListingNotAllowed,
    RatingsClosed,
    group_create,
    group_listing_decide,
    group_listing_request,
    group_update,
    membership_join,
    membership_leave,
    membership_set_role,
    participant_for_user,
    rating_submission_create,
)
from .services.guests import GuestNameInvalid, guest_join, guest_remove


def group_list(request: HttpRequest) -> HttpResponse:
    groups = list(group_list_visible_to(user=request.user))
    return render(request, "ratings/group_list.html", {"groups": groups})


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request: AuthedHttpRequest) -> HttpResponse:
    form = GroupCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = group_create(user=request.user, **form.cleaned_data)
        messages.success(request, f"Created “{group.name}”. You are its facilitator.")
        return redirect("group_detail", slug=group.slug)
    return render(request, "ratings/group_new.html", {"form": form})


def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user)
    group = access.group
    ranking = ranking_get(scope=group.scope)
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
            "theories": Theory.objects.order_by("number") if access.is_member else [],
            **rounds_context(group=group, visible=visible),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_rate(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user, need=Need.MEMBER)
    group = access.group
    participant = participant_for_user(group=group, user=request.user)
    theories = list(Theory.objects.order_by("number"))
    current = {r.theory_id: r for r in ratings_current(participant=participant)}
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
    )
    status = 200
    if request.method == "POST":
        if not group.ratings_open:
            messages.error(request, "Ratings are closed in this group: nothing was saved.")
            status = 409
        elif form.is_valid():
            items = form.changed_items()
            if not items:
                messages.info(request, "Nothing changed, so nothing was saved.")
                return redirect("group_rate", slug=group.slug)
            try:
                rating_submission_create(
                    participant=participant,
                    items=items,
                    submitted_by=request.user,
                    source=Submission.Source.PAGE,
                )
            except RatingsClosed:
                messages.error(request, "Ratings are closed in this group: nothing was saved.")
                status = 409
            else:
                messages.success(request, f"Saved: {len(items)} change(s) to your ratings.")
                return redirect(f"{reverse('group_rate', kwargs={'slug': group.slug})}#saved")
        else:
            messages.error(request, "Some answers need fixing: nothing was saved.")
            status = 400
    rated = sum(1 for r in current.values() if r.score)
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
        },
        status=status,
    )


INVALID_INVITE = (
    "This invitation link does not work: it may be mistyped, or the facilitator may have "
    "replaced it with a new one. Ask them for the current link."
)


def _invite_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "ratings/invite_invalid.html", {"message": INVALID_INVITE}, status=404)


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
    if request.method == "POST" and user.is_authenticated:
        # The invitation (the right code) is what makes a member count in the global ranking.
        membership_join(group=group, user=user, via_invite=code == group.join_code)
        messages.success(request, f"You have joined “{group.name}”.")
        return redirect("group_detail", slug=group.slug)
    guest_form = GuestJoinForm(request.POST if request.method == "POST" else None, group=group)
    status = 200
    if request.method == "POST":
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
                else:
                    messages.success(request, f"Welcome, {guest.participant.name}.")
                    response = redirect("group_rate", slug=group.slug)
                    guest_cookie_set(response, guest)
                    return response
        else:
            status = 400
    if not user.is_authenticated:
        invitation_remember(request, group)
    is_member = user.is_authenticated and group.memberships.filter(user=user).exists()
    return render(
        request,
        "ratings/group_invite.html",
        {"group": group, "is_member": is_member, "guest_form": guest_form},
        status=status,
    )


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


@login_required
@require_POST
def group_join(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user)
    membership_join(group=access.group, user=request.user)
    messages.success(request, f"You have joined “{access.group.name}”.")
    return redirect("group_detail", slug=slug)


@login_required
@require_POST
def group_leave(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user, need=Need.MEMBER)
    try:
        membership_leave(group=access.group, user=request.user)
    except LastFacilitator as exc:
        messages.error(request, str(exc))
        return redirect("group_detail", slug=slug)
    messages.success(request, f"You have left “{access.group.name}”.")
    return redirect("group_list")


@login_required
@require_POST
def group_ratings_open(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
    is_open = request.POST.get("open") == "1"
    group_update(group=access.group, by=request.user, ratings_open=is_open)
    messages.success(request, "Ratings are open." if is_open else "Ratings are closed.")
    return redirect("group_detail", slug=slug)


@login_required
@require_POST
def group_results_hidden(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
    hidden = request.POST.get("hidden") == "1"
    group_update(group=access.group, results_hidden=hidden)
    messages.success(
        request,
        "Results are hidden from each member until they have rated."
        if hidden
        else "Results are now visible to everyone who can see the group.",
    )
    return redirect("group_detail", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def group_member_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user, need=Need.MEMBER)
    if request.method == "POST":
        if not access.is_facilitator:
            raise PermissionDenied("Only facilitators may change roles.")
        role = role_parse(request.POST.get("role"))
        user = member_chosen(request.POST)
        if role is None or user is None:
            messages.error(request, "Choose a member and a role.")
        else:
            try:
                membership_set_role(group=access.group, user=user, role=role)
            except Membership.DoesNotExist:
                messages.error(request, "That person is not a member.")
            except LastFacilitator as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"{user.username} is now a {role}.")
        return redirect("group_members", slug=slug)
    # The guests among the members, by account: the page labels them and offers their removal.
    guests = group_guests(group=access.group)
    members = list(group_members(group=access.group))
    for m in members:
        m.guest = guests.get(m.user_id)  # type: ignore[attr-defined]
    return render(
        request,
        "ratings/group_members.html",
        {"group": access.group, "access": access, "members": members},
    )


@login_required
@require_POST
def group_listing(request: HttpRequest, slug: str) -> HttpResponse:
    """A facilitator asks for the public group to count in the global ranking; staff decide."""
    access = group_access(slug=slug, user=request.user, need=Need.FACILITATOR)
    try:
        group_listing_request(group=access.group)
    except ListingNotAllowed as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, "Listing requested: staff will review it before the group counts globally."
        )
    return redirect("group_detail", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def listing_queue(request: HttpRequest) -> HttpResponse:
    """Staff only: the public groups asking to count in the global ranking, with approve and
    refuse; the listed ones, with un-list. Everyone else gets 404, as for a page that does not
    exist (the queue's existence is nobody else's business)."""
    if not request.user.is_staff:
        raise Http404("No such page.")
    if request.method == "POST":
        group = DiscussionGroup.objects.filter(slug=request.POST.get("slug", "")).first()
        decision = request.POST.get("decision")
        if group is None or decision not in ("approve", "refuse"):
            messages.error(request, "Choose a group and a decision.")
        else:
            try:
                group_listing_decide(group=group, listed=decision == "approve")
            except ListingNotAllowed as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                verb = "listed" if decision == "approve" else "not listed"
                messages.success(request, f"“{group.name}” is {verb}.")
        return redirect("listing_queue")
    return render(request, "ratings/listing_queue.html", group_listing_queue())
