"""The exact answers of the domain refusals: their status and body, over the API and on the
pages. A domain error carries its own (impactboard.errors) and DRF's exception handler maps it
once, so these pin that the answers did not move when the per-view try/except blocks went."""

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.services import UsernameTaken, user_create
from discussion.models import Comment
from discussion.services import comment_create, comment_delete
from exports.models import ImportJob
from ratings.models import Rating

from .conftest import PASSWORD


def thread_url(theory) -> str:
    return f"/api/v1/theories/{theory.id}/comments/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- comments, API ---------------------------------------------------------------------------


def test_a_blank_reply_to_an_unknown_comment_names_both_fields(cast, api, theories) -> None:
    theory = theories[0]
    response = api(cast.member).post(
        thread_url(theory), {"body": "   ", "parent": 999_999}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "body": ["A comment needs some text."],
        "parent": ["No such comment in this thread."],
    }
    assert not Comment.objects.exists()


def test_a_comment_over_the_length_limit_says_how_long_it_was(cast, api, theories) -> None:
    response = api(cast.member).post(thread_url(theories[0]), {"body": "z" * 10_001}, format="json")
    assert response.status_code == 400
    assert response.json() == {"body": ["A comment is at most 10,000 characters (10,001 here)."]}


def test_a_reply_to_a_removed_comment_is_refused_by_name(cast, api, theories) -> None:
    parent = comment_create(author=cast.outsider, theory=theories[0], group=None, body="x")
    Comment.objects.filter(pk=parent.pk).update(hidden=True)
    response = api(cast.member).post(
        thread_url(theories[0]), {"body": "a reply", "parent": parent.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"parent": ["That comment was removed: it cannot be replied to."]}


def test_editing_or_voting_on_a_deleted_comment_is_a_400_naming_it(cast, api, theories) -> None:
    comment = comment_create(author=cast.member, theory=theories[0], group=None, body="x")
    comment_delete(comment=comment)
    gone = {"detail": ["This comment was deleted."]}
    edit = api(cast.member).patch(f"/api/v1/comments/{comment.pk}/", {"body": "y"}, format="json")
    assert (edit.status_code, edit.json()) == (400, gone)
    vote = api(cast.outsider).post(
        f"/api/v1/comments/{comment.pk}/vote/", {"value": 1}, format="json"
    )
    assert (vote.status_code, vote.json()) == (400, gone)
    retract = api(cast.member).post(f"/api/v1/comments/{comment.pk}/retract/", {}, format="json")
    assert (retract.status_code, retract.json()) == (400, gone)


# --- comments, pages -------------------------------------------------------------------------


def test_a_blank_comment_on_the_page_shows_the_services_message(cast, theories) -> None:
    response = signed_in(cast.member).post(
        f"/theories/{theories[0].slug}/comments/", {"body": "  ", "stance": "sideways"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "A comment needs some text." in html
    assert "A stance is &#x27;for&#x27;, &#x27;against&#x27;, &#x27;neutral&#x27; or null." in html
    assert not Comment.objects.exists()


def test_a_page_reply_whose_parent_is_not_an_id_is_refused(cast, theories) -> None:
    response = signed_in(cast.member).post(
        f"/theories/{theories[0].slug}/comments/", {"body": "a reply", "parent": "abc"}
    )
    assert response.status_code == 400
    assert "A parent is a comment id." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_page_vote_out_of_range_and_an_empty_report_are_refused_with_messages(
    cast, theories
) -> None:
    comment = comment_create(author=cast.outsider, theory=theories[0], group=None, body="x")
    vote = signed_in(cast.member).post(f"/comments/{comment.pk}/vote/", {"value": "5"})
    assert vote.status_code == 302
    assert [str(m) for m in get_messages(vote.wsgi_request)] == ["A vote is 1, 0 (no vote) or -1."]
    report = signed_in(cast.member).post(f"/comments/{comment.pk}/report/", {"reason": "   "})
    assert report.status_code == 302
    assert [str(m) for m in get_messages(report.wsgi_request)] == [
        "Say briefly what is wrong with it."
    ]
    assert not comment.votes.exists() and not comment.reports.exists()


def test_a_page_edit_to_a_blank_body_keeps_the_comment(cast, theories) -> None:
    comment = comment_create(author=cast.member, theory=theories[0], group=None, body="kept")
    response = signed_in(cast.member).post(f"/comments/{comment.pk}/edit/", {"body": ""})
    assert response.status_code == 400
    assert "A comment needs some text." in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "kept"


# --- imports ---------------------------------------------------------------------------------


def commit(api, user, group, data: bytes):
    upload = SimpleUploadedFile("sheet.csv", data, content_type="text/csv")
    return api(user).post(
        f"/api/v1/groups/{group.slug}/import/",
        {"file": upload, "confirm": "true"},
        format="multipart",
    )


def test_an_unreadable_upload_answers_its_reason_as_the_detail(cast, api, theories) -> None:
    response = commit(api, cast.facilitator, cast.public, b"   \n")
    assert response.status_code == 400
    assert response.json() == {"detail": "The file is empty."}
    assert not ImportJob.objects.exists()


def test_a_sheet_with_problems_answers_them_all_and_keeps_no_job(cast, api, theories) -> None:
    response = commit(api, cast.facilitator, cast.public, b"Name,1\nAda,11\n")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The sheet has 1 problem(s); nothing was imported.",
        "problem_count": 1,
        "problems": [
            {
                "row": 2,
                "column": "B",
                "header": "1",
                "reason": "out of range: 11 (scores are 1 to 10)",
            }
        ],
    }
    assert not ImportJob.objects.exists()
    assert not Rating.objects.filter(group=cast.public).exists()


# --- accounts --------------------------------------------------------------------------------


def test_a_username_lost_to_a_concurrent_sign_up_is_the_apis_400_on_username(db) -> None:
    from impactboard.api import exception_handler  # after DRF's settings: they import it

    user_create(username="same-name", password=PASSWORD)
    with pytest.raises(UsernameTaken) as caught:
        user_create(username="same-name", password=PASSWORD)
    response = exception_handler(caught.value, {})
    assert response is not None
    assert (response.status_code, response.data) == (
        400,
        {"username": ["That username is taken."]},
    )
