"""POST /api/v1/auth/register/ and /auth/token/, token auth on a write, and the sign-up throttle."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from .conftest import PASSWORD

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
GROUPS = "/api/v1/groups/"


def register(client: APIClient, username: str, password: str = PASSWORD):
    return client.post(REGISTER, {"username": username, "password": password}, format="json")


# --- register ---------------------------------------------------------------------------------------


def test_registering_returns_the_username_and_a_token(db: None) -> None:
    response = register(APIClient(), "ada")
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "ada"
    assert isinstance(body["token"], str) and body["token"]
    assert "password" not in body
    assert User.objects.get(username="ada").check_password(PASSWORD)


def test_it_refuses_a_username_that_is_taken(make_user) -> None:
    make_user("ada")
    response = register(APIClient(), "ada")
    assert response.status_code == 400
    assert "username" in response.json()
    assert User.objects.filter(username__iexact="ada").count() == 1


def test_it_refuses_a_username_that_differs_only_in_case(make_user) -> None:
    make_user("ada")
    response = register(APIClient(), "ADA")
    assert response.status_code == 400
    assert "username" in response.json()
    assert not User.objects.filter(username="ADA").exists()


@pytest.mark.parametrize("password", ["password", "12345678", "short"])
def test_it_refuses_a_password_djangos_validators_reject(db: None, password: str) -> None:
    response = register(APIClient(), "ada", password=password)
    assert response.status_code == 400
    body = response.json()
    assert "password" in body
    assert body["password"] and all(isinstance(m, str) for m in body["password"])
    assert not User.objects.filter(username="ada").exists()


def test_it_refuses_a_password_too_like_the_username(db: None) -> None:
    response = register(APIClient(), "adalovelace", password="adalovelace1")
    assert response.status_code == 400
    assert "password" in response.json()


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ({}, {"username", "password"}),
        ({"username": "ada"}, {"password"}),
        ({"password": PASSWORD}, {"username"}),
    ],
)
def test_it_refuses_a_registration_with_missing_fields(db: None, body, missing) -> None:
    response = APIClient().post(REGISTER, body, format="json")
    assert response.status_code == 400
    assert missing <= set(response.json())
    assert not User.objects.exists()


def test_it_refuses_a_registration_body_that_is_not_json(db: None) -> None:
    response = APIClient().post(
        REGISTER, data="username=ada&password=x", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not User.objects.exists()


def test_it_refuses_a_registration_with_a_json_array_body(db: None) -> None:
    response = APIClient().post(REGISTER, data="[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert not User.objects.exists()


# --- token ------------------------------------------------------------------------------------------


def test_the_token_endpoint_returns_the_token_given_at_registration(db: None) -> None:
    registered = register(APIClient(), "ada").json()["token"]
    response = APIClient().post(TOKEN, {"username": "ada", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json() == {"token": registered}


def test_it_refuses_a_token_for_a_wrong_password(make_user) -> None:
    make_user("ada")
    response = APIClient().post(
        TOKEN, {"username": "ada", "password": PASSWORD + "!"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_it_refuses_a_token_for_an_unknown_user(db: None) -> None:
    response = APIClient().post(TOKEN, {"username": "nobody", "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_it_refuses_a_token_request_with_missing_fields(db: None) -> None:
    response = APIClient().post(TOKEN, {"username": "ada"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()


# --- using the token --------------------------------------------------------------------------------


def test_the_token_authenticates_a_write(db: None) -> None:
    token = register(APIClient(), "ada").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post(GROUPS, {"name": "Ada's Circle", "visibility": "public"}, format="json")
    assert response.status_code == 201
    assert response.json()["role"] == "facilitator"


def test_an_unauthenticated_write_gets_401(db: None) -> None:
    response = APIClient().post(GROUPS, {"name": "Nobody's", "visibility": "public"}, format="json")
    assert response.status_code == 401
    assert "detail" in response.json()
    assert response.headers["WWW-Authenticate"].startswith("Token")


def test_a_write_with_an_invalid_token_gets_401(db: None) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.post(GROUPS, {"name": "Forged", "visibility": "public"}, format="json")
    assert response.status_code == 401


# --- throttle ---------------------------------------------------------------------------------------

THROTTLED_ADDR = "10.9.8.7"  # only this test uses it, so only its counter needs clearing


@pytest.fixture
def register_rate_two_per_minute(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The test settings make every rate huge; DRF reads rates from the class attribute."""
    rates = dict(SimpleRateThrottle.THROTTLE_RATES)
    rates["register"] = "2/min"
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    # Only this client's bucket: under REDIS_URL the cache is shared, so no cache.clear().
    key = SimpleRateThrottle.cache_format % {"scope": "register", "ident": THROTTLED_ADDR}
    cache.delete(key)
    yield
    cache.delete(key)


def test_it_throttles_the_third_registration_in_a_minute(
    db: None, register_rate_two_per_minute: None
) -> None:
    client = APIClient(REMOTE_ADDR=THROTTLED_ADDR)
    assert register(client, "first").status_code == 201
    assert register(client, "second").status_code == 201
    response = register(client, "third")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "detail" in response.json()
    assert not User.objects.filter(username="third").exists()


# --- revoking the token (issue 16, item 14) ---------------------------------------------------------

REVOKE = "/api/v1/auth/token/revoke/"


def test_a_user_revokes_their_token_and_it_stops_working_at_once(db: None) -> None:
    token = register(APIClient(), "ada").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post(REVOKE).status_code == 204
    refused = client.post(GROUPS, {"name": "Too late", "visibility": "public"}, format="json")
    assert refused.status_code == 401
    assert client.post(REVOKE).status_code == 401


def test_after_revoking_the_token_endpoint_issues_a_new_different_token(db: None) -> None:
    old = register(APIClient(), "ada").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    client.post(REVOKE)
    new = APIClient().post(TOKEN, {"username": "ada", "password": PASSWORD}, format="json")
    assert new.status_code == 200
    assert new.json()["token"] != old
    client.credentials(HTTP_AUTHORIZATION=f"Token {new.json()['token']}")
    assert (
        client.post(GROUPS, {"name": "Back", "visibility": "public"}, format="json").status_code
        == 201
    )


def test_revoking_needs_a_login_and_touches_only_the_callers_token(make_user) -> None:
    from accounts.services import token_for

    ada, bob = make_user("ada"), make_user("bob")
    bobs = token_for(user=bob)
    assert APIClient().post(REVOKE).status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user=ada)}")
    assert client.post(REVOKE).status_code == 204
    assert token_for(user=bob) == bobs


def test_a_session_revoke_needs_the_csrf_token(make_user) -> None:
    from rest_framework.authtoken.models import Token

    from accounts.services import token_for

    ada = make_user("ada")
    token_for(user=ada)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(ada)
    assert client.post(REVOKE).status_code == 403
    assert Token.objects.filter(user=ada).exists()


def test_the_token_page_revokes_the_token_with_its_button(make_user) -> None:
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from accounts.services import token_for

    ada = make_user("ada")
    token = token_for(user=ada)
    client = Client()
    client.force_login(ada)
    page = client.get("/accounts/token/")
    assert page.status_code == 200
    assert b"Revoke my API token" in page.content
    assert token.encode() not in page.content  # the page never shows the key itself
    response = client.post("/accounts/token/", follow=True)
    assert b"Your API token is revoked" in response.content
    assert not Token.objects.filter(user=ada).exists()
    assert b"You have no API token" in client.get("/accounts/token/").content
