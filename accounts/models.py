"""What accounts keep beyond Django's user: when each person last read their "for you" list."""

from django.conf import settings
from django.db import models


class ForYouSeen(models.Model):
    """The moment a person last opened "for you": what happened after it is unread."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    seen_at = models.DateTimeField()
