"""Where a rater's scores count beyond their group, said where they rate (issue 20 item 8)."""

from django import template
from django.contrib.auth.models import AnonymousUser, User

from ..models import DiscussionGroup
from ..selectors import where_ratings_count

register = template.Library()


@register.simple_tag
def ratings_count_where(group: DiscussionGroup, user: User | AnonymousUser) -> str:
    """One sentence when this person's ratings stay out of the global ranking, else ""."""
    return where_ratings_count(group=group, user=user) or ""
