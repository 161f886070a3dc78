"""/api/v1/longlists/ and the lists under the theories: the model (the 20 theories are the
default list), creating, forking, changing and growing a list, its change log, who may see and
change it, and groups choosing the list they rate."""

from typing import Any

import pytest

from groups.models import DiscussionGroup, Participant
from groups.services import group_create, group_listing_decide, group_update, membership_join
from rankings.scope import Scope
from rankings.services import ranking_recompute
from tests.conftest import answer_schema
from tests.factories import rate
from theories.items import ItemText
from theories.models import Longlist, LonglistChange, Theory
from theories.services import longlist_create

LISTS = "/api/v1/longlists/"


def items(*titles: str) -> list[dict[str, str]]:
    return [{"title": t, "summary": f"About {t}."} for t in titles]


def make_list(user, *, visibility: str = "public", n: int = 3, title: str = "Threat models"):
    return longlist_create(
        user=user,
        title=title,
        visibility=visibility,
        items=[ItemText(title=f"Item {i}", summary=f"Summary {i}") for i in range(1, n + 1)],
    )


# --- the default list -------------------------------------------------------------------------------


def test_the_twenty_theories_are_the_default_list_with_their_numbers_and_slugs(theories) -> None:
    default = Longlist.objects.get(is_default=True)
    assert default.owner is None and default.visibility == "public"
    assert [t.longlist_id for t in theories] == [default.pk] * 20
    assert [t.number for t in theories] == list(range(1, 21))
    assert theories[2].slug == "auditing" and all(t.status == "active" for t in theories)
    assert default.last_number == 20


def test_the_theories_endpoint_answers_exactly_as_before(theories, cast, api) -> None:
    # Another list's items never show among the theories.
    make_list(cast.facilitator, n=4)
    body = api().get("/api/v1/theories/").json()
    assert body["count"] == 20 and body["next"] is None and body["previous"] is None
    assert set(body) == {"count", "next", "previous", "results"}
    first = body["results"][0]
    assert first == {
        "id": theories[0].pk,
        "number": 1,
        "slug": "force-multiplier-on-alignment-research",
        "title": "Force-multiplier on alignment research",
        "summary": theories[0].summary,
        "subpoints": [],
        "source_url": (
            "https://www.lesswrong.com/posts/uK6sQCNMw8WKzJeCQ/"
            "a-longlist-of-theories-of-impact-for-interpretability"
        ),
    }
    assert [r["number"] for r in body["results"]] == list(range(1, 21))
    assert [r["slug"] for r in body["results"]] == [t.slug for t in theories]
    assert body["results"][1]["subpoints"] == [
        {"number": "2.1", "text": theories[1].subpoints[0]["text"]}
    ]


def test_numbers_are_unique_within_a_list_not_across_lists(cast) -> None:
    other = make_list(cast.facilitator, n=3)
    assert sorted(other.items.values_list("number", flat=True)) == [1, 2, 3]
    assert Theory.objects.filter(number=1).count() == 2
    # Slugs stay unique across every list: /theories/<slug>/ names one item.
    clash = make_list(cast.facilitator, n=2, title="Again")
    assert set(clash.items.values_list("slug", flat=True)).isdisjoint(
        other.items.values_list("slug", flat=True)
    )


# --- creating ---------------------------------------------------------------------------------------


def test_a_user_creates_a_list_with_items_numbered_from_one(cast, api) -> None:
    body = {"title": "Agenda", "visibility": "public", "items": items("Alpha", "Beta", "=1+2")}
    response = api(cast.member).post(LISTS, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["owner"] == "mo" and data["version"] == 1 and data["item_count"] == 3
    assert data["is_default"] is False and data["proposals"] == "closed"
    assert data["forked_from"] is None
    assert [(i["number"], i["title"], i["status"], i["added_in"]) for i in data["items"]] == [
        (1, "Alpha", "active", 1),
        (2, "Beta", "active", 1),
        (3, "=1+2", "active", 1),  # stored as typed; CSV cells neutralise it
    ]
    assert data["items"][0]["revision"] == 1 and data["items"][0]["replaced_by"] is None


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"title": "L", "visibility": "public", "items": items("Only one")}, "items", "at least 2"),
        (
            {"title": "L", "visibility": "public", "items": items("Alpha", "al PHA")},
            "items",
            "Item 2",
        ),
        ({"title": "L", "visibility": "public", "items": items("A", "  ")}, "items", "Item 2"),
        (
            {"title": "L", "visibility": "public", "items": items("A", "B" * 201)},
            "items",
            "over 200",
        ),
        (
            {
                "title": "L",
                "visibility": "public",
                "items": [{"title": "A"}, {"title": "B", "summary": "s" * 2001}],
            },
            "items",
            "Item 2",
        ),
        (
            {"title": "L", "visibility": "public", "items": items(*[f"T{i}" for i in range(201)])},
            "items",
            "at most 200",
        ),
        ({"title": "  ", "visibility": "public", "items": items("A", "B")}, "title", "title"),
        ({"title": "L", "visibility": "secret", "items": items("A", "B")}, "visibility", ""),
        ({"title": "L", "visibility": "public"}, "items", "required"),
    ],
)
def test_a_bad_list_is_refused_naming_the_item_and_nothing_is_saved(
    cast, api, body: dict[str, Any], field: str, words: str
) -> None:
    before = (Longlist.objects.count(), Theory.objects.count())
    response = api(cast.member).post(LISTS, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert words in " ".join(map(str, response.json()[field]))
    assert (Longlist.objects.count(), Theory.objects.count()) == before


def test_an_anonymous_caller_cannot_create_a_list(theories, api) -> None:
    response = api().post(
        LISTS, {"title": "L", "visibility": "public", "items": items("A", "B")}, format="json"
    )
    assert response.status_code == 401


def test_a_fork_copies_the_active_items_texts_and_never_the_ratings(cast, api, theories) -> None:
    rate(cast.member, {1: 7}, group=cast.public)
    response = api(cast.member).post(LISTS, {"fork": "theories-of-impact"}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["forked_from"] == "theories-of-impact" and data["owner"] == "mo"
    assert [i["title"] for i in data["items"]] == [t.title for t in theories]
    assert [i["summary"] for i in data["items"]] == [t.summary for t in theories]
    copy = Longlist.objects.get(slug=data["slug"])
    assert not Theory.objects.filter(longlist=copy, ratings__isnull=False).exists()


def test_a_fork_of_a_list_the_caller_may_not_see_is_404(cast, api) -> None:
    secret = make_list(cast.facilitator, visibility="private")
    response = api(cast.outsider).post(LISTS, {"fork": secret.slug}, format="json")
    assert response.status_code == 404
    assert (
        api(cast.facilitator).post(LISTS, {"fork": secret.slug}, format="json").status_code == 201
    )


# --- who sees what ----------------------------------------------------------------------------------


def test_a_private_list_is_seen_by_its_owner_and_its_groups_members_only(cast, api) -> None:
    secret = make_list(cast.facilitator, visibility="private", title="Secret list")
    room = group_create(
        user=cast.facilitator, name="List room", visibility="private", longlist=secret
    )
    membership_join(group=room, user=cast.member, via_invite=True)
    item = secret.items.first()
    assert item is not None
    for user, code in (
        (None, 404),
        (cast.outsider, 404),
        (cast.other_facilitator, 404),
        (cast.member, 200),
        (cast.facilitator, 200),
    ):
        client = api(user)
        assert client.get(f"{LISTS}{secret.slug}/").status_code == code
        assert client.get(f"{LISTS}{secret.slug}/changes/").status_code == code
        assert client.get(f"/api/v1/theories/{item.pk}/").status_code == code
        assert client.get(f"/api/v1/theories/{item.pk}/comments/").status_code == code
        listed = {entry["slug"] for entry in client.get(LISTS).json()["results"]}
        assert (secret.slug in listed) is (code == 200)


def test_only_the_owner_changes_a_list_and_staff_the_default(
    cast, api, make_user, theories
) -> None:
    mine = make_list(cast.facilitator)
    url = f"{LISTS}{mine.slug}/"
    assert api(cast.member).patch(url, {"title": "Mine now"}, format="json").status_code == 403
    assert api().patch(url, {"title": "Mine now"}, format="json").status_code == 401
    response = api(cast.facilitator).patch(
        url, {"title": "Better title", "description": "d"}, format="json"
    )
    assert response.status_code == 200 and response.json()["title"] == "Better title"
    default_url = f"{LISTS}theories-of-impact/"
    assert (
        api(cast.facilitator).patch(default_url, {"description": "x"}, format="json").status_code
        == 403
    )
    staff = make_user("stan")
    staff.is_staff = True
    staff.save()
    assert (
        api(staff).patch(default_url, {"description": "The 20."}, format="json").status_code == 200
    )
    assert (
        api(staff).patch(default_url, {"visibility": "private"}, format="json").status_code == 400
    )


def test_a_list_a_public_group_rates_cannot_go_private(cast, api) -> None:
    mine = make_list(cast.facilitator)
    group_create(user=cast.facilitator, name="Open on mine", visibility="public", longlist=mine)
    response = api(cast.facilitator).patch(
        f"{LISTS}{mine.slug}/", {"visibility": "private"}, format="json"
    )
    assert response.status_code == 409 and "visibility" in response.json()


def test_the_schema_documents_the_409_of_a_list_that_must_stay_public(cast, api) -> None:
    # API.md: the schema the app serves must describe all of it; the answer names the field.
    mine = make_list(cast.facilitator)
    group_create(user=cast.facilitator, name="Open on it", visibility="public", longlist=mine)
    response = api(cast.facilitator).patch(
        f"{LISTS}{mine.slug}/", {"visibility": "private"}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {
        "visibility": ["A public group rates this list, so it stays public."]
    }
    documented = answer_schema("/api/v1/longlists/{slug}/", "patch", 409)
    assert documented["required"] == ["visibility"]
    assert documented["properties"]["visibility"]["type"] == "array"


# --- growing a list and its change log --------------------------------------------------------------


def test_an_added_item_takes_the_next_number_and_raises_the_version(cast, api) -> None:
    mine = make_list(cast.facilitator, n=3)
    Theory.objects.filter(longlist=mine, number=3).update(status="retired")
    Longlist.objects.filter(pk=mine.pk).update(last_number=5)  # numbers 4 and 5 were used once
    url = f"{LISTS}{mine.slug}/items/"
    response = api(cast.facilitator).post(
        url, {"title": "Fourth", "summary": "New."}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 6 and response.json()["added_in"] == 2
    assert api(cast.facilitator).post(url, {"title": "fourth"}, format="json").status_code == 400
    assert api(cast.facilitator).post(url, {"title": " "}, format="json").status_code == 400
    assert api(cast.member).post(url, {"title": "Fifth"}, format="json").status_code == 403
    detail = api(cast.facilitator).get(f"{LISTS}{mine.slug}/").json()
    assert detail["version"] == 2 and detail["item_count"] == 3  # the retired one not counted
    assert [i["number"] for i in detail["items"]] == [1, 2, 3, 6]
    changes = api(cast.member).get(f"{LISTS}{mine.slug}/changes/").json()
    assert changes["count"] == 2
    added, created = changes["results"]
    assert (added["version"], added["kind"], added["by"]) == (2, "added", "fay")
    assert added["after"] == {"title": "Fourth", "summary": "New."} and added["before"] is None
    assert added["item"] == response.json()["id"]
    assert (created["version"], created["kind"], created["item"]) == (1, "created", None)


def test_the_default_list_has_its_creation_in_the_change_log(theories, api) -> None:
    # On a migrated database the data migration wrote it; a flushed one re-seeds without it.
    response = api().get(f"{LISTS}theories-of-impact/changes/")
    assert response.status_code == 200
    assert all(c["kind"] == "created" for c in response.json()["results"])
    assert LonglistChange.objects.filter(kind="added").count() == 0


# --- groups choose their list -----------------------------------------------------------------------


def test_a_group_rates_the_default_list_unless_it_names_another(cast, api) -> None:
    mine = make_list(cast.facilitator)
    client = api(cast.facilitator)
    default = client.post(
        "/api/v1/groups/", {"name": "Plain", "visibility": "public"}, format="json"
    ).json()
    assert default["longlist"] == "theories-of-impact"
    response = client.post(
        "/api/v1/groups/",
        {"name": "On mine", "visibility": "public", "longlist": mine.slug},
        format="json",
    )
    assert response.status_code == 201 and response.json()["longlist"] == mine.slug
    assert client.get("/api/v1/groups/on-mine/").json()["longlist"] == mine.slug


def test_a_group_cannot_name_a_list_its_creator_may_not_see(cast, api) -> None:
    secret = make_list(cast.facilitator, visibility="private")
    body = {"name": "Sneaky", "visibility": "private", "longlist": secret.slug}
    response = api(cast.outsider).post("/api/v1/groups/", body, format="json")
    assert response.status_code == 400 and "longlist" in response.json()
    body["longlist"] = "no-such-list"
    assert api(cast.outsider).post("/api/v1/groups/", body, format="json").status_code == 400
    assert not DiscussionGroup.objects.filter(name="Sneaky").exists()


def test_a_public_group_cannot_rate_a_private_list(cast, api) -> None:
    secret = make_list(cast.facilitator, visibility="private")
    body = {"name": "Open", "visibility": "public", "longlist": secret.slug}
    response = api(cast.facilitator).post("/api/v1/groups/", body, format="json")
    assert response.status_code == 400 and "longlist" in response.json()
    room = group_create(user=cast.facilitator, name="Room", visibility="private", longlist=secret)
    response = api(cast.facilitator).patch(
        f"/api/v1/groups/{room.slug}/", {"visibility": "public"}, format="json"
    )
    assert response.status_code == 400


def test_a_group_changes_its_list_only_until_its_first_rating(cast, api) -> None:
    mine = make_list(cast.facilitator)
    url = f"/api/v1/groups/{cast.public.slug}/"
    response = api(cast.facilitator).patch(url, {"longlist": mine.slug}, format="json")
    assert response.status_code == 200 and response.json()["longlist"] == mine.slug
    assert (
        api(cast.member).patch(url, {"longlist": "theories-of-impact"}, format="json").status_code
        == 403
    )
    rate(cast.member, {1: 5}, group=cast.public)
    response = api(cast.facilitator).patch(url, {"longlist": "theories-of-impact"}, format="json")
    assert response.status_code == 409
    cast.public.refresh_from_db()
    assert cast.public.longlist_id == mine.pk


def test_a_lists_global_ranking_counts_its_listed_groups_in_the_contracts_shape(cast, api) -> None:
    # API.md: a longlist's global ranking is GET /longlists/{slug}/rankings/, by the rule of
    # GET /rankings/: rows keep their shape and gain "groups"; the body gains "groups".
    mine = make_list(cast.facilitator, n=3)
    rooms = [
        group_create(user=cast.facilitator, name=name, visibility="public", longlist=mine)
        for name in ("Room A", "Room B", "Room C")
    ]
    for room in rooms:
        group_update(group=room, results_hidden=False)
    for room in rooms[:2]:
        group_listing_decide(group=room, listed=True)  # Room C is not listed: it does not count
    for room, scores in zip(rooms, ({1: 8, 2: 4}, {1: 6}, {3: 10}), strict=True):
        rate(Participant.objects.create(group=room, name=f"{room.slug} rater"), scores)
        ranking_recompute(scope=Scope.group(room.pk), force=True)
    ranking_recompute(scope=Scope.longlist(mine.pk), force=True)
    body = api().get(f"{LISTS}{mine.slug}/rankings/").json()
    assert {"computed_at", "raters", "results", "groups"} <= set(body)
    assert (body["groups"], body["raters"]) == (2, 2)
    rows = [
        (r["rank"], r["theory"]["number"], r["groups"], r["n"], r["mean"]) for r in body["results"]
    ]
    assert rows == [(1, 1, 2, 2, 7.0), (2, 2, 1, 1, 4.0), (3, 3, 0, 0, None)]


def test_my_ratings_say_which_items_of_the_groups_list_are_unrated(cast, api, theories) -> None:
    mine = make_list(cast.facilitator, n=4)
    room = group_create(user=cast.facilitator, name="Four", visibility="public", longlist=mine)
    items = list(mine.items.order_by("number"))
    url = f"/api/v1/groups/{room.slug}/ratings/mine/"
    client = api(cast.facilitator)
    assert client.get(url).json()["unrated"] == [t.pk for t in items]
    body = {"ratings": [{"theory": items[1].pk, "score": 4}]}
    response = client.put(url, body, format="json")
    assert response.json()["unrated"] == [items[0].pk, items[2].pk, items[3].pk]
    assert client.get(url).json() == response.json()
    retired = {"ratings": [{"theory": items[3].pk, "score": 4}]}
    Theory.objects.filter(pk=items[3].pk).update(status="retired")
    refused = client.put(url, retired, format="json")
    assert refused.status_code == 400 and "retired" in str(refused.json())
    assert client.get(url).json()["unrated"] == [items[0].pk, items[2].pk]
    # A null still removes a retired item's rating.
    Theory.objects.filter(pk=items[1].pk).update(status="retired")
    removed = client.put(url, {"ratings": [{"theory": items[1].pk, "score": None}]}, format="json")
    assert removed.status_code == 200 and removed.json()["ratings"] == []
