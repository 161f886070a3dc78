"""Issue 20: the spoken invite code. Added nullable, filled for every existing group, then made
unique and required. The backfill keeps its own copy of the alphabet: a migration must not
change meaning when the live code does."""

import secrets

from django.db import migrations, models

import groups.models

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8


def backfill(apps, schema_editor):
    group_model = apps.get_model("groups", "DiscussionGroup")
    taken: set[str] = set()
    for group in group_model.objects.filter(short_code__isnull=True).only("pk").iterator():
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        while code in taken:
            code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        taken.add(code)
        group_model.objects.filter(pk=group.pk).update(short_code=code)


class Migration(migrations.Migration):
    dependencies = [("groups", "0003_group_size_and_newcomers")]

    operations = [
        migrations.AddField(
            model_name="discussiongroup",
            name="short_code",
            field=models.CharField(max_length=8, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="discussiongroup",
            name="short_code",
            field=models.CharField(default=groups.models.new_short_code, max_length=8, unique=True),
        ),
    ]
