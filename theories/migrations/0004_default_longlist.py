"""Longlists: the 20 theories become the default longlist. Every theory keeps its id, number and
slug (so every rating, comment, export and URL stays valid); numbers become unique within a
list. Historical models only: this migration must run the same whatever the live code becomes."""

from django.db import migrations
from django.db.models import Max

DEFAULT_SLUG = "theories-of-impact"
DEFAULT_TITLE = "Theories of impact for interpretability"
DEFAULT_DESCRIPTION = (
    "The 20 theories of impact from Neel Nanda's post "
    '"A Longlist of Theories of Impact for Interpretability", in our own words.'
)


def default_longlist_create(apps, schema_editor):
    Longlist = apps.get_model("theories", "Longlist")
    LonglistChange = apps.get_model("theories", "LonglistChange")
    Theory = apps.get_model("theories", "Theory")
    last = Theory.objects.aggregate(m=Max("number"))["m"] or 0
    longlist = Longlist.objects.create(
        slug=DEFAULT_SLUG,
        title=DEFAULT_TITLE,
        description=DEFAULT_DESCRIPTION,
        owner=None,
        visibility="public",
        is_default=True,
        version=1,
        last_number=last,
        proposals="closed",
    )
    Theory.objects.update(longlist=longlist, added_in=1, status="active")
    LonglistChange.objects.create(
        longlist=longlist, version=1, kind="created", after={"title": DEFAULT_TITLE}
    )


def default_longlist_remove(apps, schema_editor):
    Theory = apps.get_model("theories", "Theory")
    Theory.objects.update(longlist=None)
    apps.get_model("theories", "Longlist").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("theories", "0003_longlists")]

    operations = [migrations.RunPython(default_longlist_create, default_longlist_remove)]
