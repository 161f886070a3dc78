"""The page forms' parsing: POSTed strings into the typed values the services take.

The services judge the values (a comment needs text, a stance is one of three, …) and their
messages are the ones a page shows, so the text fields here take what was typed as it is: no
stripping, and none of Django's own validators, whose messages would differ from the API's.
"""

from typing import Any

from django import forms

from impactboard.parsing import ascii_int

VOTE_VALUES = {"-1": -1, "0": 0, "1": 1}


class TypedText(forms.Field):
    """A string, as typed; missing is the empty string."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> str:
        return "" if value is None else str(value)


class CommentForm(forms.Form):
    body = TypedText()
    stance = TypedText()

    def clean_stance(self) -> str | None:
        return self.cleaned_data["stance"] or None


class CommentCreateForm(CommentForm):
    parent = TypedText()

    def clean_parent(self) -> int | None:
        parent = self.cleaned_data["parent"]
        if parent == "":
            return None
        number = ascii_int(parent)
        if number is None:
            raise forms.ValidationError("A parent is a comment id.")
        return number


class VoteForm(forms.Form):
    value = TypedText()

    def clean_value(self) -> int:
        value = self.cleaned_data["value"]
        if value not in VOTE_VALUES:
            raise forms.ValidationError("A vote is 1, 0 (no vote) or -1.")
        return VOTE_VALUES[value]


class ReportForm(forms.Form):
    reason = TypedText()


def form_messages(form: forms.Form) -> list[str]:
    """Every message of an invalid form, field by field: what a page shows."""
    return [str(message) for messages in form.errors.values() for message in messages]
