"""The one way tests make ratings: through the real submission service, as the app does."""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User

from groups.models import DiscussionGroup, Participant
from groups.services import participant_for_user
from ratings.models import Submission
from ratings.services import RatingItem, rating_submission_create
from theories.models import Theory


def rate(
    who: Participant | User,
    scores: Mapping[Any, int | None],
    *,
    group: DiscussionGroup | None = None,
    rationale: str | None = None,
    moved_by: Mapping[Any, int] | None = None,
    source: str = Submission.Source.API,
) -> Submission | None:
    """One submission of `scores` by `who`: a participant, or a user together with `group`.

    `scores` maps a theory (a Theory, or its number) to a score, None removing the rating;
    `moved_by` maps a theory the same way to the comment id that moved the change.
    """
    if isinstance(who, Participant):
        participant, user = who, who.user
    else:
        if group is None:
            raise TypeError("rate(user, …) needs the group")
        participant, user = participant_for_user(group=group, user=who), who
    numbers = {key for key in [*scores, *(moved_by or {})] if isinstance(key, int)}
    # Numbers are those of the group's own list.
    on_list = Theory.objects.filter(longlist_id=participant.group.longlist_id)
    by_number = dict(on_list.filter(number__in=numbers).values_list("number", "id"))

    def theory_id(key: Any) -> int:
        return by_number[key] if isinstance(key, int) else key.id

    cited = {theory_id(key): comment for key, comment in (moved_by or {}).items()}
    items = [
        RatingItem(
            theory_id=theory_id(key),
            score=score,
            rationale=rationale,
            moved_by=cited.get(theory_id(key)),
        )
        for key, score in scores.items()
    ]
    return rating_submission_create(
        participant=participant, items=items, submitted_by=user, source=source
    )
