"""Issue 16, items 4 and 5: limits a client cannot step around.

4. Throttles key on the connection's address; X-Forwarded-For counts only as far as the
   deployment's proxies (settings NUM_PROXIES), so a new value per request buys nothing.
5. Password guessing is limited at all three doors (the sign-in page, the admin's and the token
   endpoint), with a clear message and Retry-After; since issue 23 per pair of account and
   address, so that nobody can aim a lockout at someone else, and the message offers a reset.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from .conftest import PASSWORD

LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def strict_rates(monkeypatch):
    def set_rates(**rates: str) -> None:
        current = dict(SimpleRateThrottle.THROTTLE_RATES)
        current.update(rates)
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", current)

    return set_rates


def spoofed(i: int) -> dict[str, str]:
    return {"HTTP_X_FORWARDED_FOR": f"198.51.100.{i}", "REMOTE_ADDR": "203.0.113.9"}


# --- 4. X-Forwarded-For ---------------------------------------------------------------------------


def test_a_new_x_forwarded_for_per_request_does_not_escape_the_sign_up_throttle(
    db: None, strict_rates
) -> None:
    strict_rates(register="10/hour")
    client = APIClient()
    created = [
        client.post(
            "/api/v1/auth/register/",
            {"username": f"sock{i}", "password": PASSWORD},
            format="json",
            **spoofed(i),
        ).status_code
        for i in range(25)
    ]
    assert created.count(201) == 10  # before the fix: 25 of 25
    assert created[10:] == [429] * 15


def test_a_new_x_forwarded_for_per_request_does_not_escape_the_token_throttle(
    make_user, strict_rates
) -> None:
    make_user("ada")
    strict_rates(token="5/min")
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/auth/token/",
            {"username": f"nobody{i}", "password": "wrong"},
            format="json",
            **spoofed(i),
        ).status_code
        for i in range(8)
    ]
    assert statuses == [400] * 5 + [429] * 3


def test_a_new_x_forwarded_for_per_request_does_not_escape_the_export_throttle(
    cast, strict_rates
) -> None:
    strict_rates(exports="5/min")
    client = APIClient()
    url = f"/api/v1/groups/{cast.public.slug}/export/rankings.csv"
    statuses = [client.get(url, **spoofed(i)).status_code for i in range(8)]
    assert statuses == [200] * 5 + [429] * 3


def test_behind_one_proxy_only_the_address_the_proxy_appended_counts(
    db: None, strict_rates
) -> None:
    strict_rates(register="3/hour")
    rest = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    with override_settings(REST_FRAMEWORK=rest):
        client = APIClient()
        # What the client wrote (left) varies; what the proxy appended (right) does not.
        statuses = [
            client.post(
                "/api/v1/auth/register/",
                {"username": f"prox{i}", "password": PASSWORD},
                format="json",
                HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 192.0.2.44",
                REMOTE_ADDR="172.18.0.2",
            ).status_code
            for i in range(5)
        ]
        assert statuses == [201] * 3 + [429] * 2
        # Another real client behind the same proxy has its own allowance.
        other = client.post(
            "/api/v1/auth/register/",
            {"username": "prox-other", "password": PASSWORD},
            format="json",
            HTTP_X_FORWARDED_FOR="192.0.2.45",
            REMOTE_ADDR="172.18.0.2",
        )
        assert other.status_code == 201


# --- 5. password guessing -------------------------------------------------------------------------


def page_login(path: str) -> Callable[[str, str, str], Any]:
    def attempt(username: str, password: str, address: str) -> Any:
        return Client(REMOTE_ADDR=address).post(
            path, {"username": username, "password": password, "next": "/"}
        )

    return attempt


def token_login(username: str, password: str, address: str) -> Any:
    return APIClient().post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


DOORS = {
    "login-page": page_login("/accounts/login/"),
    "admin-login": page_login("/admin/login/"),
    "token": token_login,
}


@pytest.fixture
def victim(make_user):
    user = make_user("victim")
    user.is_staff = True  # so that the admin's door would let them in
    user.save()
    return user


def signed_in(door: str, response: Any) -> bool:
    if door == "token":
        return response.status_code == 200 and "token" in response.json()
    return response.status_code == 302  # the sign-in pages redirect on success


@pytest.mark.parametrize("door", DOORS)
def test_the_right_password_works_after_fewer_failures_than_the_limit(victim, door: str) -> None:
    attempt = DOORS[door]
    for _ in range(LIMIT - 1):
        assert not signed_in(door, attempt("victim", "wrong guess", "192.0.2.1"))
    assert signed_in(door, attempt("victim", PASSWORD, "192.0.2.1"))


@pytest.mark.parametrize("door", DOORS)
def test_after_the_limit_of_wrong_passwords_even_the_right_one_is_refused(
    victim, door: str
) -> None:
    attempt = DOORS[door]
    for _ in range(LIMIT):
        assert not signed_in(door, attempt("victim", "wrong guess", "192.0.2.1"))
    refused = attempt("victim", PASSWORD, "192.0.2.1")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    text = refused.json()["detail"] if door == "token" else refused.content.decode()
    assert "Too many failed sign-in attempts" in text
    assert "Try again in 15 minutes" in text


@pytest.mark.parametrize("door", DOORS)
def test_the_lock_holds_for_that_address_only_and_offers_a_password_reset(
    victim, door: str
) -> None:
    """Issue 23: a lockout is keyed on the pair (username, address)."""
    attempt = DOORS[door]
    for _ in range(LIMIT):
        attempt("victim", "wrong guess", "192.0.2.1")
    refused = attempt("victim", PASSWORD, "192.0.2.1")
    assert refused.status_code == 429
    text = refused.json()["detail"] if door == "token" else refused.content.decode()
    assert "reset your password" in text
    assert "http://testserver/accounts/password/reset/" in text
    if door == "token":
        assert refused.json()["password_reset"] == "http://testserver/accounts/password/reset/"
    # The owner, from their own address, is not locked out.
    assert signed_in(door, attempt("victim", PASSWORD, "198.51.100.200"))


@pytest.mark.parametrize("door", DOORS)
def test_guesses_at_a_known_name_from_many_addresses_lock_its_owner_out_of_none(
    victim, door: str
) -> None:
    """Issue 23 changed this rule (it was: the account locks whatever addresses the guesses
    come from, so anyone who knew a username could lock its owner out everywhere). Ten
    addresses each reaching the limit lock those ten pairs, never the owner's own address."""
    attempt = DOORS[door]
    for i in range(LIMIT):
        for _ in range(LIMIT):
            attempt("victim", "wrong guess", f"192.0.2.{i + 1}")
    assert attempt("victim", PASSWORD, "192.0.2.1").status_code == 429  # a guesser's pair
    assert signed_in(door, attempt("victim", PASSWORD, "198.51.100.200"))


@pytest.mark.parametrize("door", DOORS)
def test_guesses_at_made_up_names_from_one_address_lock_nobody_else_behind_it(
    victim, make_user, door: str
) -> None:
    """Issue 23 changed this rule (it was: the address locks whatever accounts it guesses, so
    one script in a room's Wi-Fi locked the whole room out). Ten made-up names, each to the
    limit, from the room's one address: the real people behind it still sign in."""
    bystander = make_user("bystander")
    bystander.is_staff = True
    bystander.save()
    attempt = DOORS[door]
    for i in range(LIMIT):
        for _ in range(LIMIT):
            attempt(f"someone{i}", "wrong guess", "192.0.2.7")
    assert attempt("someone0", "wrong guess", "192.0.2.7").status_code == 429
    assert signed_in(door, attempt("bystander", PASSWORD, "192.0.2.7"))
    assert signed_in(door, attempt("victim", PASSWORD, "192.0.2.7"))


def test_a_spoofed_x_forwarded_for_does_not_reset_the_count(make_user) -> None:
    """The pair's address is the connection's: a new X-Forwarded-For per guess is the same pair
    (the intent of the issue 16 test, with the issue 23 keying)."""
    make_user("bystander")
    for i in range(LIMIT):
        APIClient().post(
            "/api/v1/auth/token/",
            {"username": "bystander", "password": "wrong"},
            format="json",
            REMOTE_ADDR="192.0.2.9",
            HTTP_X_FORWARDED_FOR=f"10.1.1.{i}",
        )
    refused = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "bystander", "password": PASSWORD},
        format="json",
        REMOTE_ADDR="192.0.2.9",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert refused.status_code == 429


def test_resetting_the_password_lifts_the_lock(victim) -> None:
    import re

    from django.core import mail

    victim.email = "victim@example.org"
    victim.save()
    login = DOORS["login-page"]
    for _ in range(LIMIT):
        login("victim", "wrong guess", "192.0.2.1")
    assert login("victim", PASSWORD, "192.0.2.1").status_code == 429
    client = Client(REMOTE_ADDR="192.0.2.1")
    client.post("/accounts/password/reset/", {"email": "victim@example.org"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[-1].body)
    assert link
    form = client.get(link.group(1), follow=True)
    new = "a brand new passphrase 77"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert signed_in("login-page", login("victim", new, "192.0.2.1"))
