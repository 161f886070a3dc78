"""The groups app took its models from `ratings` with their tables: a database made before the
move migrates forward without a change of data (groups/migrations/0001_initial.py and
ratings/migrations/0008_groups_moved_out.py are state only)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    # groups 0001 hangs off ratings 0007 and is state only; later groups migrations add columns
    # that a database from before the move does not have.
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
