"""The forms of the group pages: create a group, join as a guest, its settings, delete it."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import Q

from theories.access import longlists_visible_to
from theories.models import Longlist

from .models import MAX_GROUP_SIZE, DiscussionGroup
from .services.guests import GuestNameInvalid, guest_name_clean


class MemberChoiceForm(forms.Form):
    username = forms.CharField(max_length=150)


def member_chosen(data: Mapping[str, Any]) -> User | None:
    """The account a facilitator's button names (`username`), or None. Through a form field:
    it refuses a NUL byte, which PostgreSQL would refuse in the query (a 500)."""
    form = MemberChoiceForm(data)
    if not form.is_valid():
        return None
    return User.objects.filter(username=form.cleaned_data["username"]).first()


class GroupCreateForm(forms.ModelForm):
    """A group and the list it rates: the default list preselected; the chooser offers the public
    lists and the user's own."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["longlist"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            longlists_visible_to(user=user)
            .filter(Q(visibility=Longlist.Visibility.PUBLIC) | Q(owner=user))
            .order_by("-is_default", "title")
        )
        field.to_field_name = "slug"
        field.empty_label = None
        # A form posted without it (an older page, a script) rates the default list.
        field.required = False
        if not self.is_bound and "longlist" not in self.initial:
            self.initial["longlist"] = (
                Longlist.objects.filter(is_default=True).values_list("slug", flat=True).first()
            )

    class Meta:
        model = DiscussionGroup
        fields = ["name", "description", "visibility", "longlist"]
        labels = {"longlist": "List to rate"}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "visibility": "Anyone can find and join a public group; a private group is joined "
            "only through its invite link.",
            "longlist": "It can change until the first rating. A private list needs a private "
            "group.",
        }


class GuestJoinForm(forms.Form):
    """Join with just a name: the service's rule (blank, long, formula-like, taken) decides."""

    name = forms.CharField(
        label="Your name in this group", max_length=200, required=False, strip=False
    )

    def __init__(self, *args: Any, group: DiscussionGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group = group

    def clean_name(self) -> str:
        try:
            return guest_name_clean(group=self.group, name=self.cleaned_data.get("name", ""))
        except GuestNameInvalid as exc:
            raise forms.ValidationError(exc.messages) from exc


class GroupSettingsForm(forms.ModelForm):
    class Meta:
        model = DiscussionGroup
        fields = [
            "name",
            "description",
            "visibility",
            "ratings_open",
            "results_hidden",
            "max_members",
            "approve_newcomers",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "visibility": forms.RadioSelect,
        }
        labels = {
            "ratings_open": "Ratings open (members can save ratings)",
            "results_hidden": "Hide the results from each member until they have rated",
            "max_members": "Group size (the most people it takes)",
            "approve_newcomers": "Approve newcomers (people who join wait until you let them in)",
        }
        help_texts = {
            "max_members": f"From 2 to {MAX_GROUP_SIZE:,}. Members and newcomers waiting count; "
            "nobody is removed if you lower it.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left out (an older form, a script), the size stays as it is.
        self.fields["max_members"].required = False

    def clean_max_members(self) -> int:
        value: int | None = self.cleaned_data.get("max_members")
        if value is None:
            return self.instance.max_members
        if not 2 <= value <= MAX_GROUP_SIZE:
            raise forms.ValidationError(f"A group takes from 2 to {MAX_GROUP_SIZE:,} people.")
        return value


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
