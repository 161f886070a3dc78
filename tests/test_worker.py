"""The real path of a submission: API -> PostgreSQL -> Redis -> celery worker -> stored ranking."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from accounts.services import token_for
from groups.models import Participant
from groups.services import membership_join
from rankings.models import Ranking, RankingRequest
from rankings.scope import Scope
from ratings.models import Rating, Submission
from ratings.services import RatingItem, rating_submission_create

from .conftest import ARTIFACTS, ROOT, service_env, wait_for_line, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def ranking_row(scope: Scope, number: int) -> dict | None:
    ranking = Ranking.objects.filter(scope=scope.key).first()
    if ranking is None:
        return None
    return next((r for r in ranking.results if r["theory"]["number"] == number), None)


def test_a_submission_through_the_api_reaches_the_rankings_through_the_worker(
    celery_worker, cast, api, theories
) -> None:
    t4 = theories[3]
    response = api(cast.member).put(
        f"/api/v1/groups/{cast.public.slug}/ratings/mine/",
        {"ratings": [{"theory": t4.id, "score": 8}]},
        format="json",
    )
    assert response.status_code == 200

    def ranked_first() -> dict | None:
        body = api().get(f"/api/v1/groups/{cast.public.slug}/rankings/").json()
        top = body["results"][0]
        return body if top["theory"]["number"] == 4 and top["n"] == 1 else None

    body = wait_until(ranked_first, timeout=15)
    assert body["results"][0]["mean"] == 8.0
    assert body["raters"] == 1
    glob = wait_until(lambda: (row := ranking_row(Scope.global_(), 4)) and row["n"] == 1 and row)
    assert glob["mean"] == 8.0
    assert not RankingRequest.objects.filter(scope=Scope.group(cast.public.pk).key).exists()


def test_a_burst_of_submissions_is_coalesced_into_few_recomputes(
    celery_worker, cast, api, theories
) -> None:
    ids = [t.id for t in theories]
    people = [Participant.objects.create(group=cast.other, name=f"rater-{i}") for i in range(40)]
    version_before = (
        Ranking.objects.filter(scope=Scope.group(cast.other.pk).key)
        .values_list("version", flat=True)
        .first()
        or 0
    )
    for i, person in enumerate(people):
        rating_submission_create(
            participant=person,
            items=[RatingItem(theory_id=ids[j], score=(i + j) % 10 + 1) for j in range(20)],
            submitted_by=None,
            source="api",
        )
    wait_until(
        lambda: not RankingRequest.objects.filter(scope=Scope.group(cast.other.pk).key).exists(), 20
    )
    wait_until(lambda: (row := ranking_row(Scope.group(cast.other.pk), 1)) and row["n"] == 40, 20)
    recomputes = Ranking.objects.get(scope=Scope.group(cast.other.pk).key).version - version_before
    assert 1 <= recomputes < len(people) / 2, (
        f"{recomputes} recomputes for {len(people)} submissions"
    )
    stored = Ranking.objects.get(scope=Scope.group(cast.other.pk).key).results
    from rankings.services import ranking_recompute

    assert ranking_recompute(scope=Scope.group(cast.other.pk), force=True).results == stored


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def put_json(url: str, token: str, body: dict) -> tuple[int, dict, float]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read()), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}"), time.monotonic() - started


@pytest.fixture
def app_without_redis():
    """The app served by a separate process whose Redis is unreachable (nothing listens on
    port 1): the broker and the cache are down as far as it can tell."""
    port = free_port()
    log = ARTIFACTS / "app-without-redis.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=service_env(REDIS_URL="redis://127.0.0.1:1/0", THROTTLE_RATINGS="10000/min"),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_line(log, "Quit the server", proc, timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_with_redis_unreachable_submissions_succeed_and_rankings_catch_up(
    celery_worker, app_without_redis, cast, theories
) -> None:
    members = [cast.member]
    for name in ("rin", "sol", "tao"):
        from accounts.services import user_create

        user = user_create(username=name, password="correct horse battery staple")
        membership_join(group=cast.public, user=user, via_invite=True)  # invited: counts globally
        members.append(user)
    url = f"{app_without_redis}/api/v1/groups/{cast.public.slug}/ratings/mine/"
    timings = []
    for score, user in enumerate(members, start=5):
        status, body, seconds = put_json(
            url, token_for(user=user), {"ratings": [{"theory": theories[6].id, "score": score}]}
        )
        assert status == 200, body
        assert body["ratings"][0]["score"] == score
        timings.append(seconds)
    print(f"submission latency with Redis unreachable: max {max(timings):.3f} s")
    assert Rating.objects.filter(group=cast.public, theory=theories[6]).count() == 4
    assert Submission.objects.filter(group=cast.public).count() == 4
    assert RankingRequest.objects.filter(scope=Scope.group(cast.public.pk).key).exists()
    # The worker, which can reach Redis, finds the outbox rows on its periodic sweep.
    row = wait_until(
        lambda: (r := ranking_row(Scope.group(cast.public.pk), 7)) and r["n"] == 4 and r, timeout=20
    )
    assert row["mean"] == 6.5  # scores 5, 6, 7, 8
    glob = wait_until(
        lambda: (r := ranking_row(Scope.global_(), 7)) and r["n"] == 4 and r, timeout=20
    )
    assert glob["mean"] == 6.5
