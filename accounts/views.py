from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from accounts.selectors import for_you, for_you_seen_at
from accounts.services import for_you_mark_seen, guest_claim
from groups.access import WAITING
from groups.guest_auth import COOKIE_NAME as GUEST_COOKIE
from groups.guest_auth import guest_from_cookie
from groups.invitations import invitation_accept, invitation_pending
from impactboard.request_types import AuthedHttpRequest
from impactboard.throttling import sign_up_throttle

from .forms import SignUpForm
from .profile_views import email_change_requested
from .services import UsernameTaken, token_revoke


def _landing(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """Where a new sign-in goes: into the group of the pending invitation, if there is one."""
    group, outcome = invitation_accept(request, user)
    if group is not None and outcome == "joined":
        messages.success(request, f"You are a member of “{group.name}”.")
        return redirect("group_detail", slug=group.slug)
    if group is not None and outcome == "waiting":
        messages.info(request, f"You asked to join “{group.name}”. {WAITING}")
    elif group is not None:
        messages.error(request, f"“{group.name}” is full: ask its facilitator to make room.")
    return redirect(next_url or "home")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account. With a pending invitation (the invite page put it in the session) the
    account joins that group; a guest of a group (its cookie) keeps its participation: its
    guest account becomes this account."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    invited = invitation_pending(request)
    guest = guest_from_cookie(request) if not request.user.is_authenticated else None
    form = SignUpForm(request.POST or None)
    context = {"form": form, "next": next_url, "invited": invited, "guest": guest}
    if request.method == "POST":
        if not form.is_valid():
            # A form sent back with an error costs nothing against the limit.
            return render(request, "registration/signup.html", context)
        # With a valid invitation the limit is the group's (a whole room behind one address);
        # a guest claiming an account was let in by its group's invitation already.
        group_id = invited.pk if invited else guest.participant.group_id if guest else None
        if not sign_up_throttle(group_id).allow_request(request, None):
            form.add_error(None, "Too many sign-ups from your address. Try again later.")
            return render(request, "registration/signup.html", context, status=429)
        if guest is not None:
            try:
                user = guest_claim(
                    guest=guest,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                )
            except UsernameTaken:
                form.add_error("username", "That username is taken.")
                return render(request, "registration/signup.html", context, status=400)
        else:
            user = form.save()
        # Named: django-axes' backend comes first (it only refuses, never logs in).
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if form.cleaned_data.get("email"):
            email_change_requested(request, user=user, email=form.cleaned_data["email"])
        if guest is not None:
            messages.success(request, "Your account keeps everything you did as a guest.")
            response = _landing(request, user, "")
            if invited is None:
                response = redirect("group_detail", slug=guest.participant.group.slug)
            response.delete_cookie(GUEST_COOKIE, samesite="Lax")
            return response
        return _landing(request, user, next_url)
    return render(request, "registration/signup.html", context)


class InvitedLoginView(LoginView):
    """Django's log-in page, which names the group of a pending invitation and, once signed in,
    lands in that group as a member."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["invited"] = invitation_pending(self.request)
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        super().form_valid(form)
        return _landing(self.request, form.get_user(), self.get_success_url())


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: AuthedHttpRequest) -> HttpResponse:
    """The account's API token: whether there is one, and a button that revokes it."""
    if request.method == "POST":
        if token_revoke(user=request.user):
            messages.success(request, "Your API token is revoked: it no longer works anywhere.")
        else:
            messages.info(request, "You have no API token to revoke.")
        return redirect("api_token")
    token = Token.objects.filter(user=request.user).first()
    return render(request, "registration/api_token.html", {"token": token})


@login_required
def for_you_page(request: AuthedHttpRequest) -> HttpResponse:
    """Replies to my comments, rounds opened in my groups, items added to lists I rated; the
    ones since my last visit marked new. Opening the page reads them all."""
    seen = for_you_seen_at(user=request.user)
    entries = [(entry, seen is None or entry.at > seen) for entry in for_you(user=request.user)]
    for_you_mark_seen(user=request.user)
    return render(request, "accounts/for_you.html", {"entries": entries})
