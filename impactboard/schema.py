"""OpenAPI post-processing: document the error answers every operation can give.

Any endpoint may answer 401/403 (authentication, permission), 404 (unknown or private), 405,
406 and 415 (method and content negotiation), 429 (throttled) and 503 (database unavailable);
any endpoint with a body may answer 400. Listing them once here keeps the schema honest without
repeating them on every view."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from .serializers import DetailSerializer

# The error answers group-scoped endpoints document on their own operations.
NOT_FOUND = OpenApiResponse(DetailSerializer, description="No such group, or a private one.")
FORBIDDEN = OpenApiResponse(DetailSerializer, description="Not allowed (members/facilitators).")
UNAUTHENTICATED = OpenApiResponse(DetailSerializer, description="Not logged in.")
BAD_REQUEST = OpenApiResponse(description="Validation errors, by field.")
LAST_FACILITATOR = OpenApiResponse(DetailSerializer, description="The last facilitator.")


def field_conflict(field: str, description: str) -> OpenApiResponse:
    """A 409 whose body names the field the thing's state refuses, in DRF's field shape
    (`{"status": ["This item is already retired."]}`), so that a form shows it by the field."""
    return OpenApiResponse(
        inline_serializer(
            f"{field.title()}Conflict",
            {field: serializers.ListField(child=serializers.CharField())},
        ),
        description=description,
    )


def write_responses(
    ok: Any,
    *,
    status_code: int = 200,
    forbidden: OpenApiResponse = FORBIDDEN,
    not_found: OpenApiResponse = NOT_FOUND,
    conflict: OpenApiResponse | None = None,
) -> dict[int, Any]:
    """The answers a write documents on its own operation: `ok` with `status_code`, then the
    refusals of a caller who must be signed in and allowed to touch the thing (400 by field,
    401, `forbidden` 403 and `not_found` 404, each app saying what its own are), and
    `conflict` (409) where the thing's state can refuse it."""
    responses = {
        status_code: ok,
        400: BAD_REQUEST,
        401: UNAUTHENTICATED,
        403: forbidden,
        404: not_found,
    }
    if conflict is not None:
        responses[409] = conflict
    return responses


DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "description": "Validation errors: {field: [messages]} (nested by item index for lists), "
    "or {detail} for a body that cannot be parsed.",
    "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
}
COMMON = {
    "401": "Authentication required (or a bad token).",
    "403": "Not allowed for the caller.",
    "404": "Not found, or private and the caller may not see it.",
    "405": "Method not allowed.",
    "406": "Cannot produce the requested media type.",
    "415": "Unsupported media type.",
    "429": "Throttled: see Retry-After.",
    "503": "The database is unavailable: see Retry-After.",
}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", DETAIL)
    ref = {"$ref": "#/components/schemas/ErrorDetail"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in COMMON.items():
                responses.setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
            if method in {"post", "put", "patch"} or operation.get("parameters"):
                responses.setdefault("400", FIELD_ERRORS)
    return result
