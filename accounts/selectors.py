"""Reads about one account: everything it holds, for "download my data"."""

from typing import Any

from django.contrib.auth.models import User

from discussion.models import Comment
from groups.models import Membership
from ratings.models import Rating, Submission


def account_data(*, user: User) -> dict[str, Any]:
    """The account's data as plain JSON-able values: profile, groups, current ratings, the
    history of every save, and comments. Four queries beside the account, whatever its size."""
    groups = [
        {
            "group": m.group.slug,
            "name": m.group.name,
            "role": m.role,
            "joined_at": m.joined_at.isoformat(),
        }
        for m in Membership.objects.filter(user=user).select_related("group").order_by("joined_at")
    ]
    ratings = [
        {
            "group": r.group.slug,
            "theory": r.theory.number,
            "theory_title": r.theory.title,
            "score": r.score,
            "rationale": r.rationale,
            "round": r.round,
            "updated_at": r.updated_at.isoformat(),
        }
        for r in Rating.objects.filter(participant__user=user)
        .select_related("group", "theory")
        .order_by("group__slug", "theory__number")
    ]
    history = [
        {
            "group": s.group.slug,
            "round": s.round,
            "source": s.source,
            "created_at": s.created_at.isoformat(),
            "items": [
                {"theory": i.theory.number, "score": i.score, "rationale": i.rationale}
                for i in s.items.all()
            ],
        }
        for s in Submission.objects.filter(participant__user=user)
        .select_related("group")
        .prefetch_related("items__theory")
        .order_by("created_at", "id")
    ]
    comments = [
        {
            "id": c.pk,
            "theory": c.theory.number,
            "group": c.group.slug if c.group else None,
            "parent": c.parent_id,
            "body": c.body,
            "stance": c.stance,
            "created_at": c.created_at.isoformat(),
            "edited_at": c.edited_at.isoformat() if c.edited_at else None,
            "retracted": c.retracted,
            "deleted": c.deleted,
        }
        for c in Comment.objects.filter(author=user)
        .select_related("theory", "group")
        .order_by("created_at", "id")
    ]
    return {
        "account": {
            "username": user.username,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
        },
        "groups": groups,
        "ratings": ratings,
        "history": history,
        "comments": comments,
    }
