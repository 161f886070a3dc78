"""Issue 16, item 11: no existence oracle. Whatever the caller may not see (a private group, and
everything in it) answers exactly like a thing that does not exist: same status, same body, on
every group-scoped route of the authorisation matrix, for every role that gets a 404."""

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import token_for

from .test_authz_matrix import MATRIX, ROLES, Ctx, Row

# Part of the authorisation matrix (its 404 rows): run once, in the PostgreSQL pass.
pytestmark = [pytest.mark.backend_agnostic]

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')

CASES = [
    pytest.param(row, role, id=f"{row.method}-{row.name}-{role}{'-q' if row.query(SimpleNamespace(group=SimpleNamespace(slug='x'))) else ''}")
    for row in MATRIX
    if row.private is not None
    for role in ROLES
    # 404 because the group is private (not for another reason, as an import job id that
    # does not exist in a group the caller runs).
    if row.private[role] == 404 and row.public[role] != 404
]  # fmt: skip


def answer(row: Row, ctx: Any, user: Any) -> tuple[int, bytes]:
    url = reverse(row.name, kwargs=row.kwargs(ctx)) + row.query(ctx)
    body = row.body(ctx, "outsider")
    if row.api:
        client: Any = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user=user)}")
        response = getattr(client, row.method)(url, body, format="json")
    else:
        client = Client()
        if user is not None:
            client.force_login(user)
        response = getattr(client, row.method)(url, body or {})
    # A page carries a fresh CSRF token each time; nothing else may differ.
    return response.status_code, CSRF.sub(b"", response.content)


def test_there_are_cases_for_comments_and_groups() -> None:
    names = {case.values[0].name for case in CASES}
    assert {"api-comment", "api-comment-vote", "group-detail", "comment_versions"} <= names


class TestNoOracle:
    """Every hidden-group case of the matrix, in the matrix's world (its private side)."""

    @pytest.mark.parametrize(("row", "role"), CASES)
    def test_a_hidden_thing_answers_exactly_like_a_missing_one(
        self, row: Row, role: str, matrix_world: dict[str, Ctx], db: None
    ) -> None:
        hidden = matrix_world["private"]
        cast, staff = hidden.cast, hidden.staff
        missing = Ctx(
            cast=cast,
            group=SimpleNamespace(slug="no-such-group", join_code=cast.private.join_code),
            theory=hidden.theory,
            staff=staff,
            extra={
                "comment": SimpleNamespace(pk=10**9),
                "member_comment": SimpleNamespace(pk=10**9 + 1),
                "list": SimpleNamespace(slug="no-such-list"),
                "private_list": SimpleNamespace(slug="no-such-list"),
                "item": SimpleNamespace(pk=10**9, slug="no-such-item"),
                "proposal": SimpleNamespace(pk=10**9),
            },
        )
        user = None if role == "anonymous" else (staff if role == "staff" else getattr(cast, role))
        hidden_answer = answer(row, hidden, user)
        assert hidden_answer[0] == 404
        assert hidden_answer == answer(row, missing, user)
