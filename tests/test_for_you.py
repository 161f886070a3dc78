"""The "for you" list (issue 20 item 9): replies to my comments, a round opened in my group, a
new item in a list I rated; with an unread count in the header that opening the list clears."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.selectors import for_you
from discussion.services import comment_create
from groups.services import membership_join, membership_leave
from ratings.services.rounds import round_open_next
from tests.factories import rate
from theories.services import longlist_default_get, longlist_item_add

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_cached_counts():
    cache.clear()


def header_count(user) -> int | None:
    client = Client()
    client.force_login(user)
    html = client.get("/groups/").content.decode()
    found = re.search(r'For you <span class="badge" aria-label="(\d+) new">', html)
    return int(found.group(1)) if found else None


def open_list(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/accounts/for-you/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_reply_to_my_comment_reaches_me_and_reading_it_clears_the_count(cast, theories) -> None:
    mine = comment_create(author=cast.member, theory=theories[0], group=None, body="Mine.")
    comment_create(
        author=cast.outsider, theory=theories[0], group=None, body="A reply.", parent_id=mine.pk
    )
    comment_create(author=cast.member, theory=theories[0], group=None, body="Me, to myself.",
                   parent_id=mine.pk)  # fmt: skip
    assert header_count(cast.member) == 1
    page = open_list(cast.member)
    assert "otto replied to your comment on" in page
    assert "#c-" in page and "Me, to myself" not in page
    assert header_count(cast.member) is None  # read: no count
    assert 'class="for-you-reply"' in open_list(cast.member)  # still listed, no longer new


def test_a_round_opened_by_the_facilitator_tells_the_members_not_the_facilitator(
    cast, theories
) -> None:
    round_open_next(group=cast.public, user=cast.facilitator)
    assert [e.kind for e in for_you(user=cast.member)] == ["round"]
    assert "Round 2 opened in Open Reading Group" in open_list(cast.member)
    assert for_you(user=cast.facilitator) == []


def test_an_item_added_after_i_rated_the_list_reaches_me(cast, theories) -> None:
    rate(cast.member, {theories[0]: 7}, group=cast.public)
    item = longlist_item_add(
        longlist=longlist_default_get(), by=cast.facilitator, title="A twenty-first theory"
    )
    entries = for_you(user=cast.member)
    assert [(e.kind, e.url) for e in entries] == [("item", f"/theories/{item.slug}/")]
    assert for_you(user=cast.outsider) == []  # never rated it


def test_a_reply_in_a_group_thread_stays_in_the_group(cast, theories) -> None:
    mine = comment_create(author=cast.member, theory=theories[0], group=cast.private, body="In.")
    comment_create(
        author=cast.facilitator, theory=theories[0], group=cast.private, body="Re.",
        parent_id=mine.pk,
    )  # fmt: skip
    assert [e.kind for e in for_you(user=cast.member)] == ["reply"]
    membership_leave(group=cast.private, user=cast.member)
    assert for_you(user=cast.member) == []  # no longer a member: not told what is said there


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    response = Client().get("/accounts/for-you/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_decision_on_a_private_lists_proposal_is_told_only_while_the_list_is_visible(
    cast, theories
) -> None:
    from groups.services import group_create
    from theories.items import ItemText
    from theories.proposals import proposal_create, proposal_decide
    from theories.services import longlist_create, longlist_update

    longlist = longlist_create(
        user=cast.facilitator,
        title="Our own list",
        visibility="private",
        items=[ItemText(title=t, summary="") for t in ("One", "Two")],
    )
    longlist = longlist_update(longlist=longlist, proposals="moderated")
    circle = group_create(
        user=cast.facilitator, name="Circle", visibility="private", longlist=longlist
    )
    membership_join(group=circle, user=cast.member, via_invite=True)
    proposal, _ = proposal_create(longlist=longlist, user=cast.member, title="Three")
    proposal_decide(proposal=proposal, by=cast.facilitator, decision="reject", reason="No.")
    assert [e.kind for e in for_you(user=cast.member)] == ["proposal"]
    membership_leave(group=circle, user=cast.member)
    assert for_you(user=cast.member) == []  # the list is no longer theirs to see
