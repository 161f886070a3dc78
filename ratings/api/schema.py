"""The error answers the ratings endpoints document, shared by their schemas."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from groups.models import DiscussionGroup
from impactboard.parsing import ascii_int

from ..selectors.rounds import round_exists

ROUND_PARAMETER = OpenApiParameter(
    "round", int, description="A round of the group (1, 2, …); default: the current ratings."
)


def round_number(raw: str | None) -> int | None:
    """A round number as a client writes it (ASCII digits, 1..32767), or None. The one parse of
    `?round=`, `?from=` and `?to=`, for the API and the pages alike."""
    number = ascii_int(raw, max_digits=5)
    return number if number is not None and 1 <= number <= 32767 else None


def round_number_param(request: Request, name: str) -> int | None:
    """`?<name>=N` as a positive integer, None when absent; anything else is a 400 naming it."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    number = round_number(raw)
    if number is None:
        raise ValidationError({name: ["A round is a positive whole number."]})
    return number


def round_required(*, group: DiscussionGroup, number: int) -> int:
    """`number`, if it is a round of `group`; otherwise 404."""
    if not round_exists(group=group, number=number):
        raise Http404("No such round in this group.")
    return number


def round_of_group(request: Request, group: DiscussionGroup, name: str = "round") -> int | None:
    """`?<name>=N` as a round of `group`: None when absent, 400 if not a positive integer, 404
    if the group has no such round."""
    number = round_number_param(request, name)
    return None if number is None else round_required(group=group, number=number)
