"""Create a public demo group with named participants and their ratings (idempotent): the site's
demo data (`make run`), built through the apps' own services. A site module like the URL map: it
sits above every app."""

import random

from django.core.management.base import BaseCommand
from django.db import transaction

from groups.models import DiscussionGroup, Participant
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.models import Submission
from ratings.services import RatingItem, rating_submission_create
from theories.models import Theory
from theories.services import longlist_default_get

DEMO_SLUG = "demo-reading-group"
# The source post's rated order (best first); theory 20 came later and is rated by fewer people.
SOURCE_ORDER = [1, 4, 3, 6, 8, 18, 2, 7, 16, 19, 17, 10, 9, 12, 14, 13, 15, 11, 5]
NAMES = ["Ada", "Basil", "Chen", "Dara", "Emeka", "Farah", "Goran", "Hana"]


class Command(BaseCommand):
    help = "Seed a public demo group whose ratings echo the source post's rated order."

    def handle(self, *args: object, **options: object) -> None:
        if DiscussionGroup.objects.filter(slug=DEMO_SLUG).exists():
            self.stdout.write("Demo group already there.")
            return
        rng = random.Random(2022)  # noqa: S311  # made-up demo scores, the same on every machine
        theories = {t.number: t for t in Theory.objects.filter(longlist__is_default=True)}
        with transaction.atomic():
            group = DiscussionGroup.objects.create(
                slug=DEMO_SLUG,
                name="Demo reading group",
                longlist=longlist_default_get(),
                results_hidden=False,  # a demo shows its results to visitors
                # Listed by whoever runs this command (an operator, as staff would): the demo's
                # point is a global ranking to look at. Never run it on a real deployment.
                listing=DiscussionGroup.Listing.LISTED,
                description=(
                    "Eight imaginary readers rated the longlist. Sign up and start your own "
                    "group to rate it yourselves."
                ),
            )
            for name in NAMES:
                participant = Participant.objects.create(
                    group=group, name=name, kind=Participant.Kind.IMPORTED
                )
                items = []
                for position, number in enumerate(SOURCE_ORDER):
                    centre = 9 - position * 6 / len(SOURCE_ORDER)
                    spread = 3.5 if number == 3 else 1.3  # 3 was the controversial one
                    score = round(min(10, max(1, rng.gauss(centre, spread))))
                    items.append(RatingItem(theory_id=theories[number].id, score=score))
                if rng.random() < 0.5:
                    items.append(RatingItem(theory_id=theories[20].id, score=rng.randint(3, 7)))
                rating_submission_create(
                    participant=participant,
                    items=items,
                    submitted_by=None,
                    source=Submission.Source.IMPORT,
                    note="demo data",
                )
        ranking_recompute(scope=Scope.group(group.pk), force=True)
        ranking_recompute(scope=Scope.global_(), force=True)
        self.stdout.write(self.style.SUCCESS(f"Seeded the demo group /groups/{DEMO_SLUG}/"))
