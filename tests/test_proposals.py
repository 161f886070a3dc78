"""Proposals (issue 22 item 1): anyone signed in who may see a list proposes an item while its
owner allows it; the hint of items and pending proposals worded alike; the owner's queue, the
decision and its reason; the duplicate and spam guards; an accepted item in every group."""

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from groups.services import group_create, membership_join
from ratings.models import Rating
from tests.factories import rate
from theories.items import ItemText
from theories.models import Longlist, Proposal, Theory
from theories.proposals import proposal_create
from theories.services import longlist_create, longlist_update
from theories.similar import longlist_similar

TITLES = ["Auditing", "Norm setting", "Microscope AI", "Enabling regulation", "Cultural shift"]


def a_list(owner: Any, *, proposals: str = "moderated", visibility: str = "public") -> Longlist:
    longlist = longlist_create(
        user=owner,
        title="Reading list",
        visibility=visibility,
        items=[ItemText(title=t, summary=f"About {t}.") for t in TITLES],
    )
    return longlist_update(longlist=longlist, proposals=proposals)


def url(longlist: Longlist, tail: str = "proposals/") -> str:
    return f"/api/v1/longlists/{longlist.slug}/{tail}"


# --- proposing --------------------------------------------------------------------------------------


def test_a_closed_list_refuses_proposals_with_403(cast, api) -> None:
    longlist = a_list(cast.facilitator, proposals="closed")
    response = api(cast.member).post(url(longlist), {"title": "Something new"}, format="json")
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_anonymous_callers_are_401_and_a_private_list_is_404_to_outsiders(cast, api) -> None:
    longlist = a_list(cast.facilitator, visibility="private")
    assert api().post(url(longlist), {"title": "X"}, format="json").status_code == 401
    assert api(cast.outsider).post(url(longlist), {"title": "X"}, format="json").status_code == 404
    assert api(cast.outsider).get(url(longlist)).status_code == 404


def test_a_moderated_proposal_waits_and_names_the_items_worded_alike(cast, api) -> None:
    longlist = a_list(cast.facilitator)
    body = {"title": "Auditing models", "summary": "Check them.", "why": "Missing."}
    response = api(cast.member).post(url(longlist), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "pending" and data["proposer"] == "mo" and data["item"] is None
    auditing = longlist.items.get(title="Auditing")
    assert data["similar"][0] == {
        "id": auditing.pk,
        "title": "Auditing",
        "kind": "item",
        "number": 1,
    }
    assert "Norm setting" not in [s["title"] for s in data["similar"]]
    assert longlist.items.count() == 5  # nothing added yet
    # A second proposal worded like the first sees it among the similar ones.
    again = api(cast.outsider).post(url(longlist), {"title": "Auditing model"}, format="json")
    kinds = {(s["kind"], s["title"]) for s in again.json()["similar"]}
    assert ("proposal", "Auditing models") in kinds and ("item", "Auditing") in kinds


def test_an_open_list_adds_the_proposed_item_at_once(cast, api) -> None:
    longlist = a_list(cast.facilitator, proposals="open")
    response = api(cast.member).post(url(longlist), {"title": "Forecasting"}, format="json")
    assert response.status_code == 201
    data = response.json()
    item = Theory.objects.get(pk=data["item"])
    assert data["status"] == "accepted" and item.number == 6 and item.title == "Forecasting"
    longlist.refresh_from_db()
    assert item.added_in == longlist.version == 2
    change = longlist.changes.first()
    assert change is not None and change.kind == "added" and change.by == cast.member


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"title": "  "}, "title", "blank"),
        ({"title": "T" * 201}, "title", "over 200"),
        ({"title": "auditing"}, "title", "already on the list"),
        ({"title": "New", "summary": "s" * 2001}, "summary", "over 2000"),
        ({"title": "New", "why": "w" * 2001}, "why", "2,000"),
    ],
)
def test_bad_proposals_are_400_naming_the_field_and_save_nothing(
    cast, api, body: dict[str, str], field: str, words: str
) -> None:
    longlist = a_list(cast.facilitator)
    response = api(cast.member).post(url(longlist), body, format="json")
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert not Proposal.objects.exists()


def test_one_pending_proposal_per_title_ignoring_case_and_spaces(cast, api) -> None:
    longlist = a_list(cast.facilitator)
    assert (
        api(cast.member).post(url(longlist), {"title": "Red teaming"}, format="json").status_code
        == 201
    )
    twin = api(cast.outsider).post(url(longlist), {"title": "red  TEAMING"}, format="json")
    assert twin.status_code == 400 and "already proposed" in twin.json()["title"][0]
    assert Proposal.objects.count() == 1
    # The database keeps the rule, whatever door a write comes through.
    first = Proposal.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.create(
            longlist=longlist,
            proposer=cast.outsider,
            title="Red teaming",
            title_key=first.title_key,
        )
    # Once decided, the title may be proposed again.
    decided = api(cast.facilitator).post(
        url(longlist, f"proposals/{first.pk}/decide/"), {"decision": "reject"}, format="json"
    )
    assert decided.status_code == 200
    assert (
        api(cast.outsider).post(url(longlist), {"title": "Red teaming"}, format="json").status_code
        == 201
    )


def test_a_person_proposes_at_most_the_daily_limit(cast, api, settings) -> None:
    settings.PROPOSALS_PER_DAY = 2
    longlist = a_list(cast.facilitator)
    for title in ("One more", "Two more"):
        assert (
            api(cast.member).post(url(longlist), {"title": title}, format="json").status_code == 201
        )
    third = api(cast.member).post(url(longlist), {"title": "Three more"}, format="json")
    assert third.status_code == 429 and "2 proposals a day" in third.json()["detail"]
    assert Proposal.objects.count() == 2
    # Someone else is not held by the member's limit.
    assert (
        api(cast.outsider).post(url(longlist), {"title": "Three more"}, format="json").status_code
        == 201
    )


# --- the hint ---------------------------------------------------------------------------------------


def test_the_hint_finds_items_and_pending_proposals_worded_alike(cast) -> None:
    longlist = a_list(cast.facilitator)
    proposal_create(longlist=longlist, user=cast.member, title="Microscope AIs for science")
    found = longlist_similar(longlist=longlist, text="microscope ai")
    assert [s.label for s in found][:2] == [
        "3. Microscope AI",
        "proposed: Microscope AIs for science",
    ]
    assert longlist_similar(longlist=longlist, text="Completely unrelated words") == []
    assert longlist_similar(longlist=longlist, text="au") == []  # too short to say


def test_the_page_hint_answers_as_json(cast) -> None:
    longlist = a_list(cast.facilitator)
    client = Client()
    client.force_login(cast.member)
    body = client.get(reverse("list_similar", args=[longlist.slug]), {"q": "Norm settings"}).json()
    assert body["similar"][0]["label"] == "2. Norm setting"


@pytest.mark.parametrize(
    "text",
    [
        "\x00",
        "[" * 4000 + "]" * 4000,
        "²",
        "%",
        "_" * 300,
        "' OR 1=1 --",
        "\u202eevil",
        "a" * 20_000,
    ],
)
def test_the_page_hint_answers_hostile_text_without_a_500(cast, text: str) -> None:
    """The route walker of tests/test_hostile_input.py cannot reach `q` (only a proposer can)."""
    longlist = a_list(cast.facilitator)
    client = Client(raise_request_exception=False)
    client.force_login(cast.member)
    response = client.get(reverse("list_similar", args=[longlist.slug]), {"q": text})
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        assert isinstance(response.json()["similar"], list)


# --- deciding ---------------------------------------------------------------------------------------


def test_accepting_appends_the_item_to_every_group_that_rates_the_list(cast, api) -> None:
    longlist = a_list(cast.facilitator)
    groups = [
        group_create(user=cast.facilitator, name=f"Circle {n}", longlist=longlist) for n in (1, 2)
    ]
    for group in groups:
        membership_join(group=group, user=cast.member, via_invite=True)
    # An item was added and retired by hand before: its number is never given again.
    longlist_item_add_and_drop(longlist, cast.facilitator)
    made = (
        api(cast.outsider)
        .post(url(longlist), {"title": "Forecasting", "why": "Gap."}, format="json")
        .json()
    )
    decided = api(cast.facilitator).post(
        url(longlist, f"proposals/{made['id']}/decide/"),
        {"decision": "accept", "reason": "Good catch."},
        format="json",
    )
    assert decided.status_code == 200, decided.content
    item = Theory.objects.get(pk=decided.json()["item"])
    assert item.number == 7 and item.status == "active"
    for group in groups:
        client = Client()
        client.force_login(cast.member)
        page = client.get(reverse("group_rate", args=[group.slug])).content.decode()
        assert "Forecasting" in page
        rate(cast.member, {item: 8}, group=group)
    assert Rating.objects.filter(theory=item).count() == 2
    # The proposer reads the decision and the reason.
    mine = api(cast.outsider).get(url(longlist)).json()["results"]
    assert [(p["status"], p["reason"], p["item"]) for p in mine] == [
        ("accepted", "Good catch.", item.pk)
    ]


def longlist_item_add_and_drop(longlist: Longlist, owner: Any) -> None:
    from theories.services import longlist_item_add

    extra = longlist_item_add(longlist=longlist, by=owner, title="Short-lived")
    Theory.objects.filter(pk=extra.pk).update(status="retired")


def test_rejecting_keeps_the_list_and_the_proposer_sees_the_reason(cast, api) -> None:
    longlist = a_list(cast.facilitator)
    made = api(cast.member).post(url(longlist), {"title": "Vibes"}, format="json").json()
    pending_other, _ = proposal_create(longlist=longlist, user=cast.outsider, title="Pending one")
    # Before the decision the owner sees both; the member their own; the outsider theirs.
    assert len(api(cast.facilitator).get(url(longlist)).json()["results"]) == 2
    assert [p["title"] for p in api(cast.member).get(url(longlist)).json()["results"]] == ["Vibes"]
    response = api(cast.facilitator).post(
        url(longlist, f"proposals/{made['id']}/decide/"),
        {"decision": "reject", "reason": "Too vague to rate."},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert longlist.items.count() == 5
    # Anyone who may see the list reads the decided ones, never someone else's pending one.
    seen = api().get(url(longlist)).json()["results"]
    assert [(p["title"], p["status"], p["reason"]) for p in seen] == [
        ("Vibes", "rejected", "Too vague to rate.")
    ]
    assert pending_other.pk not in [
        p["id"] for p in api(cast.member).get(url(longlist)).json()["results"]
    ]


def test_deciding_twice_is_409_and_only_the_owner_decides(cast, api) -> None:
    longlist = a_list(cast.facilitator)
    made = api(cast.member).post(url(longlist), {"title": "Twice"}, format="json").json()
    decide = url(longlist, f"proposals/{made['id']}/decide/")
    assert api(cast.member).post(decide, {"decision": "accept"}, format="json").status_code == 403
    assert (
        api(cast.facilitator).post(decide, {"decision": "maybe"}, format="json").status_code == 400
    )
    assert (
        api(cast.facilitator).post(decide, {"decision": "accept"}, format="json").status_code == 200
    )
    again = api(cast.facilitator).post(decide, {"decision": "reject"}, format="json")
    assert again.status_code == 409
    assert Proposal.objects.get().status == "accepted" and longlist.items.count() == 6
    assert (
        api(cast.facilitator)
        .post(url(longlist, "proposals/999999/decide/"), {"decision": "accept"}, format="json")
        .status_code
        == 404
    )


def test_accepting_a_title_now_on_the_list_is_400_and_leaves_it_pending(cast, api) -> None:
    longlist = a_list(cast.facilitator)
    made = api(cast.member).post(url(longlist), {"title": "Late idea"}, format="json").json()
    api(cast.facilitator).post(url(longlist, "items/"), {"title": "late IDEA"}, format="json")
    response = api(cast.facilitator).post(
        url(longlist, f"proposals/{made['id']}/decide/"), {"decision": "accept"}, format="json"
    )
    assert response.status_code == 400 and "already on the list" in response.json()["title"][0]
    assert Proposal.objects.get().status == "pending" and longlist.items.count() == 6


# --- the pages --------------------------------------------------------------------------------------


def test_the_pages_propose_queue_with_a_count_and_decide(cast) -> None:
    longlist = a_list(cast.facilitator)
    member, owner = Client(), Client()
    member.force_login(cast.member)
    owner.force_login(cast.facilitator)
    detail = member.get(reverse("list_detail", args=[longlist.slug])).content.decode()
    assert 'data-similar-url="' in detail and "Propose it" in detail
    response = member.post(
        reverse("list_propose", args=[longlist.slug]),
        {"title": "Auditing for deception", "why": "Narrower."},
        follow=True,
    )
    page = response.content.decode()
    assert "Proposed: the list" in page and "Similar: 1. Auditing" in page
    detail = owner.get(reverse("list_detail", args=[longlist.slug])).content.decode()
    assert "1 proposal waiting" in detail
    queue = owner.get(reverse("list_proposals", args=[longlist.slug])).content.decode()
    assert "1 waiting" in queue and "Narrower." in queue
    proposal = Proposal.objects.get()
    owner.post(
        reverse("list_proposal_decide", args=[longlist.slug, proposal.pk]),
        {"decision": "reject", "reason": "Item 1 covers it."},
    )
    seen = member.get(reverse("list_proposals", args=[longlist.slug])).content.decode()
    assert "rejected" in seen and "Item 1 covers it." in seen


def test_the_owner_opens_and_closes_proposals_on_the_list_page(cast, api) -> None:
    longlist = a_list(cast.facilitator, proposals="closed")
    owner = Client()
    owner.force_login(cast.facilitator)
    owner.post(reverse("list_settings", args=[longlist.slug]), {"proposals": "open"})
    longlist.refresh_from_db()
    assert longlist.proposals == "open"
    assert (
        owner.post(reverse("list_settings", args=[longlist.slug]), {"proposals": "x"}).status_code
        == 302
    )
    longlist.refresh_from_db()
    assert longlist.proposals == "open"
    patched = api(cast.facilitator).patch(
        url(longlist, ""), {"proposals": "moderated"}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["proposals"] == "moderated"


def test_the_owner_sees_the_waiting_proposals_counted_in_the_site_header(cast, api) -> None:
    longlist = a_list(cast.facilitator)
    owner = Client()
    owner.force_login(cast.facilitator)

    def header() -> str:
        return owner.get("/groups/").content.decode()

    assert "Proposals <span" not in header()
    api(cast.member).post(url(longlist), {"title": "Forecasting"}, format="json")
    made = api(cast.outsider).post(url(longlist), {"title": "Evals"}, format="json").json()
    page = header()
    assert 'aria-label="2 waiting">2</span>' in page
    assert f'href="/lists/{longlist.slug}/proposals/"' in page
    api(cast.facilitator).post(
        url(longlist, f"proposals/{made['id']}/decide/"), {"decision": "reject"}, format="json"
    )
    assert 'aria-label="1 waiting">1</span>' in header()
    member = Client()
    member.force_login(cast.member)
    assert "Proposals <span" not in member.get("/groups/").content.decode()  # not their list
