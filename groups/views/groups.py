"""Pages of groups and their memberships: list, create, join, leave, roles, settings switches,
the listing request and staff's queue. Short views: parse, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from impactboard.request_types import AuthedHttpRequest

from ..access import WAITING, Need, group_access, role_parse
from ..forms import GroupCreateForm, member_chosen
from ..models import DiscussionGroup, Membership
from ..selectors import group_guests, group_list_visible_to, group_listing_queue, group_members
from ..services import (
    GroupFull,
    LastFacilitator,
    ListingNotAllowed,
    LonglistNotAllowed,
    group_create,
    group_enter,
    group_listing_decide,
    group_listing_request,
    group_update,
    membership_leave,
    membership_set_role,
)


def group_list(request: HttpRequest) -> HttpResponse:
    groups = list(group_list_visible_to(user=request.user))
    return render(request, "groups/group_list.html", {"groups": groups})


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request: AuthedHttpRequest) -> HttpResponse:
    wanted = request.GET.get("longlist")
    form = GroupCreateForm(
        request.POST or None, user=request.user, initial={"longlist": wanted} if wanted else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            group = group_create(user=request.user, **form.cleaned_data)
        except LonglistNotAllowed as exc:
            form.add_error("longlist", exc.messages)
        else:
            messages.success(request, f"Created “{group.name}”. You are its facilitator.")
            return redirect("group_detail", slug=group.slug)
    return render(request, "groups/group_new.html", {"form": form})


@login_required
@require_POST
def group_join(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = group_access(slug=slug, user=request.user)
    try:
        entered = group_enter(group=access.group, user=request.user, via_invite=False)
    except GroupFull as exc:
        messages.error(request, str(exc))
    else:
        if entered is None:
            messages.info(request, WAITING)
        else:
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
        "groups/group_members.html",
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
    return render(request, "groups/listing_queue.html", group_listing_queue())
