"""Issue 15, item 6: accounts people can keep. E-mail at sign-up and on the profile, password
change and reset (end to end through the outbox), download my data, delete my account."""

import json
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from discussion.models import Comment
from discussion.services import comment_create
from groups.models import Membership, Participant
from groups.services import membership_join, membership_set_role
from rankings.scope import Scope
from rankings.selectors import ranking_get
from rankings.services import ranking_recompute
from ratings.models import Rating, Submission

from .conftest import PASSWORD
from .test_facilitate import drain_outbox, rate
from .test_pages import logged_in, text

NEW_PASSWORD = "a brand new passphrase 77"


def signup(client: Client, username: str, email: str = "") -> HttpResponse:
    return client.post(
        "/accounts/signup/",
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


# --- e-mail ----------------------------------------------------------------------------------------


def confirm_link(to: str) -> str:
    """The path of the confirmation link in the last message sent to `to`."""
    message = [m for m in mail.outbox if m.to == [to]][-1]
    match = re.search(r"https?://[^/\s]+(/accounts/email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_takes_an_optional_email(db) -> None:
    """Issue 23 changed how: the address is added once its owner follows the link we mail to
    it (the sign-up no longer stores it, so that it cannot tell whether it had an account)."""
    response = Client().post(
        "/accounts/signup/",
        {
            "username": "ann",
            "email": "Ann@Example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        follow=True,
    )
    assert "We sent a message to Ann@example.org" in text(response)
    assert User.objects.get(username="ann").email == ""
    link = confirm_link("Ann@example.org")
    assert "Add Ann@example.org to the ImpactBoard account ann" in text(Client().get(link))
    assert User.objects.get(username="ann").email == ""  # opening the link changes nothing
    assert Client().post(link).status_code == 302
    # Django lower-cases the domain part only.
    assert User.objects.get(username="ann").email == "Ann@example.org"
    assert signup(Client(), "ben").status_code == 302
    assert User.objects.get(username="ben").email == ""
    assert [m.to for m in mail.outbox] == [["Ann@example.org"]]  # nothing sent for ben


def test_a_used_email_is_never_added_and_the_answer_does_not_say_it_is_used(db) -> None:
    """Issue 23: the sign-up form said "Another account uses that e-mail address" (30 probes
    in 0.4 s told which addresses have accounts). Now a used address and a free one get the
    same answer, and one message each; only the owner of the used one learns it is used."""
    signup(Client(), "ann")
    User.objects.filter(username="ann").update(email="ann@example.org")
    answers = []
    for username, email in (("bob", "ANN@example.ORG"), ("cy", "free@example.org")):
        response = Client().post(
            "/accounts/signup/",
            {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
            follow=True,
        )
        assert response.status_code == 200
        shown = User.objects.normalize_email(email)  # the domain lower-cased
        answers.append(text(response).replace(shown, "ADDRESS").replace(username, "NAME"))
    assert answers[0] == answers[1]
    assert "We sent a message to ADDRESS" in answers[0]
    # Both accounts exist, neither has an address yet; the database still holds one per address.
    assert User.objects.get(username="bob").email == ""
    assert User.objects.get(username="cy").email == ""
    taken, free = mail.outbox
    assert taken.to == ["ANN@example.org"] and "already belongs to another" in taken.body
    assert "/accounts/password/reset/" in taken.body and "/accounts/email/" not in taken.body
    assert free.to == ["free@example.org"] and "/accounts/email/" in free.body


def test_a_malformed_email_is_a_form_error(db) -> None:
    response = signup(Client(), "ann", "not an address")
    assert "Enter a valid email address." in text(response)
    assert not User.objects.filter(username="ann").exists()


def test_the_database_refuses_a_second_account_with_one_address(db) -> None:
    User.objects.create_user(username="a", email="x@example.org")
    User.objects.create_user(username="b", email="")
    User.objects.create_user(username="c", email="")  # many accounts without one are fine
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="d", email="X@Example.org")


def test_the_profile_page_sets_and_clears_the_email(cast) -> None:
    client = logged_in(cast.member)
    assert client.get("/accounts/profile/").status_code == 200
    assert client.post("/accounts/profile/", {"email": "mo@example.org"}).status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.email == ""  # until the link is followed
    assert client.post(confirm_link("mo@example.org")).status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.email == "mo@example.org"
    client.post("/accounts/profile/", {"email": ""})
    cast.member.refresh_from_db()
    assert cast.member.email == ""


def test_the_profile_answers_someone_elses_address_as_any_other(cast) -> None:
    """Issue 23: it answered 400 "Another account uses that e-mail address" (the review's 30
    probes in 0.4 s). 30 probes here, 15 of them addresses that have an account: the answers
    (status and page, the address itself aside) are all the same."""
    for i in range(15):
        User.objects.create_user(username=f"owner{i}", email=f"Owner{i}@example.org")
    client = logged_in(cast.member)
    answers = set()
    for i in range(15):
        for email in (f"OWNER{i}@example.org", f"nobody{i}@example.org"):
            response = client.post("/accounts/profile/", {"email": email}, follow=True)
            answers.add((response.status_code, text(response).replace(email, "ADDRESS")))
    assert len(answers) == 1
    status, page = answers.pop()
    assert status == 200 and "We sent a message to ADDRESS" in page
    cast.member.refresh_from_db()
    assert cast.member.email == ""
    notes = [m for m in mail.outbox if "already belongs to another" in m.body]
    assert len(mail.outbox) == 30 and len(notes) == 15


def test_a_confirmation_link_is_refused_when_forged_stale_or_taken_meanwhile(cast) -> None:
    client = logged_in(cast.member)
    client.post("/accounts/profile/", {"email": "mo@example.org"})
    link = confirm_link("mo@example.org")
    forged = Client().post(link.replace("/email/", "/email/x"))
    assert forged.status_code == 400
    assert "This link does not work" in text(forged)
    # Someone else took the address before the link was followed: the database decides.
    User.objects.create_user(username="quick", email="MO@example.org")
    taken = Client().post(link)
    assert taken.status_code == 400
    assert "Another account uses that e-mail address." in text(taken)
    cast.member.refresh_from_db()
    assert cast.member.email == ""
    # A link sent before the account's address changed no longer works.
    User.objects.filter(username="quick").delete()
    client.post("/accounts/profile/", {"email": "mo2@example.org"})
    client.post(confirm_link("mo2@example.org"))
    stale = Client().post(link)
    assert stale.status_code == 400
    cast.member.refresh_from_db()
    assert cast.member.email == "mo2@example.org"


def test_the_profile_needs_a_login(db) -> None:
    for url in ("/accounts/profile/", "/accounts/profile/data.json", "/accounts/profile/delete/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# --- passwords -------------------------------------------------------------------------------------


def test_the_password_change_needs_the_old_password(cast) -> None:
    client = logged_in(cast.member)
    url = "/accounts/password/change/"
    assert client.get(url).status_code == 200
    wrong = client.post(
        url, {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert wrong.status_code == 200
    assert "Your old password was entered incorrectly" in text(wrong)
    right = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert right.status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.check_password(NEW_PASSWORD)


def test_password_reset_end_to_end_and_the_link_works_once(cast) -> None:
    cast.member.email = "mo@example.org"
    cast.member.save()
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "MO@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mo@example.org"]
    assert "“mo”" in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", message.body)
    assert link is not None
    # Django redirects the token to a session-held URL, then shows the form.
    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in text(form_page)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    cast.member.refresh_from_db()
    assert cast.member.check_password(NEW_PASSWORD)
    assert User.objects.get(username="mo").check_password(NEW_PASSWORD)
    # Single use: the token hashes the password, which has changed.
    again = Client().get(link.group(1), follow=True)
    assert "This reset link no longer works" in text(again)


def test_a_wrong_reset_token_is_refused(cast) -> None:
    page = Client().get("/accounts/password/reset/MQ/abc-123/", follow=True)
    assert "This reset link no longer works" in text(page)


def test_an_unknown_address_sends_nothing_and_says_the_same(db) -> None:
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_reset_requests_are_limited_per_address(cast, monkeypatch) -> None:
    rates = dict(SimpleRateThrottle.THROTTLE_RATES)
    rates["password_reset"] = "10/hour"
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client = Client()
    for _ in range(10):
        assert (
            client.post("/accounts/password/reset/", {"email": "x@example.org"}).status_code == 302
        )
    refused = client.post("/accounts/password/reset/", {"email": "x@example.org"})
    assert refused.status_code == 429
    assert "Too many reset requests" in text(refused)


# --- download my data ------------------------------------------------------------------------------


def test_download_my_data_holds_groups_ratings_history_and_comments(cast, theories) -> None:
    rate(cast.member, cast.public, theories, 6)
    comment_create(author=cast.member, theory=theories[1], group=cast.public, body="I think so.")
    response = logged_in(cast.member).get("/accounts/profile/data.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["username"] == "mo"
    assert {g["group"] for g in data["groups"]} == {cast.public.slug, cast.private.slug}
    assert [(r["theory"], r["score"]) for r in data["ratings"]] == [(1, 6), (2, 6), (3, 6)]
    assert len(data["history"]) == 1
    assert len(data["history"][0]["items"]) == 3
    assert [c["body"] for c in data["comments"]] == ["I think so."]
    # Nobody else's data.
    assert "fay" not in response.content.decode()


# --- delete my account -----------------------------------------------------------------------------


def delete(user, ratings: str, password: str = PASSWORD):
    return logged_in(user).post(
        "/accounts/profile/delete/", {"ratings": ratings, "password": password}
    )


def test_former_members_are_numbered_within_their_group_never_by_id(
    cast, theories, make_user, django_capture_on_commit_callbacks
) -> None:
    zed = make_user("zed")
    membership_join(group=cast.public, user=zed)
    with django_capture_on_commit_callbacks(execute=True):
        for person in (cast.member, zed):
            rate(person, cast.public, theories, 7)
        for person in (cast.member, zed):
            assert delete(person, "keep").status_code == 302
    names = set(
        Participant.objects.filter(group=cast.public, user__isnull=True).values_list(
            "name", flat=True
        )
    )
    assert names == {"former member 1", "former member 2"}


def test_a_wrong_password_deletes_nothing(cast) -> None:
    response = delete(cast.member, "remove", password="nope")
    assert response.status_code == 400
    assert "That is not your password: nothing was deleted." in text(response)
    assert User.objects.filter(pk=cast.member.pk).exists()


def test_a_missing_choice_deletes_nothing(cast) -> None:
    response = logged_in(cast.member).post("/accounts/profile/delete/", {"password": PASSWORD})
    assert response.status_code == 400
    assert User.objects.filter(pk=cast.member.pk).exists()


def test_deleting_needs_the_csrf_token(cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.member)
    response = client.post("/accounts/profile/delete/", {"ratings": "remove", "password": PASSWORD})
    assert response.status_code == 403
    assert User.objects.filter(pk=cast.member.pk).exists()


def test_the_only_facilitator_of_a_group_with_members_must_hand_it_over_first(cast) -> None:
    response = delete(cast.facilitator, "keep")
    assert response.status_code == 409
    assert "You are the only facilitator of" in text(response)
    assert User.objects.filter(pk=cast.facilitator.pk).exists()
    membership_set_role(group=cast.public, user=cast.member, role="facilitator")
    membership_set_role(group=cast.private, user=cast.member, role="facilitator")
    assert delete(cast.facilitator, "keep").status_code == 302


def test_deleting_and_removing_ratings_recomputes_the_rankings(
    cast, theories, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        rate(cast.member, cast.public, theories, 10)
        rate(cast.facilitator, cast.public, theories, 2)
        reply_to = comment_create(
            author=cast.facilitator, theory=theories[0], group=cast.public, body="Why?"
        )
        mine = comment_create(
            author=cast.member, theory=theories[0], group=cast.public, body="Because."
        )
        comment_create(
            author=cast.facilitator,
            theory=theories[0],
            group=cast.public,
            body="I see.",
            parent_id=mine.pk,
        )
    drain_outbox()
    ranking_recompute(scope=Scope.global_(), force=True)
    assert ranking_get(scope=Scope.group(cast.public.pk)).raters == 2
    assert ranking_get(scope=Scope.global_()).raters == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = delete(cast.member, "remove")
    drain_outbox()
    assert response.status_code == 302
    assert not User.objects.filter(username="mo").exists()
    assert not Rating.objects.filter(group=cast.public, score=10).exists()
    assert not Submission.objects.filter(group=cast.public, participant__name="mo").exists()
    group_ranking = ranking_get(scope=Scope.group(cast.public.pk))
    assert group_ranking.raters == 1
    assert group_ranking.results[0]["mean"] == pytest.approx(2.0)
    assert ranking_get(scope=Scope.global_()).raters == 1
    # The comment is a placeholder with no author; the reply keeps its place under it.
    mine.refresh_from_db()
    assert (mine.deleted, mine.author, mine.body) == (True, None, "")
    assert Comment.objects.get(body="I see.").parent_id == mine.pk
    assert Comment.objects.get(pk=reply_to.pk).body == "Why?"
    # Signing in with the old account fails.
    login = Client().post("/accounts/login/", {"username": "mo", "password": PASSWORD})
    assert login.status_code == 200


def test_deleting_and_keeping_ratings_leaves_a_former_member(
    cast, theories, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        rate(cast.member, cast.public, theories, 10)
    participant = Participant.objects.get(group=cast.public, user=cast.member)
    with django_capture_on_commit_callbacks(execute=True):
        assert delete(cast.member, "keep").status_code == 302
    participant.refresh_from_db()
    assert participant.user is None
    assert participant.name == "former member 1"  # counted in the group, never an id
    assert Rating.objects.filter(participant=participant).count() == 3
    assert not Membership.objects.filter(user_id=cast.member.pk).exists()
    ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    assert ranking_get(scope=Scope.group(cast.public.pk)).raters == 1
