"""Save as you go on the rate page (issue 21, Performance): the rows a rater has just set, posted
to groups/<slug>/rate/save/ as the form posts them, saved all or nothing; repeated posts are
harmless; the page shows progress and the next unrated item."""

from typing import Any

from django.test import Client
from django.urls import reverse

from groups.services import group_update
from ratings.models import Rating, Submission
from tests.factories import rate


def save(user: Any, group: Any, data: dict[str, str]):
    client = Client()
    client.force_login(user)
    return client.post(reverse("group_rate_save", args=[group.slug]), data)


def test_a_row_is_saved_when_set_and_a_repeat_changes_nothing(cast, theories) -> None:
    third = theories[2]
    response = save(cast.member, cast.public, {"rows": str(third.pk), f"score_{third.pk}": "7"})
    assert response.status_code == 200, response.content
    assert response.json() == {"saved": [third.pk], "changed": 1, "rated": 1, "total": 20}
    rating = Rating.objects.get(participant__user=cast.member, group=cast.public)
    assert (rating.theory_id, rating.score) == (third.pk, 7)
    assert Submission.objects.filter(group=cast.public).get().source == "page"
    # The script sends again after a failure it could not see the end of: no second submission.
    again = save(cast.member, cast.public, {"rows": str(third.pk), f"score_{third.pk}": "7"})
    assert (
        again.json()["changed"] == 0 and Submission.objects.filter(group=cast.public).count() == 1
    )
    # "Not rated" removes it.
    save(cast.member, cast.public, {"rows": str(third.pk), f"score_{third.pk}": ""})
    assert not Rating.objects.filter(participant__user=cast.member, group=cast.public).exists()


def test_a_batch_with_one_bad_row_saves_nothing_and_names_the_row(cast, theories) -> None:
    one, two = theories[0], theories[1]
    data = {"rows": f"{one.pk},{two.pk}", f"score_{one.pk}": "5", f"score_{two.pk}": "11"}
    response = save(cast.member, cast.public, data)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [f"score_{two.pk}"]
    assert not Rating.objects.filter(group=cast.public).exists()
    assert not Submission.objects.filter(group=cast.public).exists()


def test_rows_not_on_the_list_closed_ratings_and_outsiders_are_refused(cast, theories) -> None:
    first = theories[0]
    bad_rows = save(cast.member, cast.public, {"rows": "999999", "score_999999": "5"})
    assert bad_rows.status_code == 400
    assert save(cast.member, cast.public, {"rows": "abc"}).status_code == 400
    group_update(group=cast.public, ratings_open=False)
    closed = save(cast.member, cast.public, {"rows": str(first.pk), f"score_{first.pk}": "5"})
    assert closed.status_code == 409 and not Rating.objects.exists()
    outsider = save(cast.outsider, cast.private, {"rows": str(first.pk), f"score_{first.pk}": "5"})
    assert outsider.status_code == 404


def test_the_page_shows_progress_of_active_items_and_links_the_next_unrated(cast, theories) -> None:
    rate(cast.member, {1: 4, 2: 5}, group=cast.public)
    client = Client()
    client.force_login(cast.member)
    html = client.get(reverse("group_rate", args=[cast.public.slug])).content.decode()
    assert "<span data-rated-count>2</span> of <span data-total>20</span> rated." in html
    assert 'href="#theory-3" data-next-unrated' in html
    assert f'data-save-url="/groups/{cast.public.slug}/rate/save/"' in html
    assert '<progress class="rate-progress" max="20" value="2"' in html
