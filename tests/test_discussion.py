"""Argued comments (issue 4): the comments API as the contract says, every refusal it names,
the safety of stored markdown, threading, votes, moderation, and the pages without JavaScript."""

import io
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from discussion.markdown import render_markdown, sanitise
from discussion.models import Comment, CommentReport, CommentVersion, CommentVote
from discussion.services import comment_create
from groups.services import group_update, membership_join

from .conftest import PASSWORD
from .factories import rate
from .xss_corpus import PAYLOADS, executable_content

CONTRACT_KEYS = {
    "id", "author", "body", "body_html", "stance", "parent", "created_at", "edited_at",
    "retracted", "deleted", "score",
}  # fmt: skip


def thread_url(theory) -> str:
    return f"/api/v1/theories/{theory.id}/comments/"


def post(client, theory, **data):
    return client.post(thread_url(theory), data, format="json")


def make_comment(author, theory, body="An argument.", group=None, **kwargs) -> Comment:
    return comment_create(author=author, theory=theory, group=group, body=body, **kwargs)


# --- posting and listing ----------------------------------------------------------------------------


def test_a_signed_in_user_posts_a_public_comment_and_gets_it_back_with_the_contract_fields(
    cast, api, theories
) -> None:
    response = post(api(cast.member), theories[0], body="Auditing *matters*.", stance="for")
    assert response.status_code == 201
    item = response.json()
    assert set(item) >= CONTRACT_KEYS
    assert item["author"] == "mo"
    assert item["body"] == "Auditing *matters*."
    assert item["body_html"] == "<p>Auditing <em>matters</em>.</p>\n"
    assert item["stance"] == "for"
    assert item["parent"] is None
    assert item["edited_at"] is None
    assert (item["retracted"], item["deleted"], item["score"]) == (False, False, 0)
    assert item["group"] is None


def test_the_list_is_paginated_and_oldest_first(cast, api, theories) -> None:
    for n in range(3):
        make_comment(cast.member, theories[0], body=f"comment {n}")
    response = api().get(thread_url(theories[0]))
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 3
    assert [c["body"] for c in data["results"]] == ["comment 0", "comment 1", "comment 2"]


def test_newest_and_top_orderings_are_available(cast, api, theories) -> None:
    a = make_comment(cast.member, theories[0], body="a")
    b = make_comment(cast.member, theories[0], body="b")
    api(cast.outsider).post(f"/api/v1/comments/{a.id}/vote/", {"value": 1}, format="json")
    newest = api().get(thread_url(theories[0]) + "?ordering=newest").json()["results"]
    assert [c["id"] for c in newest] == [b.id, a.id]
    top = api().get(thread_url(theories[0]) + "?ordering=top").json()["results"]
    assert [c["id"] for c in top] == [a.id, b.id]


def test_an_anonymous_visitor_reads_the_public_thread_but_cannot_post(cast, api, theories) -> None:
    make_comment(cast.member, theories[0])
    assert api().get(thread_url(theories[0])).json()["count"] == 1
    response = post(api(), theories[0], body="hello")
    assert response.status_code == 401
    assert Comment.objects.count() == 1


def test_an_unknown_theory_is_404(cast, api, theories) -> None:
    assert api().get("/api/v1/theories/999999/comments/").status_code == 404
    assert (
        api(cast.member)
        .post("/api/v1/theories/999999/comments/", {"body": "x"}, format="json")
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   \n\t  "}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({}, "body"),
        ({"body": "ok", "stance": "maybe"}, "stance"),
        ({"body": "ok", "stance": 3}, "stance"),
        ({"body": "nul \u0000 here"}, "body"),
        ({"body": "ok", "parent": "abc"}, "parent"),
    ],
    ids=[
        "empty",
        "blank",
        "too-long",
        "missing",
        "bad-stance",
        "numeric-stance",
        "nul",
        "bad-parent",
    ],
)
def test_it_refuses_a_bad_comment_with_400_naming_the_field(
    cast, api, theories, data, field
) -> None:
    response = post(api(cast.member), theories[0], **data)
    assert response.status_code == 400
    assert field in response.json()
    assert not Comment.objects.exists()


def test_a_body_of_exactly_ten_thousand_characters_is_accepted(cast, api, theories) -> None:
    response = post(api(cast.member), theories[0], body="y" * 10_000)
    assert response.status_code == 201


# --- group threads ----------------------------------------------------------------------------------


def test_a_member_posts_in_the_group_thread_and_only_members_see_it(cast, api, theories) -> None:
    theory = theories[0]
    response = post(api(cast.member), theory, body="Inside", group=cast.private.slug)
    assert response.status_code == 201
    assert response.json()["group"] == cast.private.slug
    make_comment(cast.member, theory, body="Outside")
    group_list = api(cast.facilitator).get(thread_url(theory) + f"?group={cast.private.slug}")
    assert [c["body"] for c in group_list.json()["results"]] == ["Inside"]
    public = api(cast.facilitator).get(thread_url(theory))
    assert [c["body"] for c in public.json()["results"]] == ["Outside"]


def test_a_private_groups_thread_is_404_to_outsiders_for_reading_and_posting(
    cast, api, theories
) -> None:
    theory = theories[0]
    make_comment(cast.member, theory, group=cast.private)
    url = thread_url(theory) + f"?group={cast.private.slug}"
    assert api(cast.outsider).get(url).status_code == 404
    assert api().get(url).status_code == 404
    response = post(api(cast.outsider), theory, body="let me in", group=cast.private.slug)
    assert response.status_code == 404
    assert Comment.objects.count() == 1


def test_a_public_groups_thread_is_403_to_non_members(cast, api, theories) -> None:
    theory = theories[0]
    url = thread_url(theory) + f"?group={cast.public.slug}"
    assert api(cast.outsider).get(url).status_code == 403
    response = post(api(cast.outsider), theory, body="hi", group=cast.public.slug)
    assert response.status_code == 403


def test_an_unknown_group_is_404(cast, api, theories) -> None:
    assert api(cast.member).get(thread_url(theories[0]) + "?group=nope").status_code == 404


def test_a_private_groups_comment_is_404_everywhere_to_an_outsider(cast, api, theories) -> None:
    comment = make_comment(cast.member, theories[0], group=cast.private)
    client = api(cast.outsider)
    assert client.get(f"/api/v1/comments/{comment.id}/").status_code == 404
    assert (
        client.patch(f"/api/v1/comments/{comment.id}/", {"body": "x"}, format="json").status_code
        == 404
    )
    assert client.delete(f"/api/v1/comments/{comment.id}/").status_code == 404
    assert (
        client.post(f"/api/v1/comments/{comment.id}/vote/", {"value": 1}, format="json").status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/comments/{comment.id}/report/", {"reason": "x"}, format="json"
        ).status_code
        == 404
    )


def test_each_group_comment_shows_its_authors_current_rating_in_that_group(
    cast, api, theories, django_assert_max_num_queries
) -> None:
    theory = theories[2]
    rate(cast.member, {theory: 3}, group=cast.public)
    rate(cast.facilitator, {theory: 9}, group=cast.public)
    rate(cast.member, {theory: 7}, group=cast.private)  # another group: not shown in this one
    for _ in range(5):
        make_comment(cast.member, theory, group=cast.public)
        make_comment(cast.facilitator, theory, group=cast.public)
    url = thread_url(theory) + f"?group={cast.public.slug}"
    with django_assert_max_num_queries(12):  # whatever the number of comments
        results = api(cast.member).get(url).json()["results"]
    ratings = {(c["author"], c["author_rating"]) for c in results}
    assert ratings == {("mo", 3), ("fay", 9)}


def test_a_public_comment_carries_no_author_rating(cast, api, theories) -> None:
    rate(cast.member, {theories[0]: 3}, group=cast.public)
    make_comment(cast.member, theories[0])
    assert api().get(thread_url(theories[0])).json()["results"][0]["author_rating"] is None


def test_author_ratings_stay_hidden_from_a_member_who_has_not_rated_when_results_are_hidden(
    cast, api, theories, make_user
) -> None:
    theory = theories[0]
    group_update(group=cast.public, results_hidden=True)
    rate(cast.facilitator, {theory: 8}, group=cast.public)
    make_comment(cast.facilitator, theory, group=cast.public)
    url = thread_url(theory) + f"?group={cast.public.slug}"
    assert api(cast.member).get(url).json()["results"][0]["author_rating"] is None
    rate(cast.member, {theories[1]: 5}, group=cast.public)
    assert api(cast.member).get(url).json()["results"][0]["author_rating"] == 8


# --- threading -------------------------------------------------------------------------------------


def test_a_reply_names_its_parent(cast, api, theories) -> None:
    parent = make_comment(cast.member, theories[0])
    response = post(api(cast.outsider), theories[0], body="Reply", parent=parent.id)
    assert response.status_code == 201
    assert response.json()["parent"] == parent.id


def test_a_reply_to_a_comment_on_another_theory_is_refused(cast, api, theories) -> None:
    elsewhere = make_comment(cast.member, theories[1])
    response = post(api(cast.member), theories[0], body="Reply", parent=elsewhere.id)
    assert response.status_code == 400
    assert "parent" in response.json()


def test_a_reply_across_scopes_is_refused_both_ways(cast, api, theories) -> None:
    theory = theories[0]
    in_group = make_comment(cast.member, theory, group=cast.public)
    in_public = make_comment(cast.member, theory)
    in_other = make_comment(cast.other_facilitator, theory, group=cast.other)
    client = api(cast.member)
    assert post(client, theory, body="r", parent=in_group.id).status_code == 400
    assert (
        post(client, theory, body="r", parent=in_public.id, group=cast.public.slug).status_code
        == 400
    )
    assert (
        post(client, theory, body="r", parent=in_other.id, group=cast.public.slug).status_code
        == 400
    )
    assert post(client, theory, body="r", parent=999_999).status_code == 400


def test_a_reply_to_a_private_comment_reads_the_same_as_a_reply_to_no_comment(
    cast, api, theories
) -> None:
    secret = make_comment(cast.member, theories[0], group=cast.private)
    leaked = post(api(cast.outsider), theories[0], body="r", parent=secret.id).json()
    missing = post(api(cast.outsider), theories[0], body="r", parent=999_999).json()
    assert leaked == missing


def test_deleting_a_parent_keeps_its_replies_under_a_placeholder(cast, api, theories) -> None:
    parent = make_comment(cast.member, theories[0], body="Parent text", stance="for")
    reply = make_comment(cast.outsider, theories[0], body="Reply text", parent_id=parent.id)
    assert api(cast.member).delete(f"/api/v1/comments/{parent.id}/").status_code == 204
    results = {c["id"]: c for c in api().get(thread_url(theories[0])).json()["results"]}
    assert results[parent.id]["deleted"] is True
    assert results[parent.id]["body"] == results[parent.id]["body_html"] == ""
    assert results[parent.id]["stance"] is None
    assert results[reply.id]["parent"] == parent.id
    assert results[reply.id]["body"] == "Reply text"
    assert Comment.objects.get(pk=parent.id).body == ""  # gone from the database, too


def test_a_deleted_comment_cannot_be_replied_to_or_edited(cast, api, theories) -> None:
    comment = make_comment(cast.member, theories[0])
    api(cast.member).delete(f"/api/v1/comments/{comment.id}/")
    assert post(api(cast.member), theories[0], body="r", parent=comment.id).status_code == 400
    response = api(cast.member).patch(
        f"/api/v1/comments/{comment.id}/", {"body": "back"}, format="json"
    )
    assert response.status_code == 400


# --- editing, retracting, deleting ------------------------------------------------------------------


def test_the_author_edits_and_the_earlier_version_is_kept(cast, api, theories) -> None:
    comment = make_comment(cast.member, theories[0], body="First take", stance="for")
    client = api(cast.member)
    response = client.patch(
        f"/api/v1/comments/{comment.id}/",
        {"body": "Second **take**", "stance": "against"},
        format="json",
    )
    assert response.status_code == 200
    item = response.json()
    assert item["body"] == "Second **take**"
    assert item["body_html"] == "<p>Second <strong>take</strong></p>\n"
    assert item["stance"] == "against"
    assert item["edited_at"] is not None
    versions = client.get(f"/api/v1/comments/{comment.id}/versions/").json()
    assert versions["count"] == 1
    assert versions["results"][0]["body"] == "First take"
    assert versions["results"][0]["stance"] == "for"


def test_an_edit_that_changes_nothing_keeps_no_version(cast, api, theories) -> None:
    comment = make_comment(cast.member, theories[0], body="Same")
    response = api(cast.member).patch(
        f"/api/v1/comments/{comment.id}/", {"body": "Same"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["edited_at"] is None
    assert not CommentVersion.objects.exists()


def test_edits_by_anyone_but_the_author_are_refused_with_403(cast, api, theories) -> None:
    comment = make_comment(cast.member, theories[0], group=cast.public)
    for user in (cast.facilitator, cast.outsider):
        response = api(user).patch(
            f"/api/v1/comments/{comment.id}/", {"body": "mine now"}, format="json"
        )
        assert response.status_code == 403
        response = api(user).post(f"/api/v1/comments/{comment.id}/retract/")
        assert response.status_code == 403
    assert (
        api().patch(f"/api/v1/comments/{comment.id}/", {"body": "x"}, format="json").status_code
        == 401
    )
    assert Comment.objects.get(pk=comment.id).body == "An argument."


def test_a_bad_edit_is_400(cast, api, theories) -> None:
    comment = make_comment(cast.member, theories[0])
    client = api(cast.member)
    url = f"/api/v1/comments/{comment.id}/"
    assert client.patch(url, {"body": "  "}, format="json").status_code == 400
    assert client.patch(url, {"body": "z" * 10_001}, format="json").status_code == 400
    assert client.patch(url, {"stance": "sideways"}, format="json").status_code == 400
    assert client.patch(url, {}, format="json").status_code == 400


def test_an_unknown_comment_is_404(cast, api, theories) -> None:
    client = api(cast.member)
    assert client.get("/api/v1/comments/999999/").status_code == 404
    assert client.patch("/api/v1/comments/999999/", {"body": "x"}, format="json").status_code == 404
    assert client.delete("/api/v1/comments/999999/").status_code == 404
    assert (
        client.post("/api/v1/comments/999999/vote/", {"value": 1}, format="json").status_code == 404
    )


def test_the_author_retracts_and_takes_the_retraction_back(cast, api, theories) -> None:
    comment = make_comment(cast.member, theories[0], stance="against")
    client = api(cast.member)
    response = client.post(f"/api/v1/comments/{comment.id}/retract/")
    assert response.status_code == 200
    assert response.json()["retracted"] is True
    assert response.json()["body"] == "An argument."  # kept, only marked
    assert client.get(thread_url(theories[0])).json()["results"][0]["retracted"] is True
    response = client.post(f"/api/v1/comments/{comment.id}/unretract/")
    assert response.json()["retracted"] is False
    response = client.post(
        f"/api/v1/comments/{comment.id}/retract/", {"retracted": False}, format="json"
    )
    assert response.json()["retracted"] is False


def test_a_facilitator_deletes_a_comment_in_their_own_group_only(cast, api, theories) -> None:
    theory = theories[0]
    in_public_group = make_comment(cast.member, theory, group=cast.public)
    in_private_group = make_comment(cast.member, theory, group=cast.private)
    in_public_thread = make_comment(cast.member, theory)
    olga = api(cast.other_facilitator)  # a facilitator, but of another group
    assert olga.delete(f"/api/v1/comments/{in_public_group.id}/").status_code == 403
    assert olga.delete(f"/api/v1/comments/{in_private_group.id}/").status_code == 404
    fay = api(cast.facilitator)
    assert fay.delete(f"/api/v1/comments/{in_public_thread.id}/").status_code == 403
    assert fay.delete(f"/api/v1/comments/{in_public_group.id}/").status_code == 204
    assert fay.delete(f"/api/v1/comments/{in_private_group.id}/").status_code == 204
    assert list(
        Comment.objects.filter(deleted=True).order_by("id").values_list("id", flat=True)
    ) == [
        in_public_group.id,
        in_private_group.id,
    ]


def test_a_plain_member_cannot_delete_anothers_comment(cast, api, theories, make_user) -> None:
    comment = make_comment(cast.facilitator, theories[0], group=cast.public)
    assert api(cast.member).delete(f"/api/v1/comments/{comment.id}/").status_code == 403
    assert api().delete(f"/api/v1/comments/{comment.id}/").status_code == 401


def test_staff_moderate_the_public_thread(cast, api, theories) -> None:
    comment = make_comment(cast.member, theories[0])
    User.objects.filter(pk=cast.outsider.pk).update(is_staff=True)
    assert api(cast.outsider).delete(f"/api/v1/comments/{comment.id}/").status_code == 204


# --- votes ---------------------------------------------------------------------------------------


def test_a_quality_vote_returns_the_comment_and_a_repeat_replaces_it(cast, api, theories) -> None:
    comment = make_comment(cast.member, theories[0])
    url = f"/api/v1/comments/{comment.id}/vote/"
    client = api(cast.outsider)
    response = client.post(url, {"value": 1}, format="json")
    assert response.status_code == 200
    assert response.json()["id"] == comment.id
    assert response.json()["score"] == 1
    assert client.post(url, {"value": 1}, format="json").json()["score"] == 1
    assert client.post(url, {"value": -1}, format="json").json()["score"] == -1
    assert api(cast.facilitator).post(url, {"value": -1}, format="json").json()["score"] == -2
    assert client.post(url, {"value": 0}, format="json").json()["score"] == -1
    assert CommentVote.objects.filter(comment=comment).count() == 1


@pytest.mark.parametrize("value", [2, -2, "up", None, 0.5])
def test_a_bad_vote_value_is_400(cast, api, theories, value) -> None:
    comment = make_comment(cast.member, theories[0])
    response = api(cast.outsider).post(
        f"/api/v1/comments/{comment.id}/vote/", {"value": value}, format="json"
    )
    assert response.status_code == 400
    assert not CommentVote.objects.exists()


@pytest.mark.parametrize("kind", ["vote", "agree"])
def test_an_author_cannot_vote_on_their_own_comment_and_the_page_offers_no_buttons(
    cast, api, theories, kind
) -> None:
    comment = make_comment(cast.member, theories[0])
    url = f"/api/v1/comments/{comment.id}/{kind}/"
    response = api(cast.member).post(url, {"value": 1}, format="json")
    assert response.status_code == 400
    assert response.json()["value"] == ["You cannot vote on your own comment."]
    assert not CommentVote.objects.exists()
    # Through the page's form, too: refused with the message, nothing saved.
    page = Client()
    page.force_login(cast.member)
    answer = page.post(reverse(f"comment_{kind}", args=[comment.id]), {"value": 1}, follow=True)
    assert "You cannot vote on your own comment." in answer.content.decode()
    assert not CommentVote.objects.exists()
    # Its author sees no vote buttons on it; another reader does.
    thread = page.get(f"/theories/{theories[0].slug}/").content.decode()
    assert f'action="/comments/{comment.id}/vote/"' not in thread
    other = Client()
    other.force_login(cast.outsider)
    assert (
        f'action="/comments/{comment.id}/vote/"'
        in other.get(f"/theories/{theories[0].slug}/").content.decode()
    )


def test_an_anonymous_vote_is_401(cast, api, theories) -> None:
    comment = make_comment(cast.member, theories[0])
    assert (
        api().post(f"/api/v1/comments/{comment.id}/vote/", {"value": 1}, format="json").status_code
        == 401
    )


def test_agreement_is_a_separate_vote_from_quality(cast, api, theories) -> None:
    comment = make_comment(cast.member, theories[0])
    client = api(cast.outsider)
    client.post(f"/api/v1/comments/{comment.id}/vote/", {"value": 1}, format="json")
    response = client.post(f"/api/v1/comments/{comment.id}/agree/", {"value": -1}, format="json")
    item = response.json()
    assert (item["score"], item["agree"], item["disagree"]) == (1, 0, 1)
    assert (item["my_vote"], item["my_agreement"]) == (1, -1)


def test_only_members_vote_in_a_group_thread(cast, api, theories) -> None:
    comment = make_comment(cast.member, theories[0], group=cast.public)
    url = f"/api/v1/comments/{comment.id}/vote/"
    assert api(cast.outsider).post(url, {"value": 1}, format="json").status_code == 403
    assert api(cast.facilitator).post(url, {"value": 1}, format="json").status_code == 200


def test_scores_are_summed_in_the_list_without_a_query_per_comment(
    cast, api, theories, django_assert_max_num_queries
) -> None:
    theory = theories[0]
    comments = [make_comment(cast.member, theory, body=f"c{n}") for n in range(30)]
    for user in (cast.facilitator, cast.outsider):
        for c in comments[:10]:
            api(user).post(f"/api/v1/comments/{c.id}/vote/", {"value": 1}, format="json")
    with django_assert_max_num_queries(8):
        results = api(cast.outsider).get(thread_url(theory)).json()["results"]
    assert [c["score"] for c in results] == [2] * 10 + [0] * 20
    assert [c["my_vote"] for c in results] == [1] * 10 + [None] * 20


# --- moderation ------------------------------------------------------------------------------------


def test_a_report_is_kept_for_the_staff_and_shown_in_the_admin(cast, api, theories) -> None:
    comment = make_comment(cast.member, theories[0])
    response = api(cast.outsider).post(
        f"/api/v1/comments/{comment.id}/report/", {"reason": "Personal attack"}, format="json"
    )
    assert response.status_code == 201
    report = CommentReport.objects.get()
    assert (report.comment_id, report.reporter_id, report.reason) == (
        comment.id,
        cast.outsider.id,
        "Personal attack",
    )
    assert (
        api(cast.outsider)
        .post(f"/api/v1/comments/{comment.id}/report/", {"reason": ""}, format="json")
        .status_code
        == 400
    )
    admin = User.objects.create_superuser("root", password=PASSWORD)
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/discussion/commentreport/")
    assert page.status_code == 200
    assert "Personal attack" in page.content.decode()


def test_a_facilitator_hides_a_comment_from_everyone_but_its_author(
    cast, api, theories, make_user
) -> None:
    comment = make_comment(cast.member, theories[0], body="Rude", group=cast.public)
    assert api(cast.member).post(f"/api/v1/comments/{comment.id}/hide/").status_code == 403
    response = api(cast.facilitator).post(f"/api/v1/comments/{comment.id}/hide/")
    assert response.status_code == 200
    assert response.json()["hidden"] is True
    assert response.json()["body"] == "Rude"  # the facilitator still sees it
    other = make_user("mary")
    membership_join(group=cast.public, user=other)
    url = thread_url(theories[0]) + f"?group={cast.public.slug}"
    assert api(other).get(url).json()["results"][0]["body"] == ""
    assert api(cast.member).get(url).json()["results"][0]["body"] == "Rude"
    response = api(cast.facilitator).post(
        f"/api/v1/comments/{comment.id}/hide/", {"hidden": False}, format="json"
    )
    assert response.json()["hidden"] is False


# --- markdown, mentions, sanitising ---------------------------------------------------------------


def test_markdown_renders_paragraphs_emphasis_lists_links_quotes_and_code(db: None) -> None:
    html = render_markdown(
        "Para *em* **strong**\n\n- one\n- two\n\n> quoted\n\n`code` and [a link](https://example.org)"
    )
    assert "<em>em</em>" in html and "<strong>strong</strong>" in html
    assert "<ul>\n<li>one</li>" in html
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html
    assert "<code>code</code>" in html
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">a link</a>' in html


def test_a_mention_links_to_an_existing_user_only(cast, theories) -> None:
    html = render_markdown("Ask @mo, not @nobody-here, or mail x@mo.org")
    assert '<a href="/users/mo/" rel="nofollow noopener noreferrer">@mo</a>' in html
    assert "@nobody-here" in html and "/users/nobody-here/" not in html
    assert "/users/mo.org/" not in html


def test_headings_are_shifted_below_the_page_headings(db: None) -> None:
    assert render_markdown("# Big").strip() == "<h3>Big</h3>"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_stored_html_holds_no_executable_content(cast, theories, payload) -> None:
    comment = make_comment(cast.member, theories[0], body=payload)
    stored = Comment.objects.get(pk=comment.pk).body_html
    assert executable_content(stored) == [], stored


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_sanitiser_alone_removes_executable_content_from_raw_html(payload) -> None:
    """The second layer holds even if the markdown layer ever let raw HTML through."""
    cleaned = sanitise(payload)
    assert executable_content(cleaned) == [], cleaned


def test_the_corpus_checker_does_catch_executable_content() -> None:
    assert executable_content('<a href="javascript:alert(1)">x</a>')
    assert executable_content('<a href=" JaVa&#x09;Script:alert(1)">x</a>')
    assert executable_content("<img src=x onerror=alert(1)>")
    assert executable_content("<p style='color:red'>x</p>")
    assert executable_content("<script>alert(1)</script>")
    assert executable_content('<a href="data:text/html,x">x</a>')


def test_rerender_comments_rebuilds_the_stored_html_from_the_markdown(cast, theories) -> None:
    comment = make_comment(cast.member, theories[0], body="Hi @olga")
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>stale</p>")
    call_command("rerender_comments", stdout=io.StringIO())
    html = Comment.objects.get(pk=comment.pk).body_html
    assert html == '<p>Hi <a href="/users/olga/" rel="nofollow noopener noreferrer">@olga</a></p>\n'


def test_the_preview_endpoint_renders_what_would_be_stored(cast, api) -> None:
    response = api(cast.member).post(
        "/api/v1/comments/preview/", {"body": "*x* <script>"}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"body_html": "<p><em>x</em> &lt;script&gt;</p>\n"}
    assert api().post("/api/v1/comments/preview/", {"body": "x"}, format="json").status_code == 401


# --- the database keeps the invariants ------------------------------------------------------------


def test_the_database_refuses_a_bad_stance_a_bad_vote_and_a_second_vote_of_a_kind(
    cast, theories
) -> None:
    comment = make_comment(cast.member, theories[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(stance="maybe")
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(body="x" * 10_001)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentVote.objects.create(comment=comment, user=cast.outsider, kind="quality", value=2)
    CommentVote.objects.create(comment=comment, user=cast.outsider, kind="quality", value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentVote.objects.create(comment=comment, user=cast.outsider, kind="quality", value=-1)
    CommentVote.objects.create(comment=comment, user=cast.outsider, kind="agreement", value=-1)


# --- throttling -------------------------------------------------------------------------------------


@pytest.fixture
def comments_rate_two_per_minute(cast, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    rates = dict(SimpleRateThrottle.THROTTLE_RATES)
    rates["comments"] = "2/min"
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    key = SimpleRateThrottle.cache_format % {"scope": "comments", "ident": cast.member.pk}
    cache.delete(key)
    yield
    cache.delete(key)


def test_posting_and_voting_are_throttled_per_user(
    cast, api, theories, comments_rate_two_per_minute
) -> None:
    client = api(cast.member)
    assert post(client, theories[0], body="one").status_code == 201
    first = make_comment(cast.facilitator, theories[0])  # one to vote on (not one's own)
    assert (
        client.post(f"/api/v1/comments/{first.id}/vote/", {"value": 1}, format="json").status_code
        == 200
    )
    response = post(client, theories[0], body="three")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert client.get(thread_url(theories[0])).status_code == 200  # reading is never throttled


# --- pages ---------------------------------------------------------------------------------------


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_theory_page_shows_the_public_thread_with_stance_counts(cast, theories) -> None:
    theory = theories[0]
    parent = make_comment(cast.member, theory, body="A *strong* case", stance="for")
    make_comment(cast.outsider, theory, body="Reply here", stance="against", parent_id=parent.id)
    make_comment(cast.member, theory, body="Secret", group=cast.public)
    page = Client().get(f"/theories/{theory.slug}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "A <strong>strong</strong> case" not in html  # markdown stays markdown here...
    assert "A <em>strong</em> case" in html  # ...rendered, as stored
    assert "Reply here" in html and "Secret" not in html
    assert 'data-stance-count="for">1<' in html and 'data-stance-count="against">1<' in html
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert (
        "unsafe-inline" not in page["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )


def test_the_group_thread_page_is_for_members_only(cast, theories) -> None:
    theory = theories[0]
    make_comment(cast.member, theory, body="Members only", group=cast.private)
    url = f"/groups/{cast.private.slug}/theories/{theory.slug}/"
    assert login(cast.outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 404
    assert (
        login(cast.outsider).get(f"/groups/{cast.public.slug}/theories/{theory.slug}/").status_code
        == 403
    )
    page = login(cast.member).get(url)
    assert page.status_code == 200
    assert "Members only" in page.content.decode()


def test_a_comment_posted_from_the_page_without_javascript_lands_in_the_thread(
    cast, theories
) -> None:
    theory = theories[0]
    client = login(cast.member)
    response = client.post(
        f"/groups/{cast.public.slug}/theories/{theory.slug}/comments/",
        {"body": "From the form", "stance": "neutral"},
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"/groups/{cast.public.slug}/theories/{theory.slug}/#c-{comment.id}"
    )
    assert (comment.group_id, comment.stance) == (cast.public.id, "neutral")


def test_a_blank_comment_from_the_page_is_refused_and_the_typed_stance_kept(cast, theories) -> None:
    theory = theories[0]
    response = login(cast.member).post(
        f"/theories/{theory.slug}/comments/", {"body": "  ", "stance": "for"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "A comment needs some text." in html
    assert 'value="for" checked' in html
    assert not Comment.objects.exists()


def test_page_buttons_vote_retract_hide_and_delete_without_javascript(cast, theories) -> None:
    theory = theories[0]
    comment = make_comment(cast.member, theory, group=cast.public)
    login(cast.facilitator).post(f"/comments/{comment.id}/vote/", {"value": "1"})
    login(cast.facilitator).post(f"/comments/{comment.id}/agree/", {"value": "-1"})
    assert CommentVote.objects.filter(comment=comment).count() == 2
    login(cast.member).post(f"/comments/{comment.id}/retract/", {"retracted": "1"})
    assert Comment.objects.get(pk=comment.id).retracted
    assert login(cast.outsider).post(f"/comments/{comment.id}/retract/").status_code == 403
    login(cast.facilitator).post(f"/comments/{comment.id}/hide/", {"hidden": "1"})
    assert Comment.objects.get(pk=comment.id).hidden
    assert login(cast.other_facilitator).post(f"/comments/{comment.id}/delete/").status_code == 403
    login(cast.facilitator).post(f"/comments/{comment.id}/delete/")
    assert Comment.objects.get(pk=comment.id).deleted


def test_the_edit_page_saves_a_new_version_and_the_versions_page_shows_both(cast, theories) -> None:
    comment = make_comment(cast.member, theories[0], body="Old words")
    client = login(cast.member)
    assert login(cast.outsider).get(f"/comments/{comment.id}/edit/").status_code == 403
    assert client.get(f"/comments/{comment.id}/edit/").status_code == 200
    response = client.post(f"/comments/{comment.id}/edit/", {"body": "New words", "stance": ""})
    assert response.status_code == 302
    html = Client().get(f"/comments/{comment.id}/versions/").content.decode()
    assert "Old words" in html and "New words" in html
    thread = Client().get(f"/theories/{theories[0].slug}/").content.decode()
    assert "edited" in thread and f"/comments/{comment.id}/versions/" in thread


def test_the_for_and_against_view_shows_both_sides_with_ratings_in_a_group(cast, theories) -> None:
    theory = theories[0]
    rate(cast.member, {theory: 2}, group=cast.public)
    rate(cast.facilitator, {theory: 9}, group=cast.public)
    make_comment(cast.facilitator, theory, body="It is vital", stance="for", group=cast.public)
    make_comment(
        cast.member, theory, body="It is a distraction", stance="against", group=cast.public
    )
    retracted = make_comment(
        cast.member, theory, body="Never mind", stance="against", group=cast.public
    )
    Comment.objects.filter(pk=retracted.pk).update(retracted=True)
    html = (
        login(cast.member)
        .get(f"/groups/{cast.public.slug}/theories/{theory.slug}/for-and-against/")
        .content.decode()
    )
    for_part, against_part = html.split('id="against-heading"')
    assert "It is vital" in for_part and "rated 9/10" in for_part
    assert "It is a distraction" in against_part and "rated 2/10" in against_part
    assert "Never mind" not in html
    assert (
        login(cast.outsider)
        .get(f"/groups/{cast.private.slug}/theories/{theory.slug}/for-and-against/")
        .status_code
        == 404
    )


def test_a_persons_page_lists_their_public_comments_only(cast, theories) -> None:
    make_comment(cast.member, theories[0], body="Said in public")
    make_comment(cast.member, theories[0], body="Said in the group", group=cast.private)
    html = Client().get("/users/mo/").content.decode()
    assert "Said in public" in html and "Said in the group" not in html
    assert Client().get("/users/nobody/").status_code == 404
