"""Where a rater's scores count, said where they rate (issue 20 item 8): a visitor who rates in
a group whose ratings stay out of the global ranking is told so on the rate page, and one whose
ratings count there is told nothing."""

import pytest
from django.test import Client

from groups.services import group_listing_decide, group_update, membership_join

pytestmark = pytest.mark.django_db


def rate_page(user, group) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/groups/{group.slug}/rate/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_invited_member_of_a_listed_group_is_told_nothing(cast) -> None:
    assert "counts-where" not in rate_page(cast.member, cast.public)


def test_a_member_who_joined_from_the_list_is_told_their_ratings_count_in_the_group_only(
    cast,
) -> None:
    membership_join(group=cast.public, user=cast.outsider)  # from the list, not the invitation
    page = rate_page(cast.outsider, cast.public)
    assert "You joined this group from the list of groups" in page
    assert "count in its own ranking only" in page


def test_an_unlisted_a_hiding_and_a_private_group_each_say_why(cast) -> None:
    group_listing_decide(group=cast.public, listed=False)
    assert "not listed by staff yet" in rate_page(cast.member, cast.public)
    group_listing_decide(group=cast.public, listed=True)
    group_update(group=cast.public, results_hidden=True)
    assert "only once the facilitator reveals them" in rate_page(cast.member, cast.public)
    assert "This is a private group" in rate_page(cast.member, cast.private)
