"""Issue 6: the hot endpoints cost a fixed number of queries, so an N+1 cannot creep back in.

Each test measures the same request at two sizes (1 item vs 20, a few groups vs many, a small
group vs a crowded one) and asserts the count did not grow, plus a ceiling: today's count, so a
new query on a hot path is a decision someone makes on purpose (raise the ceiling here, with the
reason in the commit), never an accident.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import user_create
from groups.models import Participant
from groups.services import group_create, group_update, membership_join, participant_for_user
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.services import RatingItem, rating_submission_create
from tests.factories import rate

pytestmark = pytest.mark.django_db


def queries_of(request) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code in (200, 304), (response.status_code, response.content[:300])
    return [q["sql"] for q in captured.captured_queries]


def crowd(group, theories, n: int) -> None:
    """`n` more members of `group`, each with 20 ratings."""
    for i in range(n):
        user = user_create(username=f"crowd-{group.pk}-{i}", password="correct horse battery")
        membership_join(group=group, user=user)
        rating_submission_create(
            participant=participant_for_user(group=group, user=user),
            items=[RatingItem(theory_id=t.id, score=1 + (i + t.number) % 10) for t in theories],
            submitted_by=user,
            source="api",
        )


def ratings_body(theories, n: int, score: int = 7) -> dict:
    return {
        "ratings": [{"theory": t.id, "score": score, "rationale": "why not"} for t in theories[:n]]
    }


# --- submission ---------------------------------------------------------------------------------


SUBMISSION_MAX = 11  # token, membership with its group, participant, theory ids, savepoint,
# submission, items, ratings, outbox, release, read back (the ratings just saved). The theory ids
# are read on every submission (one indexed query): the per-process cache of them was removed.


def test_a_submission_of_twenty_ratings_costs_the_queries_of_one(cast, api, theories) -> None:
    url = f"/api/v1/groups/{cast.public.slug}/ratings/mine/"
    client = api(cast.member)
    client.put(url, ratings_body(theories, 20, score=3), format="json")  # the participant exists
    one = queries_of(lambda: client.put(url, ratings_body(theories, 1), format="json"))
    twenty = queries_of(lambda: client.put(url, ratings_body(theories, 20), format="json"))
    assert len(twenty) == len(one), twenty
    assert len(twenty) <= SUBMISSION_MAX, twenty


def test_a_submission_costs_the_same_in_a_crowded_group(cast, api, theories) -> None:
    url = f"/api/v1/groups/{cast.public.slug}/ratings/mine/"
    client = api(cast.member)
    client.put(url, ratings_body(theories, 20, score=3), format="json")
    before = queries_of(lambda: client.put(url, ratings_body(theories, 20), format="json"))
    crowd(cast.public, theories, 5)
    after = queries_of(lambda: client.put(url, ratings_body(theories, 20, 4), format="json"))
    assert len(after) == len(before), after


# --- rankings: read and poll ----------------------------------------------------------------------


def test_reading_a_ranking_costs_at_most_three_queries_whatever_the_group_size(
    cast, api, theories
) -> None:
    url = f"/api/v1/groups/{cast.public.slug}/rankings/"
    ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    cold = queries_of(lambda: api().get(url))  # fills the group's cached facts
    small = queries_of(lambda: api().get(url))
    crowd(cast.public, theories, 5)
    ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    large = queries_of(lambda: api().get(url))
    # The group and its stored ranking (plus the group's facts on a cache miss): never the ratings.
    assert len(cold) <= 3, cold
    assert len(large) == len(small) <= 2, large
    assert not any("ratings_rating" in sql for sql in large), large


def test_reading_the_global_ranking_is_one_query(cast, api, theories) -> None:
    crowd(cast.public, theories, 3)
    ranking_recompute(scope=Scope.global_(), force=True)
    sqls = queries_of(lambda: api().get("/api/v1/rankings/"))
    assert len(sqls) <= 1, sqls


def test_a_poll_with_a_current_etag_costs_no_query_once_the_cache_is_warm(
    cast, api, theories, django_capture_on_commit_callbacks
) -> None:
    rating_submission_create(
        participant=Participant.objects.create(group=cast.public, name="early"),
        items=[RatingItem(theory_id=theories[0].id, score=5)],
        submitted_by=None,
        source="api",
    )
    with django_capture_on_commit_callbacks(execute=True):  # the recompute remembers the ETag
        ranking_recompute(scope=Scope.group(cast.public.pk))
    url = f"/api/v1/groups/{cast.public.slug}/rankings/"
    etag = api().get(url)["ETag"]
    api().get(url, HTTP_IF_NONE_MATCH=etag)  # warms the group's cached facts
    for client in (api(), api(cast.member)):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        assert len(captured) == 0, [q["sql"] for q in captured.captured_queries]


def test_the_figures_of_a_public_group_cost_no_query_once_built(
    cast, api, theories, django_capture_on_commit_callbacks
) -> None:
    # Issue 24: a ranking's change sends every open page for its figures at once.
    rating_submission_create(
        participant=Participant.objects.create(group=cast.public, name="early"),
        items=[RatingItem(theory_id=theories[0].id, score=5)],
        submitted_by=None,
        source="api",
    )
    with django_capture_on_commit_callbacks(execute=True):
        ranking_recompute(scope=Scope.group(cast.public.pk))
    url = f"/api/v1/groups/{cast.public.slug}/rankings/figures/"
    built = api().get(url)  # builds them once, and warms the group's cached facts
    for client in (api(), api(cast.member)):
        for headers in ({}, {"HTTP_IF_NONE_MATCH": built["ETag"]}):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, **headers)
            assert response.status_code == (304 if headers else 200)
            assert len(captured) == 0, [q["sql"] for q in captured.captured_queries]
            if not headers:
                assert response.content == built.content


@pytest.mark.parametrize("suffix", ["rankings/compare/", "rankings/compare/figure/"])
def test_a_public_groups_comparison_costs_no_query_once_built_and_follows_both_rankings(
    cast, api, theories, django_capture_on_commit_callbacks, suffix
) -> None:
    # Issue 24: every open group page polls the comparison too (every 5 s).
    crowd(cast.public, theories, 2)
    crowd(cast.other, theories, 2)
    with django_capture_on_commit_callbacks(execute=True):
        for scope in (Scope.group(cast.public.pk), Scope.group(cast.other.pk), Scope.global_()):
            ranking_recompute(scope=scope, force=True)
    url = f"/api/v1/groups/{cast.public.slug}/{suffix}"
    built = api().get(url)
    assert built.status_code == 200
    for client in (api(), api(cast.member)):
        for headers in ({}, {"HTTP_IF_NONE_MATCH": built["ETag"]}):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, **headers)
            assert response.status_code == (304 if headers else 200)
            assert len(captured) == 0, [q["sql"] for q in captured.captured_queries]
            if not headers:
                assert response.content == built.content
    # Another group's ratings move the global ranking: the comparison changes with it.
    with django_capture_on_commit_callbacks(execute=True):
        rate(Participant.objects.create(group=cast.other, name="late"), {1: 1, 2: 10})
        ranking_recompute(scope=Scope.group(cast.other.pk), force=True)
        ranking_recompute(scope=Scope.global_(), force=True)
    changed = api().get(url, HTTP_IF_NONE_MATCH=built["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != built["ETag"]


# --- theories, groups -------------------------------------------------------------------------------


def test_the_theory_list_is_the_page_and_its_count(cast, api, theories) -> None:
    sqls = queries_of(lambda: api().get("/api/v1/theories/"))
    assert len(sqls) <= 2, sqls  # the page count and the page: never one per theory
    client = api(cast.member)
    member = queries_of(lambda: client.get("/api/v1/theories/"))
    assert len(member) <= 3, member  # plus the token


def test_the_group_list_costs_the_same_for_three_groups_or_fifteen(cast, api, theories) -> None:
    client = api(cast.member)
    few = queries_of(lambda: client.get("/api/v1/groups/"))
    for i in range(12):
        group = group_create(user=cast.facilitator, name=f"Extra {i}", visibility="public")
        group_update(group=group, results_hidden=False)
        membership_join(group=group, user=cast.member)
    many = queries_of(lambda: client.get("/api/v1/groups/"))
    assert len(many) == len(few) <= 3, many  # token, count, page (roles and sizes annotated)


def test_the_group_page_costs_the_same_in_a_crowded_group(cast, client, theories) -> None:
    client.force_login(cast.member)
    url = f"/groups/{cast.public.slug}/"
    ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    # The header's counts are read once per 30 s per person and then cached
    # (accounts.context_processors): "for you" (5 capped queries: the seen mark, replies,
    # rounds, added items, decided proposals) and the proposal queue (1). The first view pays
    # them, one query over the page's own ceiling.
    assert len(queries_of(lambda: client.get(url))) <= 16
    small = queries_of(lambda: client.get(url))
    crowd(cast.public, theories, 6)
    ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    large = queries_of(lambda: client.get(url))
    assert len(large) == len(small), large
    assert len(large) <= 15, large


# --- group detail, theory distribution ----------------------------------------------------------


def test_the_group_detail_reads_the_callers_access_once(cast, api, theories) -> None:
    client = api(cast.member)
    sqls = queries_of(lambda: client.get(f"/api/v1/groups/{cast.public.slug}/"))
    access = [s for s in sqls if "ratings_membership" in s and "ratings_discussiongroup" in s]
    assert len(access) == 1, sqls
    # token, the membership with its group (the access), the member count
    assert len(sqls) == 3, sqls


def test_a_theorys_distribution_costs_four_queries_however_many_hidden_groups(
    cast, api, theories
) -> None:
    """The global ranking, the caller's memberships, their stored rankings, and one query for
    which of the hiding groups the caller has rated in: never one per group."""
    url = f"/api/v1/theories/{theories[0].id}/distribution/"
    client = api(cast.member)
    ranking_recompute(scope=Scope.global_(), force=True)
    group_update(group=cast.public, results_hidden=True)
    one = queries_of(lambda: client.get(url))
    for i in range(5):
        group = group_create(user=cast.facilitator, name=f"Hidden {i}", visibility="public")
        membership_join(group=group, user=cast.member)  # created hidden until rated
    six = queries_of(lambda: client.get(url))
    assert client.get(url).json()["groups"][0]["hidden"] is True
    assert len(one) == len(six) == 6, six  # the token and the theory, then the four


def test_a_theorys_distribution_with_no_hidden_group_costs_three(cast, api, theories) -> None:
    url = f"/api/v1/theories/{theories[0].id}/distribution/"
    client = api(cast.member)
    ranking_recompute(scope=Scope.global_(), force=True)
    sqls = queries_of(lambda: client.get(url))
    # the token, the theory, the global ranking, the memberships, their rankings
    assert len(sqls) == 5, sqls
