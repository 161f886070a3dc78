"""PUT/GET /api/v1/groups/{slug}/ratings/mine/: one all-or-nothing submission, and refusals."""

import json

import pytest

from groups.services import group_update
from ratings.models import Rating, Submission, SubmissionItem

URL = "/api/v1/groups/{}/ratings/mine/"


def put(client, group, body, **kwargs):
    return client.put(URL.format(group.slug), body, format="json", **kwargs)


def test_a_member_submits_ratings_and_gets_the_full_current_set_back(cast, api, theories) -> None:
    t1, t2 = theories[0], theories[1]
    response = put(
        api(cast.member),
        cast.public,
        {
            "ratings": [
                {"theory": t1.id, "score": 7, "rationale": "  fast feedback  "},
                {"theory": t2.id, "score": 3},
            ]
        },
    )
    assert response.status_code == 200
    by_theory = {r["theory"]: r for r in response.json()["ratings"]}
    assert by_theory[t1.id]["score"] == 7
    assert by_theory[t1.id]["rationale"] == "fast feedback"
    assert by_theory[t2.id]["score"] == 3
    assert by_theory[t2.id]["updated_at"]
    again = api(cast.member).get(URL.format(cast.public.slug))
    assert again.status_code == 200
    assert again.json() == response.json()


def test_only_the_listed_theories_change_and_null_removes_one(cast, api, theories) -> None:
    client = api(cast.member)
    t1, t2, t3 = theories[:3]
    put(
        client,
        cast.public,
        {
            "ratings": [
                {"theory": t1.id, "score": 7, "rationale": "keep me"},
                {"theory": t2.id, "score": 4},
            ]
        },
    )
    response = put(
        client,
        cast.public,
        {
            "ratings": [
                {"theory": t1.id, "score": 9},
                {"theory": t2.id, "score": None},
                {"theory": t3.id, "score": 1},
            ]
        },
    )
    assert response.status_code == 200
    current = {r["theory"]: (r["score"], r["rationale"]) for r in response.json()["ratings"]}
    assert current == {t1.id: (9, "keep me"), t3.id: (1, "")}


def test_every_submission_is_kept_in_history(cast, api, theories) -> None:
    client = api(cast.member)
    t1 = theories[0]
    put(client, cast.public, {"ratings": [{"theory": t1.id, "score": 2}]})
    put(client, cast.public, {"ratings": [{"theory": t1.id, "score": 8}]})
    put(client, cast.public, {"ratings": [{"theory": t1.id, "score": None}]})
    history = list(
        SubmissionItem.objects.filter(submission__participant__user=cast.member)
        .order_by("submission_id")
        .values_list("score", flat=True)
    )
    assert history == [2, 8, None]
    assert Submission.objects.filter(submitted_by=cast.member, source="api").count() == 3
    assert not Rating.objects.filter(participant__user=cast.member).exists()


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"score": 0}, "score"),
        ({"score": 11}, "score"),
        ({"score": 7.5}, "score"),
        ({"score": 7.0}, "score"),
        ({"score": "7"}, "score"),
        ({"score": True}, "score"),
        ({"score": [7]}, "score"),
        ({"score": 10**30}, "score"),
        ({"theory": 999999, "score": 5}, "theory"),
        ({"theory": "1", "score": 5}, "theory"),
        ({"theory": None, "score": 5}, "theory"),
        ({"rationale": "x" * 281, "score": 5}, "rationale"),
    ],
    ids=lambda v: repr(v)[:30],
)
def test_it_refuses_a_bad_item_naming_it_and_saves_nothing(
    cast, api, theories, item, field
) -> None:
    good = {"theory": theories[0].id, "score": 6}
    bad = {"theory": theories[1].id, **item}
    response = put(api(cast.member), cast.public, {"ratings": [good, bad]})
    assert response.status_code == 400
    errors = response.json()["ratings"]  # keyed by the index of the bad item
    assert list(errors) == ["1"]
    assert field in errors["1"]
    assert not Rating.objects.exists()
    assert not Submission.objects.exists()


def test_it_refuses_the_same_theory_twice_in_one_submission(cast, api, theories) -> None:
    t1 = theories[0]
    response = put(
        api(cast.member),
        cast.public,
        {"ratings": [{"theory": t1.id, "score": 6}, {"theory": t1.id, "score": 7}]},
    )
    assert response.status_code == 400
    assert list(response.json()["ratings"]) == ["1"]
    assert "theory" in response.json()["ratings"]["1"]
    assert not Rating.objects.exists() and not Submission.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{"ratings": {"theory": 1, "score": 5}}, {"ratings": "7"}, {"ratings": None}, {}, [1, 2]],
    ids=["dict", "string", "null", "missing", "list-body"],
)
def test_it_refuses_a_ratings_value_that_is_not_a_list(cast, api, theories, body) -> None:
    response = put(api(cast.member), cast.public, body)
    assert response.status_code == 400
    assert response.json()  # a JSON error naming what is wrong
    assert not Submission.objects.exists()


def test_it_refuses_a_body_that_is_not_json(cast, api, theories) -> None:
    response = api(cast.member).put(
        URL.format(cast.public.slug), data="{ratings: [", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_it_refuses_a_one_megabyte_body(cast, api, theories) -> None:
    body = json.dumps(
        {"ratings": [{"theory": theories[0].id, "score": 5, "rationale": "x" * 1_000_000}]}
    )
    response = api(cast.member).put(
        URL.format(cast.public.slug), data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "too large" in response.json()["detail"]
    assert not Submission.objects.exists()


def test_it_refuses_a_body_with_a_nul_byte(cast, api, theories) -> None:
    response = api(cast.member).put(
        URL.format(cast.public.slug),
        data=b'{"ratings": [{"theory": 1, "score": 5, "rationale": "a\x00b"}]}',
        content_type="application/json",
    )
    assert response.status_code == 400


def test_an_anonymous_submission_is_401(cast, api, theories) -> None:
    response = put(api(), cast.public, {"ratings": [{"theory": theories[0].id, "score": 5}]})
    assert response.status_code == 401


def test_a_non_member_gets_403_in_a_public_group_and_404_in_a_private_one(
    cast, api, theories
) -> None:
    body = {"ratings": [{"theory": theories[0].id, "score": 5}]}
    assert put(api(cast.outsider), cast.public, body).status_code == 403
    assert put(api(cast.outsider), cast.private, body).status_code == 404
    assert api(cast.outsider).get(URL.format(cast.public.slug)).status_code == 403
    assert api(cast.outsider).get(URL.format(cast.private.slug)).status_code == 404
    assert put(api(cast.other_facilitator), cast.private, body).status_code == 404
    assert not Submission.objects.exists()


def test_a_member_of_a_private_group_can_rate_in_it(cast, api, theories) -> None:
    body = {"ratings": [{"theory": theories[0].id, "score": 5}]}
    assert put(api(cast.member), cast.private, body).status_code == 200


def test_rating_after_ratings_closed_is_409_and_saves_nothing(cast, api, theories) -> None:
    group_update(group=cast.public, ratings_open=False)
    response = put(
        api(cast.member), cast.public, {"ratings": [{"theory": theories[0].id, "score": 5}]}
    )
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    assert not Submission.objects.exists()


def test_an_unknown_group_is_404(cast, api, theories) -> None:
    response = api(cast.member).put(URL.format("no-such-group"), {"ratings": []}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "item",
    [
        {"theory": 3, "score": 7},
        {"theory": 3, "score": None},
        {"theory": 3, "score": 7, "rationale": "  because  "},
        {"theory": 3, "score": 7, "rationale": None},
        {"theory": 3, "score": 7, "rationale": ""},
        {"theory": 3, "score": 7, "rationale": "x" * 280},
        {"theory": 3, "score": 7, "rationale": " " + "x" * 280 + " "},
        {"theory": 3, "score": 7, "rationale": "x" * 281},
        {"theory": 3, "score": 7, "rationale": "café"},
        {"theory": 3, "score": 7, "rationale": "a\x00b"},
        {"theory": 3, "score": 7, "rationale": 5},
        {"theory": 3, "score": 7, "rationale": True},
        {"theory": 3, "score": 7, "extra": "ignored"},
        {"theory": 3},
        {"score": 7},
        {"theory": True, "score": 7},
        {"theory": 0, "score": 7},
        {"theory": 2**31, "score": 7},
        {"theory": 3, "score": 0},
        {"theory": 3, "score": 10},
        {"theory": 3, "score": 7.0},
        {"theory": 3, "score": False},
        [3, 7],
        "3:7",
    ],
    ids=lambda v: repr(v)[:40],
)
def test_the_items_fast_path_validates_exactly_as_the_fields_do(item) -> None:
    from rest_framework import serializers

    from ratings.serializers.ratings import RatingItemSerializer

    def outcome(validate):
        try:
            return "valid", dict(validate(item))
        except serializers.ValidationError as exc:
            return "invalid", exc.detail

    fields_only = outcome(
        lambda d: serializers.Serializer.run_validation(RatingItemSerializer(), d)
    )
    assert outcome(RatingItemSerializer().run_validation) == fields_only
