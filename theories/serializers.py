from rest_framework import serializers

from .models import Theory


class SubpointSerializer(serializers.Serializer):
    number = serializers.CharField()
    text = serializers.CharField()


class TheorySerializer(serializers.ModelSerializer):
    subpoints = SubpointSerializer(many=True, read_only=True)

    class Meta:
        model = Theory
        fields = ["id", "number", "slug", "title", "summary", "subpoints", "source_url"]
        read_only_fields = fields
