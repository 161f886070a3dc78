"""Proposals (issue 22 item 1), and pg_trgm for the "similar: 7. Auditing" hint (PostgreSQL
only: TrigramExtension does nothing on SQLite, where the hint uses difflib)."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class TrigramOnPostgres(TrigramExtension):
    """Django's TrigramExtension skips other databases going forwards, not going backwards (it
    reads pg_extension): skip them both ways."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("theories", "0005_items_in_lists"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramOnPostgres(),
        migrations.CreateModel(
            name="Proposal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("title_key", models.CharField(max_length=200)),
                ("summary", models.TextField(blank=True, default="", max_length=2000)),
                ("why", models.TextField(blank=True, default="", max_length=2000)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("accepted", "Accepted"),
                            ("rejected", "Rejected"),
                        ],
                        default="pending",
                        max_length=8,
                    ),
                ),
                ("reason", models.TextField(blank=True, default="", max_length=2000)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="theories.theory",
                    ),
                ),
                (
                    "longlist",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proposals_made",
                        to="theories.longlist",
                    ),
                ),
                (
                    "proposer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proposals",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["proposer", "created_at"], name="proposal_per_day")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("longlist", "title_key"),
                        name="proposal_one_pending_per_title",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["pending", "accepted", "rejected"])),
                        name="proposal_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status", "pending"), ("decided_at__isnull", False), _connector="OR"
                        ),
                        name="proposal_decided_has_time",
                    ),
                ],
            },
        ),
    ]
