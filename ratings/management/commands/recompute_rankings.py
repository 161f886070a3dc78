from django.core.management.base import BaseCommand

from groups.models import DiscussionGroup

from ...models import GLOBAL_SCOPE
from ...services import ranking_recompute


class Command(BaseCommand):
    help = "Rebuild every stored ranking from the ratings (derived data, always rebuildable)."

    def handle(self, *args: object, **options: object) -> None:
        scopes = [g.scope for g in DiscussionGroup.objects.only("id")] + [GLOBAL_SCOPE]
        for scope in scopes:
            ranking_recompute(scope=scope, force=True)
        self.stdout.write(self.style.SUCCESS(f"Recomputed {len(scopes)} rankings."))
