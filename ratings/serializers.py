from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import DiscussionGroup, Membership, Rating


class GroupSerializer(serializers.ModelSerializer):
    """A group as the contract shows it; `join_code` only to its facilitators."""

    member_count = serializers.SerializerMethodField()
    is_member = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()
    join_code = serializers.SerializerMethodField()

    class Meta:
        model = DiscussionGroup
        fields = [
            "slug",
            "name",
            "description",
            "visibility",
            "member_count",
            "ratings_open",
            "results_hidden",
            "guests_allowed",
            "is_member",
            "role",
            "join_code",
        ]
        read_only_fields = ["slug", "member_count", "is_member", "role", "join_code"]

    def _role(self, group: DiscussionGroup) -> str | None:
        if hasattr(group, "caller_role"):
            return group.caller_role
        return self.context.get("role")

    def get_member_count(self, group: DiscussionGroup) -> int:
        if getattr(group, "member_count", None) is not None:
            return group.member_count
        return group.memberships.count()

    def get_is_member(self, group: DiscussionGroup) -> bool:
        return self._role(group) is not None

    def get_role(self, group: DiscussionGroup) -> str | None:
        return self._role(group)

    def get_join_code(self, group: DiscussionGroup) -> str | None:
        return group.join_code if self._role(group) == Membership.Role.FACILITATOR else None

    def to_representation(self, instance: DiscussionGroup) -> dict[str, Any]:
        data = super().to_representation(instance)
        if data["join_code"] is None:
            del data["join_code"]
        return data


class GroupCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=DiscussionGroup.Visibility.choices)


class GroupUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=DiscussionGroup.Visibility.choices, required=False)
    ratings_open = serializers.BooleanField(required=False)
    results_hidden = serializers.BooleanField(required=False)
    guests_allowed = serializers.BooleanField(required=False)

    def _strict_bool(self, name: str, value: bool) -> bool:
        if not isinstance(self.initial_data.get(name), bool):
            raise serializers.ValidationError("Must be true or false.")
        return value

    def validate_ratings_open(self, value: bool) -> bool:
        return self._strict_bool("ratings_open", value)

    def validate_results_hidden(self, value: bool) -> bool:
        return self._strict_bool("results_hidden", value)

    def validate_guests_allowed(self, value: bool) -> bool:
        return self._strict_bool("guests_allowed", value)


class JoinSerializer(serializers.Serializer):
    join_code = serializers.CharField(required=False, allow_blank=True, max_length=64)


class GuestJoinSerializer(serializers.Serializer):
    """The name is checked by the service (blank, long, formula-like, taken): a 400 on `name`."""

    join_code = serializers.CharField(max_length=64, allow_blank=True)
    name = serializers.CharField(max_length=200, allow_blank=True, trim_whitespace=False)


class GuestTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    name = serializers.CharField()


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["username", "role", "joined_at"]
        read_only_fields = ["username", "joined_at"]


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
    ratings = RatingItemSerializer(many=True, allow_empty=True, max_length=200)


class RatingReadSerializer(serializers.ModelSerializer):
    theory = serializers.IntegerField(source="theory_id")

    class Meta:
        model = Rating
        fields = ["theory", "score", "rationale", "updated_at", "round"]


class RatingsMineSerializer(serializers.Serializer):
    ratings = RatingReadSerializer(many=True)


class RankingTheorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    theory = RankingTheorySerializer()
    n = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    stdev = serializers.FloatField(allow_null=True)
    histogram = serializers.ListField(
        child=serializers.IntegerField(), min_length=10, max_length=10
    )
    ci_low = serializers.FloatField(allow_null=True, help_text="95% t-interval of the mean: low.")
    ci_high = serializers.FloatField(allow_null=True, help_text="95% t-interval of the mean: high.")
    thin = serializers.BooleanField(help_text="n < 3: thin evidence.")
    controversy = serializers.FloatField(
        allow_null=True,
        help_text=(
            "Mean absolute difference between two different raters' scores (Gini's mean "
            "difference), 0..9; null when n < 2."
        ),
    )


class AgreementSerializer(serializers.Serializer):
    method = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    reading = serializers.CharField()


class NotableSerializer(serializers.Serializer):
    theory = RankingTheorySerializer()
    sentence = serializers.CharField()


class RankingSummarySerializer(serializers.Serializer):
    agreement = AgreementSerializer()
    interval_method = serializers.CharField()
    most_controversial_highly_rated = NotableSerializer(allow_null=True)


class RankingSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField(allow_null=True)
    hidden = serializers.BooleanField(
        help_text="True when the group hides results until the caller has rated: results is []."
    )
    raters = serializers.IntegerField(help_text="Distinct participants with at least one rating.")
    results = RankingRowSerializer(many=True)
    summary = RankingSummarySerializer(required=False)


class ComparisonRowSerializer(serializers.Serializer):
    theory = RankingTheorySerializer()
    group_rank = serializers.IntegerField(allow_null=True)
    global_rank = serializers.IntegerField(allow_null=True)
    group_mean = serializers.FloatField(allow_null=True)
    global_mean = serializers.FloatField(allow_null=True)
    group_n = serializers.IntegerField()
    global_n = serializers.IntegerField()


class RankCorrelationSerializer(serializers.Serializer):
    method = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    pairs = serializers.IntegerField()


class ComparisonSerializer(serializers.Serializer):
    hidden = serializers.BooleanField()
    rank_correlation = RankCorrelationSerializer(allow_null=True)
    results = ComparisonRowSerializer(many=True)


class HistogramSerializer(serializers.Serializer):
    n = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    histogram = serializers.ListField(child=serializers.IntegerField(), allow_null=True)


class GroupHistogramSerializer(serializers.Serializer):
    # The group first, then its histogram: the order the answer has always had.
    slug = serializers.CharField()
    name = serializers.CharField()
    hidden = serializers.BooleanField()
    n = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    histogram = serializers.ListField(child=serializers.IntegerField(), allow_null=True)


class DistributionSerializer(serializers.Serializer):
    theory = RankingTheorySerializer()
    all_public = HistogramSerializer(help_text="Across every public group.")
    groups = GroupHistogramSerializer(many=True)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
