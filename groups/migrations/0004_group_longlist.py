"""Every group rates a longlist; the existing groups rate the default one (the 20 theories).
Historical models only. The field becomes required in 0005, in its own transaction, so that
PostgreSQL never alters a table with pending row updates."""

import django.db.models.deletion
from django.db import migrations, models


def groups_on_the_default_list(apps, schema_editor):
    Longlist = apps.get_model("theories", "Longlist")
    Group = apps.get_model("groups", "DiscussionGroup")
    if not Group.objects.filter(longlist__isnull=True).exists():
        return
    # theories/0004 made the default list; a database emptied since (a flushed test database)
    # gets it again, empty, so that every group has a list to rate.
    default, _ = Longlist.objects.get_or_create(
        is_default=True,
        defaults={
            "slug": "theories-of-impact",
            "title": "Theories of impact for interpretability",
            "visibility": "public",
        },
    )
    Group.objects.filter(longlist__isnull=True).update(longlist=default)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0003_group_size_and_newcomers"),
        ("theories", "0005_items_in_lists"),
    ]

    operations = [
        migrations.AddField(
            model_name="discussiongroup",
            name="longlist",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="groups",
                to="theories.longlist",
            ),
        ),
        migrations.RunPython(groups_on_the_default_list, migrations.RunPython.noop),
    ]
