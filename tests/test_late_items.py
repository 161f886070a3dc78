"""Late items get seen (issue 22 item 3): on the rate page "new since you last rated" comes
first, and the earlier raters of every group on the list are told in "For you" (the app's
notifications: accounts.selectors.for_you). The whole path of a proposal too: propose, hint,
moderate, accept, in every group, raters told, the proposer told the decision."""

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from groups.services import group_create, membership_join
from tests.factories import rate
from theories.items import ItemText
from theories.models import Longlist
from theories.services import longlist_create, longlist_item_add, longlist_update


def a_list(owner: Any) -> Longlist:
    return longlist_create(
        user=owner,
        title="Agenda",
        visibility="public",
        items=[ItemText(title=t) for t in ("Alpha", "Beta", "Gamma", "Delta")],
    )


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rate_order(user: Any, group: Any) -> list[str]:
    """The item titles of the rate page, in the order the page shows them."""
    html = client_of(user).get(reverse("group_rate", args=[group.slug])).content.decode()
    return re.findall(
        r'<legend>(?:<span class="badge new">[^<]*</span> )?\d+\. ([^<]+)</legend>', html
    )


def test_new_items_come_first_on_the_rate_page_until_rated(cast) -> None:
    longlist = a_list(cast.facilitator)
    group = group_create(user=cast.facilitator, name="Agenda circle", longlist=longlist)
    membership_join(group=group, user=cast.member, via_invite=True)
    rate(cast.member, {1: 5, 2: 6}, group=group)
    assert rate_order(cast.member, group) == ["Alpha", "Beta", "Gamma", "Delta"]
    epsilon = longlist_item_add(longlist=longlist, by=cast.facilitator, title="Epsilon")
    zeta = longlist_item_add(longlist=longlist, by=cast.facilitator, title="Zeta")
    # If new items stop being shown first, this fails (All Our Ideas and Polis lost it silently).
    assert rate_order(cast.member, group) == ["Epsilon", "Zeta", "Alpha", "Beta", "Gamma", "Delta"]
    html = client_of(cast.member).get(reverse("group_rate", args=[group.slug])).content.decode()
    assert "2 new items since you last rated" in html
    assert html.count("New since you last rated") == 2
    # Someone who had not rated before the items came sees the list in number order.
    assert rate_order(cast.facilitator, group)[:2] == ["Alpha", "Beta"]
    # Rated, an item is no longer new; the other one still is.
    rate(cast.member, {epsilon: 8}, group=group)
    assert rate_order(cast.member, group) == ["Zeta", "Alpha", "Beta", "Gamma", "Delta", "Epsilon"]
    rate(cast.member, {zeta: 3}, group=group)
    assert rate_order(cast.member, group)[0] == "Alpha"


def test_the_whole_path_of_a_proposal_reaches_every_group_and_tells_its_raters(cast, api) -> None:
    longlist = longlist_update(longlist=a_list(cast.facilitator), proposals="moderated")
    groups = [
        group_create(user=cast.facilitator, name=f"Agenda {n}", longlist=longlist) for n in (1, 2)
    ]
    for group in groups:
        membership_join(group=group, user=cast.member, via_invite=True)
    rate(cast.member, {1: 4, 2: 5}, group=groups[0])
    rate(cast.member, {3: 6}, group=groups[1])
    # The hint while typing, then the proposal.
    hint = client_of(cast.outsider).get(
        reverse("list_similar", args=[longlist.slug]), {"q": "Alphas"}
    )
    assert hint.json()["similar"][0]["label"] == "1. Alpha"
    made = api(cast.outsider).post(
        f"/api/v1/longlists/{longlist.slug}/proposals/",
        {"title": "Omega", "why": "Last."},
        format="json",
    )
    assert made.status_code == 201 and made.json()["status"] == "pending"
    # Nothing yet for the raters.
    assert "Omega" not in client_of(cast.member).get(reverse("for_you")).content.decode()
    decided = api(cast.facilitator).post(
        f"/api/v1/longlists/{longlist.slug}/proposals/{made.json()['id']}/decide/",
        {"decision": "accept", "reason": "Yes."},
        format="json",
    )
    assert decided.status_code == 200
    for group in groups:
        page = client_of(cast.member).get(reverse("group_rate", args=[group.slug])).content.decode()
        assert "1 new item since you last rated" in page, group.name
        assert rate_order(cast.member, group)[0] == "Omega"
        mine = api(cast.member).get(f"/api/v1/groups/{group.slug}/ratings/mine/").json()
        assert decided.json()["item"] in mine["unrated"]
    # "For you" tells the earlier rater of the new item, and the proposer of the decision.
    told = client_of(cast.member).get(reverse("for_you")).content.decode()
    assert "New in “Agenda”: 5. Omega" in told
    heard = client_of(cast.outsider).get(reverse("for_you")).content.decode()
    assert "Your proposal “Omega” for “Agenda” was accepted as item 5: Yes." in heard
    # A member who never rated is not told (there is nothing "since").
    never = client_of(cast.facilitator).get(reverse("for_you")).content.decode()
    assert "Omega" not in never
