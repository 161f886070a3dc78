"""Project-wide REST framework pieces: a bounded JSON parser and JSON-only errors."""

import io
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError
from .parsing import ascii_int


class BoundedJSONParser(JSONParser):
    """JSONParser that refuses oversized bodies (400) instead of reading them whole.

    DRF reads the request stream directly, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not apply.
    """

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.API_MAX_JSON_BYTES
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        size = ascii_int(length)
        if size is not None and size > limit:
            raise ParseError(f"Request body too large: at most {limit} bytes of JSON.")
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise ParseError(f"Request body too large: at most {limit} bytes of JSON.")
        if b"\x00" in body:
            raise ParseError("JSON parse error - NUL bytes are not allowed.")
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError as exc:  # deeply nested JSON: refuse it, do not crash on it
            raise ParseError("JSON parse error - nested too deeply.") from exc


class BrowsableAPI(BrowsableAPIRenderer):
    """DRF's browsable API, without the filter form when there are no filter backends (there are
    none in this project). DRF builds that form from `view.get_queryset()`, which views that read
    through a selector do not define: a browser following a link to them got a 500."""

    def get_filter_form(self, data: Any, view: Any, request: Any) -> Any:
        if not getattr(view, "filter_backends", None):
            return None
        return super().get_filter_form(data, view, request)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(exc.body, status=exc.status_code, headers=exc.headers or None)
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is down: a retryable 503, not a 500 (see DatabaseUnavailableMiddleware).
        return Response(
            {"detail": "The database is unavailable; try again shortly."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in response:
        response["Retry-After"] = "60"
    return response
