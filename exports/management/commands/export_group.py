"""`manage.py export_group <slug>`: a group's CSV exports for scripts, as the API gives them.

Run by an operator, so no access rule applies (not even the hiding rule).
"""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exports.csvio import Rows, csv_bytes
from exports.selectors import (
    export_comments,
    export_rankings,
    export_ratings_long,
    export_ratings_wide,
)
from groups.models import DiscussionGroup


class Command(BaseCommand):
    help = "Write a group's ratings, ranking or comments as CSV (UTF-8, formula-safe)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument(
            "--what", choices=["ratings", "rankings", "comments"], default="ratings"
        )
        parser.add_argument("--layout", choices=["wide", "long"], default="wide")
        parser.add_argument("--anonymise", action="store_true", help="rater-1, rater-2, …")
        parser.add_argument("--bom", action="store_true", help="start with a byte-order mark")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        group = DiscussionGroup.objects.filter(slug=options["slug"]).first()
        if group is None:
            raise CommandError(f"No group with slug {options['slug']!r}.")
        what, anonymise = options["what"], options["anonymise"]
        rows: Rows
        if what == "ratings":
            exporter = export_ratings_wide if options["layout"] == "wide" else export_ratings_long
            rows = exporter(group=group, anonymise=anonymise)
        elif what == "rankings":
            rows = export_rankings(group=group)
        else:
            rows = export_comments(group=group, anonymise=anonymise)
        chunks = csv_bytes(rows, bom=options["bom"])
        if options["output"]:
            with open(options["output"], "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
        else:
            stream = getattr(self.stdout, "_out", sys.stdout)
            binary = getattr(stream, "buffer", None)
            for chunk in chunks:
                if binary is not None:
                    binary.write(chunk)
                else:  # e.g. a StringIO in tests
                    stream.write(chunk.decode())
            if binary is not None:
                binary.flush()
