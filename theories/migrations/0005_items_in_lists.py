"""Longlists, step 3 of 3: every item belongs to a list, and its number is unique within it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("theories", "0004_default_longlist")]

    operations = [
        migrations.AlterField(
            model_name="theory",
            name="longlist",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="items",
                to="theories.longlist",
            ),
        ),
        migrations.AlterField(
            model_name="theory",
            name="number",
            field=models.PositiveSmallIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="theory",
            constraint=models.UniqueConstraint(
                fields=("longlist", "number"), name="theory_number_in_list"
            ),
        ),
        migrations.AddConstraint(
            model_name="theory",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["active", "retired"])),
                name="theory_status_valid",
            ),
        ),
    ]
