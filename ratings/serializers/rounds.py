"""Rounds, changes of mind between two rounds, and the caller's history (`api/rounds.py`)."""

from typing import Any

from rest_framework import serializers


class RoundSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    raters = serializers.IntegerField()


class ChangeRowSerializer(serializers.Serializer):
    theory = serializers.DictField()
    pairs = serializers.IntegerField()
    moved = serializers.IntegerField()
    mean_change = serializers.FloatField(allow_null=True)
    toward = serializers.IntegerField()
    away = serializers.IntegerField()
    cited = serializers.IntegerField()
    mean_from = serializers.FloatField(allow_null=True)
    mean_to = serializers.FloatField(allow_null=True)
    median_from = serializers.FloatField(allow_null=True)
    lines = serializers.ListField(child=serializers.ListField(child=serializers.IntegerField()))


class ChangesSerializer(serializers.Serializer):
    hidden = serializers.BooleanField()
    detail = serializers.CharField(required=False)
    summary = serializers.DictField(allow_null=True)
    results = ChangeRowSerializer(many=True)

    def to_representation(self, instance: dict[str, Any]) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["from"], data["to"] = instance["from"], instance["to"]
        return data


class HistoryItemSerializer(serializers.Serializer):
    theory = serializers.IntegerField()
    score = serializers.IntegerField(allow_null=True)
    previous = serializers.IntegerField(allow_null=True)
    rationale = serializers.CharField(allow_blank=True)
    moved_by = serializers.IntegerField(allow_null=True)


class HistorySerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    round = serializers.IntegerField()
    # The API's field name; DRF's metaclass takes declared fields off the class, so it does
    # not shadow the Field attribute of the same name at run time.
    source = serializers.CharField()  # type: ignore[assignment]
    items = HistoryItemSerializer(many=True)
