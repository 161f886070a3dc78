import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The stored rankings and their outbox move here from `ratings` with their tables (db_table
    keeps the names): state only, no change to the database."""

    initial = True

    dependencies = [
        ("groups", "0006_merge_short_code_and_longlist"),
        ("ratings", "0009_rating_revision"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Ranking",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("scope", models.CharField(max_length=40, unique=True)),
                        ("version", models.PositiveIntegerField(default=0)),
                        ("computed_at", models.DateTimeField(null=True)),
                        ("raters", models.PositiveIntegerField(default=0)),
                        ("results", models.JSONField(default=list)),
                        ("global_histograms", models.JSONField(default=dict)),
                        ("global_raters", models.PositiveIntegerField(default=0)),
                        ("summary", models.JSONField(default=dict)),
                        (
                            "group",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="ranking",
                                to="groups.discussiongroup",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "ratings_ranking",
                    },
                ),
                migrations.CreateModel(
                    name="RankingRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("scope", models.CharField(db_index=True, max_length=40)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                    ],
                    options={
                        "db_table": "ratings_rankingrequest",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
