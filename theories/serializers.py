from typing import Any

from rest_framework import serializers

from .items import MAX_ITEMS, MAX_SUMMARY, MAX_TITLE
from .models import Longlist, LonglistChange, Proposal, Theory


class SubpointSerializer(serializers.Serializer):
    number = serializers.CharField()
    text = serializers.CharField()


class TheorySerializer(serializers.ModelSerializer):
    subpoints = SubpointSerializer(many=True, read_only=True)

    class Meta:
        model = Theory
        fields = ["id", "number", "slug", "title", "summary", "subpoints", "source_url"]
        read_only_fields = fields


class LonglistSerializer(serializers.ModelSerializer):
    """A list as the contract shows it; `item_count`, `group_count` and `rater_count` come
    annotated by `theories.selectors.longlists_annotated`."""

    owner = serializers.SerializerMethodField()
    item_count = serializers.IntegerField(read_only=True, default=0)
    group_count = serializers.IntegerField(read_only=True, default=0)
    rater_count = serializers.IntegerField(read_only=True, default=0)
    forked_from: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Longlist
        fields = [
            "slug",
            "title",
            "description",
            "owner",
            "visibility",
            "is_default",
            "item_count",
            "group_count",
            "rater_count",
            "version",
            "proposals",
            "forked_from",
            "created_at",
        ]
        read_only_fields = fields

    def get_owner(self, longlist: Longlist) -> str | None:
        return longlist.owner.username if longlist.owner_id and longlist.owner else None

    def to_representation(self, instance: Longlist) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["item_count"] = data["item_count"] or 0
        return data


class LonglistItemSerializer(serializers.ModelSerializer):
    replaced_by: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = Theory
        fields = [
            "id",
            "number",
            "slug",
            "title",
            "summary",
            "status",
            "added_in",
            "revision",
            "replaced_by",
        ]
        read_only_fields = fields


class LonglistDetailSerializer(LonglistSerializer):
    items = LonglistItemSerializer(many=True, read_only=True)

    class Meta(LonglistSerializer.Meta):
        fields = [*LonglistSerializer.Meta.fields, "items"]
        read_only_fields = fields


class ItemInSerializer(serializers.Serializer):
    # An item's text as typed: one item of a new list, and the base of an added item and of a
    # proposal. Blanks and lengths are checked by theories.items (with the item named) behind
    # every door alike; the bounds here only refuse a body too large to check. (A comment, not
    # a docstring: the schema would give it to each of the three.)
    title = serializers.CharField(allow_blank=True, max_length=10_000)
    summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)


class LonglistCreateSerializer(serializers.Serializer):
    """Either `items` (a new list) or `fork` (the slug of a list to copy)."""

    title = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )
    visibility = serializers.ChoiceField(choices=Longlist.Visibility.choices, required=False)
    items = ItemInSerializer(
        many=True, required=False, help_text=f"2-{MAX_ITEMS} items, titles <= {MAX_TITLE}."
    )
    fork = serializers.CharField(required=False, max_length=80)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "fork" in attrs and "items" in attrs:
            raise serializers.ValidationError({"fork": ["Give items or fork, not both."]})
        if "fork" not in attrs:
            if "items" not in attrs:
                raise serializers.ValidationError({"items": ["This field is required."]})
            if not attrs.get("title", "").strip():
                raise serializers.ValidationError({"title": ["The list needs a title."]})
            if "visibility" not in attrs:
                raise serializers.ValidationError({"visibility": ["This field is required."]})
        return attrs


class LonglistUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=MAX_TITLE)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    visibility = serializers.ChoiceField(choices=Longlist.Visibility.choices, required=False)
    proposals = serializers.ChoiceField(choices=Longlist.Proposals.choices, required=False)


class ItemAddSerializer(ItemInSerializer):
    # The service names the title in all it refuses of one added item: an over-long summary is
    # named here.
    summary = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_SUMMARY
    )


class LonglistChangeSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField()
    item: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = LonglistChange
        fields = ["version", "created_at", "by", "kind", "item", "before", "after"]
        read_only_fields = fields

    def get_by(self, change: LonglistChange) -> str | None:
        return change.by.username if change.by_id and change.by else None


class SimilarSerializer(serializers.Serializer):
    """An item or a pending proposal worded alike: `id` is the item's (kind "item", with its
    `number`) or the proposal's (kind "proposal", number null)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=["item", "proposal"])
    number = serializers.IntegerField(allow_null=True)


class ProposalInSerializer(ItemInSerializer):
    why = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)


class ProposalSerializer(serializers.ModelSerializer):
    proposer: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    decided_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    item: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "title",
            "summary",
            "why",
            "status",
            "reason",
            "proposer",
            "created_at",
            "decided_by",
            "decided_at",
            "item",
        ]
        read_only_fields = fields


class ProposalCreatedSerializer(ProposalSerializer):
    similar = SimilarSerializer(many=True, read_only=True)

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "similar"]
        read_only_fields = fields


class ProposalDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "reject"])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ItemChangeSerializer(serializers.Serializer):
    """Reword (`title` and/or `summary`) or retire (`status`: "retired", `replaced_by`?)."""

    title = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    status = serializers.ChoiceField(choices=[Theory.Status.RETIRED], required=False)
    replaced_by = serializers.IntegerField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        rewording = "title" in attrs or "summary" in attrs
        if "status" in attrs and rewording:
            raise serializers.ValidationError({"status": ["Reword or retire, not both at once."]})
        if "replaced_by" in attrs and "status" not in attrs:
            raise serializers.ValidationError(
                {"replaced_by": ['Give it with "status": "retired".']}
            )
        if not attrs:
            raise serializers.ValidationError({"title": ["Give a title, a summary or a status."]})
        return attrs
