"""The rate page of a 200-item list (issue 21: usable on a phone): what it weighs and what it
costs the server, and what one save-as-you-go request costs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch db> \\
        .venv/bin/python bench/rate_page_bench.py [--items 200] [--rated 100] [--repeat 20]

Migrates the database (use a scratch one; without DATABASE_URL, the embedded SQLite), makes the
list, a group and a member who has rated `--rated` items through the services, then through
Django's test client (the whole middleware stack, gzip included) measures GET .../rate/ and
POST .../rate/save/ (one row, a changed score each time): wall time median and p95 in ms, and
the page's bytes as sent (gzip) and unpacked, with its script and stylesheet.
"""

import argparse
import gzip
import statistics
import time

from django_start import ROOT, django_start

django_start()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from groups.models import DiscussionGroup  # noqa: E402
from groups.services import group_create, membership_join, participant_for_user  # noqa: E402
from ratings.services import RatingItem, rating_submission_create  # noqa: E402
from theories.items import ItemText  # noqa: E402
from theories.models import Longlist  # noqa: E402
from theories.services import longlist_create  # noqa: E402

NAME = "Rate page bench"


def seed(items: int, rated: int) -> tuple[DiscussionGroup, User, list[int]]:
    DiscussionGroup.objects.filter(name=NAME).delete()
    for old in Longlist.objects.filter(title=NAME):
        old.changes.all().delete()
        old.items.all().delete()
        old.delete()
    owner, _ = User.objects.get_or_create(username="bench-rate-owner")
    rater, _ = User.objects.get_or_create(username="bench-rate-rater")
    longlist = longlist_create(
        user=owner,
        title=NAME,
        visibility="public",
        items=[
            ItemText(title=f"Bench idea {i}", summary=f"What bench idea {i} claims, in a sentence.")
            for i in range(1, items + 1)
        ],
    )
    group = group_create(user=owner, name=NAME, visibility="public", longlist=longlist)
    membership_join(group=group, user=rater, via_invite=True)
    ids = list(longlist.items.order_by("number").values_list("pk", flat=True))
    rating_submission_create(
        participant=participant_for_user(group=group, user=rater),
        items=[RatingItem(theory_id=pk, score=1 + n % 10) for n, pk in enumerate(ids[:rated])],
        submitted_by=rater,
        source="api",
    )
    return group, rater, ids


def report(name: str, values: list[float]) -> None:
    values.sort()
    p95 = values[int(0.95 * (len(values) - 1))]
    print(f"{name}: median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--rated", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    group, rater, ids = seed(args.items, args.rated)
    settings.ALLOWED_HOSTS = ["testserver"]
    # The static files as they are, not collected (the weights below are the files themselves).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    client.force_login(rater)
    url = f"/groups/{group.slug}/rate/"
    client.get(url)  # warm
    page, saves = [], []
    response = None
    for _ in range(args.repeat):
        started = time.perf_counter()
        response = client.get(url)
        page.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    assert response is not None
    sent = response.content
    packed = response.get("Content-Encoding") == "gzip"
    html = gzip.decompress(sent) if packed else sent
    for n in range(args.repeat):
        pk = ids[-1]
        started = time.perf_counter()
        answer = client.post(f"{url}save/", {"rows": str(pk), f"score_{pk}": str(1 + n % 10)})
        saves.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.content
    assets = {name: (ROOT / "static" / name).read_bytes() for name in ("js/rate.js", "css/app.css")}
    print(
        f"{connection.vendor}: {args.items} items, {args.rated} rated; page "
        f"{len(sent) / 1024:.1f} KiB sent ({'gzip' if packed else 'uncompressed'}), "
        f"{len(html) / 1024:.1f} KiB of HTML, {html.count(b'<input')} inputs"
    )
    for name, body in assets.items():
        print(
            f"  {name}: {len(body) / 1024:.1f} KiB, "
            f"{len(gzip.compress(body)) / 1024:.1f} KiB gzipped"
        )
    report("GET rate page (server)", page)
    report("POST rate/save/ one row (server)", saves)


if __name__ == "__main__":
    main()
