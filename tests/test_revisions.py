"""Wording is never silently changed (issue 22 item 2): rewording keeps every rating and every
earlier text, the rater sees "reworded since you rated: keep or re-rate", the change log shows
a word-level diff; retiring keeps the ratings and the thread, and "replaced by" offers (never
copies) the old score."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from discussion.services import comment_create
from groups.services import group_create, membership_join
from ratings.models import Rating
from tests.conftest import answer_schema
from tests.factories import rate
from theories.diff import DiffPart, word_diff
from theories.items import ItemText
from theories.models import Longlist, Theory, TheoryRevision
from theories.services import longlist_create


def a_list(owner: Any) -> Longlist:
    return longlist_create(
        user=owner,
        title="Threats",
        visibility="public",
        items=[
            ItemText(title=t, summary=f"About {t.lower()}.") for t in ("Alpha", "Beta", "Gamma")
        ],
    )


@pytest.fixture
def rated(cast) -> dict[str, Any]:
    longlist = a_list(cast.facilitator)
    group = group_create(user=cast.facilitator, name="Threat circle", longlist=longlist)
    membership_join(group=group, user=cast.member, via_invite=True)
    rate(cast.member, {1: 7, 2: 4}, group=group)
    rate(cast.facilitator, {1: 9}, group=group)
    items = list(longlist.items.order_by("number"))
    return {"list": longlist, "group": group, "items": items}


def item_url(longlist: Longlist, item: Theory) -> str:
    return f"/api/v1/longlists/{longlist.slug}/items/{item.pk}/"


def page(user: Any, name: str, *args: Any) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse(name, args=args)).content.decode()


def test_word_diff_marks_words_kept_deleted_and_inserted() -> None:
    assert word_diff("Audit the model before release", "Audit every model before its release") == [
        DiffPart("same", "Audit"),
        DiffPart("del", "the"),
        DiffPart("ins", "every"),
        DiffPart("same", "model before"),
        DiffPart("ins", "its"),
        DiffPart("same", "release"),
    ]
    assert word_diff("same", "same") == [DiffPart("same", "same")]


def test_rewording_keeps_the_ratings_and_the_earlier_text(cast, api, rated) -> None:
    longlist, alpha = rated["list"], rated["items"][0]
    before = list(Rating.objects.filter(theory=alpha).values_list("participant", "score"))
    response = api(cast.facilitator).patch(
        item_url(longlist, alpha), {"title": "Alpha prime", "summary": "Newer."}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["revision"], body["slug"]) == ("Alpha prime", 2, alpha.slug)
    assert list(Rating.objects.filter(theory=alpha).values_list("participant", "score")) == before
    assert list(TheoryRevision.objects.filter(theory=alpha).values_list("revision", "title")) == [
        (1, "Alpha")
    ]
    change = api().get(f"/api/v1/longlists/{longlist.slug}/changes/").json()["results"][0]
    assert change["kind"] == "reworded" and change["item"] == alpha.pk
    assert change["before"] == {"title": "Alpha", "summary": "About alpha."}
    assert change["after"] == {"title": "Alpha prime", "summary": "Newer."}
    longlist.refresh_from_db()
    assert change["version"] == longlist.version == 2
    # A second rewording keeps the first one's text too.
    api(cast.facilitator).patch(item_url(longlist, alpha), {"summary": "Newest."}, format="json")
    assert list(TheoryRevision.objects.filter(theory=alpha).values_list("revision", "summary")) == [
        (1, "About alpha."),
        (2, "Newer."),
    ]
    detail = api().get(f"/api/v1/longlists/{longlist.slug}/").json()["items"][0]
    assert detail["revision"] == 3 and detail["summary"] == "Newest."


def test_the_same_text_again_and_bad_text_change_nothing(cast, api, rated) -> None:
    longlist, alpha = rated["list"], rated["items"][0]
    same = api(cast.facilitator).patch(item_url(longlist, alpha), {"title": "Alpha"}, format="json")
    assert same.status_code == 200 and same.json()["revision"] == 1
    clash = api(cast.facilitator).patch(item_url(longlist, alpha), {"title": "BETA"}, format="json")
    assert clash.status_code == 400 and "already on the list" in clash.json()["title"][0]
    blank = api(cast.facilitator).patch(item_url(longlist, alpha), {"title": " "}, format="json")
    assert blank.status_code == 400 and "title" in blank.json()
    both = api(cast.facilitator).patch(
        item_url(longlist, alpha), {"title": "X", "status": "retired"}, format="json"
    )
    assert both.status_code == 400 and "status" in both.json()
    longlist.refresh_from_db()
    assert longlist.version == 1 and not TheoryRevision.objects.exists()
    assert api(cast.member).patch(item_url(longlist, alpha), {"title": "Mine"}).status_code == 403


def test_a_rater_of_the_earlier_wording_sees_it_marked_and_keeps_or_re_rates(
    cast, api, rated
) -> None:
    longlist, group, (alpha, beta, _gamma) = rated["list"], rated["group"], rated["items"]
    api(cast.facilitator).patch(item_url(longlist, alpha), {"title": "Alpha prime"}, format="json")
    api(cast.facilitator).patch(item_url(longlist, beta), {"title": "Beta prime"}, format="json")
    mine = f"/api/v1/groups/{group.slug}/ratings/mine/"
    assert api(cast.member).get(mine).json()["reworded"] == [alpha.pk, beta.pk]
    html = page(cast.member, "group_rate", group.slug)
    assert html.count("Reworded since you rated: keep or re-rate.") == 2
    assert "You gave 7/10 to the earlier wording, “Alpha”" in html
    assert f'name="keep_{alpha.pk}"' in html
    # Keep alpha's score on the new wording (one box), re-rate beta (a new score).
    client = Client()
    client.force_login(cast.member)
    form = {f"score_{alpha.pk}": "7", f"keep_{alpha.pk}": "on", f"score_{beta.pk}": "6"}
    assert client.post(reverse("group_rate", args=[group.slug]), form).status_code == 302
    kept = Rating.objects.get(theory=alpha, participant__user=cast.member)
    rerated = Rating.objects.get(theory=beta, participant__user=cast.member)
    assert (kept.score, kept.revision) == (7, 2) and (rerated.score, rerated.revision) == (6, 2)
    assert api(cast.member).get(mine).json()["reworded"] == []
    # The facilitator, who did not keep or re-rate, still sees alpha marked.
    assert api(cast.facilitator).get(mine).json()["reworded"] == [alpha.pk]
    # Saving the page without the box leaves a reworded score as it was (nothing silently kept).
    fay = Client()
    fay.force_login(cast.facilitator)
    fay.post(reverse("group_rate", args=[group.slug]), {f"score_{alpha.pk}": "9"})
    assert Rating.objects.get(theory=alpha, participant__user=cast.facilitator).revision == 1


def test_keeping_through_the_api_is_the_same_score_sent_again(cast, api, rated) -> None:
    longlist, group, alpha = rated["list"], rated["group"], rated["items"][0]
    api(cast.facilitator).patch(item_url(longlist, alpha), {"title": "Alpha prime"}, format="json")
    body = {"ratings": [{"theory": alpha.pk, "score": 7}]}
    answer = api(cast.member).put(f"/api/v1/groups/{group.slug}/ratings/mine/", body, format="json")
    assert answer.status_code == 200 and answer.json()["reworded"] == []


def test_retiring_keeps_ratings_and_thread_and_offers_the_score_at_the_replacement(
    cast, api, rated
) -> None:
    longlist, group, (_alpha, beta, gamma) = rated["list"], rated["group"], rated["items"]
    comment = comment_create(author=cast.member, theory=beta, group=None, body="Beta matters.")
    ratings_before = Rating.objects.filter(theory=beta).count()
    response = api(cast.facilitator).patch(
        item_url(longlist, beta), {"status": "retired", "replaced_by": gamma.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "retired" and response.json()["replaced_by"] == gamma.pk
    assert Rating.objects.filter(theory=beta).count() == ratings_before == 1
    thread = api().get(f"/api/v1/theories/{beta.pk}/comments/").json()
    assert comment.pk in [c["id"] for c in thread["results"]]
    assert "Beta matters." in page(cast.member, "theory_detail", beta.slug)
    change = api().get(f"/api/v1/longlists/{longlist.slug}/changes/").json()["results"][0]
    assert change["kind"] == "retired" and change["before"]["title"] == "Beta"
    # The member rated beta 4 and not gamma: gamma offers the 4, and nothing is copied.
    html = page(cast.member, "group_rate", group.slug)
    assert "which you rated <strong>4/10</strong>" in html and f"theory-{beta.number}" not in html
    assert 'data-offer-score="4"' in html
    assert not Rating.objects.filter(theory=gamma, participant__user=cast.member).exists()
    # The facilitator never rated beta: no offer.
    assert "which you rated" not in page(cast.facilitator, "group_rate", group.slug)
    # A retired item takes no new score; its number is never given again.
    again = api(cast.facilitator).patch(
        item_url(longlist, beta), {"status": "retired"}, format="json"
    )
    assert again.status_code == 409
    added = api(cast.facilitator).post(
        f"/api/v1/longlists/{longlist.slug}/items/", {"title": "Delta"}, format="json"
    )
    assert added.json()["number"] == 4


def test_retiring_twice_is_a_409_naming_the_status_field_as_the_schema_says(
    cast, api, rated
) -> None:
    # API.md: errors are {"detail"} or DRF's field shape; the schema must describe the answer.
    longlist, gamma = rated["list"], rated["items"][2]
    api(cast.facilitator).patch(item_url(longlist, gamma), {"status": "retired"}, format="json")
    again = api(cast.facilitator).patch(
        item_url(longlist, gamma), {"status": "retired"}, format="json"
    )
    assert again.status_code == 409
    assert again.json() == {"status": ["This item is already retired."]}
    documented = answer_schema("/api/v1/longlists/{slug}/items/{item_id}/", "patch", 409)
    assert documented["required"] == ["status"]
    assert documented["properties"]["status"] == {"type": "array", "items": {"type": "string"}}


@pytest.mark.parametrize("target", ["self", "other-list", "retired", "unknown"])
def test_a_replacement_must_be_another_active_item_of_the_list(
    cast, api, rated, target: str
) -> None:
    longlist, (alpha, _beta, gamma) = rated["list"], rated["items"]
    api(cast.facilitator).patch(item_url(longlist, gamma), {"status": "retired"}, format="json")
    other = a_list(cast.facilitator).items.first()
    assert other is not None
    pk = {"self": alpha.pk, "other-list": other.pk, "retired": gamma.pk, "unknown": 999999}[target]
    response = api(cast.facilitator).patch(
        item_url(longlist, alpha), {"status": "retired", "replaced_by": pk}, format="json"
    )
    assert response.status_code == 400 and "replaced_by" in response.json()
    alpha.refresh_from_db()
    assert alpha.status == "active"


def test_the_change_log_shows_a_word_level_diff_and_the_owner_edits_on_the_page(
    cast, rated
) -> None:
    longlist, alpha, beta = rated["list"], rated["items"][0], rated["items"][1]
    owner = Client()
    owner.force_login(cast.facilitator)
    edit = reverse("list_item_edit", args=[longlist.slug, alpha.pk])
    assert "Reword it" in owner.get(edit).content.decode()
    response = owner.post(
        edit, {"action": "reword", "title": "Alpha", "summary": "About the alpha case."}
    )
    assert response.status_code == 302
    html = page(cast.facilitator, "list_detail", longlist.slug)
    assert '<del><span class="visually-hidden">removed: </span>alpha.</del>' in html
    assert '<ins><span class="visually-hidden">added: </span>the alpha case.</ins>' in html
    retire = reverse("list_item_edit", args=[longlist.slug, beta.pk])
    assert owner.post(retire, {"action": "retire", "replaced_by": "abc"}).status_code == 400
    assert owner.post(retire, {"action": "retire", "replaced_by": str(alpha.pk)}).status_code == 302
    beta.refresh_from_db()
    assert beta.status == "retired" and beta.replaced_by_id == alpha.pk
    member = Client()
    member.force_login(cast.member)
    assert member.get(edit).status_code == 403
