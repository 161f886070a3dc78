"""Issue 3: honest statistics, the hiding rule, and polls that cost no database work."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import Participant
from groups.services import (
    group_create,
    group_listing_decide,
    group_update,
    membership_join,
    participant_for_user,
)
from maths.histogram_stats import (
    kendall_tau_b,
    krippendorff_alpha_interval,
    mean_interval_95,
    stats_from_histogram,
    t_critical_95,
)
from rankings.scope import Scope
from rankings.services import ranking_recompute

from .factories import rate


def hist(scores: list[int]) -> list[int]:
    c = Counter(scores)
    return [c.get(s, 0) for s in range(1, 11)]


# --- statistics against hand-computed values -------------------------------------------------------


def test_the_95_percent_interval_of_the_mean_is_the_t_interval() -> None:
    # 6, 7, 8, 9: mean 7.5, sd = sqrt(5/3) = 1.290994; t(0.975, 3) = 3.182446
    # half-width = 3.182446 * 1.290994 / 2 = 2.054260
    low, high = mean_interval_95(stats_from_histogram(hist([6, 7, 8, 9])))
    assert low == pytest.approx(5.445740, abs=1e-5)
    assert high == pytest.approx(9.554260, abs=1e-5)


def test_the_interval_is_clipped_to_the_scale_and_absent_below_two_ratings() -> None:
    assert mean_interval_95(stats_from_histogram(hist([1, 10]))) == (1.0, 10.0)
    assert mean_interval_95(stats_from_histogram(hist([7]))) is None


def test_t_critical_values_are_exact_for_every_df_and_tend_to_the_normal() -> None:
    # Published table values (e.g. NIST/SEMATECH e-Handbook, table of t critical values).
    assert t_critical_95(1) == pytest.approx(12.706, abs=5e-4)
    assert t_critical_95(30) == pytest.approx(2.042, abs=5e-4)
    # df 35 is not a table row: its own quantile, no longer df 30's (issue 13).
    assert t_critical_95(35) == pytest.approx(2.030, abs=5e-4)
    assert t_critical_95(35) < t_critical_95(30)
    assert t_critical_95(1000) == pytest.approx(1.962, abs=5e-4)
    assert t_critical_95(10**7) == pytest.approx(1.959964, abs=1e-6)


def test_krippendorffs_alpha_matches_the_published_worked_example() -> None:
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 coders, 12 units,
    # interval alpha = 0.849. Unit 12 has a single value and is not pairable.
    units = [
        [1, 1, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
        [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [5, 5, 5], [1, 1], [3],
    ]  # fmt: skip
    assert krippendorff_alpha_interval([hist(u) for u in units]) == pytest.approx(0.849, abs=5e-4)


def test_alpha_is_one_for_perfect_agreement_and_undefined_without_data() -> None:
    assert krippendorff_alpha_interval([hist([3, 3]), hist([9, 9, 9])]) == 1.0
    assert krippendorff_alpha_interval([hist([3])]) is None


def test_kendalls_tau_b_by_hand() -> None:
    # x: 1 2 3 4 ; y: 1 3 2 4 -> 5 concordant, 1 discordant, no ties -> 4/6
    assert kendall_tau_b([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(4 / 6)
    # ties: x 1 1 2 ; y 1 2 3 -> pairs: (0,1) tie in x, (0,2) C, (1,2) C
    # tau-b = (2 - 0) / sqrt((2 + 0 + 1) * (2 + 0 + 0)) = 2 / sqrt(6)
    assert kendall_tau_b([1, 1, 2], [1, 2, 3]) == pytest.approx(2 / 6**0.5)
    assert kendall_tau_b([1, 1], [2, 3]) is None


def test_stored_rows_carry_intervals_and_thin_evidence_flags(cast, theories) -> None:
    for i, score in enumerate([6, 7, 8, 9]):
        rate(Participant.objects.create(group=cast.public, name=f"p{i}"), {1: score})
    rate(Participant.objects.create(group=cast.public, name="solo"), {2: 5})
    ranking = ranking_recompute(scope=Scope.group(cast.public.pk))
    first = ranking.results[0]
    assert first["ci_low"] == pytest.approx(5.445740, abs=1e-5) and first["thin"] is False
    second = ranking.results[1]
    assert (second["n"], second["thin"], second["ci_low"]) == (1, True, None)
    agreement = ranking.summary["agreement"]
    assert agreement["method"].startswith("Krippendorff")


def test_the_most_controversial_highly_rated_theory_is_named(cast, theories) -> None:
    raters = [Participant.objects.create(group=cast.public, name=f"r{i}") for i in range(4)]
    # Theory 3 averages high but splits the room; theory 1 is high and agreed; 5 is low.
    for person, (t3, t1, t5) in zip(
        raters, [(10, 8, 2), (10, 8, 1), (4, 9, 2), (9, 8, 3)], strict=True
    ):
        rate(person, {3: t3, 1: t1, 5: t5})
    summary = ranking_recompute(scope=Scope.group(cast.public.pk)).summary
    notable = summary["most_controversial_highly_rated"]
    assert notable["theory"]["number"] == 3
    assert notable["sentence"].startswith("3. Auditing is the most controversial")


def test_the_comparison_gives_group_and_global_ranks_with_kendalls_tau(
    cast, api, theories, django_capture_on_commit_callbacks
) -> None:
    rate(Participant.objects.create(group=cast.public, name="a"), {1: 9, 2: 5, 3: 1})
    rate(Participant.objects.create(group=cast.other, name="b"), {1: 1, 2: 5, 3: 9})
    for scope in (Scope.group(cast.public.pk), Scope.group(cast.other.pk), Scope.global_()):
        ranking_recompute(scope=scope)
    body = api().get(f"/api/v1/groups/{cast.public.slug}/rankings/compare/").json()
    # Global means: 1 -> 5, 2 -> 5, 3 -> 5 (all tied): no variation, tau undefined.
    assert body["rank_correlation"]["value"] is None
    # Issue 23: the global ranking is a ranking of groups, so one more rater in a group does
    # not change its voice; one more group does. As in production, the recompute's commit puts
    # the new global ETag in the cache, where the comparison of a public group is answered from
    # (issue 24).
    third = group_create(user=cast.outsider, name="Third group", visibility="public")
    group_update(group=third, results_hidden=False)
    group_listing_decide(group=third, listed=True)
    with django_capture_on_commit_callbacks(execute=True):
        rate(Participant.objects.create(group=third, name="c"), {1: 1, 2: 5, 3: 9})
        ranking_recompute(scope=Scope.group(third.pk))
        ranking_recompute(scope=Scope.global_())
    body = api().get(f"/api/v1/groups/{cast.public.slug}/rankings/compare/").json()
    # Group means 9, 5, 1; global (medians of 9, 1, 1 / 5, 5, 5 / 1, 9, 9) 1, 5, 9 -> exactly
    # reversed: tau = -1
    assert body["rank_correlation"]["value"] == pytest.approx(-1.0)
    assert body["rank_correlation"]["pairs"] == 3
    row1 = next(r for r in body["results"] if r["theory"]["number"] == 1)
    assert (row1["group_rank"], row1["global_rank"]) == (1, 3)


# --- the hiding rule -------------------------------------------------------------------------------


@pytest.fixture
def hidden_group(cast, theories):
    group = group_create(user=cast.facilitator, name="Blind Round", visibility="public")
    membership_join(group=group, user=cast.member)
    rate(Participant.objects.create(group=group, name="early bird"), {1: 9})
    ranking_recompute(scope=Scope.group(group.pk))
    return group


def test_new_groups_hide_results_until_rated(hidden_group) -> None:
    assert hidden_group.results_hidden is True


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "facilitator"])
def test_nobody_who_has_not_rated_sees_the_aggregates(cast, api, hidden_group, who) -> None:
    user = {"anonymous": None, "outsider": cast.outsider, "member": cast.member,
            "facilitator": cast.facilitator}[who]  # fmt: skip
    body = api(user).get(f"/api/v1/groups/{hidden_group.slug}/rankings/").json()
    assert body["hidden"] is True
    assert body["results"] == []
    compare = api(user).get(f"/api/v1/groups/{hidden_group.slug}/rankings/compare/").json()
    assert compare["hidden"] is True and compare["results"] == []


def test_a_member_sees_the_aggregates_once_they_have_rated(
    cast, api, hidden_group, theories
) -> None:
    client = api(cast.member)
    url = f"/api/v1/groups/{hidden_group.slug}/rankings/"
    assert client.get(url).json()["hidden"] is True
    client.put(
        f"/api/v1/groups/{hidden_group.slug}/ratings/mine/",
        {"ratings": [{"theory": theories[1].id, "score": 4}]},
        format="json",
    )
    ranking_recompute(scope=Scope.group(hidden_group.pk))
    body = client.get(url).json()
    assert body["hidden"] is False
    assert body["results"][0]["theory"]["number"] == 1
    assert api().get(url).json()["hidden"] is True  # still hidden from those who have not


def test_the_facilitator_can_reveal_results_to_everyone(cast, api, hidden_group) -> None:
    response = api(cast.facilitator).patch(
        f"/api/v1/groups/{hidden_group.slug}/", {"results_hidden": False}, format="json"
    )
    assert response.status_code == 200 and response.json()["results_hidden"] is False
    body = api().get(f"/api/v1/groups/{hidden_group.slug}/rankings/").json()
    assert body["hidden"] is False and body["results"][0]["n"] == 1
    assert (
        api(cast.member)
        .patch(f"/api/v1/groups/{hidden_group.slug}/", {"results_hidden": True}, format="json")
        .status_code
        == 403
    )


def test_the_group_page_hides_results_too(cast, client, hidden_group) -> None:
    client.force_login(cast.member)
    page = client.get(f"/groups/{hidden_group.slug}/").content.decode()
    assert "Results are hidden until you have rated" in page
    assert "ranking-table" not in page


def test_the_theory_page_distribution_hides_groups_the_viewer_has_not_rated_in(
    cast, api, hidden_group, theories
) -> None:
    group_listing_decide(group=hidden_group, listed=True)
    ranking_recompute(scope=Scope.group(hidden_group.pk))
    rate(participant_for_user(group=cast.public, user=cast.member), {1: 7})
    ranking_recompute(scope=Scope.group(cast.public.pk))
    ranking_recompute(scope=Scope.global_())
    body = api(cast.member).get(f"/api/v1/theories/{theories[0].id}/distribution/").json()
    groups = {g["slug"]: g for g in body["groups"]}
    assert groups[hidden_group.slug]["hidden"] is True
    assert groups[hidden_group.slug]["histogram"] is None
    assert groups[cast.public.slug]["histogram"][6] == 1
    # The hiding group (listed) feeds "all public groups" only once it reveals or closes
    # (issue 16 item 3: it used to count the early bird here, and a differ read it off).
    assert body["all_public"]["n"] == 1  # the member (7)
    group_update(group=hidden_group, ratings_open=False)
    ranking_recompute(scope=Scope.global_())
    body = api(cast.member).get(f"/api/v1/theories/{theories[0].id}/distribution/").json()
    assert body["all_public"]["n"] == 2  # early bird (9) and the member (7)


# --- polling costs ------------------------------------------------------------------------------------


def test_a_poll_that_finds_nothing_new_costs_no_database_query(
    cast, api, theories, django_capture_on_commit_callbacks
) -> None:
    rate(Participant.objects.create(group=cast.public, name="a"), {1: 5})
    with django_capture_on_commit_callbacks(execute=True):
        ranking_recompute(scope=Scope.group(cast.public.pk))
    url = f"/api/v1/groups/{cast.public.slug}/rankings/"
    etag = api().get(url)["ETag"]
    api().get(url, HTTP_IF_NONE_MATCH=etag)  # warms the group's cached facts
    member = api(cast.member)  # a logged-in poller: its token is not even looked up
    with CaptureQueriesContext(connection) as queries:
        response = member.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert len(queries) == 0, [q["sql"] for q in queries]


def test_a_stale_etag_gets_the_new_ranking_not_a_304(
    cast, api, theories, django_capture_on_commit_callbacks
) -> None:
    url = f"/api/v1/groups/{cast.public.slug}/rankings/"
    with django_capture_on_commit_callbacks(execute=True):
        ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    etag = api().get(url)["ETag"]
    rate(Participant.objects.create(group=cast.public, name="b"), {2: 8})
    with django_capture_on_commit_callbacks(execute=True):
        ranking_recompute(scope=Scope.group(cast.public.pk))
    response = api().get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["results"][0]["theory"]["number"] == 2


def test_a_private_group_is_never_answered_from_the_cache_to_outsiders(
    cast, api, theories, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ranking = ranking_recompute(scope=Scope.group(cast.private.pk), force=True)
    from rankings.selectors import ranking_etag

    etag = ranking_etag(Scope.group(cast.private.pk), ranking.version)
    url = f"/api/v1/groups/{cast.private.slug}/rankings/"
    assert api(cast.outsider).get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404
    assert api().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404
    assert api(cast.member).get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_revealing_takes_effect_for_cached_polls_at_once(
    cast, api, hidden_group, django_capture_on_commit_callbacks
) -> None:
    url = f"/api/v1/groups/{hidden_group.slug}/rankings/"
    assert api().get(url).json()["hidden"] is True  # and the group's facts are cached now
    # The facilitator reveals. The test's transaction never commits, so run what the app handed
    # to on_commit, as the commit would: whatever it forgets (or fails to) is its own doing.
    with django_capture_on_commit_callbacks(execute=True):
        api(cast.facilitator).patch(
            f"/api/v1/groups/{hidden_group.slug}/", {"results_hidden": False}, format="json"
        )
    response = api().get(url)
    assert response.json()["hidden"] is False
    # ...and polls are answered from the cache again at once: facts still cached as "hidden"
    # would send every poll the long way (the database) until they expire.
    with CaptureQueriesContext(connection) as queries:
        assert api().get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert len(queries) == 0, [q["sql"] for q in queries]
