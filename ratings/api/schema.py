"""The error answers the ratings endpoints document, shared by their schemas."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from groups.models import DiscussionGroup

from ..selectors.rounds import round_exists

ROUND_PARAMETER = OpenApiParameter(
    "round", int, description="A round of the group (1, 2, …); default: the current ratings."
)


def round_number_param(request: Request, name: str) -> int | None:
    """`?<name>=N` as a positive integer, None when absent; anything else is a 400 naming it."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 32767:
        raise ValidationError({name: ["A round is a positive whole number."]})
    return int(raw)


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
