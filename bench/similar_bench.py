"""The "similar: 7. Auditing" hint of a proposal on a 200-item list (issue 22's goal: it answers
in at most 50 ms): the wall time of `longlist_similar` and of the whole page endpoint
(GET /lists/<slug>/similar/?q=..., through Django's test client: routing, session, access, JSON).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch db> \\
        .venv/bin/python bench/similar_bench.py [--items 200] [--pending 30] [--repeat 50]

Without DATABASE_URL it runs on the embedded SQLite (difflib's fallback). Migrates the database
(use a scratch one), makes the list and pending proposals through the services, then asks
`--repeat` different partial titles and prints the median and p95 in ms.
"""

import argparse
import random
import statistics
import time

from django_start import django_start

django_start()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from theories.items import ItemText  # noqa: E402
from theories.models import Longlist  # noqa: E402
from theories.proposals import proposal_create  # noqa: E402
from theories.services import longlist_create, longlist_update  # noqa: E402
from theories.similar import longlist_similar  # noqa: E402

WORDS = [
    "auditing",
    "deception",
    "oversight",
    "regulation",
    "norms",
    "training",
    "feedback",
    "forecasting",
    "microscope",
    "coordination",
    "evidence",
    "threat",
    "models",
    "culture",
    "loss",
    "function",
    "interpretability",
    "tools",
    "discontinuities",
    "latent",
    "knowledge",
    "elicitation",
    "red",
    "teaming",
    "evaluations",
    "governance",
]


def titles(n: int, rng: random.Random) -> list[str]:
    made: set[str] = set()
    while len(made) < n:
        made.add(" ".join(rng.sample(WORDS, rng.randint(2, 4))).capitalize())
    return sorted(made)


def seed(items: int, pending: int, rng: random.Random) -> Longlist:
    for old in Longlist.objects.filter(title="Similar bench"):
        old.proposals_made.all().delete()
        old.changes.all().delete()
        old.items.all().delete()
        old.delete()
    owner, _ = User.objects.get_or_create(username="bench-similar-owner")
    proposer, _ = User.objects.get_or_create(username="bench-similar-proposer")
    all_titles = titles(items + pending, rng)
    longlist = longlist_create(
        user=owner,
        title="Similar bench",
        visibility="public",
        items=[ItemText(title=t) for t in all_titles[:items]],
    )
    longlist_update(longlist=longlist, proposals="moderated")
    for t in all_titles[items:]:
        proposal_create(longlist=longlist, user=proposer, title=t)
    return longlist


def report(name: str, values: list[float]) -> None:
    values.sort()
    p95 = values[int(0.95 * (len(values) - 1))]
    print(f"{name}: median {statistics.median(values):.2f} ms, p95 {p95:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--pending", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(22)
    call_command("migrate", verbosity=0)
    from django.conf import settings

    settings.PROPOSALS_PER_DAY = args.pending + 1
    longlist = seed(args.items, args.pending, rng)
    asked = [" ".join(rng.sample(WORDS, 2))[: rng.randint(5, 20)] for _ in range(args.repeat)]
    longlist_similar(longlist=longlist, text="warm up")
    selector, page, hits = [], [], 0
    for text in asked:
        started = time.perf_counter()
        hits += bool(longlist_similar(longlist=longlist, text=text))
        selector.append((time.perf_counter() - started) * 1000)
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.force_login(User.objects.get(username="bench-similar-proposer"))
    url = f"/lists/{longlist.slug}/similar/"
    assert client.get(url, {"q": "warm up"}).status_code == 200
    for text in asked:
        started = time.perf_counter()
        response = client.get(url, {"q": text})
        page.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    print(
        f"{connection.vendor}: {args.items} items, {args.pending} pending proposals, "
        f"{args.repeat} partial titles ({hits} with a hint)"
    )
    report("longlist_similar", selector)
    report("GET similar/ (whole view)", page)


if __name__ == "__main__":
    main()
