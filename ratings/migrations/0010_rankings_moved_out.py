from django.db import migrations


class Migration(migrations.Migration):
    """The stored rankings and their outbox left for the `rankings` app (rankings/0001). State
    only: the tables and their indexes stay as they are."""

    dependencies = [
        ("rankings", "0001_initial"),
        ("ratings", "0009_rating_revision"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="Ranking",
                ),
                migrations.DeleteModel(
                    name="RankingRequest",
                ),
            ],
            database_operations=[],
        ),
    ]
