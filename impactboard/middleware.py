import logging
from collections.abc import Callable
from urllib.parse import unquote

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

# No inline script anywhere: every page's behaviour lives in static/js, and chart data arrives
# through the API or json_script (a non-executable <script type="application/json">).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # plotly.js injects its own <style>
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class RefuseNulBytesMiddleware:
    """A NUL byte in the path or the query string is never meaningful here, and PostgreSQL
    refuses it in text (a DataError, so a 500, from wherever it reaches a query). Refuse it once,
    at the door, for every route: 400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = unquote(request.META.get("QUERY_STRING", ""), errors="replace")
        if "\x00" in request.path or "\x00" in query:
            message = "NUL bytes are not allowed in the address."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Referrer-Policy", "same-origin")
        return response


class DatabaseUnavailableMiddleware:
    """While the database is unreachable, answer 503 with Retry-After (JSON under /api/), not a
    500: nothing is wrong with the request, and clients should simply try again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable: %s", exception)
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"detail": "The database is unavailable; try again shortly."}, status=503
            )
        else:
            response = HttpResponse(
                "<!doctype html><title>Back soon</title><h1>Back in a moment</h1>"
                "<p>ImpactBoard cannot reach its database right now. Nothing you sent was "
                "half-saved: try again shortly.</p>",
                status=503,
            )
        response["Retry-After"] = "5"
        return response
