"""A group on a 12-item list of its own runs the whole exercise: rate, comment, round 2, the
changes of mind, the exports and the import of its own export, with the list's items (never the
20 theories) everywhere. And the global ranking stays the default list's."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from groups.services import group_create, group_update, membership_join
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.models import Rating
from tests.factories import rate
from theories.items import ItemText
from theories.models import Theory
from theories.services import longlist_create

TITLES = [
    "Deceptive alignment",
    "Reward hacking",
    "=SUM(A1:A9)",  # formula-like: stored as typed, neutralised in every CSV cell
    "Power seeking",
    "Goal misgeneralisation",
    "Sycophancy",
    "Misuse by bad actors",
    "Racing dynamics",
    "Value lock-in",
    "Gradual disempowerment",
    "Sandbagging",
    "Collusion between models",
]


@pytest.fixture
def room(cast):
    longlist = longlist_create(
        user=cast.facilitator,
        title="Threat models",
        visibility="private",
        items=[ItemText(title=t, summary=f"What {t} means.") for t in TITLES],
    )
    group = group_create(
        user=cast.facilitator, name="Threat room", visibility="private", longlist=longlist
    )
    group_update(group=group, results_hidden=False)
    membership_join(group=group, user=cast.member, via_invite=True)
    items = list(longlist.items.order_by("number"))
    return group, longlist, items


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


def test_a_group_on_its_own_twelve_item_list_runs_the_whole_exercise(
    room, cast, api, theories, django_capture_on_commit_callbacks
) -> None:
    group, longlist, items = room
    base = f"/api/v1/groups/{group.slug}"
    fay, mo = api(cast.facilitator), api(cast.member)

    # Rate: every item of the list, and nothing else.
    body = {"ratings": [{"theory": t.pk, "score": 1 + i % 10} for i, t in enumerate(items)]}
    assert fay.put(f"{base}/ratings/mine/", body, format="json").status_code == 200
    wrong = {"ratings": [{"theory": theories[0].pk, "score": 5}]}
    response = mo.put(f"{base}/ratings/mine/", wrong, format="json")
    assert response.status_code == 400
    assert "not an item of this group's list" in str(response.json())
    body = {"ratings": [{"theory": t.pk, "score": 10 - i % 10} for i, t in enumerate(items)]}
    assert mo.put(f"{base}/ratings/mine/", body, format="json").status_code == 200

    # The ranking ranks the twelve items, and compares with no post or global order.
    ranking_recompute(scope=Scope.group(group.pk), force=True)
    ranked = fay.get(f"{base}/rankings/").json()
    assert ranked["raters"] == 2
    assert sorted(r["theory"]["number"] for r in ranked["results"]) == list(range(1, 13))
    assert {r["theory"]["id"] for r in ranked["results"]} == {t.pk for t in items}
    keys = {ref["key"] for ref in ranked["summary"].get("references", [])}
    assert "post" not in keys and "global" not in keys

    # Comment: the item's public thread and the group's thread.
    public = fay.post(
        f"/api/v1/theories/{items[0].pk}/comments/", {"body": "Open argument."}, format="json"
    )
    assert public.status_code == 201
    argued = mo.post(
        f"/api/v1/theories/{items[0].pk}/comments/",
        {"body": "It is worse than it looks.", "group": group.slug, "stance": "for"},
        format="json",
    )
    assert argued.status_code == 201
    # A thread of this group on an item of another list does not exist.
    elsewhere = mo.get(f"/api/v1/theories/{theories[0].pk}/comments/?group={group.slug}")
    assert elsewhere.status_code == 404

    # Round 2, where the member is moved by the argument.
    assert fay.post(f"{base}/rounds/", format="json").status_code == 201
    moved = {"ratings": [{"theory": items[0].pk, "score": 3, "moved_by": argued.json()["id"]}]}
    assert mo.put(f"{base}/ratings/mine/", moved, format="json").status_code == 200
    changes = fay.get(f"{base}/changes/?from=1&to=2").json()
    assert [r["theory"]["number"] for r in changes["results"]] == list(range(1, 13))
    first = changes["results"][0]
    assert (first["pairs"], first["moved"], first["cited"]) == (1, 1, 1)
    assert first["mean_change"] == 3 - 10

    # Exports: one column per item number; the formula-like title is neutralised.
    wide = csv_rows(fay.get(f"{base}/export/ratings.csv"))
    assert wide[0] == ["rater", *[str(n) for n in range(1, 13)]]
    assert len(wide) == 3
    ranks = csv_rows(fay.get(f"{base}/export/rankings.csv"))
    titles = {row[2] for row in ranks[1:]}
    assert "'=SUM(A1:A9)" in titles and "=SUM(A1:A9)" not in titles
    history = csv_rows(fay.get(f"{base}/export/changes.csv"))
    assert {row[1] for row in history[1:]} <= {str(n) for n in range(1, 13)}

    # The import of its own export, into a second group on the same list: the same ranking.
    ranking_recompute(scope=Scope.group(group.pk), force=True)
    exported = b"".join(fay.get(f"{base}/export/ratings.csv").streaming_content)
    copy = group_create(
        user=cast.facilitator, name="Threat copy", visibility="private", longlist=longlist
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = fay.post(
            f"/api/v1/groups/{copy.slug}/import/",
            {"file": SimpleUploadedFile("e.csv", exported, "text/csv"), "confirm": "true"},
            format="multipart",
        )
    assert response.status_code == 201, response.json()
    imported = Rating.objects.filter(group=copy)
    assert set(imported.values_list("theory__longlist_id", flat=True)) == {longlist.pk}
    source = ranking_recompute(scope=Scope.group(group.pk), force=True)
    target = ranking_recompute(scope=Scope.group(copy.pk), force=True)
    assert source is not None and target is not None
    assert [r["theory"] for r in target.results] == [r["theory"] for r in source.results]
    assert [r["mean"] for r in target.results] == [r["mean"] for r in source.results]
    # Issue 22: the import keeps who rated what, so the coverage and adjusted scores too.
    assert [r["coverage"] for r in target.results] == [r["coverage"] for r in source.results]
    assert [r["adjusted"] for r in target.results] == [r["adjusted"] for r in source.results]
    assert all(r["coverage"] == 1.0 and r["adjusted"] for r in source.results)


def test_the_rate_page_shows_the_groups_list(room, cast, client) -> None:
    group, _, _items = room
    client.force_login(cast.member)
    page = client.get(f"/groups/{group.slug}/rate/").content.decode()
    assert "Sycophancy" in page and "Collusion between models" in page
    assert "Auditing for deception" not in page


def test_a_private_lists_group_and_items_are_404_to_outsiders(room, cast, api, client) -> None:
    group, longlist, items = room
    outsider = api(cast.outsider)
    for url in (
        f"/api/v1/groups/{group.slug}/rankings/",
        f"/api/v1/groups/{group.slug}/export/ratings.csv",
        f"/api/v1/longlists/{longlist.slug}/",
        f"/api/v1/theories/{items[1].pk}/",
        f"/api/v1/theories/{items[1].pk}/comments/",
        f"/api/v1/theories/{items[1].pk}/distribution/",
    ):
        assert outsider.get(url).status_code == 404, url
    client.force_login(cast.outsider)
    assert client.get(f"/theories/{items[1].slug}/").status_code == 404


def test_the_global_ranking_counts_only_groups_on_the_default_list(cast, theories) -> None:
    from groups.services import group_listing_decide

    other = longlist_create(
        user=cast.facilitator,
        title="Public other",
        visibility="public",
        items=[ItemText(title=f"Other {i}") for i in range(1, 4)],
    )
    elsewhere = group_create(
        user=cast.facilitator, name="Elsewhere", visibility="public", longlist=other
    )
    group_update(group=elsewhere, results_hidden=False)
    group_listing_decide(group=elsewhere, listed=True)
    assert not elsewhere.feeds_global
    rate(cast.facilitator, {1: 9, 2: 9}, group=elsewhere)
    rate(cast.member, {1: 2}, group=cast.public)
    ranking_recompute(scope=Scope.group(elsewhere.pk), force=True)
    ranking_recompute(scope=Scope.group(cast.public.pk), force=True)
    world = ranking_recompute(scope=Scope.global_(), force=True)
    assert world is not None
    assert {r["theory"]["id"] for r in world.results} == {t.pk for t in theories}
    first = next(r for r in world.results if r["theory"]["number"] == 1)
    assert first["n"] == 1 and first["mean"] == 2
    assert not Theory.objects.filter(
        longlist=other, pk__in=[r["theory"]["id"] for r in world.results]
    ).exists()


def test_a_public_list_has_its_own_global_ranking_of_its_listed_groups(cast, api, theories) -> None:
    from groups.services import group_listing_decide

    other = longlist_create(
        user=cast.facilitator,
        title="Public agenda",
        visibility="public",
        items=[ItemText(title=f"Agenda {i}") for i in range(1, 4)],
    )
    listed = group_create(user=cast.facilitator, name="Listed", visibility="public", longlist=other)
    unlisted = group_create(
        user=cast.facilitator, name="Unlisted", visibility="public", longlist=other
    )
    for group in (listed, unlisted):
        group_update(group=group, results_hidden=False)
    group_listing_decide(group=listed, listed=True)
    rate(cast.facilitator, {1: 8, 2: 4}, group=listed)
    rate(cast.facilitator, {1: 1, 3: 10}, group=unlisted)
    rate(cast.member, {1: 3}, group=cast.public)  # the default list's: not in this one
    for group in (listed, unlisted, cast.public):
        ranking_recompute(scope=Scope.group(group.pk), force=True)
    ranking_recompute(scope=Scope.longlist(other.pk), force=True)
    ranking_recompute(scope=Scope.global_(), force=True)
    body = api().get(f"/api/v1/longlists/{other.slug}/rankings/").json()
    rows = {r["theory"]["number"]: r for r in body["results"]}
    assert set(rows) == {1, 2, 3}
    assert (rows[1]["n"], rows[1]["mean"]) == (1, 8)  # the unlisted group's 1 is not counted
    assert rows[3]["n"] == 0 and body["raters"] == 1
    assert [r["theory"]["number"] for r in body["results"]] == [1, 2, 3]
    # The group's comparison is with its own list's global ranking.
    compared = api().get(f"/api/v1/groups/{listed.slug}/rankings/compare/").json()
    assert {r["theory"]["id"] for r in compared["results"]} == set(
        other.items.values_list("pk", flat=True)
    )
    first = next(r for r in compared["results"] if r["theory"]["number"] == 1)
    assert (first["global_n"], first["global_mean"]) == (1, 8)
    # The default list's global ranking is GET /rankings/, here too.
    default = api().get("/api/v1/longlists/theories-of-impact/rankings/").json()
    assert default["results"] == api().get("/api/v1/rankings/").json()["results"]
    # A private list's global ranking is as private as the list.
    secret = longlist_create(
        user=cast.facilitator,
        title="Secret agenda",
        visibility="private",
        items=[ItemText(title="a"), ItemText(title="b")],
    )
    assert api(cast.outsider).get(f"/api/v1/longlists/{secret.slug}/rankings/").status_code == 404
    assert (
        api(cast.facilitator).get(f"/api/v1/longlists/{secret.slug}/rankings/").status_code == 200
    )


def test_a_public_comment_on_a_private_lists_item_stays_off_its_authors_page(
    room, cast, client
) -> None:
    from discussion.services import comment_create

    _, _, items = room
    comment_create(author=cast.member, theory=items[0], group=None, body="Secret argument.")
    page = client.get(f"/users/{cast.member.username}/")
    assert page.status_code == 200 and "Secret argument." not in page.content.decode()
    client.force_login(cast.facilitator)
    assert "Secret argument." in client.get(f"/users/{cast.member.username}/").content.decode()
