"""The API shapes of groups, memberships and guests."""

from typing import Any

from rest_framework import serializers

from .models import MAX_GROUP_SIZE, DiscussionGroup, Membership


class GroupSerializer(serializers.ModelSerializer):
    """A group as the contract shows it; `join_code` only to its facilitators."""

    member_count = serializers.SerializerMethodField()
    is_member = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()
    join_code = serializers.SerializerMethodField()
    longlist: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

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
            "listing",
            "guests_allowed",
            "max_members",
            "approve_newcomers",
            "is_member",
            "role",
            "join_code",
            "longlist",
        ]
        read_only_fields = [
            "slug",
            "member_count",
            "listing",
            "is_member",
            "role",
            "join_code",
            "longlist",
        ]

    def _role(self, group: DiscussionGroup) -> str | None:
        if hasattr(group, "caller_role"):
            return group.caller_role
        return self.context.get("role")

    def get_member_count(self, group: DiscussionGroup) -> int:
        # Annotated by the list's selector; a single group read elsewhere counts here.
        member_count: int | None = getattr(group, "member_count", None)
        if member_count is not None:
            return member_count
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
    longlist = serializers.CharField(
        max_length=80, required=False, help_text="The slug of the list it rates (default list)."
    )


class GroupUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=DiscussionGroup.Visibility.choices, required=False)
    ratings_open = serializers.BooleanField(required=False)
    results_hidden = serializers.BooleanField(required=False)
    # A facilitator asks for the global ranking ("requested") or withdraws ("unlisted"); staff
    # decide ("listed") in the moderation queue, never through this API.
    listing = serializers.ChoiceField(
        choices=[DiscussionGroup.Listing.REQUESTED, DiscussionGroup.Listing.UNLISTED],
        required=False,
        error_messages={
            "invalid_choice": "Must be 'requested' (ask to be listed) or 'unlisted'; staff list "
            "a group."
        },
    )
    guests_allowed = serializers.BooleanField(required=False)
    longlist = serializers.CharField(
        max_length=80, required=False, help_text="The slug of the list it rates."
    )
    max_members = serializers.IntegerField(required=False, min_value=2, max_value=MAX_GROUP_SIZE)
    approve_newcomers = serializers.BooleanField(required=False)

    def _strict_bool(self, name: str, value: bool) -> bool:
        if not isinstance(self.initial_data.get(name), bool):
            raise serializers.ValidationError("Must be true or false.")
        return value

    def validate_ratings_open(self, value: bool) -> bool:
        return self._strict_bool("ratings_open", value)

    def validate_approve_newcomers(self, value: bool) -> bool:
        return self._strict_bool("approve_newcomers", value)

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
    pending = serializers.BooleanField(
        required=False,
        help_text="Present (true) while the group's facilitator has not let the newcomer in.",
    )


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["username", "role", "joined_at"]
        read_only_fields = ["username", "joined_at"]
