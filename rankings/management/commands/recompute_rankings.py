from django.core.management.base import BaseCommand

from groups.models import DiscussionGroup

from ...scope import Scope
from ...services import ranking_recompute


class Command(BaseCommand):
    help = "Rebuild every stored ranking from the ratings (derived data, always rebuildable)."

    def handle(self, *args: object, **options: object) -> None:
        groups = DiscussionGroup.objects.values_list("pk", flat=True)
        scopes = [Scope.group(pk) for pk in groups] + [Scope.global_()]
        for scope in scopes:
            ranking_recompute(scope=scope, force=True)
        self.stdout.write(self.style.SUCCESS(f"Recomputed {len(scopes)} rankings."))
