"""Issue 15, items 4 and 5: ratings closed (since when, by whom), the facilitator's pages (settings,
invite rotation, who has rated, removing a member, deleting the group) and their API."""

import pytest
from django.test import Client

from discussion.models import Comment
from discussion.services import comment_create
from groups.models import DiscussionGroup, Membership, Participant
from groups.services import group_update, participant_for_user
from rankings.models import Ranking, RankingRequest
from rankings.scope import Scope
from rankings.selectors import ranking_get
from rankings.services import ranking_recompute
from ratings.models import Rating, Submission
from ratings.services import RatingItem, rating_submission_create

from .test_pages import logged_in, rate_url, text


def drain_outbox() -> None:
    """Run the recomputes the outbox still owes, as the worker would: on the embedded default
    they already ran on commit (eager tasks), so this does nothing there; with Redis and no
    worker in the test, it is the worker. Group scopes first: their recompute marks the global
    ranking stale."""
    for _ in range(5):
        scopes = sorted(
            set(RankingRequest.objects.values_list("scope", flat=True)),
            key=lambda scope: scope == Scope.global_().key,
        )
        if not scopes:
            return
        for scope in scopes:
            ranking_recompute(scope=Scope.parse(scope))
    raise AssertionError("the outbox never drained")


def rate(user, group, theories, score: int, count: int = 3) -> None:
    rating_submission_create(
        participant=participant_for_user(group=group, user=user),
        items=[RatingItem(theory_id=t.id, score=score) for t in theories[:count]],
        submitted_by=user,
        source=Submission.Source.API,
    )


# --- item 4: closed ratings ------------------------------------------------------------------------


def test_the_rate_page_says_ratings_are_closed_since_when_and_by_whom_instead_of_a_form(
    cast,
) -> None:
    logged_in(cast.facilitator).post(f"/groups/{cast.public.slug}/ratings-open/", {"open": "0"})
    cast.public.refresh_from_db()
    assert cast.public.ratings_closed_by == cast.facilitator
    assert cast.public.ratings_closed_at is not None
    page = logged_in(cast.member).get(rate_url(cast.public))
    assert page.status_code == 200
    body = text(page)
    assert "Ratings are closed in this group since" in body
    assert "closed by fay" in body
    assert "Save my ratings" not in body
    assert 'class="rating-form"' not in page.content.decode()


def test_the_group_page_says_ratings_are_closed_and_by_whom(cast) -> None:
    group_update(group=cast.public, by=cast.facilitator, ratings_open=False)
    body = text(Client().get(f"/groups/{cast.public.slug}/"))
    assert "Ratings are closed in this group since" in body
    assert "closed by fay" in body


def test_reopening_keeps_the_form_and_hides_the_closed_notice(cast) -> None:
    group_update(group=cast.public, by=cast.facilitator, ratings_open=False)
    group_update(group=cast.public, by=cast.facilitator, ratings_open=True)
    page = logged_in(cast.member).get(rate_url(cast.public))
    assert "Save my ratings" in text(page)
    assert "Ratings are closed" not in text(page)


def test_closing_through_the_api_records_who_closed(cast, api) -> None:
    response = api(cast.facilitator).patch(
        f"/api/v1/groups/{cast.public.slug}/", {"ratings_open": False}, format="json"
    )
    assert response.status_code == 200
    cast.public.refresh_from_db()
    assert cast.public.ratings_closed_by == cast.facilitator


# --- item 5: settings, invite, who has rated ------------------------------------------------------


def settings_url(group: DiscussionGroup) -> str:
    return f"/groups/{group.slug}/facilitate/"


def test_the_facilitator_edits_name_description_visibility_and_switches(cast) -> None:
    response = logged_in(cast.facilitator).post(
        settings_url(cast.public),
        {"name": "Renamed Circle", "description": "New words.", "visibility": "private"},
    )
    assert response.status_code == 302
    cast.public.refresh_from_db()
    assert cast.public.name == "Renamed Circle"
    assert cast.public.description == "New words."
    assert cast.public.visibility == "private"
    # Unticked boxes are a browser's "off".
    assert cast.public.ratings_open is False
    assert cast.public.results_hidden is False
    assert cast.public.ratings_closed_by == cast.facilitator


def test_a_blank_name_is_a_form_error_and_changes_nothing(cast) -> None:
    response = logged_in(cast.facilitator).post(
        settings_url(cast.public), {"name": "", "visibility": "public", "ratings_open": "on"}
    )
    assert response.status_code == 400
    assert "This field is required." in text(response)
    cast.public.refresh_from_db()
    assert cast.public.name == "Open Reading Group"


def test_a_bad_visibility_is_a_form_error(cast) -> None:
    response = logged_in(cast.facilitator).post(
        settings_url(cast.public), {"name": "X", "visibility": "secret"}
    )
    assert response.status_code == 400
    cast.public.refresh_from_db()
    assert cast.public.visibility == "public"


def test_a_member_cannot_open_the_settings_page(cast) -> None:
    assert logged_in(cast.member).get(settings_url(cast.public)).status_code == 403
    assert logged_in(cast.outsider).get(settings_url(cast.private)).status_code == 404


def test_the_settings_page_has_the_invite_link_and_a_csp_safe_copy_button(cast) -> None:
    page = logged_in(cast.facilitator).get(settings_url(cast.private))
    html = page.content.decode()
    assert f"/groups/{cast.private.slug}/invite/{cast.private.join_code}/" in html
    assert 'data-copy="invite-link"' in html
    assert "/static/js/copy.js" in html
    assert "<script>" not in html  # no inline script


def test_rotating_the_invite_kills_the_old_link_at_once(cast) -> None:
    old = cast.private.join_code
    response = logged_in(cast.facilitator).post(f"/groups/{cast.private.slug}/rotate-invite/")
    assert response.status_code == 302
    cast.private.refresh_from_db()
    assert cast.private.join_code != old
    stranger = logged_in(cast.outsider)
    assert stranger.get(f"/groups/{cast.private.slug}/invite/{old}/").status_code == 404
    new = stranger.get(f"/groups/{cast.private.slug}/invite/{cast.private.join_code}/")
    assert new.status_code == 200


def test_the_api_rotates_the_invite_and_the_old_code_joins_nobody(cast, api) -> None:
    old = cast.private.join_code
    response = api(cast.facilitator).post(f"/api/v1/groups/{cast.private.slug}/invite/rotate/")
    assert response.status_code == 200
    assert response.json()["join_code"] not in (None, old)
    joined = api(cast.outsider).post(
        f"/api/v1/groups/{cast.private.slug}/join/", {"join_code": old}, format="json"
    )
    assert joined.status_code == 404
    assert (
        api(cast.member).post(f"/api/v1/groups/{cast.private.slug}/invite/rotate/").status_code
        == 403
    )


def test_the_facilitator_sees_who_has_rated_and_members_see_counts_only(cast, theories) -> None:
    rate(cast.member, cast.public, theories, 7, count=7)
    page = text(logged_in(cast.facilitator).get(settings_url(cast.public)))
    assert "1 of 2 have rated." in page
    assert "mo rated 7 of 20 · last saved" in page
    assert "fay rated 0 of 20 · nothing saved yet" in page
    member_view = text(logged_in(cast.member).get(f"/groups/{cast.public.slug}/"))
    assert "1 of 2 have rated." in member_view
    assert "rated 7 of 20" not in member_view


def test_the_group_page_explains_members_and_raters(cast) -> None:
    body = text(logged_in(cast.member).get(f"/groups/{cast.public.slug}/"))
    assert "Members are the accounts in the group; raters are everyone whose ratings count" in body


def test_removing_a_member_keeps_their_ratings(cast, theories) -> None:
    rate(cast.member, cast.public, theories, 4)
    response = logged_in(cast.facilitator).post(
        f"/groups/{cast.public.slug}/members/remove/", {"username": "mo"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(group=cast.public, user=cast.member).exists()
    assert Rating.objects.filter(group=cast.public, participant__user=cast.member).count() == 3
    assert logged_in(cast.member).get(rate_url(cast.public)).status_code == 403


def test_the_last_facilitator_cannot_remove_themselves(cast) -> None:
    client = logged_in(cast.facilitator)
    response = client.post(f"/groups/{cast.public.slug}/members/remove/", {"username": "fay"})
    assert response.status_code == 302
    assert Membership.objects.filter(group=cast.public, user=cast.facilitator).exists()
    assert "Promote another facilitator first" in text(client.get(response["Location"]))


def test_removing_a_stranger_says_they_are_not_a_member(cast) -> None:
    client = logged_in(cast.facilitator)
    response = client.post(f"/groups/{cast.public.slug}/members/remove/", {"username": "otto"})
    assert "That person is not a member." in text(client.get(response["Location"]))


def test_a_nul_byte_in_the_username_to_remove_or_promote_is_a_message_not_a_500(cast) -> None:
    """Issue 23: PostgreSQL refuses a NUL in text, and the view put the posted name straight
    into a query (a 500). The name now goes through a form field, which refuses it."""
    client = logged_in(cast.facilitator)
    client.raise_request_exception = False
    for name in ("mo\x00", "\x00", "m\x00o"):
        response = client.post(f"/groups/{cast.public.slug}/members/remove/", {"username": name})
        assert response.status_code == 302, name
        assert "Choose a member to remove." in text(client.get(response["Location"]))
        promoted = client.post(
            f"/groups/{cast.public.slug}/members/", {"username": name, "role": "facilitator"}
        )
        assert promoted.status_code == 302, name
        assert "Choose a member and a role." in text(client.get(promoted["Location"]))
    assert Membership.objects.filter(group=cast.public, user=cast.member, role="member").exists()


def test_the_remove_button_locks_a_guest_out_at_once_token_and_cookie(cast) -> None:
    """Issue 23: "Remove" on Run the group took the guest's membership and left its token: the
    token still authenticated (a public group's pages and API answered it as the guest)."""
    from rest_framework.test import APIClient

    from groups.guest_auth import COOKIE_NAME, guest_cookie_value
    from groups.models import GuestToken
    from groups.services.guests import guest_join

    group_update(group=cast.public, guests_allowed=True)
    guest = guest_join(group=cast.public, name="Gwen")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {guest.key}")
    mine = f"/api/v1/groups/{cast.public.slug}/ratings/mine/"
    assert api.get(mine).status_code == 200
    page = Client()
    page.cookies[COOKIE_NAME] = guest_cookie_value(guest)
    assert page.get(rate_url(cast.public)).status_code == 200
    fay = logged_in(cast.facilitator)
    run = text(fay.get(settings_url(cast.public)))
    assert "Gwen (guest)" in run  # the page names the guest, not its generated account
    username = guest.participant.user.username
    removed = fay.post(f"/groups/{cast.public.slug}/members/remove/", {"username": username})
    assert removed.status_code == 302
    assert "Removed Gwen." in text(fay.get(removed["Location"]))
    assert not GuestToken.objects.filter(pk=guest.pk).exists()
    # The token authenticates nothing, on the group's own URLs too; the cookie is nobody.
    assert api.get(mine).status_code == 401
    assert api.get(f"/api/v1/groups/{cast.public.slug}/rankings/").status_code == 401
    assert page.get(rate_url(cast.public)).status_code == 302
    assert "Gwen (guest)" not in text(page.get(f"/groups/{cast.public.slug}/"))


# --- item 5: deleting the group --------------------------------------------------------------------


def delete_url(group: DiscussionGroup) -> str:
    return f"/groups/{group.slug}/delete/"


def test_the_delete_page_offers_the_csv_exports_first(cast) -> None:
    page = logged_in(cast.facilitator).get(delete_url(cast.public))
    html = page.content.decode()
    assert f"/api/v1/groups/{cast.public.slug}/export/ratings.csv" in html
    assert f"/api/v1/groups/{cast.public.slug}/export/comments.csv" in html
    assert "Type the group&#x27;s name to confirm" in html


def test_a_wrong_name_deletes_nothing(cast) -> None:
    response = logged_in(cast.facilitator).post(
        delete_url(cast.public), {"confirm_name": "open reading group"}
    )
    assert response.status_code == 400
    assert "That is not the group&#x27;s name" in response.content.decode()
    assert DiscussionGroup.objects.filter(pk=cast.public.pk).exists()


def test_deleting_needs_the_csrf_token(cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.facilitator)
    response = client.post(delete_url(cast.public), {"confirm_name": cast.public.name})
    assert response.status_code == 403
    assert DiscussionGroup.objects.filter(pk=cast.public.pk).exists()


def global_raters() -> int:
    return ranking_get(scope=Scope.global_()).raters


def test_deleting_a_public_group_removes_everything_and_it_leaves_the_global_ranking(
    cast, theories, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        rate(cast.member, cast.public, theories, 9)
        rate(cast.other_facilitator, cast.other, theories, 2)
        comment_create(author=cast.member, theory=theories[0], group=cast.public, body="Mine.")
    drain_outbox()
    ranking_recompute(scope=Scope.global_(), force=True)
    assert global_raters() == 2
    group_id = cast.public.pk
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(cast.facilitator).post(
            delete_url(cast.public), {"confirm_name": "Open Reading Group"}
        )
    drain_outbox()
    assert response.status_code == 302
    assert response["Location"] == "/groups/"
    assert not DiscussionGroup.objects.filter(pk=group_id).exists()
    for model in (Membership, Participant, Rating, Submission, Comment):
        assert not model.objects.filter(group_id=group_id).exists(), model
    assert not Ranking.objects.filter(scope__in=[f"group:{group_id}", f"round:{group_id}:1"])
    # The global ranking was recomputed on commit (eager tasks): only the other group counts.
    assert global_raters() == 1
    means = {
        row["theory"]["number"]: row["mean"] for row in ranking_get(scope=Scope.global_()).results
    }
    assert means[1] == pytest.approx(2.0)


def test_the_api_deletes_a_group_for_its_facilitator_only(
    cast, theories, api, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        rate(cast.member, cast.public, theories, 9)
    drain_outbox()
    ranking_recompute(scope=Scope.global_(), force=True)
    assert global_raters() == 1
    url = f"/api/v1/groups/{cast.public.slug}/"
    assert api(cast.member).delete(url).status_code == 403
    assert api(cast.outsider).delete(f"/api/v1/groups/{cast.private.slug}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert api(cast.facilitator).delete(url).status_code == 204
    drain_outbox()
    assert api(cast.facilitator).get(url).status_code == 404
    assert global_raters() == 0
