"""Forms of the profile pages: the e-mail address, and deleting the account."""

from django import forms
from django.contrib.auth.models import User

from .forms import EMAIL_HELP, email_clean


class EmailForm(forms.Form):
    email = forms.EmailField(required=False, label="E-mail", help_text=EMAIL_HELP)

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_email(self) -> str:
        return email_clean(self.cleaned_data.get("email", ""))


class AccountDeleteForm(forms.Form):
    RATINGS = [
        ("remove", "Remove my ratings (the group rankings are recomputed without them)"),
        ("keep", "Keep my ratings anonymously (shown as “former member N”)"),
    ]
    ratings = forms.ChoiceField(choices=RATINGS, widget=forms.RadioSelect, label="My ratings")
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        label="Your password, to confirm",
        strip=False,
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password: nothing was deleted.")
        return password
