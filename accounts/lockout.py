"""The answer to a locked-out sign-in (django-axes calls this for all three doors)."""

from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

MESSAGE = (
    "Too many failed sign-in attempts for this account or from your address. "
    "Try again in {minutes} minutes."
)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 3600
    message = MESSAGE.format(minutes=max(1, round(seconds / 60)))
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    # A client (or a person) knows exactly when to try again.
    response["Retry-After"] = str(seconds)
    return response
