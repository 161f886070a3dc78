import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("groups", "0004_group_longlist")]

    operations = [
        migrations.AlterField(
            model_name="discussiongroup",
            name="longlist",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="groups",
                to="theories.longlist",
            ),
        ),
    ]
