"""The server-rendered pages: sign-up and login, theories, groups, invites, the rating page, the
members page and the rankings shown on them, with every refusal the pages make."""

import re
from collections.abc import Mapping
from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client

from groups.models import DiscussionGroup, Membership
from groups.services import group_update, participant_for_user
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.models import Rating, Submission
from ratings.services import RatingItem, rating_submission_create

from .conftest import PASSWORD

# --- helpers --------------------------------------------------------------------------------------


class _Inputs(HTMLParser):
    """Every <input> of a page, as attribute dicts, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            self.inputs.append(dict(attrs))


def inputs(response) -> list[dict[str, str | None]]:
    parser = _Inputs()
    parser.feed(response.content.decode())
    return parser.inputs


def radios(response, name: str) -> list[dict[str, str | None]]:
    return [i for i in inputs(response) if i.get("type") == "radio" and i.get("name") == name]


def checked_value(response, name: str) -> str | None:
    """The value of the checked radio of `name`, or None when none is checked."""
    checked = [r["value"] for r in radios(response, name) if "checked" in r]
    assert len(checked) <= 1
    return checked[0] if checked else None


def text(response) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def ranking_rows(response) -> list[list[str]]:
    """The cells (as text) of every body row of the page's ranking table."""
    html = response.content.decode()
    table = re.search(r'<table class="ranking-table">.*?</table>', html, flags=re.S)
    assert table, "no ranking table on the page"
    body = re.search(r"<tbody>(.*?)</tbody>", table.group(0), flags=re.S)
    assert body
    rows = []
    for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", body.group(1), flags=re.S):
        cells = re.findall(r"<td\b[^>]*>(.*?)</td>", row, flags=re.S)
        rows.append(
            [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", c))).strip() for c in cells]
        )
    return rows


def row_for_theory(response, theory) -> list[str]:
    label = f"{theory.number}. {theory.title}"
    matches = [row for row in ranking_rows(response) if row[1] == label]
    assert len(matches) == 1, f"{label!r} is not exactly once in the ranking table"
    return matches[0]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rate_url(group: DiscussionGroup) -> str:
    return f"/groups/{group.slug}/rate/"


def rating_post(theories, scores: Mapping[int, object], rationales: dict[int, str] | None = None):
    """The body the rating page posts: every theory's radio group and rationale field, as a
    browser sends them. `scores` maps theory number -> value; the others are 'Not rated'."""
    rationales = rationales or {}
    data = {}
    for theory in theories:
        data[f"score_{theory.id}"] = str(scores.get(theory.number, ""))
        data[f"rationale_{theory.id}"] = rationales.get(theory.number, "")
    return data


FIVE = {1: 7, 2: 3, 5: 10, 12: 1, 20: 6}


def submissions_of(user) -> int:
    return Submission.objects.filter(participant__user=user).count()


# --- sign up, log in, log out ---------------------------------------------------------------------


def test_signing_up_creates_the_user_and_logs_them_in(db) -> None:
    client = Client()
    assert client.get("/accounts/signup/").status_code == 200
    response = client.post(
        "/accounts/signup/",
        {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(username="newbie")
    assert user.check_password(PASSWORD)
    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.user == user
    assert '<span class="who">newbie</span>' in home.content.decode()


def test_signing_up_with_a_weak_password_shows_the_error_and_creates_nothing(db) -> None:
    response = Client().post(
        "/accounts/signup/",
        {"username": "newbie", "password1": "password", "password2": "password"},
    )
    assert response.status_code == 200
    assert "This password is too common." in text(response)
    assert not User.objects.filter(username="newbie").exists()
    assert not response.wsgi_request.user.is_authenticated


def test_signing_up_with_a_taken_username_shows_the_error_and_creates_nothing(cast) -> None:
    users_before = User.objects.count()
    response = Client().post(
        "/accounts/signup/", {"username": "fay", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 200
    assert "A user with that username already exists." in text(response)
    assert User.objects.count() == users_before
    assert not response.wsgi_request.user.is_authenticated


def test_a_user_logs_in_with_the_right_password_and_out_with_a_post(cast) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "fay", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert '<span class="who">fay</span>' in client.get("/").content.decode()

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    home = client.get("/")
    assert not home.wsgi_request.user.is_authenticated
    assert '<span class="who">fay</span>' not in home.content.decode()
    assert 'href="/accounts/login/"' in home.content.decode()


def test_a_wrong_password_does_not_log_in(cast) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "fay", "password": "not it at all"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "Please enter a correct username and password" in text(response)


def test_logging_out_with_a_get_is_refused_and_keeps_the_session(cast) -> None:
    client = logged_in(cast.facilitator)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").wsgi_request.user == cast.facilitator


# --- theories and the home page ---------------------------------------------------------------------


def test_the_home_page_shows_the_global_ranking_with_all_20_theories(theories) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    rows = ranking_rows(response)
    assert len(rows) == 20
    assert {row[1] for row in rows} == {f"{t.number}. {t.title}" for t in theories}
    # Nobody has rated: no theory is given a place (issue 20 item 7: not ranks 1–20).
    assert [row[0] for row in rows] == ["–"] * 20


def test_the_theory_list_shows_20_theories_with_summaries_and_sub_points(theories) -> None:
    response = Client().get("/theories/")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r'<li value="\d+">', html)) == 20
    page = text(response)
    for theory in theories:
        assert theory.title in page
        assert re.sub(r"\s+", " ", theory.summary) in page
        assert f'href="/theories/{theory.slug}/"' in html
    assert '<span class="theory-number">2.1</span>' in html
    two = theories[1]
    assert two.subpoints and two.subpoints[0]["number"] == "2.1"
    assert re.sub(r"\s+", " ", two.subpoints[0]["text"]) in page


def test_a_theory_page_shows_its_title_and_links_to_the_source_post(theories) -> None:
    theory = theories[1]
    response = Client().get(f"/theories/{theory.slug}/")
    assert response.status_code == 200
    assert f"{theory.number}. {theory.title}" in text(response)
    assert (
        f'<a href="{theory.source_url}">Read it in the source post</a>' in response.content.decode()
    )
    assert theory.source_url.startswith("https://www.lesswrong.com/")


def test_an_unknown_theory_is_404(theories) -> None:
    response = Client().get("/theories/no-such-theory/")
    assert response.status_code == 404
    assert "Not found" in text(response)


# --- creating groups -------------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", ["public", "private"])
def test_creating_a_group_makes_the_creator_its_facilitator(cast, visibility: str) -> None:
    client = logged_in(cast.outsider)
    assert client.get("/groups/new/").status_code == 200
    response = client.post(
        "/groups/new/",
        {"name": "Tuesday Seminar", "description": "We read.", "visibility": visibility},
    )
    group = DiscussionGroup.objects.get(name="Tuesday Seminar")
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{group.slug}/"
    assert group.visibility == visibility
    assert group.created_by == cast.outsider
    membership = Membership.objects.get(group=group)
    assert (membership.user, membership.role) == (cast.outsider, Membership.Role.FACILITATOR)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "you are a facilitator" in text(page)


def test_creating_a_group_without_a_name_shows_the_error_and_creates_nothing(cast) -> None:
    groups_before = DiscussionGroup.objects.count()
    response = logged_in(cast.outsider).post(
        "/groups/new/", {"name": "", "description": "", "visibility": "public"}
    )
    assert response.status_code == 200
    assert "This field is required." in text(response)
    assert DiscussionGroup.objects.count() == groups_before
    assert not Membership.objects.filter(user=cast.outsider).exists()


def test_anonymous_users_are_sent_to_log_in_before_creating_a_group(db) -> None:
    client = Client()
    for response in (
        client.get("/groups/new/"),
        client.post("/groups/new/", {"name": "Sneaky", "visibility": "public"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/groups/new/"
    assert not DiscussionGroup.objects.exists()


# --- private groups and invites --------------------------------------------------------------------


def test_a_private_group_and_its_pages_are_404_for_an_outsider(cast) -> None:
    client = logged_in(cast.outsider)
    slug = cast.private.slug
    for url in (f"/groups/{slug}/", f"/groups/{slug}/rate/", f"/groups/{slug}/members/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/groups/{slug}/rate/", {}).status_code == 404
    assert client.post(f"/groups/{slug}/join/").status_code == 404
    assert not Membership.objects.filter(group=cast.private, user=cast.outsider).exists()


def test_a_private_group_is_hidden_from_anonymous_visitors_like_a_missing_one(cast) -> None:
    client = Client()
    slug = cast.private.slug
    assert client.get(f"/groups/{slug}/").status_code == 404
    # The rate and members pages need a login first; they answer exactly as for a group that
    # does not exist, so the redirect reveals nothing.
    for page in ("rate", "members"):
        real = client.get(f"/groups/{slug}/{page}/")
        missing = client.get(f"/groups/no-such-group/{page}/")
        assert real.status_code == missing.status_code == 302
        assert real["Location"] == f"/accounts/login/?next=/groups/{slug}/{page}/"
        assert missing["Location"] == f"/accounts/login/?next=/groups/no-such-group/{page}/"


def test_members_see_the_private_group_and_its_pages(cast) -> None:
    client = logged_in(cast.member)
    slug = cast.private.slug
    for url in (f"/groups/{slug}/", f"/groups/{slug}/rate/", f"/groups/{slug}/members/"):
        assert client.get(url).status_code == 200, url


def test_the_group_list_hides_private_groups_from_outsiders(cast) -> None:
    for client in (logged_in(cast.outsider), Client()):
        page = client.get("/groups/")
        assert page.status_code == 200
        assert "Open Reading Group" in text(page)
        assert "Secret Circle" not in text(page)
        assert cast.private.slug not in page.content.decode()
    assert "Secret Circle" in text(logged_in(cast.member).get("/groups/"))


def test_the_invite_link_joins_a_logged_in_user_to_the_private_group(cast) -> None:
    client = logged_in(cast.outsider)
    group = cast.private
    url = f"/groups/{group.slug}/invite/{group.join_code}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Join “Secret Circle”?" in text(page)
    assert not Membership.objects.filter(group=group, user=cast.outsider).exists()
    response = client.post(url)  # the page's Join button
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{group.slug}/"
    membership = Membership.objects.get(group=group, user=cast.outsider)
    assert membership.role == Membership.Role.MEMBER
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "you are a member" in text(page)
    assert "Secret Circle" in text(client.get("/groups/"))


def test_opening_the_invite_link_twice_keeps_one_membership(cast) -> None:
    client = logged_in(cast.outsider)
    url = f"/groups/{cast.private.slug}/invite/{cast.private.join_code}/"
    client.post(url)
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(group=cast.private, user=cast.outsider).count() == 1
    assert "You are already a member" in text(client.get(url))


def test_an_invite_link_with_a_wrong_code_is_404_and_joins_nobody(cast) -> None:
    client = logged_in(cast.outsider)
    response = client.get(f"/groups/{cast.private.slug}/invite/not-the-code/")
    assert response.status_code == 404
    assert client.post(f"/groups/{cast.private.slug}/invite/not-the-code/").status_code == 404
    assert not Membership.objects.filter(group=cast.private, user=cast.outsider).exists()
    assert client.get(f"/groups/{cast.private.slug}/").status_code == 404


def test_an_anonymous_visitor_opening_the_invite_link_sees_the_group_and_logs_in_into_it(
    cast,
) -> None:
    """Issue 15: the invite page names the group and offers the ways in, and the invitation
    survives the log-in: the visitor lands in the group as a member."""
    url = f"/groups/{cast.private.slug}/invite/{cast.private.join_code}/"
    client = Client()
    page = client.get(url)
    assert page.status_code == 200
    assert "Join “Secret Circle”?" in text(page)
    assert "Join with just a name" in text(page)
    assert Membership.objects.filter(group=cast.private).count() == 2  # fay and mo, no one else

    login_page = client.get("/accounts/login/")
    assert "You are joining “Secret Circle”" in text(login_page)
    login = client.post("/accounts/login/", {"username": "otto", "password": PASSWORD})
    assert login["Location"] == f"/groups/{cast.private.slug}/"
    assert Membership.objects.filter(group=cast.private, user=cast.outsider).exists()


def test_following_the_invite_link_does_not_join_a_logged_in_reader(cast) -> None:
    """Issue 16, item 12: a link in a comment must not make whoever clicks it a member."""
    client = logged_in(cast.outsider)
    for group in (cast.private, cast.public):
        page = client.get(f"/groups/{group.slug}/invite/{group.join_code}/")
        assert page.status_code == 200
        assert group.name in text(page)
    assert not Membership.objects.filter(user=cast.outsider).exists()


def test_the_invite_pages_join_button_needs_the_csrf_token(cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.outsider)
    url = f"/groups/{cast.private.slug}/invite/{cast.private.join_code}/"
    assert client.post(url).status_code == 403
    assert not Membership.objects.filter(group=cast.private, user=cast.outsider).exists()
    page = client.get(url)
    token = page.cookies["csrftoken"].value
    response = client.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Membership.objects.filter(group=cast.private, user=cast.outsider).exists()


# --- public groups: joining and facilitating -------------------------------------------------------


def test_an_outsider_sees_a_public_groups_ranking_and_a_join_button(cast, theories) -> None:
    response = logged_in(cast.outsider).get(f"/groups/{cast.public.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(ranking_rows(response)) == 20
    assert "Join this group" in html
    assert f'action="/groups/{cast.public.slug}/join/"' in html
    assert "Rate the theories" not in html
    assert "Invite link" not in html
    assert cast.public.join_code not in html


def test_an_anonymous_visitor_sees_a_public_groups_ranking_and_a_login_link(cast) -> None:
    response = Client().get(f"/groups/{cast.public.slug}/")
    assert response.status_code == 200
    assert len(ranking_rows(response)) == 20
    assert "Log in to join and rate" in text(response)
    assert "Join this group" not in text(response)


def test_posting_to_join_makes_an_outsider_a_member_of_a_public_group(cast) -> None:
    client = logged_in(cast.outsider)
    response = client.post(f"/groups/{cast.public.slug}/join/")
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{cast.public.slug}/"
    membership = Membership.objects.get(group=cast.public, user=cast.outsider)
    assert membership.role == Membership.Role.MEMBER
    assert "you are a member" in text(client.get(response["Location"]))


def test_joining_needs_a_post(cast) -> None:
    response = logged_in(cast.outsider).get(f"/groups/{cast.public.slug}/join/")
    assert response.status_code == 405
    assert not Membership.objects.filter(group=cast.public, user=cast.outsider).exists()


def test_the_facilitator_sees_the_invite_link_and_a_close_ratings_button(cast) -> None:
    response = logged_in(cast.facilitator).get(f"/groups/{cast.public.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    invite = [i for i in inputs(response) if i.get("id") == "invite-link"]
    assert len(invite) == 1
    assert invite[0]["value"] == (
        f"http://testserver/groups/{cast.public.slug}/invite/{cast.public.join_code}/"
    )
    assert "Close ratings" in html
    assert f'action="/groups/{cast.public.slug}/ratings-open/"' in html


def test_a_member_sees_neither_the_invite_link_nor_the_close_button(cast) -> None:
    response = logged_in(cast.member).get(f"/groups/{cast.private.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert cast.private.join_code not in html
    assert "Close ratings" not in html
    assert "Rate the theories" in html


def test_the_facilitator_closes_and_reopens_ratings(cast) -> None:
    client = logged_in(cast.facilitator)
    url = f"/groups/{cast.public.slug}/ratings-open/"
    response = client.post(url, {"open": "0"})
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{cast.public.slug}/"
    cast.public.refresh_from_db()
    assert cast.public.ratings_open is False
    page = client.get(response["Location"])
    assert "ratings closed" in text(page)
    assert "Reopen ratings" in text(page)

    client.post(url, {"open": "1"})
    cast.public.refresh_from_db()
    assert cast.public.ratings_open is True


def test_a_member_cannot_close_ratings(cast) -> None:
    response = logged_in(cast.member).post(
        f"/groups/{cast.public.slug}/ratings-open/", {"open": "0"}
    )
    assert response.status_code == 403
    cast.public.refresh_from_db()
    assert cast.public.ratings_open is True


def test_an_outsider_cannot_close_ratings_of_a_private_group(cast) -> None:
    response = logged_in(cast.outsider).post(
        f"/groups/{cast.private.slug}/ratings-open/", {"open": "0"}
    )
    assert response.status_code == 404
    cast.private.refresh_from_db()
    assert cast.private.ratings_open is True


# --- the rating page -------------------------------------------------------------------------------


def test_the_rating_page_has_20_fieldsets_each_with_1_to_10_and_not_rated(cast, theories) -> None:
    response = logged_in(cast.member).get(rate_url(cast.public))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r'<fieldset class="theory-rating', html)) == 20
    for theory in theories:
        values = [r["value"] for r in radios(response, f"score_{theory.id}")]
        assert values == [""] + [str(s) for s in range(1, 11)]
        assert checked_value(response, f"score_{theory.id}") == ""  # nothing rated yet
        assert f'id="theory-{theory.number}"' in html
    assert html.count("<span>Not rated</span>") == 20
    assert "0 of 20 rated" in text(response)


def test_saving_five_scores_is_one_submission_of_five_items(cast, theories) -> None:
    client = logged_in(cast.member)
    response = client.post(rate_url(cast.public), rating_post(theories, FIVE, {1: "fast feedback"}))
    assert response.status_code == 302
    assert response["Location"] == f"{rate_url(cast.public)}#saved"

    ratings = Rating.objects.filter(participant__user=cast.member, group=cast.public)
    assert {r.theory.number: r.score for r in ratings} == FIVE
    assert ratings.get(theory__number=1).rationale == "fast feedback"
    submission = Submission.objects.get(participant__user=cast.member)
    assert submission.group == cast.public
    assert submission.submitted_by == cast.member
    assert submission.source == Submission.Source.PAGE
    assert {i.theory.number: i.score for i in submission.items.all()} == FIVE


def test_after_saving_the_page_shows_what_was_saved_and_checks_it(cast, theories) -> None:
    client = logged_in(cast.member)
    client.post(rate_url(cast.public), rating_post(theories, FIVE, {1: "fast feedback"}))
    response = client.get(rate_url(cast.public))
    assert response.status_code == 200
    page = text(response)
    assert "5 of 20 rated" in page
    assert "Saved: 5 change(s) to your ratings." in page
    assert page.count("Saved: 7/10") == 1
    assert "Saved: 7/10 — “fast feedback”" in page
    for number, score in FIVE.items():
        assert f"Saved: {score}/10" in page
        assert checked_value(response, f"score_{theories[number - 1].id}") == str(score)
    assert checked_value(response, f"score_{theories[2].id}") == ""  # unrated stays Not rated
    rationale = [i for i in inputs(response) if i.get("name") == f"rationale_{theories[0].id}"]
    assert rationale[0]["value"] == "fast feedback"

    # Coming back later (a new page load) shows the same.
    again = text(client.get(rate_url(cast.public)))
    assert "5 of 20 rated" in again
    assert "Saved: 5 change(s)" not in again


def test_changing_one_score_appends_a_second_submission_of_one_item(cast, theories) -> None:
    client = logged_in(cast.member)
    client.post(rate_url(cast.public), rating_post(theories, FIVE, {1: "fast feedback"}))
    first = Submission.objects.get(participant__user=cast.member)

    changed = {**FIVE, 2: 9}
    response = client.post(
        rate_url(cast.public), rating_post(theories, changed, {1: "fast feedback"})
    )
    assert response.status_code == 302

    submissions = list(Submission.objects.filter(participant__user=cast.member).order_by("id"))
    assert [s.id for s in submissions] == [first.id, submissions[1].id]
    assert [(i.theory.number, i.score) for i in submissions[1].items.all()] == [(2, 9)]
    # The history is append-only: the first submission still holds all five items as saved.
    assert {i.theory.number: i.score for i in first.items.all()} == FIVE
    current = Rating.objects.filter(participant__user=cast.member, group=cast.public)
    assert {r.theory.number: r.score for r in current} == changed
    assert "Saved: 9/10" in text(client.get(rate_url(cast.public)))


def test_saving_an_unchanged_page_saves_no_submission(cast, theories) -> None:
    client = logged_in(cast.member)
    client.post(rate_url(cast.public), rating_post(theories, FIVE))
    response = client.post(rate_url(cast.public), rating_post(theories, FIVE))
    assert response.status_code == 302
    assert submissions_of(cast.member) == 1


def test_choosing_not_rated_removes_a_rating(cast, theories) -> None:
    client = logged_in(cast.member)
    client.post(rate_url(cast.public), rating_post(theories, FIVE))
    fewer = {n: s for n, s in FIVE.items() if n != 5}
    response = client.post(rate_url(cast.public), rating_post(theories, fewer))
    assert response.status_code == 302

    current = Rating.objects.filter(participant__user=cast.member, group=cast.public)
    assert {r.theory.number: r.score for r in current} == fewer
    latest = Submission.objects.filter(participant__user=cast.member).order_by("-id").first()
    assert [(i.theory.number, i.score) for i in latest.items.all()] == [(5, None)]
    page = client.get(rate_url(cast.public))
    assert "4 of 20 rated" in text(page)
    assert checked_value(page, f"score_{theories[4].id}") == ""


@pytest.mark.parametrize("bad", ["11", "abc", "0", "7.5", " 7"])
def test_a_score_outside_1_to_10_is_refused_and_nothing_is_saved(cast, theories, bad) -> None:
    client = logged_in(cast.member)
    scores = {**FIVE, 3: bad}
    response = client.post(rate_url(cast.public), rating_post(theories, scores))
    assert response.status_code == 400
    page = text(response)
    assert "Choose a score from 1 to 10, or Not rated." in page
    assert "Some answers need fixing: nothing was saved." in page
    html = response.content.decode()
    assert html.count('class="theory-rating has-error"') == 1
    assert 'class="theory-rating has-error" id="theory-3"' in html
    assert submissions_of(cast.member) == 0
    assert not Rating.objects.filter(participant__user=cast.member).exists()


def test_a_rationale_over_280_characters_is_refused_and_nothing_is_saved(cast, theories) -> None:
    client = logged_in(cast.member)
    response = client.post(rate_url(cast.public), rating_post(theories, FIVE, {1: "x" * 281}))
    assert response.status_code == 400
    assert "Ensure this value has at most 280 characters (it has 281)." in text(response)
    assert submissions_of(cast.member) == 0
    assert not Rating.objects.filter(participant__user=cast.member).exists()


def test_a_rationale_of_exactly_280_characters_is_saved(cast, theories) -> None:
    client = logged_in(cast.member)
    response = client.post(rate_url(cast.public), rating_post(theories, FIVE, {1: "x" * 280}))
    assert response.status_code == 302
    assert Rating.objects.get(participant__user=cast.member, theory__number=1).rationale == (
        "x" * 280
    )


def test_rating_when_ratings_are_closed_saves_nothing_and_says_so(cast, theories) -> None:
    group_update(group=cast.public, ratings_open=False)
    response = logged_in(cast.member).post(rate_url(cast.public), rating_post(theories, FIVE))
    assert response.status_code == 409
    assert "Ratings are closed in this group: nothing was saved." in text(response)
    assert submissions_of(cast.member) == 0
    assert not Rating.objects.filter(participant__user=cast.member).exists()


def test_closing_ratings_keeps_earlier_ratings_untouched(cast, theories) -> None:
    client = logged_in(cast.member)
    client.post(rate_url(cast.public), rating_post(theories, FIVE))
    group_update(group=cast.public, ratings_open=False)
    response = client.post(rate_url(cast.public), rating_post(theories, {1: 2}))
    assert response.status_code == 409
    current = Rating.objects.filter(participant__user=cast.member, group=cast.public)
    assert {r.theory.number: r.score for r in current} == FIVE
    assert submissions_of(cast.member) == 1


def test_a_non_member_of_a_public_group_gets_403_on_the_rating_page(cast, theories) -> None:
    client = logged_in(cast.outsider)
    assert client.get(rate_url(cast.public)).status_code == 403
    response = client.post(rate_url(cast.public), rating_post(theories, FIVE))
    assert response.status_code == 403
    assert not Submission.objects.exists()
    assert not Rating.objects.exists()


def test_ratings_in_one_group_do_not_show_in_another(cast, theories) -> None:
    client = logged_in(cast.member)
    client.post(rate_url(cast.public), rating_post(theories, FIVE))
    other = client.get(rate_url(cast.private))
    assert "0 of 20 rated" in text(other)
    assert not re.search(r"Saved: \d+/10", text(other))


# --- the members page -------------------------------------------------------------------------------


def test_the_facilitator_promotes_a_member_to_facilitator(cast) -> None:
    client = logged_in(cast.facilitator)
    page = client.get(f"/groups/{cast.public.slug}/members/")
    assert page.status_code == 200
    assert "Make facilitator" in text(page)
    response = client.post(
        f"/groups/{cast.public.slug}/members/", {"username": "mo", "role": "facilitator"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{cast.public.slug}/members/"
    membership = Membership.objects.get(group=cast.public, user=cast.member)
    assert membership.role == Membership.Role.FACILITATOR
    assert "mo is now a facilitator." in text(client.get(response["Location"]))


def test_a_member_cannot_promote_anyone(cast) -> None:
    client = logged_in(cast.member)
    page = client.get(f"/groups/{cast.public.slug}/members/")
    assert page.status_code == 200
    assert "Make facilitator" not in text(page)
    response = client.post(
        f"/groups/{cast.public.slug}/members/", {"username": "mo", "role": "facilitator"}
    )
    assert response.status_code == 403
    membership = Membership.objects.get(group=cast.public, user=cast.member)
    assert membership.role == Membership.Role.MEMBER


def test_the_last_facilitator_cannot_step_down(cast) -> None:
    client = logged_in(cast.facilitator)
    response = client.post(
        f"/groups/{cast.public.slug}/members/", {"username": "fay", "role": "member"}, follow=True
    )
    assert response.status_code == 200
    assert "Promote another facilitator first" in text(response)
    membership = Membership.objects.get(group=cast.public, user=cast.facilitator)
    assert membership.role == Membership.Role.FACILITATOR


def test_promoting_an_outsider_or_an_unknown_role_changes_nothing(cast) -> None:
    client = logged_in(cast.facilitator)
    url = f"/groups/{cast.public.slug}/members/"
    assert "That person is not a member." in text(
        client.post(url, {"username": "otto", "role": "facilitator"}, follow=True)
    )
    assert "Choose a member and a role." in text(
        client.post(url, {"username": "mo", "role": "owner"}, follow=True)
    )
    assert not Membership.objects.filter(group=cast.public, user=cast.outsider).exists()
    assert Membership.objects.get(group=cast.public, user=cast.member).role == "member"


# --- CSRF -------------------------------------------------------------------------------------------


def test_a_rating_post_without_a_csrf_token_is_refused_and_saves_nothing(cast, theories) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.member)
    response = client.post(rate_url(cast.public), rating_post(theories, FIVE))
    assert response.status_code == 403
    assert not Submission.objects.exists()
    assert not Rating.objects.exists()


def test_a_rating_post_with_the_pages_csrf_token_is_saved(cast, theories) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.member)
    page = client.get(rate_url(cast.public))
    token = next(i for i in inputs(page) if i.get("name") == "csrfmiddlewaretoken")["value"]
    response = client.post(
        rate_url(cast.public), {**rating_post(theories, FIVE), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Rating.objects.filter(participant__user=cast.member).count() == 5


# --- rankings on the group page ---------------------------------------------------------------------


def test_the_group_page_shows_n_and_the_mean_to_two_decimals(cast, theories) -> None:
    logged_in(cast.member).post(rate_url(cast.public), rating_post(theories, {1: 7, 2: 3}))
    fay = participant_for_user(group=cast.public, user=cast.facilitator)
    rating_submission_create(
        participant=fay,
        items=[RatingItem(theory_id=theories[0].id, score=8)],
        submitted_by=cast.facilitator,
        source=Submission.Source.PAGE,
    )
    ranking_recompute(scope=Scope.group(cast.public.pk))

    response = Client().get(f"/groups/{cast.public.slug}/")
    assert response.status_code == 200
    rank, _, n, mean, median, *_ = row_for_theory(response, theories[0])
    assert (rank, n, mean, median) == ("1", "2", "7.50", "7.5")
    rank, _, n, mean, *_ = row_for_theory(response, theories[1])
    assert (rank, n, mean) == ("2", "1", "3.00")
    rank, _, n, mean, *_ = row_for_theory(response, theories[2])
    assert (n, mean) == ("0", "–")
    assert "2 raters" in text(response)


def test_a_private_groups_ratings_stay_out_of_the_home_page_ranking(cast, theories) -> None:
    logged_in(cast.member).post(rate_url(cast.private), rating_post(theories, {1: 9}))
    logged_in(cast.member).post(rate_url(cast.public), rating_post(theories, {2: 4}))
    ranking_recompute(scope=Scope.global_())
    response = Client().get("/")
    assert row_for_theory(response, theories[0])[2] == "0"
    # n, then (issue 23) the groups behind it, then the score.
    assert row_for_theory(response, theories[1])[2:5] == ["1", "1", "4.00"]


def test_the_group_page_links_members_to_each_theorys_group_thread(cast, theories) -> None:
    client = Client()
    client.force_login(cast.member)
    page = client.get(f"/groups/{cast.public.slug}/").content.decode()
    for theory in theories:
        assert f"/groups/{cast.public.slug}/theories/{theory.slug}/" in page
    client.force_login(cast.outsider)
    page = client.get(f"/groups/{cast.public.slug}/").content.decode()
    assert f"/groups/{cast.public.slug}/theories/" not in page
