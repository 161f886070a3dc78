import codecs
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


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


class RefuseNulBytesMiddleware:
    """A NUL byte in the path, the query string or a header (the `Authorization: Token` key, a
    session cookie, a user agent that django-axes stores) is never meaningful here, and
    PostgreSQL refuses it in text (a DataError, so a 500, from wherever it reaches a query).
    Refuse it once, at the door, for every route: 400. (NUL in a form field is each form's to
    refuse: Django's form fields do, with a message on the page.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = unquote(request.META.get("QUERY_STRING", ""), errors="replace")
        if "\x00" in request.path or "\x00" in query:
            return _bad_request(request, "NUL bytes are not allowed in the address.")
        for name, value in request.META.items():
            if name.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                header = name[5:].replace("_", "-").title()
                return _bad_request(request, f"NUL bytes are not allowed in the {header} header.")
        return self.get_response(request)


def _text_encoding(charset: str) -> str | None:
    """The codec's canonical name if `charset` names a text encoding Python can decode with, else
    None ("rot13", "zlib" and "base64" are codecs, but of bytes to bytes or str to str)."""
    try:
        info = codecs.lookup(charset)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


class RefuseUnreadableBodyMiddleware:
    """A body whose Content-Type names a charset we cannot read it in is a 400 at the door.

    Django refuses a form (`application/x-www-form-urlencoded`) in any charset but UTF-8 with a
    BadRequest raised when `request.POST` is first read, by the CSRF check; its 400 handler runs
    that check again (`requires_csrf_token`), reads `request.POST` again, and the second error
    escaped every handler ("A server error occurred"). A charset that is no text encoding
    (`rot13`, `zlib`, `base64`) fails the same way, or in DRF's parsers. Before the CSRF
    middleware, so nothing reads such a body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        charset = request.content_params.get("charset") if request.content_params else None
        if charset is not None:
            encoding = _text_encoding(charset)
            form = request.content_type == "application/x-www-form-urlencoded"
            if encoding is None or (form and encoding != "utf-8"):
                return _bad_request(
                    request,
                    f"The request body's charset {charset[:40]!r} cannot be read: send UTF-8.",
                )
            if encoding == "utf-8":
                # "UTF8", "utf_8": UTF-8 still, in a spelling Django's form parser refuses.
                request.encoding = "utf-8"
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
