"""Issue 24: pages and JSON travel gzipped (impactboard.middleware.CompressionMiddleware), polls
still end in 304 with the weak ETag compression gives them (ratings/api/answers.py), and what
carries a secret besides the masked CSRF token is never compressed (BREACH)."""

import gzip
import json

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from groups.models import Participant
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.api.answers import if_none_match
from tests.conftest import PASSWORD
from tests.factories import rate

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def rated(cast) -> None:
    for i, score in enumerate((9, 6, 7)):
        rate(Participant.objects.create(group=cast.public, name=f"p{i}"), {1: score, 2: 3})
    ranking_recompute(scope=Scope.group(cast.public.pk), force=True)


@pytest.mark.django_db
def test_a_group_page_travels_gzipped_and_says_it_varies_by_encoding(cast, client) -> None:
    rated(cast)
    response = client.get(f"/groups/{cast.public.slug}/", **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    page = gzip.decompress(response.content).decode()
    assert "<html" in page and "chart-static" in page
    assert len(response.content) < len(page) / 3
    # Without Accept-Encoding, the same page as it was.
    plain = client.get(f"/groups/{cast.public.slug}/")
    assert not plain.has_header("Content-Encoding")


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["rankings/", "rankings/figures/"])
def test_a_poll_with_the_weak_etag_of_a_compressed_answer_is_a_304(
    cast, suffix, django_capture_on_commit_callbacks
) -> None:
    rated(cast)
    client = APIClient()
    url = f"/api/v1/groups/{cast.public.slug}/{suffix}"
    first = client.get(url, **GZIP)
    assert first["Content-Encoding"] == "gzip"
    assert first["ETag"].startswith('W/"')
    assert json.loads(gzip.decompress(first.content))["hidden"] is False
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **GZIP)
    assert again.status_code == 304
    # The strong form (an uncompressed answer's) matches too.
    strong = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"].removeprefix("W/"))
    assert strong.status_code == 304
    with django_capture_on_commit_callbacks(execute=True):  # the new ETag reaches the cache
        rate(Participant.objects.create(group=cast.public, name="late"), {1: 1})
        ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **GZIP).status_code == 200


@pytest.mark.django_db
def test_compressed_pages_differ_in_length_from_one_answer_to_the_next(cast, client) -> None:
    # Django's BREACH mitigation: up to 100 random bytes in every compressed answer.
    lengths = {len(client.get("/", **GZIP).content) for _ in range(6)}
    assert len(lengths) > 1


@pytest.mark.django_db
def test_answers_that_carry_a_secret_are_never_compressed(cast, client) -> None:
    client.force_login(cast.facilitator)
    for url in ("/accounts/token/", f"/groups/{cast.public.slug}/facilitate/"):
        response = client.get(url, **GZIP)
        assert response.status_code == 200, url
        assert not response.has_header("Content-Encoding"), url
    api = APIClient()
    token = api.post(
        "/api/v1/auth/token/",
        {"username": cast.member.username, "password": PASSWORD},
        format="json",
        **GZIP,
    )
    assert token.status_code == 200
    assert not token.has_header("Content-Encoding")
    api.force_authenticate(cast.facilitator)
    detail = api.get(f"/api/v1/groups/{cast.public.slug}/", **GZIP)
    assert "join_code" in detail.json()
    assert not detail.has_header("Content-Encoding")


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        ('"g-1-v3"', True),
        ('W/"g-1-v3"', True),
        ('"other", W/"g-1-v3"', True),
        ("*", True),
        ('"g-1-v4"', False),
        ('"g-1-v3', False),  # not a quoted tag
        ("", False),
    ],
)
def test_if_none_match_compares_etags_weakly(header: str, matches: bool) -> None:
    request = RequestFactory().get("/", HTTP_IF_NONE_MATCH=header) if header else None
    request = request or RequestFactory().get("/")
    assert if_none_match(request, '"g-1-v3"') is matches
