"""The account's own pages: profile (e-mail), download my data, delete my account. Password
change and reset are Django's own views (wired in impactboard/urls.py)."""

import json
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.throttling import SimpleRateThrottle

from impactboard.request_types import AuthedHttpRequest
from impactboard.throttling import FailOpenThrottleMixin

from .profile_forms import AccountDeleteForm, EmailForm
from .selectors import account_data
from .services import (
    AccountStillNeeded,
    EmailLinkInvalid,
    EmailTaken,
    account_delete,
    email_change_confirm,
    email_change_pending,
    email_change_request,
    user_email_set,
)

EMAIL_SENT = "We sent a message to {email}: follow its link to add the address to your account."


def email_change_requested(request: HttpRequest, *, user: User, email: str) -> None:
    """Mail `email` (a link to add it, or a note to its owner if another account uses it) and
    say the same thing in both cases: the page never tells whether an address has an account."""
    email_change_request(user=user, email=email, absolute=request.build_absolute_uri)
    messages.info(request, EMAIL_SENT.format(email=email))


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    form = EmailForm(request.POST or None, user=user, initial={"email": user.email})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            email = form.cleaned_data["email"]
            if not email:
                user_email_set(user=user, email="")
                messages.success(request, "Your account has no e-mail address now.")
            elif email.lower() == user.email.lower():
                messages.info(request, "That is already your address: nothing changed.")
            elif not PasswordResetThrottle().allow_request(request, None):
                # The bucket of every message we send to an address someone typed.
                form.add_error("email", "Too many messages asked for; try again later.")
                return render(request, "accounts/profile.html", {"form": form}, status=429)
            else:
                email_change_requested(request, user=user, email=email)
            return redirect("profile")
        status = 400
    return render(request, "accounts/profile.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to a new address: GET asks, the button's POST (CSRF) adds it, so a mail
    scanner that opens links changes nothing. Reading the mailbox is the proof: no sign-in."""
    try:
        user, email = email_change_pending(token=token)
        if request.method == "POST":
            email_change_confirm(token=token)
            messages.success(request, f"Added {email} to your account.")
            return redirect("profile" if request.user.is_authenticated else "login")
    except (EmailLinkInvalid, EmailTaken) as exc:
        return render(
            request, "accounts/email_confirm.html", {"error": exc.messages[0]}, status=400
        )
    context = {"email": email, "account": user.get_username()}
    return render(request, "accounts/email_confirm.html", context)


@login_required
@require_GET
def profile_data(request: AuthedHttpRequest) -> HttpResponse:
    """ "Download my data": one JSON file, as an attachment."""
    body = json.dumps(account_data(user=request.user), cls=DjangoJSONEncoder, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"impactboard-{request.user.username}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile_delete(request: AuthedHttpRequest) -> HttpResponse:
    """Deleting needs the password typed on this page (and its CSRF token): a fresh
    confirmation, whatever the age of the session."""
    form = AccountDeleteForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                account_delete(
                    user=request.user, keep_ratings=form.cleaned_data["ratings"] == "keep"
                )
            except AccountStillNeeded as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                logout(request)
                messages.success(request, "Your account is deleted.")
                return redirect("home")
        else:
            status = 400
    return render(request, "accounts/delete.html", {"form": form}, status=status)


class PasswordResetThrottle(FailOpenThrottleMixin, SimpleRateThrottle):
    """Reset e-mails per client address: nobody can flood an inbox through the form."""

    scope = "password_reset"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, with our e-mail template and a per-address limit on sending."""

    email_template_name = "registration/password_reset_email.txt"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not PasswordResetThrottle().allow_request(request, None):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, "Too many reset requests from your address. Try again later.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's "choose a new password" page. Setting one also lifts the account's sign-in
    lockouts (every address): the lockout page offers this reset as the way back in, and only
    the owner of the account's mailbox gets here."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response
