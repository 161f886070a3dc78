"""The answer to a locked-out sign-in (django-axes calls this for all three doors)."""

from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

MESSAGE = (
    "Too many failed sign-in attempts for this account from your address. "
    "Try again in {minutes} minutes, or reset your password: {reset_url}"
)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 3600
    reset_url = request.build_absolute_uri(reverse("password_reset"))
    minutes = max(1, round(seconds / 60))
    response: HttpResponse
    if request.path.startswith("/api/"):
        message = MESSAGE.format(minutes=minutes, reset_url=reset_url)
        response = JsonResponse({"detail": message, "password_reset": reset_url}, status=429)
    else:
        context = {"minutes": minutes, "reset_url": reset_url}
        response = render(request, "registration/locked_out.html", context, status=429)
    # A client (or a person) knows exactly when to try again.
    response["Retry-After"] = str(seconds)
    return response
