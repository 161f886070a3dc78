"""The form of the new-list page: a title, and the items pasted, uploaded or forked."""

import json
from typing import Any

from django import forms
from django.contrib.auth.models import User

from impactboard.sheet_file import SheetUnreadable

from .access import longlists_visible_to
from .items import MAX_ITEMS, ItemsInvalid, ItemText, items_check, items_parse_lines
from .models import Longlist
from .sheet import list_sheet_items


class LonglistNewForm(forms.Form):
    SOURCES = [
        ("paste", "Paste one item per line"),
        ("upload", "Upload a CSV or XLSX sheet"),
        ("fork", "Copy a list"),
    ]
    title = forms.CharField(max_length=200, required=False)
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    visibility = forms.ChoiceField(
        choices=Longlist.Visibility.choices,
        initial=Longlist.Visibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text="A private list is seen only by you and the members of the groups that rate it.",
    )
    source = forms.ChoiceField(choices=SOURCES, initial="paste", widget=forms.RadioSelect)
    lines = forms.CharField(
        label="Items",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=f"One item per line, 2 to {MAX_ITEMS}; a summary may follow the title after "
        "\u201c \u2014 \u201d (a spaced dash), e.g. <em>Auditing \u2014 inspect a model before "
        "release</em>.",
    )
    sheet = forms.FileField(
        label="Sheet",
        required=False,
        help_text="A header row with a <em>title</em> column and, optionally, a <em>summary</em> "
        "one.",
    )
    fork = forms.ModelChoiceField(
        label="List to copy",
        queryset=Longlist.objects.none(),
        required=False,
        to_field_name="slug",
        help_text="Its items' texts are copied (never its ratings); you own the copy.",
    )

    def __init__(self, *args: Any, user: User, previewed: str | None = None, **kwargs: Any) -> None:
        """`previewed`: the items as the preview showed them (JSON), when the user confirms:
        what was shown is what is created (checked again here)."""
        super().__init__(*args, **kwargs)
        self.previewed = previewed
        fork = self.fields["fork"]
        assert isinstance(fork, forms.ModelChoiceField)
        fork.queryset = longlists_visible_to(user=user).order_by("-is_default", "title")
        self.items: list[ItemText] = []

    def _items(self, data: dict[str, Any]) -> list[ItemText]:
        if self.previewed:
            try:
                raw = json.loads(self.previewed)
                return [ItemText(title=str(i["title"]), summary=str(i["summary"])) for i in raw]
            except (ValueError, KeyError, TypeError):
                raise forms.ValidationError("The preview was damaged: start again.") from None
        source = data.get("source")
        if source == "fork":
            longlist = data.get("fork")
            if longlist is None:
                raise forms.ValidationError({"fork": "Choose the list to copy."})
            return [
                ItemText(title=t.title, summary=t.summary)
                for t in longlist.items.filter(status="active").order_by("number")
            ]
        if source == "upload":
            upload = data.get("sheet")
            if upload is None:
                raise forms.ValidationError({"sheet": "Choose a CSV or XLSX file."})
            try:
                return list_sheet_items(upload.read())
            except SheetUnreadable as exc:
                raise forms.ValidationError({"sheet": exc.messages}) from exc
        return items_parse_lines(data.get("lines") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if not (data.get("title") or "").strip():
            fork = data.get("fork")
            if data.get("source") == "fork" and fork is not None:
                data["title"] = f"{fork.title} (copy)"[:200]
            else:
                self.add_error("title", "The list needs a title.")
        items = self._items(data)
        by_line = data.get("source") in ("paste", "upload") and not self.previewed
        try:
            self.items = items_check(items, noun="Line" if by_line else "Item")
        except ItemsInvalid as exc:
            field = {"paste": "lines", "upload": "sheet"}.get(str(data.get("source")))
            self.add_error(field if by_line else None, exc.messages)
        return data

    def items_payload(self) -> str:
        return json.dumps([{"title": i.title, "summary": i.summary} for i in self.items])
