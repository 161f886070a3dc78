import copy
from collections.abc import Mapping
from typing import Any

from django import forms

from theories.models import Theory

from .services import RatingItem

SCORE_CHOICES = [("", "Not rated")] + [(str(s), str(s)) for s in range(1, 11)]


def _score_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=SCORE_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a score from 1 to 10, or Not rated."},
    )


# Made once and copied per item: building a ChoiceField normalises its choices, which for the
# 200 items of a long list cost half a second of the rate page (bench/rate_page_bench.py); a
# copy keeps the normalised ones.
SCORE_FIELD = _score_field()


class RatingForm(forms.Form):
    """All theories on one page: a 1-10 radio group (with an explicit 'Not rated') and an
    optional one-line rationale each. Saving it is one submission."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        theories: list[Theory],
        current: dict[int, Any],
        current_round: int = 1,
        citable: dict[int, list[tuple[int, str]]] | None = None,
        feedback: dict[int, dict[str, Any]] | None = None,
        notes: dict[int, dict[str, Any]] | None = None,
    ) -> None:
        """`notes`, by theory id: what the page says above a row: "reworded" (the earlier
        wording the saved score was given on: a "keep" box keeps the score for the new one),
        "offer" (the score given to the retired item this one replaces: offered, never copied),
        "new" (added since the rater last rated)."""
        initial = {}
        for theory in theories:
            rating = current.get(theory.id)
            initial[f"score_{theory.id}"] = str(rating.score) if rating else ""
            initial[f"rationale_{theory.id}"] = rating.rationale if rating else ""
        super().__init__(data, initial=initial)
        self.theories = theories
        self.current = current
        self.current_round = current_round
        self.feedback = feedback or {}
        self.notes = notes or {}
        citable = citable or {}
        for theory in theories:
            score = copy.deepcopy(SCORE_FIELD)
            score.label = f"{theory.number}. {theory.title}"
            self.fields[f"score_{theory.id}"] = score
            self.fields[f"rationale_{theory.id}"] = forms.CharField(
                max_length=280,
                required=False,
                label="Why (optional, one line)",
            )
            if "reworded" in self.notes.get(theory.id, {}):
                self.fields[f"keep_{theory.id}"] = forms.BooleanField(
                    required=False, label="Keep my score for the new wording"
                )
            if current_round > 1:
                # Round 2 on: which argument moved a change, if any (stored as `moved_by`).
                self.fields[f"moved_by_{theory.id}"] = forms.TypedChoiceField(
                    choices=[("", "My own reflection")]
                    + [(str(pk), label) for pk, label in citable.get(theory.id, [])],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    label="What moved you? (if you changed it)",
                    error_messages={"invalid_choice": "Choose one of the listed comments."},
                )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "theory": t,
                "score": self[f"score_{t.id}"],
                "rationale": self[f"rationale_{t.id}"],
                "saved": self.current.get(t.id),
                "moved_by": self[f"moved_by_{t.id}"] if self.current_round > 1 else None,
                "earlier": self._earlier(t.id),
                "feedback": self.feedback.get(t.id),
                "notes": self.notes.get(t.id, {}),
                "keep": self[f"keep_{t.id}"] if f"keep_{t.id}" in self.fields else None,
            }
            for t in self.theories
        ]

    def _earlier(self, theory_id: int) -> Any:
        """The saved rating when it comes from an earlier round: highlighted, and kept by one
        save (it is re-submitted into the open round)."""
        saved = self.current.get(theory_id)
        return saved if saved is not None and saved.round < self.current_round else None

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
            unchanged = saved is not None and saved.score == score
            # A score kept for a reworded item is saved again on the new wording.
            keep = unchanged and bool(self.cleaned_data.get(f"keep_{theory.id}"))
            if (
                saved is not None  # (implied by unchanged; spelled out for the type checker)
                and unchanged
                and saved.rationale == rationale
                and saved.round >= self.current_round
                and not keep
            ):
                continue
            # A score kept from an earlier round is saved again into the open round ("keep" is
            # one save); the argument that moved a change is named only for a change.
            moved_by = None if unchanged else self.cleaned_data.get(f"moved_by_{theory.id}")
            items.append(
                RatingItem(theory_id=theory.id, score=score, rationale=rationale, moved_by=moved_by)
            )
        return items
