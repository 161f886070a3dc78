from typing import Any

from django import forms

from theories.models import Theory

from .models import DiscussionGroup
from .services import RatingItem
from .services.guests import GuestNameInvalid, guest_name_clean

SCORE_CHOICES = [("", "Not rated")] + [(str(s), str(s)) for s in range(1, 11)]


class GroupCreateForm(forms.ModelForm):
    class Meta:
        model = DiscussionGroup
        fields = ["name", "description", "visibility"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "visibility": "Anyone can find and join a public group; a private group is joined "
            "only through its invite link."
        }


class RatingForm(forms.Form):
    """All theories on one page: a 1-10 radio group (with an explicit 'Not rated') and an
    optional one-line rationale each. Saving it is one submission."""

    def __init__(
        self, *args: Any, theories: list[Theory], current: dict[int, Any], **kwargs: Any
    ) -> None:
        initial = {}
        for theory in theories:
            rating = current.get(theory.id)
            initial[f"score_{theory.id}"] = str(rating.score) if rating else ""
            initial[f"rationale_{theory.id}"] = rating.rationale if rating else ""
        super().__init__(*args, initial=initial, **kwargs)
        self.theories = theories
        self.current = current
        for theory in theories:
            self.fields[f"score_{theory.id}"] = forms.ChoiceField(
                choices=SCORE_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                label=f"{theory.number}. {theory.title}",
                error_messages={"invalid_choice": "Choose a score from 1 to 10, or Not rated."},
            )
            self.fields[f"rationale_{theory.id}"] = forms.CharField(
                max_length=280,
                required=False,
                label="Why (optional, one line)",
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "theory": t,
                "score": self[f"score_{t.id}"],
                "rationale": self[f"rationale_{t.id}"],
                "saved": self.current.get(t.id),
            }
            for t in self.theories
        ]

    def changed_items(self) -> list[RatingItem]:
        """Only what differs from the stored ratings goes into the submission."""
        items = []
        for theory in self.theories:
            raw = self.cleaned_data.get(f"score_{theory.id}") or ""
            score = int(raw) if raw else None
            rationale = (self.cleaned_data.get(f"rationale_{theory.id}") or "").strip()
            saved = self.current.get(theory.id)
            if saved is None and score is None:
                continue
            if saved is not None and saved.score == score and saved.rationale == rationale:
                continue
            items.append(RatingItem(theory_id=theory.id, score=score, rationale=rationale))
        return items


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
