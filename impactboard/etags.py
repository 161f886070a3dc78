"""Conditional GETs: does a request's If-None-Match name the current ETag?"""

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags


def if_none_match(request: HttpRequest, etag: str) -> bool:
    """True when If-None-Match lists `etag` (or is `*`), compared weakly as RFC 9110 §13.1.2
    asks for If-None-Match: the compression middleware turns a strong ETag into a weak one
    (W/"…") on every compressed answer, and browsers send that form back."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == wanted for tag in parse_etags(header))


def conditional_answer(request: HttpRequest, etag: str, body: bytes | None) -> HttpResponse | None:
    """For the current `etag`: 304 when the request names it, else the 200 of the JSON `body`;
    None when there is no body to send (the caller builds it)."""
    response: HttpResponse
    if if_none_match(request, etag):
        response = HttpResponseNotModified()
    elif body is not None:
        response = HttpResponse(body, content_type="application/json")
    else:
        return None
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response
