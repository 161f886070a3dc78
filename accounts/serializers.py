from typing import Any

from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers


class RegisterSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)
    # Joining a room (both or neither): the new account joins that group in the same request.
    group = serializers.SlugField(max_length=60, required=False)
    join_code = serializers.CharField(max_length=64, required=False, allow_blank=True)

    def validate_username(self, value: str) -> str:
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError("That username is taken.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            password_validation.validate_password(
                attrs["password"], User(username=attrs["username"])
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The Django request (not DRF's wrapper) so that django-axes counts the failure and
        # marks a locked-out attempt for its middleware, as on the sign-in pages.
        request = self.context["request"]._request
        user = authenticate(request, username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to log in with those credentials."]}
            )
        attrs["user"] = user
        return attrs


class RegisterResponseSerializer(serializers.Serializer):
    username = serializers.CharField()
    token = serializers.CharField()
    group = serializers.SlugField(required=False, help_text="The group joined, if one was named.")
    pending = serializers.BooleanField(
        required=False,
        help_text="True while the group's facilitator has not approved the newcomer.",
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
