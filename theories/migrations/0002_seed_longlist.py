from django.db import migrations

from theories.longlist import seed


def forwards(apps, schema_editor):
    seed(apps.get_model("theories", "Theory"))


class Migration(migrations.Migration):
    dependencies = [("theories", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
