"""/api/v1/groups/: list, create, retrieve, PATCH, join, leave, members and roles — every refusal
API.md names, for anonymous callers, outsiders, members, facilitators and another group's
facilitator, on public and private groups."""

import pytest

from groups.models import DiscussionGroup, Membership

GROUPS = "/api/v1/groups/"


def detail(group: DiscussionGroup) -> str:
    return f"{GROUPS}{group.slug}/"


def join_url(group: DiscussionGroup) -> str:
    return f"{detail(group)}join/"


def leave_url(group: DiscussionGroup) -> str:
    return f"{detail(group)}leave/"


def members_url(group: DiscussionGroup) -> str:
    return f"{detail(group)}members/"


def role_url(group: DiscussionGroup, username: str) -> str:
    return f"{members_url(group)}{username}/"


def role_of(group: DiscussionGroup, user) -> str | None:
    membership = Membership.objects.filter(group=group, user=user).first()
    return membership.role if membership else None


def names(response) -> set[str]:
    return {g["name"] for g in response.json()["results"]}


# --- list -------------------------------------------------------------------------------------------


def test_an_anonymous_caller_lists_only_public_groups(cast, api) -> None:
    response = api().get(GROUPS)
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert body["next"] is None and body["previous"] is None
    assert names(response) == {"Open Reading Group", "Other Group"}
    assert all(g["is_member"] is False and g["role"] is None for g in body["results"])
    assert all("join_code" not in g for g in body["results"])


def test_a_member_lists_the_private_groups_they_belong_to(cast, api) -> None:
    response = api(cast.member).get(GROUPS)
    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert names(response) == {"Open Reading Group", "Other Group", "Secret Circle"}
    secret = next(g for g in response.json()["results"] if g["name"] == "Secret Circle")
    assert secret["is_member"] is True
    assert secret["role"] == "member"
    assert secret["visibility"] == "private"
    assert secret["member_count"] == 2
    assert "join_code" not in secret


def test_an_outsider_never_lists_the_private_group(cast, api) -> None:
    for user in (cast.outsider, cast.other_facilitator):
        response = api(user).get(GROUPS)
        assert response.status_code == 200
        assert response.json()["count"] == 2
        assert "Secret Circle" not in names(response)


def test_a_facilitator_sees_the_join_code_in_the_list(cast, api) -> None:
    results = api(cast.facilitator).get(GROUPS).json()["results"]
    by_name = {g["name"]: g for g in results}
    assert by_name["Secret Circle"]["join_code"] == cast.private.join_code
    assert by_name["Open Reading Group"]["role"] == "facilitator"
    assert "join_code" not in by_name["Other Group"]


def test_the_group_list_is_paginated_with_page_numbers(cast, api) -> None:
    response = api().get(GROUPS, {"page": 2})
    assert response.status_code == 404  # two groups fit on page 1
    first = api().get(GROUPS, {"page": 1}).json()
    assert first["count"] == 2 and len(first["results"]) == 2


# --- create -----------------------------------------------------------------------------------------


def test_creating_a_group_makes_the_creator_its_facilitator(cast, api) -> None:
    response = api(cast.outsider).post(
        GROUPS,
        {"name": "Otto's Seminar", "description": "Mondays", "visibility": "private"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Otto's Seminar"
    assert body["description"] == "Mondays"
    assert body["visibility"] == "private"
    assert body["role"] == "facilitator"
    assert body["is_member"] is True
    assert body["member_count"] == 1
    assert body["ratings_open"] is True
    group = DiscussionGroup.objects.get(slug=body["slug"])
    assert body["join_code"] == group.join_code
    assert role_of(group, cast.outsider) == "facilitator"


def test_a_member_and_an_outsider_do_not_see_the_join_code(cast, api) -> None:
    for user, group in (
        (cast.member, cast.public),
        (cast.member, cast.private),
        (cast.outsider, cast.public),
        (None, cast.public),
    ):
        response = api(user).get(detail(group))
        assert response.status_code == 200
        assert "join_code" not in response.json()
    assert api(cast.facilitator).get(detail(cast.private)).json()["join_code"] == (
        cast.private.join_code
    )


def test_a_group_named_like_another_gets_its_own_slug(cast, api) -> None:
    response = api(cast.outsider).post(
        GROUPS, {"name": "Open Reading Group", "visibility": "public"}, format="json"
    )
    assert response.status_code == 201
    slug = response.json()["slug"]
    assert slug != cast.public.slug
    assert slug.startswith("open-reading-group-")
    assert api(cast.outsider).get(f"{GROUPS}{slug}/").json()["role"] == "facilitator"
    assert api(cast.outsider).get(detail(cast.public)).json()["role"] is None


def test_it_refuses_to_create_a_group_without_a_name(cast, api) -> None:
    response = api(cast.outsider).post(GROUPS, {"visibility": "public"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()


def test_it_refuses_to_create_a_group_with_an_unknown_visibility(cast, api) -> None:
    before = DiscussionGroup.objects.count()
    response = api(cast.outsider).post(
        GROUPS, {"name": "Half-open", "visibility": "secret"}, format="json"
    )
    assert response.status_code == 400
    assert "visibility" in response.json()
    assert DiscussionGroup.objects.count() == before


def test_an_anonymous_caller_cannot_create_a_group(cast, api) -> None:
    before = DiscussionGroup.objects.count()
    response = api().post(GROUPS, {"name": "Drive-by", "visibility": "public"}, format="json")
    assert response.status_code == 401
    assert DiscussionGroup.objects.count() == before


# --- retrieve ---------------------------------------------------------------------------------------


def test_anyone_can_read_a_public_group(cast, api) -> None:
    response = api().get(detail(cast.public))
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == cast.public.slug
    assert body["member_count"] == 2
    assert body["is_member"] is False
    assert body["role"] is None


@pytest.mark.parametrize("who", [None, "outsider", "other_facilitator"])
def test_a_private_group_is_not_found_for_those_outside_it(cast, api, who) -> None:
    user = getattr(cast, who) if who else None
    response = api(user).get(detail(cast.private))
    assert response.status_code == 404
    assert response.json() == {"detail": "No such group."}


def test_a_member_reads_the_private_group(cast, api) -> None:
    response = api(cast.member).get(detail(cast.private))
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Secret Circle"
    assert body["is_member"] is True
    assert body["role"] == "member"


def test_an_unknown_group_is_not_found(cast, api) -> None:
    response = api(cast.member).get(f"{GROUPS}no-such-group/")
    assert response.status_code == 404
    assert "detail" in response.json()


# --- PATCH ------------------------------------------------------------------------------------------


def test_a_facilitator_renames_closes_and_hides_a_group(cast, api) -> None:
    response = api(cast.facilitator).patch(
        detail(cast.public),
        {"name": "Closed Reading Group", "ratings_open": False, "visibility": "private"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Closed Reading Group"
    assert body["ratings_open"] is False
    assert body["visibility"] == "private"
    assert body["slug"] == cast.public.slug
    cast.public.refresh_from_db()
    assert (cast.public.name, cast.public.ratings_open, cast.public.visibility) == (
        "Closed Reading Group",
        False,
        "private",
    )
    # Now private: invisible to those outside it.
    assert api().get(detail(cast.public)).status_code == 404
    assert api(cast.outsider).get(detail(cast.public)).status_code == 404


def test_a_facilitator_changes_only_the_fields_sent(cast, api) -> None:
    response = api(cast.facilitator).patch(
        detail(cast.private), {"description": "We meet at noon."}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "We meet at noon."
    assert body["name"] == "Secret Circle"
    assert body["visibility"] == "private"
    assert body["ratings_open"] is True


@pytest.mark.parametrize("group_name", ["public", "private"])
def test_a_member_may_not_change_a_group(cast, api, group_name) -> None:
    group = getattr(cast, group_name)
    response = api(cast.member).patch(detail(group), {"name": "Mine now"}, format="json")
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.name != "Mine now"


@pytest.mark.parametrize("who", ["outsider", "other_facilitator"])
def test_an_outsider_gets_403_on_a_public_group_and_404_on_a_private_one(cast, api, who) -> None:
    client = api(getattr(cast, who))
    assert client.patch(detail(cast.public), {"name": "X"}, format="json").status_code == 403
    assert client.patch(detail(cast.private), {"name": "X"}, format="json").status_code == 404
    cast.public.refresh_from_db()
    assert cast.public.name == "Open Reading Group"


@pytest.mark.parametrize("group_name", ["public", "private"])
def test_an_anonymous_caller_cannot_change_a_group(cast, api, group_name) -> None:
    response = api().patch(detail(getattr(cast, group_name)), {"name": "X"}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("value", ["yes", "true", 1, None])
def test_it_refuses_a_ratings_open_that_is_not_a_json_boolean(cast, api, value) -> None:
    response = api(cast.facilitator).patch(
        detail(cast.public), {"ratings_open": value}, format="json"
    )
    assert response.status_code == 400
    assert "ratings_open" in response.json()
    cast.public.refresh_from_db()
    assert cast.public.ratings_open is True


def test_it_refuses_an_unknown_visibility_on_patch(cast, api) -> None:
    response = api(cast.facilitator).patch(
        detail(cast.public), {"visibility": "hidden"}, format="json"
    )
    assert response.status_code == 400
    assert "visibility" in response.json()
    cast.public.refresh_from_db()
    assert cast.public.visibility == "public"


# --- join -------------------------------------------------------------------------------------------


def test_an_outsider_joins_a_public_group_without_a_code(cast, api) -> None:
    response = api(cast.outsider).post(join_url(cast.public), {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["is_member"] is True
    assert body["role"] == "member"
    assert body["member_count"] == 3
    assert "join_code" not in body
    assert role_of(cast.public, cast.outsider) == "member"


def test_joining_twice_is_harmless(cast, api) -> None:
    client = api(cast.outsider)
    first = client.post(join_url(cast.public), {}, format="json")
    second = client.post(join_url(cast.public), {}, format="json")
    assert first.status_code == second.status_code == 200
    assert second.json()["member_count"] == first.json()["member_count"] == 3
    assert Membership.objects.filter(group=cast.public, user=cast.outsider).count() == 1


def test_a_facilitator_joining_again_stays_facilitator(cast, api) -> None:
    response = api(cast.facilitator).post(join_url(cast.public), {}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "facilitator"
    assert response.json()["member_count"] == 2


def test_an_outsider_joins_a_private_group_with_its_code(cast, api) -> None:
    response = api(cast.outsider).post(
        join_url(cast.private), {"join_code": cast.private.join_code}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["is_member"] is True
    assert body["role"] == "member"
    assert body["visibility"] == "private"
    assert api(cast.outsider).get(detail(cast.private)).status_code == 200


@pytest.mark.parametrize("body", [{"join_code": "wrong-code"}, {"join_code": ""}, {}])
def test_a_wrong_or_missing_code_does_not_reveal_a_private_group(cast, api, body) -> None:
    response = api(cast.outsider).post(join_url(cast.private), body, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such group."}
    assert role_of(cast.private, cast.outsider) is None


def test_joining_an_unknown_group_is_not_found(cast, api) -> None:
    response = api(cast.outsider).post(f"{GROUPS}no-such-group/join/", {}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("group_name", ["public", "private"])
def test_an_anonymous_caller_cannot_join(cast, api, group_name) -> None:
    group = getattr(cast, group_name)
    response = api().post(join_url(group), {"join_code": group.join_code}, format="json")
    assert response.status_code == 401


# --- leave ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("group_name", ["public", "private"])
def test_a_member_leaves_a_group(cast, api, group_name) -> None:
    group = getattr(cast, group_name)
    response = api(cast.member).post(leave_url(group))
    assert response.status_code == 204
    assert role_of(group, cast.member) is None
    if group.is_public:
        after = api(cast.member).get(detail(group))
        assert after.status_code == 200
        assert after.json()["is_member"] is False
        assert after.json()["member_count"] == 1
    else:
        assert api(cast.member).get(detail(group)).status_code == 404


def test_the_only_facilitator_cannot_leave(cast, api) -> None:
    response = api(cast.facilitator).post(leave_url(cast.public))
    assert response.status_code == 409
    assert "detail" in response.json()
    assert role_of(cast.public, cast.facilitator) == "facilitator"


def test_a_facilitator_may_leave_once_another_is_promoted(cast, api) -> None:
    promote = api(cast.facilitator).patch(
        role_url(cast.public, "mo"), {"role": "facilitator"}, format="json"
    )
    assert promote.status_code == 200
    response = api(cast.facilitator).post(leave_url(cast.public))
    assert response.status_code == 204
    assert role_of(cast.public, cast.facilitator) is None
    assert role_of(cast.public, cast.member) == "facilitator"


def test_an_outsider_leaving_a_private_group_gets_404(cast, api) -> None:
    response = api(cast.outsider).post(leave_url(cast.private))
    assert response.status_code == 404


def test_an_anonymous_caller_cannot_leave(cast, api) -> None:
    assert api().post(leave_url(cast.public)).status_code == 401


# --- members and roles ------------------------------------------------------------------------------


@pytest.mark.parametrize("group_name", ["public", "private"])
def test_a_member_lists_the_members_and_their_roles(cast, api, group_name) -> None:
    response = api(cast.member).get(members_url(getattr(cast, group_name)))
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert {(m["username"], m["role"]) for m in body["results"]} == {
        ("fay", "facilitator"),
        ("mo", "member"),
    }


@pytest.mark.parametrize("who", ["outsider", "other_facilitator"])
def test_an_outsider_may_not_list_members(cast, api, who) -> None:
    client = api(getattr(cast, who))
    assert client.get(members_url(cast.public)).status_code == 403
    assert client.get(members_url(cast.private)).status_code == 404


def test_an_anonymous_caller_may_not_list_members(cast, api) -> None:
    assert api().get(members_url(cast.public)).status_code == 401


def test_a_facilitator_promotes_a_member(cast, api) -> None:
    response = api(cast.facilitator).patch(
        role_url(cast.private, "mo"), {"role": "facilitator"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["username"] == "mo"
    assert response.json()["role"] == "facilitator"
    assert role_of(cast.private, cast.member) == "facilitator"
    # A facilitator now: the join code is theirs to see.
    assert api(cast.member).get(detail(cast.private)).json()["join_code"] == (
        cast.private.join_code
    )


def test_a_member_may_not_change_roles(cast, api) -> None:
    response = api(cast.member).patch(
        role_url(cast.public, "mo"), {"role": "facilitator"}, format="json"
    )
    assert response.status_code == 403
    assert role_of(cast.public, cast.member) == "member"


def test_an_outsider_changing_roles_gets_403_on_public_and_404_on_private(cast, api) -> None:
    client = api(cast.other_facilitator)
    body = {"role": "member"}
    assert client.patch(role_url(cast.public, "fay"), body, format="json").status_code == 403
    assert client.patch(role_url(cast.private, "fay"), body, format="json").status_code == 404
    assert role_of(cast.public, cast.facilitator) == "facilitator"


def test_an_anonymous_caller_may_not_change_roles(cast, api) -> None:
    response = api().patch(role_url(cast.public, "mo"), {"role": "facilitator"}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("body", [{"role": "owner"}, {"role": ""}, {"role": None}, {}])
def test_it_refuses_an_unknown_role(cast, api, body) -> None:
    response = api(cast.facilitator).patch(role_url(cast.public, "mo"), body, format="json")
    assert response.status_code == 400
    assert "role" in response.json()
    assert role_of(cast.public, cast.member) == "member"


@pytest.mark.parametrize("username", ["otto", "nobody"])
def test_changing_the_role_of_a_non_member_is_not_found(cast, api, username) -> None:
    response = api(cast.facilitator).patch(
        role_url(cast.public, username), {"role": "facilitator"}, format="json"
    )
    assert response.status_code == 404
    assert role_of(cast.public, cast.outsider) is None


def test_the_last_facilitator_cannot_step_down(cast, api) -> None:
    response = api(cast.facilitator).patch(
        role_url(cast.public, "fay"), {"role": "member"}, format="json"
    )
    assert response.status_code == 409
    assert "detail" in response.json()
    assert role_of(cast.public, cast.facilitator) == "facilitator"


def test_a_facilitator_steps_down_once_there_is_another(cast, api) -> None:
    client = api(cast.facilitator)
    client.patch(role_url(cast.public, "mo"), {"role": "facilitator"}, format="json")
    response = client.patch(role_url(cast.public, "fay"), {"role": "member"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "member"
    # No longer a facilitator: the next change is refused.
    again = client.patch(role_url(cast.public, "mo"), {"role": "member"}, format="json")
    assert again.status_code == 403
