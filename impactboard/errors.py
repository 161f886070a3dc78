"""The one base for domain errors: a service raises it, and DRF's exception handler
(`impactboard.api.exception_handler`) turns it into its HTTP answer in one place.

Pages catch the same errors and show `messages` in a form; the API never needs a try/except.
"""

from typing import Any, ClassVar


class DomainError(Exception):
    """A refusal of the domain, with the HTTP status and JSON body it maps to.

    `body` is what the API answers: `{"detail": "..."}` for a plain refusal, or DRF's field shape
    `{"field": ["message", ...]}` for invalid input; `headers` go with it (a 429's Retry-After).
    """

    status_code: ClassVar[int] = 400

    def __init__(
        self, detail: str | dict[str, Any], *, headers: dict[str, str] | None = None
    ) -> None:
        self.body: dict[str, Any] = {"detail": detail} if isinstance(detail, str) else detail
        self.headers: dict[str, str] = headers or {}
        super().__init__(detail if isinstance(detail, str) else "invalid input")

    @property
    def messages(self) -> list[str]:
        """Every message of the body, flattened: what a page shows."""
        found: list[str] = []

        def walk(value: Any) -> None:
            if isinstance(value, dict):
                for inner in value.values():
                    walk(inner)
            elif isinstance(value, list | tuple):
                for inner in value:
                    walk(inner)
            else:
                found.append(str(value))

        walk(self.body)
        return found


class Conflict(DomainError):
    """The request is valid but the state of the thing forbids it now (409)."""

    status_code = 409


class Forbidden(DomainError):
    """The caller may see the thing but not do this to it (403)."""

    status_code = 403
