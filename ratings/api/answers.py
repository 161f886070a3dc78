"""The one answer of every ranking-shaped GET: a ranking (a group's, a round's, the global one),
its figures, the comparison with the global ranking and its figure, the changes between rounds.

- Hidden: the group hides its results from this caller until they have rated. The answer says
  so and carries no aggregate and no ETag: an ETag that moved with each rating would tell the
  hidden ratings apart.
- 304: the caller's `If-None-Match` names the current ETag, compared weakly (`if_none_match`:
  the compression middleware sends W/"…" and browsers send that back); nothing is built.
- 200: the body with its ETag and `Cache-Control: no-cache`, so that every poll revalidates. A
  body already rendered (bytes: the ranking cache's, see `rankings.ranking_cache.ranking_body`)
  is sent as it is; a dict is rendered by DRF like any other answer.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import parse_etags
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

HIDDEN_DETAIL = "Results are hidden until you have rated in this group."


def hidden_answer(
    empty: Mapping[str, Any], *, raters: int | None = None, detail: bool = True
) -> Response:
    """`{"hidden": true}` with the endpoint's own fields left `empty` ({"results": []},
    {"figures": {}}, …). A ranking's also says how many have rated (`raters`), which gives no
    score away; `detail` says why, in words."""
    body: dict[str, Any] = {} if raters is None else {"computed_at": None, "raters": raters}
    body["hidden"] = True
    if detail:
        body["detail"] = HIDDEN_DETAIL
    return Response({**body, **empty})


def if_none_match(request: HttpRequest, etag: str) -> bool:
    """True when If-None-Match lists `etag` (or is `*`), compared weakly as RFC 9110 §13.1.2
    asks for If-None-Match: the compression middleware turns a strong ETag into a weak one
    (W/"…") on every compressed answer, and browsers send that form back."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == wanted for tag in parse_etags(header))


def conditional_answer(
    request: Request,
    *,
    etag: str,
    build: Callable[[], dict[str, Any] | bytes],
    revalidate: bool = True,
) -> Response | HttpResponse:
    """304 if the caller holds `etag`, else 200 with `build()`; both carry the ETag.
    `revalidate=False` leaves out `Cache-Control` (the comparison has always answered without
    it)."""
    response: Response | HttpResponse
    if if_none_match(request, etag):
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    else:
        body = build()
        if isinstance(body, bytes):
            response = HttpResponse(body, content_type="application/json")
        else:
            response = Response(body)
    response["ETag"] = etag
    if revalidate:
        response["Cache-Control"] = "no-cache"
    return response


def cached_answer(
    request: Request, *, etag: str | None, body: bytes | None, revalidate: bool = True
) -> Response | HttpResponse | None:
    """The answer from the ranking cache alone (no query): a 304 when the caller holds the
    current `etag`, the cached `body` of exactly that version otherwise. None when the cache
    cannot answer (no ETag cached, or a 200 is owed and its body is not cached)."""
    if not etag or (body is None and not if_none_match(request, etag)):
        return None
    # Without a body the answer is a 304 (just checked), which never builds one.
    return conditional_answer(request, etag=etag, build=lambda: body or b"", revalidate=revalidate)
