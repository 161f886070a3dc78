"""The facilitator's pages: the group's settings, its invitation, who has rated, removing a
member, deleting the group. Facilitators only (members 403, private outsiders 404)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from impactboard.request_types import AuthedHttpRequest

from .access import Need, group_access
from .forms import member_chosen
from .models import DiscussionGroup
from .selectors import group_guests, group_members, group_rating_progress
from .services import (
    LastFacilitator,
    group_delete,
    group_invite_rotate,
    group_update,
    membership_remove,
)


class GroupSettingsForm(forms.ModelForm):
    class Meta:
        model = DiscussionGroup
        fields = ["name", "description", "visibility", "ratings_open", "results_hidden"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "visibility": forms.RadioSelect,
        }
        labels = {
            "ratings_open": "Ratings open (members can save ratings)",
            "results_hidden": "Hide the results from each member until they have rated",
        }


class GroupDeleteForm(forms.Form):
    confirm_name = forms.CharField(label="Type the group's name to confirm", max_length=120)

    def __init__(self, *args: object, group: DiscussionGroup, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.group = group

    def clean_confirm_name(self) -> str:
        value: str = self.cleaned_data["confirm_name"]
        if value.strip() != self.group.name:
            raise forms.ValidationError("That is not the group's name: nothing was deleted.")
        return value


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
            "total": 20,
        },
        status=status,
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
    guests_before = group_guests(group=access.group)
    try:
        removed = membership_remove(group=access.group, user=user)
    except LastFacilitator as exc:
        messages.error(request, str(exc))
    else:
        if removed:
            guest = guests_before.get(user.pk)
            name = guest.name if guest is not None else user.username
            messages.success(request, f"Removed {name}. Their ratings stay in the group's results.")
        else:
            messages.error(request, "That person is not a member.")
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
        "ratings/facilitate/delete.html",
        {"group": group, "access": access, "form": form, "results_visible": True},
        status=status,
    )
