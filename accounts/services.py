from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from impactboard.errors import DomainError


class UsernameTaken(DomainError):
    """Someone else signed up with this name first: the API's 400 on `username`."""

    def __init__(self) -> None:
        super().__init__({"username": ["That username is taken."]})


def user_create(*, username: str, password: str) -> User:
    """Create an account (the password has already passed Django's validators)."""
    try:
        with transaction.atomic():
            return User.objects.create_user(username=username, password=password)
    except IntegrityError as exc:  # two sign-ups for one name at the same instant
        raise UsernameTaken from exc


def token_for(*, user: User) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def token_revoke(*, user: User) -> bool:
    """Delete the user's API token, so that it authenticates nothing from now on; the next
    POST /api/v1/auth/token/ issues a new one. True if there was a token to revoke."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted > 0
