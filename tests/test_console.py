"""Issue 20: the spoken short code (alphabet, uniqueness, rotation, lookup), the console's live
progress (names, not ids; counts for members) and the projector's data (the hiding rule)."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from groups.models import (
    SHORT_CODE_ALPHABET,
    SHORT_CODE_LENGTH,
    DiscussionGroup,
    new_short_code,
    short_code_normalise,
)
from groups.selectors import participant_of
from groups.services import group_create, group_invite_rotate, group_update
from groups.services.guests import guest_join
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.models import Submission
from ratings.services import RatingItem, rating_submission_create

LOOK_ALIKES = set("01OIL")


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rate(user, group, theories, score: int) -> None:
    rating_submission_create(
        participant=participant_of(group=group, user=user),
        items=[RatingItem(theory_id=theories[0].id, score=score)],
        submitted_by=user,
        source=Submission.Source.API,
    )


# --- the short code ------------------------------------------------------------------------------


def test_a_short_code_has_eight_characters_without_look_alikes() -> None:
    assert not LOOK_ALIKES & set(SHORT_CODE_ALPHABET)
    codes = {new_short_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == SHORT_CODE_LENGTH == 8
        assert set(code) <= set(SHORT_CODE_ALPHABET)


def test_every_new_group_gets_its_own_short_code(cast) -> None:
    codes = {g.short_code for g in DiscussionGroup.objects.all()}
    assert len(codes) == DiscussionGroup.objects.count() == 3
    assert (
        cast.public.short_code_display
        == f"{cast.public.short_code[:4]}-{cast.public.short_code[4:]}"
    )


def test_two_groups_cannot_share_a_short_code(cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        DiscussionGroup.objects.filter(pk=cast.private.pk).update(short_code=cast.public.short_code)


def test_rotating_the_invitation_replaces_the_short_code_with_the_join_code(cast) -> None:
    old_join, old_short = cast.private.join_code, cast.private.short_code
    group_invite_rotate(group=cast.private)
    stored = DiscussionGroup.objects.get(pk=cast.private.pk)
    assert stored.join_code != old_join and stored.short_code != old_short
    assert len(stored.short_code) == 8
    # The old spoken code no longer leads anywhere.
    assert Client().get("/groups/invite-code/", {"code": old_short}).status_code == 404


@pytest.mark.parametrize("typed", ["{c}", "{lower}", "{a}-{b}", " {a} {b} ", "{lower_a}-{b}"])
def test_the_invite_code_field_takes_the_short_code_in_any_case(cast, typed: str) -> None:
    code = cast.private.short_code
    raw = typed.format(c=code, lower=code.lower(), a=code[:4], b=code[4:], lower_a=code[:4].lower())
    response = Client().get("/groups/invite-code/", {"code": raw})
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{cast.private.slug}/invite/{cast.private.join_code}/"


@pytest.mark.parametrize("typed", ["ABCD", "0OIL0OIL", "ABCDEFGHJ", "ÄBCDEFGH"])
def test_a_wrong_or_malformed_short_code_is_the_invalid_invite_page(cast, typed: str) -> None:
    assert (
        short_code_normalise(typed) is None
        or not DiscussionGroup.objects.filter(short_code=short_code_normalise(typed)).exists()
    )
    response = Client().get("/groups/invite-code/", {"code": typed})
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()


def test_the_facilitator_lands_on_the_invite_link_qr_code_and_short_code(
    make_user, theories
) -> None:
    fay = make_user("fay")
    response = page(fay).post("/groups/new/", {"name": "Tuesday room", "visibility": "private"})
    group = DiscussionGroup.objects.get(name="Tuesday room")
    assert response["Location"] == f"/groups/{group.slug}/"
    html = page(fay).get(response["Location"]).content.decode()
    assert f"http://testserver/groups/{group.slug}/invite/{group.join_code}/" in html
    assert group.short_code_display in html
    assert '<svg viewBox="0 0 ' in html and 'class="qr-svg"' in html
    assert "data:" not in html.split('class="qr"')[1].split("</div>")[0]  # inline, no data: URL
    assert "<strong>Next:</strong>" in html
    assert 'data-copy="invite-link"' in html


# --- live progress -------------------------------------------------------------------------------


def test_progress_names_guests_by_their_own_name_for_facilitators_only(cast, theories) -> None:
    guest = guest_join(group=cast.private, name="Zoë from the back row")
    rating_submission_create(
        participant=guest.participant,
        items=[RatingItem(theory_id=theories[0].id, score=7)],
        submitted_by=guest.participant.user,
        source=Submission.Source.API,
    )
    url = f"/api/v1/groups/{cast.private.slug}/progress/"
    body = page(cast.facilitator).get(url).json()
    assert (body["rated"], body["total"], body["round_raters"], body["members"]) == (1, 3, 1, 3)
    people = {p["name"]: p for p in body["people"]}
    assert set(people) == {"fay", "mo", "Zoë from the back row"}
    assert people["Zoë from the back row"]["rated_in_round"] is True
    assert people["mo"]["rated_in_round"] is False
    assert not any(name.startswith("guest-") for name in people)
    member = page(cast.member).get(url).json()
    assert "people" not in member and member["rated"] == 1


def test_the_counts_on_the_page_follow_a_save_in_the_same_words_as_the_live_updates(
    cast, theories
) -> None:
    url = f"/groups/{cast.public.slug}/"
    html = page(cast.facilitator).get(url).content.decode()
    assert "0 of 2 have rated." in html
    assert "0 of 2 members have rated in this round." in html
    rate(cast.member, cast.public, theories, 6)
    html = page(cast.facilitator).get(url).content.decode()
    assert "1 of 2 have rated." in html
    assert '<span class="person">mo</span>' in html.split('data-people="rated"')[1].split("<br>")[0]


def test_one_member_reads_has_not_have(make_user, theories) -> None:
    solo = make_user("solo")
    group = group_create(user=solo, name="Alone", visibility="public")
    html = page(solo).get(f"/groups/{group.slug}/").content.decode()
    assert "0 of 1 member has rated in this round." in html
    assert "0 of 1 has rated." in html


# --- the projector's data ------------------------------------------------------------------------


def test_the_projector_shows_progress_only_while_the_group_hides_its_results(
    cast, theories
) -> None:
    group_update(group=cast.public, results_hidden=True)
    rate(cast.facilitator, cast.public, theories, 9)  # the facilitator could read it; the wall not
    rate(cast.member, cast.public, theories, 3)
    url = f"/api/v1/groups/{cast.public.slug}/present/"
    hidden = page(cast.facilitator).get(url).json()
    assert hidden["hidden"] is True
    assert hidden["ranking"] is None and hidden["controversial"] is None
    assert hidden["progress"]["rated"] == 2
    group_update(group=cast.public, results_hidden=False)
    ranking_recompute(
        scope=Scope.group(cast.public.pk), force=True
    )  # the worker's part, here in-process
    shown = page(cast.facilitator).get(url).json()
    top = shown["ranking"][0]
    assert top["theory"]["id"] == theories[0].id and top["n"] == 2 and top["mean"] == 6
    assert "rank_interval" in top  # as the ranking stores it (null for too few raters)
    assert shown["controversial"][0]["theory"]["id"] == theories[0].id


# --- item 5: a save that changes nothing is not a change -----------------------------------------


def test_in_round_two_only_real_changes_are_counted_and_shown(cast, theories) -> None:
    from ratings.services.rounds import round_open_next

    from .test_pages import rate_url, rating_post, text

    client = page(cast.member)
    client.post(rate_url(cast.public), rating_post(theories, {1: 10, 2: 4, 3: 6}))
    round_open_next(group=cast.public, user=cast.facilitator)
    # The round-2 form sends every kept score again; one of three is changed.
    client.post(rate_url(cast.public), rating_post(theories, {1: 10, 2: 4, 3: 8}))
    page_text = text(client.get(rate_url(cast.public)))
    assert "Saved: 1 change(s) to your ratings. 2 scores kept as they were." in page_text
    history = text(client.get(f"/groups/{cast.public.slug}/me/"))
    assert "6 → 8" in history
    assert "10 → 10" not in history and "4 → 4" not in history
    assert "2 scores kept as they were" in history
    # The history itself keeps every submitted item.
    assert (
        Submission.objects.filter(participant__user=cast.member, round=2).get().items.count() == 3
    )


# --- item 4: names, never ids --------------------------------------------------------------------


def test_a_guest_appears_under_its_own_name_in_comments_csv_citations_and_the_members_table(
    cast, theories
) -> None:
    from discussion.selectors import citable_comments
    from discussion.services import comment_create

    guest = guest_join(group=cast.private, name="Quinn")
    account = guest.participant.user
    assert account.username.startswith("guest-")
    comment = comment_create(
        author=account, theory=theories[0], group=cast.private, body="It finds bugs early."
    )
    csv = b"".join(
        page(cast.member).get(f"/api/v1/groups/{cast.private.slug}/export/comments.csv")
    ).decode()
    assert "\nQuinn," in csv and account.username not in csv
    citable = dict(citable_comments(group=cast.private)[theories[0].id])
    assert citable[comment.pk].startswith("Quinn (")
    members = page(cast.facilitator).get(f"/groups/{cast.private.slug}/facilitate/").content
    assert b"<td>Quinn</td>" in members and account.username.encode() + b"</td>" not in members


def test_a_group_card_without_a_count_says_0_members(cast) -> None:
    from django.template.loader import render_to_string

    html = render_to_string("groups/_group_cards.html", {"groups": [cast.public]})
    assert "0 members" in html and "0 member " not in html


def test_theory_names_in_the_group_ranking_link_to_the_theory_page(cast, theories) -> None:
    rate(cast.member, cast.public, theories, 6)
    ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    html = page(cast.member).get(f"/groups/{cast.public.slug}/").content.decode()
    assert f'<a href="/theories/{theories[0].slug}/">{theories[0].title}</a>' in html
    assert 'id="theory-urls"' in html  # the live redraw keeps the links


def test_posted_is_said_at_the_new_comment_not_at_the_top_of_the_page(cast, theories) -> None:
    client = page(cast.member)
    response = client.post(
        f"/groups/{cast.public.slug}/theories/{theories[0].slug}/comments/",
        {"body": "A point worth making", "stance": "for"},
        follow=True,
    )
    html = response.content.decode()
    article = html.split('<article id="comment-')[1].split("</article>")[0]
    assert '<p class="message success" role="status">Posted.</p>' in article
    assert html.count("Posted.") == 1
