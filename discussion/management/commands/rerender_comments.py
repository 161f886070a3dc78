from django.core.management.base import BaseCommand

from discussion.services import comments_rerender


class Command(BaseCommand):
    help = (
        "Render every comment (and earlier version) from its markdown again: the stored HTML is "
        "derived data, rebuilt after the markdown or sanitising rules change."
    )

    def handle(self, *args: object, **options: object) -> None:
        changed = comments_rerender()
        self.stdout.write(self.style.SUCCESS(f"Re-rendered comments: {changed} changed."))
