"""Every group rates a longlist; the existing groups rate the default one (the 20 theories).
Historical models only. The field becomes required in 0003, in its own transaction, so that
PostgreSQL never alters a table with pending row updates."""

import django.db.models.deletion
from django.db import migrations, models


def groups_on_the_default_list(apps, schema_editor):
    Longlist = apps.get_model("theories", "Longlist")
    Group = apps.get_model("groups", "DiscussionGroup")
    default = Longlist.objects.filter(is_default=True).first()
    if default is not None:
        Group.objects.filter(longlist__isnull=True).update(longlist=default)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0001_initial"),
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
