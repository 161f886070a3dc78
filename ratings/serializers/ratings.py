"""The caller's ratings (`api/ratings.py`): a submission's items, checked strictly (a score is a
JSON integer 1..10 or null, a theory its integer id), and the ratings read back."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Rating


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 10, "nullable": True})
class StrictScoreField(serializers.Field):
    """A score is a JSON integer 1..10, or null. Not "7", not 7.5, not 7.0, not true."""

    default_error_messages = {
        "invalid": "A score is a whole number from 1 to 10, or null for 'not rated'.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if type(data) is not int or not 1 <= data <= 10:
            self.fail("invalid")
        return data

    def to_representation(self, value: int) -> int:
        return value


@extend_schema_field(OpenApiTypes.INT)
class StrictIdField(serializers.Field):
    default_error_messages = {"invalid": "A theory is named by its integer id."}

    def to_internal_value(self, data: Any) -> int:
        if type(data) is not int or not 0 < data < 2**31:
            self.fail("invalid")
        return data

    def to_representation(self, value: int) -> int:
        return value


class RatingItemSerializer(serializers.Serializer):
    theory = StrictIdField()
    score = StrictScoreField()
    rationale = serializers.CharField(
        max_length=280, required=False, allow_blank=True, allow_null=True, trim_whitespace=True
    )
    moved_by = StrictIdField(
        required=False,
        allow_null=True,
        help_text="The comment (id) whose argument moved this change: a live comment on this "
        "theory, public or in this group.",
    )


class RatingsSubmitSerializer(serializers.Serializer):
    # many=True passes max_length on to the ListSerializer it builds; the stubs type only the
    # child's own arguments.
    ratings = RatingItemSerializer(many=True, allow_empty=True, max_length=200)  # type: ignore[call-arg]


class RatingReadSerializer(serializers.ModelSerializer):
    theory = serializers.IntegerField(source="theory_id")

    class Meta:
        model = Rating
        fields = ["theory", "score", "rationale", "updated_at", "round"]


class RatingsMineSerializer(serializers.Serializer):
    ratings = RatingReadSerializer(many=True)
    unrated = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Ids of the active items of the group's list the caller has not rated.",
    )
    reworded = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Ids of the items whose current rating was given on an earlier wording.",
    )
