"""Issue 7: abuse refused. Throttles, CSRF, the admin, production settings."""

import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.services import token_for
from ratings.models import Submission

from .conftest import PASSWORD, ROOT


@pytest.fixture
def strict_rates(monkeypatch):
    """Low throttle rates for one test (DRF keeps the rates on the throttle class)."""

    def set_rates(**rates: str) -> None:
        current = dict(SimpleRateThrottle.THROTTLE_RATES)
        current.update(rates)
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", current)

    return set_rates


def test_rating_submissions_are_throttled_per_user_with_retry_after(
    cast, theories, strict_rates
) -> None:
    strict_rates(ratings="3/min")
    cache.delete(f"throttle_ratings_{cast.outsider.pk}")  # Redis outlives earlier tests' users
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user=cast.outsider)}")
    client.post(f"/api/v1/groups/{cast.public.slug}/join/", {}, format="json")
    url = f"/api/v1/groups/{cast.public.slug}/ratings/mine/"
    body = {"ratings": [{"theory": theories[0].id, "score": 5}]}
    # Each a change (a save that changes nothing writes nothing since issue 16).
    statuses = [
        client.put(
            url, {"ratings": [{"theory": theories[0].id, "score": 5 + i}]}, format="json"
        ).status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = client.put(url, body, format="json")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert Submission.objects.filter(submitted_by=cast.outsider).count() == 3
    # Reading is never throttled.
    assert client.get(url).status_code == 200


def test_the_sign_up_page_is_throttled_per_address(db, strict_rates) -> None:
    strict_rates(register="2/min")
    cache.delete("throttle_register_10.11.12.13")
    client = Client(REMOTE_ADDR="10.11.12.13")
    for i in range(2):
        response = client.post(
            "/accounts/signup/",
            {"username": f"page{i}", "password1": PASSWORD, "password2": PASSWORD},
        )
        assert response.status_code == 302
        client.post("/accounts/logout/")
    response = client.post(
        "/accounts/signup/", {"username": "page3", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 429
    assert b"Too many sign-ups" in response.content


def test_a_session_authenticated_api_write_needs_the_csrf_token(cast, theories) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(cast.member)
    url = f"/api/v1/groups/{cast.public.slug}/ratings/mine/"
    body = {"ratings": [{"theory": theories[0].id, "score": 5}]}
    response = client.put(url, body, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Submission.objects.exists()


def test_login_and_sign_up_forms_are_csrf_protected(db) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 403
    response = client.post(
        "/accounts/signup/", {"username": "x", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 403


def test_a_weak_password_is_refused_by_djangos_validators(db) -> None:
    client = Client()
    response = client.post(
        "/accounts/signup/", {"username": "weak", "password1": "12345678", "password2": "12345678"}
    )
    assert response.status_code == 200
    assert b"too common" in response.content or b"entirely numeric" in response.content


def test_the_admin_is_for_staff_only(cast, make_user) -> None:
    client = Client()
    client.force_login(cast.member)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    staff = make_user("stella")
    staff.is_staff = True
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_production_settings_pass_the_deploy_check_with_no_warning() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="impactboard.settings.production",
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-looking-production-secret-0123456789",
        DJANGO_ALLOWED_HOSTS="impactboard.example",
        REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="impactboard.settings.production",
        DJANGO_ALLOWED_HOSTS="impactboard.example",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_every_page_sends_a_content_security_policy_without_inline_script(cast, client) -> None:
    for url in ["/", "/theories/", f"/groups/{cast.public.slug}/", "/accounts/login/"]:
        policy = client.get(url)["Content-Security-Policy"]
        script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


@pytest.mark.parametrize(
    "url", ["/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/groups/"]
)
def test_hostile_bodies_get_a_4xx_never_a_5xx(db, cast, url) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user=cast.member)}")
    deep = "[" * 50_000 + "]" * 50_000
    assert client.post(url, data=deep, content_type="application/json").status_code == 400
    assert client.post(url, data="a=b", content_type="text/plain").status_code == 415
    nul = b'{"username": "a\\u0000b", "password": "x\x00y", "name": "n"}'
    assert client.post(url, data=nul, content_type="application/json").status_code == 400
    huge = '{"username": 1e999999, "password": 123456789012345678901234567890, "name": 1e400}'
    assert client.post(url, data=huge, content_type="application/json").status_code == 400


def test_production_settings_refuse_to_start_without_a_shared_cache() -> None:
    """Without REDIS_URL each worker would keep its own cache and serve stale rankings."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="impactboard.settings.production",
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-looking-production-secret-0123456789",
        DJANGO_ALLOWED_HOSTS="impactboard.example",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set REDIS_URL" in result.stderr
