"""What a change to a group means for its ratings (`groups.signals`): the group's first round.
Connected in RatingsConfig.ready(); runs inside the sender's transaction. (What it means for
the group's rankings is `rankings.receivers`'.)"""

from typing import Any

from django.contrib.auth.models import User
from django.dispatch import receiver

from groups.models import DiscussionGroup
from groups.signals import group_created

from .models import Round


@receiver(group_created)
def group_first_round(*, group: DiscussionGroup, by: User, **_: Any) -> None:
    Round.objects.create(group=group, number=1, opened_at=group.created_at, opened_by=by)
