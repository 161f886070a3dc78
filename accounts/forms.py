from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User

EMAIL_HELP = "Optional. Only used to reset your password if you forget it; never shown to others."


def email_clean(value: str, *, user: User | None) -> str:
    """An optional address, unique among accounts without regard to case (the database's index
    says so too; this check gives the form its message)."""
    value = (value or "").strip()
    if value:
        others = User.objects.filter(email__iexact=value)
        if user is not None:
            others = others.exclude(pk=user.pk)
        if others.exists():
            raise forms.ValidationError("Another account uses that e-mail address.")
    return value


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text=EMAIL_HELP)

    class Meta:
        model = User
        fields = ["username", "email"]

    def clean_email(self) -> str:
        return email_clean(self.cleaned_data.get("email", ""), user=None)
