from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from impactboard.request_types import AuthedHttpRequest
from impactboard.throttling import SignUpPageThrottle

from .forms import SignUpForm
from .services import token_revoke


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        if not SignUpPageThrottle().allow_request(request, None):
            form.add_error(None, "Too many sign-ups from your address. Try again later.")
            return render(request, "registration/signup.html", {"form": form}, status=429)
        if form.is_valid():
            user = form.save()
            # Named: django-axes' backend comes first (it only refuses, never logs in).
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url or "home")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


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
