from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User

EMAIL_HELP = (
    "Optional. Only used to reset your password if you forget it; never shown to others. "
    "We send it a link: the address is added when you follow it."
)


def email_clean(value: str, *, user: User | None = None) -> str:
    """An optional address, as typed (stripped). Whether another account uses it is never said
    here: the answer would tell anyone whether an address has an account (issue 23). The
    address is added only once its owner follows the link we mail to it
    (`accounts.services.email_change_request`), and the database's unique index on the
    lower-cased address still holds."""
    # As Django's User.clean() does: the domain part lower-cased, the local part kept.
    return User.objects.normalize_email((value or "").strip())


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text=EMAIL_HELP)

    class Meta:
        model = User
        # Not "email": the account gets its address once the link we mail to it is followed.
        fields = ["username"]

    def clean_email(self) -> str:
        return email_clean(self.cleaned_data.get("email", ""))
