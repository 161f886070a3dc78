"""Issue 23, item 2: a room nobody can flood. The group's size (its facilitator sets it; 100 by
default) bounds every way in, and "approve newcomers" makes whoever joins wait in a queue the
facilitator clears on "Run the group"; until let in they cannot rate (groups/services/newcomers.py)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from groups.access import WAITING
from groups.guest_auth import COOKIE_NAME
from groups.models import DiscussionGroup, GuestToken, JoinRequest, Membership, Participant
from groups.services import group_update

from .conftest import PASSWORD, api_client
from .test_pages import logged_in, text

REGISTER = "/api/v1/auth/register/"


def guests_url(group: DiscussionGroup) -> str:
    return f"/api/v1/groups/{group.slug}/guests/"


def invite_url(group: DiscussionGroup) -> str:
    return f"/groups/{group.slug}/invite/{group.join_code}/"


def join_as_guest(group: DiscussionGroup, name: str):
    return APIClient().post(
        guests_url(group), {"join_code": group.join_code, "name": name}, format="json"
    )


def rate(client: APIClient, group: DiscussionGroup, theory_id: int):
    return client.put(
        f"/api/v1/groups/{group.slug}/ratings/mine/",
        {"ratings": [{"theory": theory_id, "score": 7}]},
        format="json",
    )


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_new_group_takes_a_hundred_people_and_lets_everyone_in(cast) -> None:
    assert cast.private.max_members == 100
    assert cast.private.approve_newcomers is False
    item = api_client(cast.facilitator).get(f"/api/v1/groups/{cast.private.slug}/").json()
    assert item["max_members"] == 100 and item["approve_newcomers"] is False


def test_a_full_group_refuses_every_way_in_with_a_409_and_a_message(cast, make_user) -> None:
    group_update(group=cast.private, max_members=3)  # fay and mo are in: one place left
    assert join_as_guest(cast.private, "Third").status_code == 201
    full = f"“{cast.private.name}” is full: it takes 3 people."
    # A guest over the API, a sign-up with the invitation (no account is made), a guest on the
    # invite page, an account on the invite page, an account joining over the API.
    refused = join_as_guest(cast.private, "Fourth")
    assert refused.status_code == 409 and full in refused.json()["detail"]
    body = {"username": "late", "password": PASSWORD, "group": cast.private.slug}
    registered = APIClient().post(
        REGISTER, {**body, "join_code": cast.private.join_code}, format="json"
    )
    assert registered.status_code == 409 and full in registered.json()["detail"]
    assert not User.objects.filter(username="late").exists()
    page = Client().post(invite_url(cast.private), {"action": "guest", "name": "Fifth"})
    assert page.status_code == 409 and full in text(page)
    account = logged_in(cast.outsider)
    joined = account.post(invite_url(cast.private), {"action": "join"})
    assert joined.status_code == 409 and full in text(joined)
    api = api_client(cast.outsider).post(
        f"/api/v1/groups/{cast.private.slug}/join/",
        {"join_code": cast.private.join_code},
        format="json",
    )
    assert api.status_code == 409 and full in api.json()["detail"]
    assert Membership.objects.filter(group=cast.private).count() == 3
    # The public group's join button says so too.
    group_update(group=cast.public, max_members=2)
    button = logged_in(cast.outsider).post(f"/groups/{cast.public.slug}/join/", follow=True)
    assert "is full: it takes 2 people." in text(button)
    assert not Membership.objects.filter(group=cast.public, user=cast.outsider).exists()


def test_members_already_in_are_never_refused_by_the_size(cast) -> None:
    group_update(group=cast.private, max_members=2)
    again = api_client(cast.member).post(
        f"/api/v1/groups/{cast.private.slug}/join/",
        {"join_code": cast.private.join_code},
        format="json",
    )
    assert again.status_code == 200 and again.json()["is_member"] is True


def test_a_newcomer_waits_and_cannot_rate_until_the_facilitator_lets_them_in(
    cast, theories
) -> None:
    group_update(group=cast.private, approve_newcomers=True)
    guest = join_as_guest(cast.private, "Gwen")
    assert guest.status_code == 201 and guest.json()["pending"] is True
    gwen = token_client(guest.json()["token"])
    refused = rate(gwen, cast.private, theories[0].pk)
    assert refused.status_code == 403 and refused.json() == {"detail": WAITING}
    joined = api_client(cast.outsider).post(
        f"/api/v1/groups/{cast.private.slug}/join/",
        {"join_code": cast.private.join_code},
        format="json",
    )
    assert joined.status_code == 202
    assert joined.json()["pending"] is True and joined.json()["is_member"] is False
    assert rate(api_client(cast.outsider), cast.private, theories[0].pk).status_code == 403
    # The private group stays closed to them, with the reason (not a 404: they asked to join).
    page = logged_in(cast.outsider).get(f"/groups/{cast.private.slug}/")
    assert page.status_code == 403 and "waits for a facilitator's approval" in text(page)
    # The facilitator sees the queue on "Run the group" and lets Gwen in, declines otto.
    fay = logged_in(cast.facilitator)
    run = text(fay.get(f"/groups/{cast.private.slug}/facilitate/"))
    assert "Waiting for approval" in run and "Gwen" in run and "otto" in run
    gwen_account = Participant.objects.get(group=cast.private, name="Gwen").user
    decide = f"/groups/{cast.private.slug}/newcomers/"
    let_in = fay.post(decide, {"username": gwen_account.username, "decision": "approve"})
    assert "Gwen is in: they can rate now." in text(fay.get(let_in["Location"]))
    assert rate(gwen, cast.private, theories[0].pk).status_code == 200
    declined = fay.post(decide, {"username": "otto", "decision": "decline"})
    assert "Declined otto." in text(fay.get(declined["Location"]))
    assert not JoinRequest.objects.filter(group=cast.private).exists()
    assert not Membership.objects.filter(group=cast.private, user=cast.outsider).exists()
    # Nobody waiting under that name: a message, nothing changes.
    again = fay.post(decide, {"username": "otto", "decision": "approve"})
    assert "Choose a newcomer who is waiting" in text(fay.get(again["Location"]))
    assert not Membership.objects.filter(group=cast.private, user=cast.outsider).exists()


def test_a_declined_guest_is_locked_out_and_its_name_is_free_again(cast, theories) -> None:
    group_update(group=cast.private, approve_newcomers=True)
    client = Client()
    joined = client.post(invite_url(cast.private), {"action": "guest", "name": "Gwen"})
    assert joined.status_code == 302 and joined["Location"] == invite_url(cast.private)
    assert COOKIE_NAME in joined.cookies
    waiting = text(client.get(joined["Location"]))
    assert "waits for a facilitator's approval" in waiting
    assert client.get(f"/groups/{cast.private.slug}/rate/").status_code == 403
    token = GuestToken.objects.get(participant__name="Gwen")
    fay = logged_in(cast.facilitator)
    fay.post(
        f"/groups/{cast.private.slug}/newcomers/",
        {"username": token.participant.user.username, "decision": "decline"},
    )
    assert rate(token_client(token.key), cast.private, theories[0].pk).status_code == 401
    assert client.get(f"/groups/{cast.private.slug}/rate/").status_code == 302  # nobody now
    assert join_as_guest(cast.private, "Gwen").status_code == 201


def test_a_sign_up_with_the_invitation_waits_too(cast) -> None:
    group_update(group=cast.private, approve_newcomers=True)
    body = {"username": "newbie", "password": PASSWORD, "group": cast.private.slug}
    answer = APIClient().post(
        REGISTER, {**body, "join_code": cast.private.join_code}, format="json"
    )
    assert answer.status_code == 201 and answer.json()["pending"] is True
    assert JoinRequest.objects.filter(group=cast.private, user__username="newbie").exists()
    client = Client()
    client.get(invite_url(cast.private))
    page = client.post(
        "/accounts/signup/",
        {"username": "newbie2", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    assert "You asked to join “Secret Circle”." in text(page)
    assert not Membership.objects.filter(group=cast.private, user__username="newbie2").exists()


def test_the_facilitator_sets_the_size_and_the_switch_on_the_page_and_by_patch(cast) -> None:
    fay = logged_in(cast.facilitator)
    url = f"/groups/{cast.private.slug}/facilitate/"
    form = {
        "name": cast.private.name,
        "description": "",
        "visibility": "private",
        "ratings_open": "on",
        "results_hidden": "",
        "max_members": "30",
        "approve_newcomers": "on",
    }
    assert fay.post(url, form).status_code == 302
    cast.private.refresh_from_db()
    assert (cast.private.max_members, cast.private.approve_newcomers) == (30, True)
    for bad in ("1", "10001", "many"):
        refused = fay.post(url, {**form, "max_members": bad})
        assert refused.status_code == 400, bad
    assert "A group takes from 2 to 10,000 people." in text(
        fay.post(url, {**form, "max_members": "1"})
    )
    api = api_client(cast.facilitator)
    patch = api.patch(f"/api/v1/groups/{cast.private.slug}/", {"max_members": 1}, format="json")
    assert patch.status_code == 400 and "max_members" in patch.json()
    ok = api.patch(
        f"/api/v1/groups/{cast.private.slug}/",
        {"max_members": 60, "approve_newcomers": False},
        format="json",
    )
    assert ok.status_code == 200
    assert ok.json()["max_members"] == 60 and ok.json()["approve_newcomers"] is False
    member = api_client(cast.member).patch(
        f"/api/v1/groups/{cast.private.slug}/", {"max_members": 500}, format="json"
    )
    assert member.status_code == 403


@pytest.mark.parametrize("size", [2, 3])
def test_the_database_refuses_a_size_out_of_range(cast, size: int) -> None:
    from django.db import IntegrityError, transaction

    DiscussionGroup.objects.filter(pk=cast.private.pk).update(max_members=size)  # fine
    with pytest.raises(IntegrityError), transaction.atomic():
        DiscussionGroup.objects.filter(pk=cast.private.pk).update(max_members=1)
