"""Longlists, step 1 of 3: the tables and the nullable item fields (0004 fills them, 0005
makes them required); three migrations so that PostgreSQL never alters a table with pending
row updates in one transaction."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("theories", "0002_seed_longlist"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Longlist",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=80, unique=True)),
                ("title", models.CharField(max_length=200)),
                ("description", models.TextField(blank=True, default="", max_length=2000)),
                (
                    "visibility",
                    models.CharField(
                        choices=[("public", "Public"), ("private", "Private")],
                        default="public",
                        max_length=7,
                    ),
                ),
                ("is_default", models.BooleanField(default=False)),
                ("version", models.PositiveIntegerField(default=1)),
                ("last_number", models.PositiveSmallIntegerField(default=0)),
                (
                    "proposals",
                    models.CharField(
                        choices=[
                            ("closed", "Closed"),
                            ("moderated", "Moderated"),
                            ("open", "Open"),
                        ],
                        default="closed",
                        max_length=9,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "forked_from",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="forks",
                        to="theories.longlist",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="longlists",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-is_default", "title"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("is_default", True)),
                        fields=("is_default",),
                        name="longlist_one_default",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("visibility__in", ["public", "private"])),
                        name="longlist_visibility_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("proposals__in", ["closed", "moderated", "open"])),
                        name="longlist_proposals_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("is_default", False), ("visibility", "public"), _connector="OR"
                        ),
                        name="longlist_default_public",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="theory",
            name="longlist",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="items",
                to="theories.longlist",
            ),
        ),
        migrations.AddField(
            model_name="theory",
            name="added_in",
            field=models.PositiveIntegerField(db_default=1, default=1),
        ),
        migrations.AddField(
            model_name="theory",
            name="status",
            field=models.CharField(
                choices=[("active", "Active"), ("retired", "Retired")],
                db_default="active",
                default="active",
                max_length=7,
            ),
        ),
        migrations.AlterField(
            model_name="theory",
            name="source_url",
            field=models.URLField(blank=True, default=""),
        ),
        migrations.CreateModel(
            name="LonglistChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField()),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("created", "Created"),
                            ("added", "Added"),
                            ("reworded", "Reworded"),
                            ("retired", "Retired"),
                        ],
                        max_length=8,
                    ),
                ),
                ("before", models.JSONField(blank=True, null=True)),
                ("after", models.JSONField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "by",
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
                        related_name="changes",
                        to="theories.longlist",
                    ),
                ),
            ],
            options={
                "ordering": ["-version", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("kind__in", ["created", "added", "reworded", "retired"])
                        ),
                        name="longlist_change_kind_valid",
                    )
                ],
            },
        ),
    ]
