"""The groups app took its models from `ratings` with their tables, and so did the rankings app
later: a database made before either move migrates forward without a change of data
(groups/migrations/0001_initial.py and ratings/migrations/0008_groups_moved_out.py, then
rankings/migrations/0001_initial.py and ratings/migrations/0010_rankings_moved_out.py, are state
only)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    # groups 0001 hangs off ratings 0007 and is state only; later groups migrations add columns
    # (0002-0003 the counts, the size and newcomers; 0004 the short code) that a database from
    # before the move does not have.
    ("groups", "0001_initial"),
    ("ratings", "0007_guests"),
    ("discussion", "0001_initial"),
    ("exports", "0002_importjob_new_people"),
]
AFTER = [
    # The groups app's latest: its later migrations (0002, issue 23) stay applied when the
    # others go back to BEFORE, and a plan may not mix directions.
    ("groups", "0002_participant_counts_globally"),
    ("ratings", "0008_groups_moved_out"),
    ("discussion", "0002_group_in_groups_app"),
    ("exports", "0003_group_in_groups_app"),
]


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_groups_app_migrates_forward_with_its_data() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("auth", "User")
    Group = old.get_model("ratings", "DiscussionGroup")
    Membership = old.get_model("ratings", "Membership")
    Participant = old.get_model("ratings", "Participant")
    user = User.objects.create(username="fay")
    group = Group.objects.create(slug="old-room", name="Old room", join_code="c0de")
    Membership.objects.create(group=group, user=user, role="facilitator")
    Participant.objects.create(group=group, user=user, name="fay")
    tables_before = _tables()

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    assert _tables() == tables_before  # state only: no table made, dropped or renamed
    moved = new.get_model("groups", "DiscussionGroup").objects.get(slug="old-room")
    assert (moved.pk, moved.name, moved.join_code) == (group.pk, "Old room", "c0de")
    membership = new.get_model("groups", "Membership").objects.get(group=moved)
    assert (membership.user_id, membership.role) == (user.pk, "facilitator")
    assert new.get_model("groups", "Participant").objects.get(group=moved).name == "fay"
    # The apps that point at groups follow them: a rating hangs off the moved participant.
    Rating = new.get_model("ratings", "Rating")
    assert Rating._meta.get_field("group").related_model._meta.label == "groups.DiscussionGroup"

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest for the next test
    # groups 0004 gave the existing group a short code (issue 20), from its own alphabet.
    latest = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    code = latest.get_model("groups", "DiscussionGroup").objects.get(slug="old-room").short_code
    assert len(code) == 8 and set(code) <= set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_rankings_app_migrates_forward_with_its_rankings() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("rankings", None), ("ratings", "0009_rating_revision")])
    # The state of ratings 0009 with the latest groups and lists (their rows need the latest
    # columns, which the move leaves alone).
    leaves = [n for n in executor.loader.graph.leaf_nodes() if n[0] in ("groups", "theories")]
    old = executor.loader.project_state([("ratings", "0009_rating_revision"), *leaves]).apps
    longlist = old.get_model("theories", "Longlist").objects.create(slug="old-list", title="Old")
    group = old.get_model("groups", "DiscussionGroup").objects.create(
        slug="old-room", name="Old room", join_code="c0de", longlist_id=longlist.pk
    )
    Ranking = old.get_model("ratings", "Ranking")
    stored = Ranking.objects.create(
        scope=f"group:{group.pk}",
        group_id=group.pk,
        version=3,
        raters=2,
        results=[{"theory": {"id": 1}, "n": 2}],
        global_histograms={"1": [0, 2, 0, 0, 0, 0, 0, 0, 0, 0]},
        global_raters=2,
        summary={"agreement": {"value": 0.5}},
    )
    Ranking.objects.create(scope="global", version=7, raters=9)
    request = old.get_model("ratings", "RankingRequest").objects.create(scope="global")
    tables_before = _tables()

    after = [("rankings", "0001_initial"), ("ratings", "0010_rankings_moved_out")]
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    assert _tables() == tables_before  # state only: no table made, dropped or renamed
    with pytest.raises(LookupError):
        new.get_model("ratings", "Ranking")
    moved = new.get_model("rankings", "Ranking").objects.get(group_id=group.pk)
    assert (moved.pk, moved.scope, moved.version, moved.raters) == (stored.pk, stored.scope, 3, 2)
    assert (moved.results, moved.global_histograms, moved.global_raters, moved.summary) == (
        stored.results,
        stored.global_histograms,
        2,
        stored.summary,
    )
    assert new.get_model("rankings", "Ranking").objects.get(scope="global").version == 7
    outbox = new.get_model("rankings", "RankingRequest").objects.get()
    assert (outbox.pk, outbox.scope) == (request.pk, "global")
    assert outbox.created_at == request.created_at
    # The moved ranking still hangs off its group (and goes with it).
    assert moved.group.slug == "old-room"
    group_field = new.get_model("rankings", "Ranking")._meta.get_field("group")
    assert group_field.related_model._meta.label == "groups.DiscussionGroup"

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest for the next test
    latest = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    assert latest.get_model("rankings", "Ranking").objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_twenty_theories_become_the_default_list_keeping_ids_numbers_and_slugs() -> None:
    before = [("theories", "0002_seed_longlist"), ("groups", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    from theories.longlist import seed

    Theory = old.get_model("theories", "Theory")
    seed(Theory)  # a flushed database has none; a migrated one keeps its own
    theories = {t.number: (t.pk, t.slug) for t in Theory.objects.all()}
    user = old.get_model("auth", "User").objects.create(username="fay")
    group = old.get_model("groups", "DiscussionGroup").objects.create(
        slug="old-room", name="Old room", join_code="c0de"
    )
    participant = old.get_model("groups", "Participant").objects.create(
        group_id=group.pk, user_id=user.pk, name="fay"
    )
    old.get_model("ratings", "Rating").objects.create(
        participant_id=participant.pk,
        group_id=group.pk,
        theory_id=theories[3][0],
        score=7,
        updated_at="2026-01-01T00:00:00Z",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    default = new.get_model("theories", "Longlist").objects.get(is_default=True)
    assert (default.slug, default.visibility, default.owner_id) == (
        "theories-of-impact",
        "public",
        None,
    )
    assert default.last_number == 20 and default.version == 1
    items = new.get_model("theories", "Theory").objects.filter(longlist=default)
    assert {t.number: (t.pk, t.slug) for t in items} == theories
    assert {t.status for t in items} == {"active"} and {t.added_in for t in items} == {1}
    moved = new.get_model("groups", "DiscussionGroup").objects.get(slug="old-room")
    assert moved.longlist_id == default.pk
    rating = new.get_model("ratings", "Rating").objects.get(group=moved)
    assert (rating.theory_id, rating.score) == (theories[3][0], 7)
    change = new.get_model("theories", "LonglistChange").objects.get(longlist=default)
    assert (change.version, change.kind) == (1, "created")
