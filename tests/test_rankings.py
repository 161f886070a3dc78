"""Stored rankings: computed from ratings by one GROUP BY, read without aggregating, with ETags."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import Participant
from groups.services import group_update, participant_for_user
from rankings.models import Ranking, RankingRequest
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.models import Rating

from .factories import rate


def named(group, name: str) -> Participant:
    return Participant.objects.create(group=group, name=name)


def row_for(ranking, number: int) -> dict:
    return next(r for r in ranking.results if r["theory"]["number"] == number)


def test_a_group_ranking_is_computed_from_its_ratings(cast, theories) -> None:
    rate(named(cast.public, "a"), {1: 9, 2: 4})
    rate(named(cast.public, "b"), {1: 7, 2: 4, 3: 1})
    rate(named(cast.other, "elsewhere"), {3: 10})
    ranking = ranking_recompute(scope=Scope.group(cast.public.pk))
    assert ranking.raters == 2
    first, second, third = ranking.results[:3]
    assert (first["theory"]["number"], first["n"], first["mean"], first["median"]) == (
        1,
        2,
        8.0,
        8.0,
    )
    assert first["stdev"] == pytest.approx(2**0.5)
    assert first["histogram"] == [0, 0, 0, 0, 0, 0, 1, 0, 1, 0]
    assert first["controversy"] == 2.0
    assert (second["theory"]["number"], second["stdev"], second["controversy"]) == (2, 0.0, 0.0)
    assert (third["theory"]["number"], third["n"], third["stdev"]) == (3, 1, None)
    assert [r["n"] for r in ranking.results[3:]] == [0] * 17
    assert [r["rank"] for r in ranking.results] == list(range(1, 21))


def test_the_global_ranking_counts_public_groups_only(cast, theories) -> None:
    rate(named(cast.public, "a"), {1: 2})
    rate(named(cast.other, "b"), {1: 4})
    rate(named(cast.private, "secret"), {1: 10})
    ranking = ranking_recompute(scope=Scope.global_())
    assert row_for(ranking, 1)["n"] == 2
    assert row_for(ranking, 1)["mean"] == 3.0
    assert ranking.raters == 2


def test_making_a_group_private_takes_it_out_of_the_global_ranking(cast, theories) -> None:
    rate(named(cast.public, "a"), {1: 2})
    ranking_recompute(scope=Scope.global_())
    group_update(group=cast.public, visibility="private")
    assert RankingRequest.objects.filter(scope=Scope.global_().key).exists()
    assert row_for(ranking_recompute(scope=Scope.global_()), 1)["n"] == 0


def test_recompute_aggregates_with_one_group_by_query(cast, theories) -> None:
    # An unlisted group: one GROUP BY. (A listed one adds exactly one for its global-eligible
    # participants, issue 16 item 1: the next test.)
    for i in range(5):
        rate(named(cast.private, f"p{i}"), {n: (n + i) % 10 + 1 for n in range(1, 21)})
    with CaptureQueriesContext(connection) as queries:
        ranking_recompute(scope=Scope.group(cast.private.pk))
    aggregations = [q["sql"] for q in queries if "GROUP BY" in q["sql"].upper()]
    assert len(aggregations) == 1
    assert "COUNT" in aggregations[0].upper()


def test_a_listed_groups_recompute_adds_one_group_by_for_its_global_eligible_raters(
    cast, theories
) -> None:
    for i in range(5):
        rate(named(cast.public, f"p{i}"), {n: (n + i) % 10 + 1 for n in range(1, 21)})
    with CaptureQueriesContext(connection) as queries:
        ranking = ranking_recompute(scope=Scope.group(cast.public.pk))
    aggregations = [q["sql"] for q in queries if "GROUP BY" in q["sql"].upper()]
    assert len(aggregations) == 2
    assert all("COUNT" in sql.upper() for sql in aggregations)
    assert ranking is not None and ranking.global_raters == 5  # imported people are eligible


def test_a_recompute_covers_the_outbox_and_a_second_run_does_nothing(cast, theories) -> None:
    rate(named(cast.public, "a"), {1: 5})
    assert RankingRequest.objects.filter(scope=Scope.group(cast.public.pk).key).count() == 1
    first = ranking_recompute(scope=Scope.group(cast.public.pk))
    assert not RankingRequest.objects.filter(scope=Scope.group(cast.public.pk).key).exists()
    second = ranking_recompute(scope=Scope.group(cast.public.pk))
    assert second.version == first.version  # nothing new: no work, same ETag
    forced = ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    assert forced.version == first.version + 1
    assert forced.results == first.results


def test_reading_a_ranking_does_no_aggregation(cast, api, theories) -> None:
    rate(named(cast.public, "a"), {1: 5})
    ranking_recompute(scope=Scope.group(cast.public.pk))
    with CaptureQueriesContext(connection) as queries:
        response = api().get(f"/api/v1/groups/{cast.public.slug}/rankings/")
    assert response.status_code == 200
    assert not [q for q in queries if "GROUP BY" in q["sql"].upper()]
    assert response.json()["results"][0]["n"] == 1


def test_the_rankings_api_answers_304_when_the_etag_matches(
    cast, api, theories, django_capture_on_commit_callbacks
) -> None:
    url = f"/api/v1/groups/{cast.public.slug}/rankings/"
    rate(named(cast.public, "a"), {1: 5})
    # A recompute publishes its new ETag to the cache when it commits, as in production.
    with django_capture_on_commit_callbacks(execute=True):
        ranking_recompute(scope=Scope.group(cast.public.pk))
    first = api().get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    unchanged = api().get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged["ETag"] == etag
    rate(named(cast.public, "b"), {1: 9})
    with django_capture_on_commit_callbacks(execute=True):
        ranking_recompute(scope=Scope.group(cast.public.pk))
    changed = api().get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["results"][0]["mean"] == 7.0


def test_the_global_rankings_api_has_the_contract_shape(cast, api, theories) -> None:
    rate(named(cast.public, "a"), {4: 8})
    ranking_recompute(scope=Scope.global_())
    body = api().get("/api/v1/rankings/").json()
    assert set(body) >= {"computed_at", "raters", "results"}
    row = body["results"][0]
    assert set(row) >= {
        "rank",
        "theory",
        "n",
        "mean",
        "median",
        "stdev",
        "histogram",
        "controversy",
    }
    assert set(row["theory"]) >= {"id", "number", "title"}
    assert row["theory"]["number"] == 4 and row["rank"] == 1
    assert len(body["results"]) == 20


def test_a_scope_never_computed_reads_as_all_unrated(cast, api, theories) -> None:
    Ranking.objects.all().delete()
    body = api().get(f"/api/v1/groups/{cast.public.slug}/rankings/").json()
    assert [r["theory"]["number"] for r in body["results"]] == list(range(1, 21))
    assert all(r["n"] == 0 and r["mean"] is None for r in body["results"])
    assert body["raters"] == 0


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_facilitator"])
def test_a_private_groups_ranking_is_404_to_outsiders(cast, api, theories, who) -> None:
    user = None if who == "anonymous" else getattr(cast, who)
    response = api(user).get(f"/api/v1/groups/{cast.private.slug}/rankings/")
    assert response.status_code == 404


def test_a_private_groups_ranking_is_readable_by_its_members(cast, api, theories) -> None:
    participant = participant_for_user(group=cast.private, user=cast.member)
    rate(participant, {2: 6})
    ranking_recompute(scope=Scope.group(cast.private.pk))
    response = api(cast.member).get(f"/api/v1/groups/{cast.private.slug}/rankings/")
    assert response.status_code == 200
    assert response.json()["results"][0]["theory"]["number"] == 2


def test_a_public_groups_ranking_is_readable_by_anyone(cast, api, theories) -> None:
    assert api().get(f"/api/v1/groups/{cast.public.slug}/rankings/").status_code == 200


def test_the_recompute_command_rebuilds_every_ranking(cast, theories) -> None:
    from django.core.management import call_command

    rate(named(cast.public, "a"), {1: 5})
    Ranking.objects.all().delete()
    call_command("recompute_rankings")
    assert Ranking.objects.get(scope=Scope.group(cast.public.pk).key).results[0]["n"] == 1
    assert Ranking.objects.get(scope=Scope.global_().key).results[0]["n"] == 1


def from_scratch(theories):
    """The global ranking counted here from every public rating, group by group: the oracle.
    Issue 23 made it a ranking of groups (each group's histograms, combined by the rule), so the
    scan is grouped by group; the rule's own figures are checked independently below."""
    from collections import Counter

    from maths.combine import global_ranking_of_groups

    public = Rating.objects.filter(group__visibility="public")
    counts = Counter(public.values_list("group_id", "theory_id", "score"))
    per_group: dict[int, dict[int, list[int]]] = {}
    for (group_id, theory_id, score), count in counts.items():
        per_group.setdefault(group_id, {}).setdefault(theory_id, [0] * 10)[score - 1] = count
    rows, _ = global_ranking_of_groups(theories, list(per_group.values()))
    return rows, len(set(public.values_list("participant_id", flat=True)))


def test_the_global_ranking_from_stored_group_results_equals_the_rule_applied_to_a_scan(
    cast, theories
) -> None:
    import random
    import statistics

    rng = random.Random(6)
    groups = [cast.public, cast.other, cast.private]
    people = [named(g, f"{g.slug}-{i}") for g in groups for i in range(6)]
    for _ in range(40):  # new ratings, changed ratings and removed ones, in every group
        person = rng.choice(people)
        picks = rng.sample(range(1, 21), rng.randint(1, 8))
        rate(person, {n: rng.choice([None, *range(1, 11)]) for n in picks})
        if rng.random() < 0.3:  # some group rankings are brought up to date along the way
            ranking_recompute(scope=Scope.group(rng.choice(groups).pk))
    ranking = ranking_recompute(scope=Scope.global_())
    rows, raters = from_scratch(theories)
    assert ranking.results == rows
    assert ranking.raters == raters
    assert raters == len({r.participant_id for r in Rating.objects.exclude(group=cast.private)})
    # The rule itself, from the raw ratings with the standard library: each public group's
    # mean, then the median of those; n the ratings behind it, `groups` the groups.
    for row in ranking.results:
        by_group: dict[int, list[int]] = {}
        for group_id, score in Rating.objects.filter(
            group__in=[cast.public, cast.other], theory_id=row["theory"]["id"]
        ).values_list("group_id", "score"):
            by_group.setdefault(group_id, []).append(score)
        means = [statistics.mean(scores) for scores in by_group.values()]
        assert row["groups"] == len(means)
        assert row["n"] == sum(len(scores) for scores in by_group.values())
        if means:
            assert row["mean"] == pytest.approx(statistics.median(means))
        else:
            assert row["mean"] is None


def test_the_global_ranking_first_computes_the_group_rankings_still_owed(cast, theories) -> None:
    rate(named(cast.public, "a"), {1: 2})
    assert RankingRequest.objects.filter(scope=Scope.group(cast.public.pk).key).exists()
    ranking_recompute(scope=Scope.global_())
    assert not RankingRequest.objects.filter(scope=Scope.group(cast.public.pk).key).exists()
    assert row_for(Ranking.objects.get(scope=Scope.group(cast.public.pk).key), 1)["n"] == 1


def test_the_global_ranking_includes_a_public_group_whose_ranking_was_never_stored(
    cast, theories
) -> None:
    rate(named(cast.public, "a"), {1: 2})
    rate(named(cast.other, "b"), {1: 6})
    ranking_recompute(scope=Scope.global_())
    # As if its ratings had been loaded by SQL: no stored ranking and no outbox request.
    Ranking.objects.filter(scope=Scope.group(cast.other.pk).key).delete()
    RankingRequest.objects.all().delete()
    ranking = ranking_recompute(scope=Scope.global_(), force=True)
    assert row_for(ranking, 1)["n"] == 2 and row_for(ranking, 1)["mean"] == 4.0
    assert ranking.raters == 2


def test_a_submission_marks_its_group_and_the_groups_recompute_marks_the_global_ranking(
    cast, theories
) -> None:
    rate(named(cast.public, "a"), {1: 2})
    assert set(RankingRequest.objects.values_list("scope", flat=True)) == {
        Scope.group(cast.public.pk).key
    }
    ranking_recompute(scope=Scope.group(cast.public.pk))
    assert set(RankingRequest.objects.values_list("scope", flat=True)) == {Scope.global_().key}
    assert row_for(ranking_recompute(scope=Scope.global_()), 1)["n"] == 1


def test_a_private_groups_recompute_leaves_the_global_ranking_alone(cast, theories) -> None:
    rate(named(cast.private, "a"), {1: 2})
    ranking_recompute(scope=Scope.group(cast.private.pk))
    assert not RankingRequest.objects.exists()


def test_a_group_recreated_under_the_same_slug_never_gets_the_old_groups_cached_ranking(
    cast, api, theories, django_capture_on_commit_callbacks
) -> None:
    from groups.services import group_create

    url = f"/api/v1/groups/{cast.other.slug}/rankings/"
    rate(named(cast.other, "a"), {1: 9})
    with django_capture_on_commit_callbacks(execute=True):
        ranking_recompute(scope=Scope.group(cast.other.pk))
    assert api().get(url).json()["results"][0]["n"] == 1  # read, and cached, once
    name, slug = cast.other.name, cast.other.slug
    cast.other.delete()
    with django_capture_on_commit_callbacks(execute=True):
        again = group_create(user=cast.facilitator, name=name, visibility="public")
        group_update(group=again, results_hidden=False)
        ranking_recompute(scope=Scope.group(again.pk), force=True)
    assert again.slug == slug
    body = api().get(url).json()
    assert body["raters"] == 0 and body["results"][0]["n"] == 0


def test_the_first_read_after_a_recompute_is_served_from_the_cache_with_the_stored_ranking(
    cast, api, theories, django_capture_on_commit_callbacks
) -> None:
    from django.core.cache import cache

    url = f"/api/v1/groups/{cast.public.slug}/rankings/"
    rate(named(cast.public, "a"), {1: 9, 2: 3})
    api().get(url)  # the group's facts are cached, as on any live dashboard
    with django_capture_on_commit_callbacks(execute=True):
        ranking = ranking_recompute(scope=Scope.group(cast.public.pk))
    with CaptureQueriesContext(connection) as queries:
        cached = api().get(url)
    assert cached.status_code == 200 and not queries.captured_queries
    assert cached["ETag"] == f'"group-{cast.public.pk}-v{ranking.version}"'
    cache.clear()  # the same read the long way, from the database
    assert cached.json() == api().get(url).json()
    assert cached.json()["results"][0]["mean"] == 9.0


def test_the_cached_body_is_byte_for_byte_what_the_api_renders(cast, api, theories) -> None:
    """The cache renders the ranking with `json`, the API (for a private group) with DRF's
    JSONRenderer: the same bytes, also for non-ASCII titles, U+2028 and microseconds."""
    from datetime import UTC, datetime

    from rest_framework.renderers import JSONRenderer

    from rankings.ranking_cache import ranking_body, ranking_payload
    from rankings.selectors import ranking_get

    theory = theories[0]
    theory.title = "Ünïcode — “quoted” \u2028 line\u2029break </script>"
    theory.save()
    rate(named(cast.private, "a"), {1: 9, 2: 4})
    rate(named(cast.private, "b"), {1: 2, 2: 5})
    stored = ranking_recompute(scope=Scope.group(cast.private.pk))
    stored.computed_at = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    stored.save(update_fields=["computed_at"])
    # Read back as the API reads it (PostgreSQL's jsonb orders the keys of the stored rows).
    view = ranking_get(scope=Scope.group(cast.private.pk))
    raw = dict(ranking_payload(view), computed_at=stored.computed_at)  # as DRF would get it
    assert ranking_body(view) == JSONRenderer().render(raw)
    answered = api(cast.member).get(f"/api/v1/groups/{cast.private.slug}/rankings/")
    assert answered.status_code == 200
    assert answered.content == ranking_body(view)
    assert b'"computed_at":"2026-01-02T03:04:05.123456Z"' in answered.content
