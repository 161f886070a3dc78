"""Issue 15, item 7: imports that know the members. Imported names are matched to the group's
members and participants; the facilitator confirms or changes each match; a re-import of the
group's own export changes nothing and creates nobody."""

from groups.models import Participant
from groups.services import participant_for_user
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.models import Rating, Submission
from ratings.services import RatingItem, rating_submission_create

from .test_exports_import import commit, scores_of, upload


def save(participant, scores: dict[int, int], theories) -> None:
    by_number = {t.number: t.id for t in theories}
    rating_submission_create(
        participant=participant,
        items=[RatingItem(by_number[n], s, None) for n, s in scores.items()],
        submitted_by=None,
        source="api",
    )


def test_a_name_that_is_a_members_username_updates_that_members_ratings(
    cast, api, theories
) -> None:
    member = participant_for_user(group=cast.public, user=cast.member)
    save(member, {1: 3, 2: 4}, theories)
    participants_before = Participant.objects.filter(group=cast.public).count()
    response = commit(api, cast.facilitator, cast.public, "Name,1,2,3\nMO,3,8,5\n")
    assert response.status_code == 201, response.json()
    assert response.json()["result"] == {"participants": 1, "created": 0, "reused": 1, "ratings": 2}
    assert Participant.objects.filter(group=cast.public).count() == participants_before
    assert scores_of(cast.public)["mo"] == {1: 3, 2: 8, 3: 5}
    imported = Submission.objects.get(participant=member, source="import")
    assert imported.submitted_by == cast.facilitator
    # One submission with only what changed.
    assert sorted(imported.items.values_list("theory__number", "score")) == [(2, 8), (3, 5)]


def test_a_name_matches_a_named_participant_without_regard_to_case(cast, api, theories) -> None:
    commit(api, cast.facilitator, cast.public, "Name,1\nAda Lovelace,5\n")
    commit(api, cast.facilitator, cast.public, "Name,1\nada lovelace,6\n")
    assert Participant.objects.filter(group=cast.public, user__isnull=True).count() == 1
    assert scores_of(cast.public)["Ada Lovelace"] == {1: 6}


def import_page(client, group, text):
    response = client.post(f"/groups/{group.slug}/import/", {"file": upload(text, "club.csv")})
    assert response.status_code == 302
    return response["Location"]


def test_the_preview_offers_each_match_and_the_facilitator_can_say_new_person(
    cast, client, theories
) -> None:
    client.force_login(cast.facilitator)
    commit_page = import_page(client, cast.public, "Name,1\nMo,7\nFAY,6\nBo,2\n")
    html = client.get(commit_page).content.decode()
    assert "People already in the group" in html
    assert 'name="match-2"' in html and "this is member mo" in html
    assert 'name="match-3"' in html and "this is member fay" in html
    assert 'name="match-4"' not in html  # Bo matches nobody: a new person, no question
    # Mo is somebody else; FAY is fay.
    response = client.post(commit_page, {"action": "confirm", "match-2": "new", "match-3": "match"})
    assert response.status_code == 302
    named = Participant.objects.get(group=cast.public, name="Mo", user__isnull=True)
    assert Rating.objects.get(participant=named).score == 7
    assert not Rating.objects.filter(participant__user=cast.member, group=cast.public).exists()
    assert Rating.objects.get(participant__user=cast.facilitator, group=cast.public).score == 6
    assert Participant.objects.filter(group=cast.public, name="Bo").exists()


def test_the_choice_survives_a_remap(cast, client, theories) -> None:
    client.force_login(cast.facilitator)
    page = import_page(client, cast.public, "Name,1\nmo,7\n")
    client.post(page, {"action": "remap", "col-0": "name", "col-1": "1", "match-2": "new"})
    html = client.get(page).content.decode()
    assert '<option value="new" selected>a new person</option>' in html
    client.post(page, {"action": "confirm", "match-2": "new"})
    assert Participant.objects.filter(group=cast.public, name="mo", user__isnull=True).exists()


def test_the_app_s_own_wide_export_imports_back_as_no_change(
    cast, api, theories, django_capture_on_commit_callbacks
) -> None:
    save(participant_for_user(group=cast.public, user=cast.member), {1: 3, 5: 9}, theories)
    save(participant_for_user(group=cast.public, user=cast.facilitator), {1: 10, 2: 1}, theories)
    commit(api, cast.facilitator, cast.public, "Name,1,4\nAda,5,6\n=formula,2,\n")
    before = scores_of(cast.public)
    ranking_before = ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    submissions = Submission.objects.filter(group=cast.public).count()
    participants = Participant.objects.filter(group=cast.public).count()
    exported = b"".join(
        api(cast.facilitator)
        .get(f"/api/v1/groups/{cast.public.slug}/export/ratings.csv")
        .streaming_content
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = commit(api, cast.facilitator, cast.public, exported, name="export.csv")
    assert response.status_code == 201, response.json()
    assert response.json()["result"]["created"] == 0
    assert response.json()["result"]["ratings"] == 0
    assert Submission.objects.filter(group=cast.public).count() == submissions
    assert Participant.objects.filter(group=cast.public).count() == participants
    assert scores_of(cast.public) == before
    after = ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    assert after.results == ranking_before.results


def test_the_round_trip_through_the_pages_changes_nothing(cast, client, api, theories) -> None:
    save(participant_for_user(group=cast.public, user=cast.member), {1: 3, 5: 9}, theories)
    submissions = Submission.objects.filter(group=cast.public).count()
    client.force_login(cast.facilitator)
    exported = b"".join(
        client.get(f"/api/v1/groups/{cast.public.slug}/export/ratings.csv").streaming_content
    )
    page = import_page(client, cast.public, exported.decode("utf-8"))
    assert "this is member mo" in client.get(page).content.decode()
    response = client.post(page, {"action": "confirm"})
    assert response.status_code == 302
    assert Submission.objects.filter(group=cast.public).count() == submissions
    assert scores_of(cast.public) == {"mo": {1: 3, 5: 9}}
