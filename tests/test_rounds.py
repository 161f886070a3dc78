"""Rounds and changes of mind (the contract's "Rounds and changes of mind"): rounds, round
rankings, moves toward and away, citations, history, and every refusal."""

import pytest

from discussion.services import comment_create
from groups.services import membership_join, participant_for_user
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.models import Round, Submission
from ratings.selectors.changes import changes_between
from ratings.selectors.rounds import round_scores, submission_history
from ratings.services import RatingItem, SubmissionInvalid, rating_submission_create
from ratings.services.rounds import RoundConflict, round_open_next

from .conftest import api_client
from .factories import rate


@pytest.fixture
def room(cast, make_user, theories):
    """The public group with three raters (fay, mo and a third member)."""
    third = make_user("tess")
    membership_join(group=cast.public, user=third)
    cast.third = third
    return cast


def test_a_new_group_is_in_round_one(room):
    rounds = list(Round.objects.filter(group=room.public))
    assert [(r.number, r.closed_at) for r in rounds] == [(1, None)]
    assert room.public.current_round == 1


def test_opening_a_round_closes_the_open_one_and_numbers_the_next(room):
    opened = round_open_next(group=room.public, user=room.facilitator)
    assert opened.number == 2
    rounds = list(Round.objects.filter(group=room.public).order_by("number"))
    assert rounds[0].closed_at is not None and rounds[1].closed_at is None
    room.public.refresh_from_db()
    assert room.public.current_round == 2


def test_a_stale_second_opening_is_refused_not_doubled(room):
    """Two facilitators who both saw round 1 open: the second finds round 2 already open."""
    from groups.models import DiscussionGroup

    stale = DiscussionGroup.objects.get(pk=room.public.pk)
    round_open_next(group=room.public, user=room.facilitator)
    with pytest.raises(RoundConflict) as refused:
        round_open_next(group=stale, user=room.facilitator)
    assert refused.value.status_code == 409
    assert Round.objects.filter(group=room.public).count() == 2


def test_submissions_belong_to_the_open_round(room, theories):
    t1 = theories[0]
    rate(room.member, {t1: 4}, group=room.public)
    round_open_next(group=room.public, user=room.facilitator)
    room.public.refresh_from_db()
    rate(room.member, {t1: 7}, group=room.public)
    rounds = list(
        Submission.objects.filter(group=room.public, participant__user=room.member)
        .order_by("created_at", "id")
        .values_list("round", flat=True)
    )
    assert rounds == [1, 2]


def test_a_rounds_results_are_the_last_scores_submitted_during_it(room, theories):
    t1, t2 = theories[0], theories[1]
    rate(room.member, {t1: 4, t2: 6}, group=room.public)
    rate(room.member, {t1: 5}, group=room.public)  # a later save in round 1 wins
    round_open_next(group=room.public, user=room.facilitator)
    room.public.refresh_from_db()
    rate(room.member, {t2: None}, group=room.public)  # removed in round 2
    scores = {(t, r): s for _, t, r, s, _ in round_scores(group=room.public, rounds=[1, 2])}
    assert scores == {(t1.id, 1): 5, (t2.id, 1): 6}


def test_the_round_ranking_is_stored_under_its_own_scope(room, theories):
    t1 = theories[0]
    rate(room.member, {t1: 4}, group=room.public)
    rate(room.third, {t1: 6}, group=room.public)
    round_open_next(group=room.public, user=room.facilitator)
    room.public.refresh_from_db()
    rate(room.member, {t1: 10}, group=room.public)
    first = ranking_recompute(scope=Scope.round(room.public.pk, 1), force=True)
    second = ranking_recompute(scope=Scope.round(room.public.pk, 2), force=True)
    current = ranking_recompute(scope=Scope.group(room.public.pk), force=True)
    row = {r["theory"]["id"]: r for r in first.results}[t1.id]
    assert (row["n"], row["mean"]) == (2, 5.0)
    row = {r["theory"]["id"]: r for r in second.results}[t1.id]
    assert (row["n"], row["mean"]) == (1, 10.0)
    row = {r["theory"]["id"]: r for r in current.results}[t1.id]
    assert (row["n"], row["mean"]) == (2, 8.0)  # current ratings: 10 (round 2) and 6 (round 1)


def test_changes_count_moves_toward_and_away_from_the_first_rounds_median(room, theories):
    t1 = theories[0]
    comment = comment_create(
        author=room.member, theory=t1, group=None, body="Auditing finds deception early."
    )
    rate(room.facilitator, {t1: 2}, group=room.public)
    rate(room.member, {t1: 5}, group=room.public)
    rate(room.third, {t1: 9}, group=room.public)  # round 1 median: 5
    round_open_next(group=room.public, user=room.facilitator)
    room.public.refresh_from_db()
    rate(
        room.facilitator, {t1: 4}, group=room.public, moved_by={t1.id: comment.pk}
    )  # toward, cited
    rate(room.member, {t1: 5}, group=room.public)  # kept
    rate(room.third, {t1: 10}, group=room.public)  # away
    changes = changes_between(group=room.public, first=1, last=2)
    row = next(r for r in changes["results"] if r["theory"]["id"] == t1.id)
    assert (row["pairs"], row["moved"], row["toward"], row["away"], row["cited"]) == (
        3,
        2,
        1,
        1,
        1,
    )
    assert row["mean_change"] == pytest.approx((2 + 0 + 1) / 3)
    assert (row["mean_from"], row["mean_to"]) == (pytest.approx(16 / 3), pytest.approx(19 / 3))
    assert changes["summary"]["pairs"] == sum(r["pairs"] for r in changes["results"])
    assert changes["summary"]["moved"] == 2
    assert "1 of the 2 moves went toward round 1's median" in " ".join(
        changes["summary"]["sentences"]
    )


def test_moved_by_must_be_a_live_comment_on_the_same_theory(room, theories):
    t1, t2 = theories[0], theories[1]
    on_other_theory = comment_create(author=room.member, theory=t2, group=None, body="Other.")
    with pytest.raises(SubmissionInvalid) as refused:
        rate(room.member, {t1: 5}, group=room.public, moved_by={t1.id: on_other_theory.pk})
    assert list(refused.value.errors[0]) == ["moved_by"]
    assert not Submission.objects.filter(group=room.public).exists()


def test_moved_by_may_not_name_another_groups_comment(room, theories):
    t1 = theories[0]
    elsewhere = comment_create(author=room.facilitator, theory=t1, group=room.private, body="Ours.")
    with pytest.raises(SubmissionInvalid):
        rate(room.member, {t1: 5}, group=room.public, moved_by={t1.id: elsewhere.pk})


def test_history_gives_each_item_the_score_it_replaced(room, theories):
    t1 = theories[0]
    rate(room.member, {t1: 4}, group=room.public)
    rate(room.member, {t1: 6}, group=room.public)
    rate(room.member, {t1: None}, group=room.public)
    history = submission_history(
        participant=participant_for_user(group=room.public, user=room.member)
    )
    assert [(h["items"][0]["score"], h["items"][0]["previous"]) for h in history] == [
        (None, 6),
        (6, 4),
        (4, None),
    ]


# --- the API -------------------------------------------------------------------------------------


def test_the_rounds_list_says_when_each_round_closed_and_who_rated(room, theories):
    rate(room.member, {theories[0]: 4}, group=room.public)
    response = api_client(room.facilitator).post(f"/api/v1/groups/{room.public.slug}/rounds/")
    assert response.status_code == 201
    assert response.json()["number"] == 2
    listed = api_client().get(f"/api/v1/groups/{room.public.slug}/rounds/").json()
    assert [(r["number"], r["raters"], r["closed_at"] is None) for r in listed["results"]] == [
        (1, 1, False),
        (2, 0, True),
    ]


def test_only_a_facilitator_opens_a_round(room):
    slug = room.public.slug
    assert api_client(room.member).post(f"/api/v1/groups/{slug}/rounds/").status_code == 403
    private = room.private.slug
    response = api_client(room.outsider).post(f"/api/v1/groups/{private}/rounds/")
    assert response.status_code == 404
    assert api_client().post(f"/api/v1/groups/{slug}/rounds/").status_code == 401
    assert Round.objects.filter(group=room.public).count() == 1


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", ""])
def test_a_round_that_is_not_a_positive_integer_is_a_400_naming_it(room, value):
    response = api_client().get(f"/api/v1/groups/{room.public.slug}/changes/?to={value}")
    assert response.status_code == 400
    assert response.json() == {"to": ["A round is a positive whole number."]}


def test_an_unknown_round_is_a_404(room):
    response = api_client().get(f"/api/v1/groups/{room.public.slug}/changes/?from=1&to=7")
    assert response.status_code == 404


def test_with_one_round_the_changes_compare_it_with_itself(room, theories):
    rate(room.member, {theories[0]: 4}, group=room.public)
    body = api_client().get(f"/api/v1/groups/{room.public.slug}/changes/").json()
    assert (body["from"], body["to"]) == (1, 1)
    assert body["summary"]["moved"] == 0
    row = next(r for r in body["results"] if r["theory"]["id"] == theories[0].id)
    assert (row["pairs"], row["moved"], row["mean_change"]) == (1, 0, 0.0)


def test_changes_stay_hidden_until_the_caller_has_rated(room, theories):
    from groups.services import group_update

    group_update(group=room.public, results_hidden=True)
    rate(room.member, {theories[0]: 4}, group=room.public)
    body = api_client(room.third).get(f"/api/v1/groups/{room.public.slug}/changes/").json()
    assert body["hidden"] is True and body["results"] == [] and body["summary"] is None
    body = api_client(room.member).get(f"/api/v1/groups/{room.public.slug}/changes/").json()
    assert body["hidden"] is False and body["results"]


def test_history_is_the_callers_own_and_members_only(room, theories):
    rate(room.member, {theories[0]: 4}, group=room.public)
    url = f"/api/v1/groups/{room.public.slug}/ratings/mine/history/"
    body = api_client(room.member).get(url).json()
    assert body["count"] == 1
    assert body["results"][0]["items"] == [
        {"theory": theories[0].id, "score": 4, "previous": None, "rationale": "", "moved_by": None}
    ]
    assert api_client(room.third).get(url).json()["count"] == 0
    assert api_client(room.outsider).get(url).status_code == 403
    assert api_client().get(url).status_code == 401


# --- pages ---------------------------------------------------------------------------------------


def page_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_the_group_page_shows_the_open_round_and_who_has_rated(room, theories):
    rate(room.member, {theories[0]: 4}, group=room.public)
    html = page_client(room.facilitator).get(f"/groups/{room.public.slug}/").content.decode()
    assert "Round 1 is open" in html
    assert "1 of 3 members have rated in this round." in html
    assert "Close round 1 and open round 2" in html
    html = page_client(room.member).get(f"/groups/{room.public.slug}/").content.decode()
    assert "Close round 1 and open round 2" not in html  # facilitators only


def test_after_opening_round_two_the_page_shows_round_one_feedback(room, theories):
    t1 = theories[0]
    argument = comment_create(
        author=room.member, theory=t1, group=room.public, body="It finds bugs.", stance="for"
    )
    rate(room.member, {t1: 4}, group=room.public)
    rate(room.third, {t1: 8}, group=room.public)
    response = page_client(room.facilitator).post(f"/groups/{room.public.slug}/rounds/")
    assert response.status_code == 302
    ranking_recompute(scope=Scope.round(room.public.pk, 1), force=True)
    html = page_client(room.member).get(f"/groups/{room.public.slug}/").content.decode()
    assert "Round 2 is open" in html
    assert "0 of 3 members have re-rated in this round." in html
    assert "Round 1 feedback" in html
    assert "median 6 (n = 2)" in html
    assert argument.body in html


def test_the_changes_page_draws_a_slope_chart_per_theory(room, theories):
    t1 = theories[0]
    rate(room.member, {t1: 4}, group=room.public)
    round_open_next(group=room.public, user=room.facilitator)
    room.public.refresh_from_db()
    rate(room.member, {t1: 7}, group=room.public)
    response = page_client(room.third).get(f"/groups/{room.public.slug}/changes/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 person changed 1 of 1 ratings between round 1 and round 2" in html
    figures = response.context["figures"]
    assert figures[0]["id"] == t1.id
    layout = figures[0]["figure"]["layout"]
    assert layout["xaxis"]["type"] == "category"
    assert layout["xaxis"]["categoryarray"] == ["Round 1", "Round 2"]


def test_an_unknown_round_on_the_changes_page_is_a_404(room):
    client = page_client(room.member)
    assert client.get(f"/groups/{room.public.slug}/changes/?to=5").status_code == 404
    assert client.get(f"/groups/{room.public.slug}/changes/?to=x").status_code == 404


def test_my_history_names_my_most_unusual_rating_and_asks_why(room, theories):
    t1, t2 = theories[0], theories[1]
    rate(room.facilitator, {t1: 8, t2: 5}, group=room.public)
    rate(room.third, {t1: 8, t2: 5}, group=room.public)
    rate(room.member, {t1: 1, t2: 5}, group=room.public)
    rate(room.member, {t1: 2}, group=room.public)
    ranking_recompute(scope=Scope.group(room.public.pk), force=True)
    response = page_client(room.member).get(f"/groups/{room.public.slug}/me/")
    assert response.status_code == 200
    unusual = response.context["unusual"]
    assert [(u["theory"].id, u["score"], u["median"]) for u in unusual] == [(t1.id, 2, 8)]
    html = response.content.decode()
    assert "Say why in a line" in html
    assert "1 → 2" in html  # the change, from the history


def test_a_comment_says_how_many_ratings_it_moved_and_flags_citations_before_an_edit(
    room, theories
):
    from discussion.selectors import citations_of
    from discussion.services import comment_edit

    t1 = theories[0]
    argument = comment_create(author=room.third, theory=t1, group=None, body="Strong point.")
    rate(room.member, {t1: 4}, group=room.public)
    rate(room.facilitator, {t1: 8}, group=room.public)
    round_open_next(group=room.public, user=room.facilitator)
    room.public.refresh_from_db()
    rate(room.member, {t1: 6}, group=room.public, moved_by={t1.id: argument.pk})
    rate(room.facilitator, {t1: 7}, group=room.public, moved_by={t1.id: argument.pk})
    cited = citations_of(comments=[argument], groups=None)[argument.pk]
    assert (cited.moved, cited.mean_change, cited.to_earlier_version) == (2, 0.5, 0)
    assert cited.sentence == "moved 2 ratings, mean +0.5"
    comment_edit(comment=argument, body="Strong point, restated.")
    argument.refresh_from_db()
    cited = citations_of(comments=[argument], groups=None)[argument.pk]
    assert cited.to_earlier_version == 2
    assert citations_of(comments=[argument], groups=[room.private.pk])[argument.pk].moved == 0


# --- exports -------------------------------------------------------------------------------------


def csv_rows(response):
    import csv
    import io

    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_changes_csv_is_the_history_as_an_event_log(room, theories):
    t1 = theories[0]
    argument = comment_create(author=room.third, theory=t1, group=None, body="=1+1 is a point.")
    rate(room.member, {t1: 4}, group=room.public)
    round_open_next(group=room.public, user=room.facilitator)
    room.public.refresh_from_db()
    rate(room.member, {t1: 7}, group=room.public, moved_by={t1.id: argument.pk})
    rate(room.member, {t1: None}, group=room.public)
    response = api_client().get(f"/api/v1/groups/{room.public.slug}/export/changes.csv")
    assert response.status_code == 200
    rows = csv_rows(response)
    assert rows[0] == [
        "rater", "theory", "round", "previous", "score", "moved_by", "source", "created_at"
    ]  # fmt: skip
    assert [r[:7] for r in rows[1:]] == [
        ["mo", "1", "1", "", "4", "", "api"],
        ["mo", "1", "2", "4", "7", str(argument.pk), "api"],
        ["mo", "1", "2", "7", "", "", "api"],
    ]
    anonymous = csv_rows(
        api_client().get(f"/api/v1/groups/{room.public.slug}/export/changes.csv?anonymise=1")
    )
    assert {r[0] for r in anonymous[1:]} == {"rater-1"}


def test_the_changes_csv_guards_formula_names(room, theories):
    from groups.models import Participant

    participant = Participant.objects.create(group=room.public, name="=HYPERLINK(1)")
    rating_submission_create(
        participant=participant,
        items=[RatingItem(theory_id=theories[0].id, score=3)],
        submitted_by=room.facilitator,
        source=Submission.Source.IMPORT,
    )
    rows = csv_rows(api_client().get(f"/api/v1/groups/{room.public.slug}/export/changes.csv"))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_ratings_and_rankings_csv_take_a_round(room, theories):
    t1 = theories[0]
    rate(room.member, {t1: 4}, group=room.public)
    round_open_next(group=room.public, user=room.facilitator)
    room.public.refresh_from_db()
    rate(room.member, {t1: 9}, group=room.public)
    ranking_recompute(scope=Scope.round(room.public.pk, 1), force=True)
    base = f"/api/v1/groups/{room.public.slug}/export"
    first = csv_rows(api_client().get(f"{base}/ratings.csv?round=1"))
    assert first[1][:2] == ["mo", "4"]
    now = csv_rows(api_client().get(f"{base}/ratings.csv"))
    assert now[1][:2] == ["mo", "9"]
    long = csv_rows(api_client().get(f"{base}/ratings.csv?round=1&layout=long"))
    assert long[1][:3] == ["mo", "1", "4"]
    ranking = csv_rows(api_client().get(f"{base}/rankings.csv?round=1"))
    assert ranking[1][1] == "1" and ranking[1][4] == "4.0"
    assert api_client().get(f"{base}/ratings.csv?round=0").status_code == 400
    assert api_client().get(f"{base}/ratings.csv?round=9").status_code == 404
    assert api_client().get(f"{base}/rankings.csv?round=x").json() == {
        "round": ["A round is a positive whole number."]
    }


def test_the_api_gives_my_ratings_of_a_round_and_the_rounds_ranking(room, theories):
    t1 = theories[0]
    client = api_client(room.member)
    slug = room.public.slug
    client.put(
        f"/api/v1/groups/{slug}/ratings/mine/",
        {"ratings": [{"theory": t1.id, "score": 3}]},
        format="json",
    )
    assert api_client(room.facilitator).post(f"/api/v1/groups/{slug}/rounds/").status_code == 201
    body = client.put(
        f"/api/v1/groups/{slug}/ratings/mine/",
        {"ratings": [{"theory": t1.id, "score": 8}]},
        format="json",
    ).json()
    assert [(r["theory"], r["score"], r["round"]) for r in body["ratings"]] == [(t1.id, 8, 2)]
    first = client.get(f"/api/v1/groups/{slug}/ratings/mine/?round=1").json()
    assert [(r["theory"], r["score"], r["round"]) for r in first["ratings"]] == [(t1.id, 3, 1)]
    assert client.get(f"/api/v1/groups/{slug}/ratings/mine/?round=3").status_code == 404
    ranking_recompute(scope=Scope.round(room.public.pk, 1), force=True)
    ranking = client.get(f"/api/v1/groups/{slug}/rankings/?round=1").json()
    row = next(r for r in ranking["results"] if r["theory"]["id"] == t1.id)
    assert (row["n"], row["mean"]) == (1, 3.0)
    assert client.get(f"/api/v1/groups/{slug}/rankings/?round=0").status_code == 400
    assert client.get(f"/api/v1/groups/{slug}/rankings/?round=4").status_code == 404


def test_a_put_naming_a_dead_comment_is_a_400_naming_the_item_and_saves_nothing(room, theories):
    from discussion.services import comment_delete

    t1 = theories[0]
    argument = comment_create(author=room.third, theory=t1, group=None, body="Gone soon.")
    comment_delete(comment=argument)
    response = api_client(room.member).put(
        f"/api/v1/groups/{room.public.slug}/ratings/mine/",
        {"ratings": [{"theory": t1.id, "score": 5, "moved_by": argument.pk}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["ratings"]["0"]) == ["moved_by"]
    assert not Submission.objects.filter(group=room.public).exists()


def test_the_thread_says_what_a_comment_moved_without_naming_who(room, theories):
    from django.test import Client

    t1 = theories[0]
    argument = comment_create(author=room.third, theory=t1, group=None, body="Decisive point.")
    rate(room.member, {t1: 4}, group=room.public)
    round_open_next(group=room.public, user=room.facilitator)
    room.public.refresh_from_db()
    rate(room.member, {t1: 6}, group=room.public, moved_by={t1.id: argument.pk})
    html = Client().get(f"/theories/{t1.slug}/").content.decode()
    assert "moved 1 rating, mean +2.0" in html
    body = api_client().get(f"/api/v1/theories/{t1.id}/comments/").json()
    found = next(c for c in body["results"] if c["id"] == argument.pk)
    assert (found["moved"], found["moved_mean_change"], found["moved_before_edit"]) == (1, 2.0, 0)


def test_a_hidden_groups_citations_are_not_counted_for_outsiders(room, theories):
    from groups.services import group_update

    t1 = theories[0]
    group_update(group=room.public, results_hidden=True)
    argument = comment_create(author=room.third, theory=t1, group=None, body="Quiet point.")
    rate(room.member, {t1: 4}, group=room.public, moved_by={t1.id: argument.pk})
    body = api_client(room.outsider).get(f"/api/v1/theories/{t1.id}/comments/").json()
    assert next(c for c in body["results"] if c["id"] == argument.pk)["moved"] == 0
    body = api_client(room.member).get(f"/api/v1/theories/{t1.id}/comments/").json()
    assert next(c for c in body["results"] if c["id"] == argument.pk)["moved"] == 1


def test_the_round_two_rate_page_keeps_earlier_scores_with_one_save_and_asks_what_moved(
    room, theories
):
    t1, t2 = theories[0], theories[1]
    argument = comment_create(
        author=room.third, theory=t1, group=room.public, body="It catches deception.", stance="for"
    )
    rate(room.member, {t1: 4, t2: 6}, group=room.public)
    rate(room.third, {t1: 8}, group=room.public)
    round_open_next(group=room.public, user=room.facilitator)
    ranking_recompute(scope=Scope.round(room.public.pk, 1), force=True)
    client = page_client(room.member)
    url = f"/groups/{room.public.slug}/rate/"
    html = client.get(url).content.decode()
    assert "Your round 1 score: <strong>4/10</strong>" in html
    assert "What moved you?" in html and "It catches deception." in html
    assert "Round 1: median 6 (n = 2)" in html
    form = {f"score_{t.id}": "" for t in theories} | {f"score_{t1.id}": "7", f"score_{t2.id}": "6"}
    form[f"moved_by_{t1.id}"] = str(argument.pk)
    response = client.post(url, form)
    assert response.status_code == 302
    latest = Submission.objects.filter(group=room.public, participant__user=room.member).first()
    assert latest.round == 2
    items = {i.theory_id: (i.score, i.moved_by_id) for i in latest.items.all()}
    assert items == {t1.id: (7, argument.pk), t2.id: (6, None)}  # the kept 6 is re-submitted
    rounds = api_client().get(f"/api/v1/groups/{room.public.slug}/rounds/").json()["results"]
    assert rounds[1]["raters"] == 1


def test_the_rate_page_refuses_a_moved_by_that_is_not_listed(room, theories):
    t1 = theories[0]
    rate(room.member, {t1: 4}, group=room.public)
    round_open_next(group=room.public, user=room.facilitator)
    form = {f"score_{t.id}": "" for t in theories} | {f"score_{t1.id}": "7"}
    form[f"moved_by_{t1.id}"] = "999999"
    response = page_client(room.member).post(f"/groups/{room.public.slug}/rate/", form)
    assert response.status_code == 400
    assert "Choose one of the listed comments." in response.content.decode()
    assert Submission.objects.filter(group=room.public).count() == 1


def test_a_group_made_without_its_round_row_still_lists_round_one(room):
    """seed_demo and the benchmark's SQL seed create groups without group_create."""
    from ratings.selectors.rounds import round_list

    Round.objects.filter(group=room.public).delete()
    listed = round_list(group=room.public)
    assert [(r["number"], r["closed_at"]) for r in listed] == [(1, None)]
    assert listed[0]["opened_at"] == room.public.created_at
