"""Issue 24: a thousand viewers of one public group while twenty people rate it.

Each viewer is one browser tab with the group page open, as static/js/rankings.js polls after
issue 24, over one keep-alive connection with `Accept-Encoding: gzip` and ETags:

- the ranking every POLL_S while answers bring something new; after IDLE_POLLS answers in a row
  with nothing new (304) the wait doubles, up to MAX_S;
- after a 200, the figures of that ranking (If-None-Match), before the page redraws: a viewer
  "sees" a version once both have arrived;
- the comparison with all public groups every COMPARE_S (same backing off), and its figure
  after a 200.

The raters: ROOM_RATERS members who submit their 20 ratings once at the start, then again at
random (exponential gaps, `rater_gap_s` on average each). The probes: one at a time, a member who
has never rated submits; the first stored version whose `raters` includes them is found in the
database (a watcher reads the ranking row every 20 ms), and each viewer's freshness for that
probe is the time from the probe's 200 to the viewer seeing that version (or a later one).

Nothing here parses a viewer's body: versions are read from ETags (`"group-<id>-v<n>"`), so the
load generator stays cheap.
"""

import asyncio
import random
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import load
import psycopg
import seed

# static/js/rankings.js
POLL_S = 1.0
IDLE_POLLS = 10
MAX_S = 30.0
COMPARE_S = 5.0

VERSION = re.compile(r"-v(\d+)\"$")


def version_in(etag: str) -> int | None:
    found = VERSION.search(etag or "")
    return int(found.group(1)) if found else None


@dataclass
class Viewer:
    seen: list[tuple[float, int]] = field(default_factory=list)  # (when, ranking version)


@dataclass
class Counts:
    tallies: dict[str, load.Tally] = field(default_factory=dict)

    def tally(self, kind: str) -> load.Tally:
        return self.tallies.setdefault(kind, load.Tally())


class Watcher(threading.Thread):
    """The truth: every change of the room ranking's (version, raters), as stored."""

    def __init__(self, dsn: str, scope: str) -> None:
        super().__init__(daemon=True)
        self.dsn, self.scope = dsn, scope
        self.changes: list[tuple[float, int, int]] = []  # (when, version, raters)
        self.stop = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            last = None
            while not self.stop.is_set():
                row = conn.execute(
                    "SELECT version, raters FROM ratings_ranking WHERE scope = %s", [self.scope]
                ).fetchone()
                if row and row != last:
                    self.changes.append((time.perf_counter(), row[0], row[1]))
                    last = row
                time.sleep(0.02)

    def raters(self) -> int:
        return self.changes[-1][2] if self.changes else 0

    def first_version_with(self, raters: int) -> int | None:
        for _, version, count in self.changes:
            if count >= raters:
                return version
        return None


async def _poller(
    conn: load.Connection,
    path: str,
    follow: str,
    fast: float,
    counts: Counts,
    kind: str,
    stop_at: float,
    measure_from: float,
    on_seen: Any = None,
) -> None:
    """One of a tab's two pollers: `path` at `fast` backing off, and `follow` after each 200."""
    etag = follow_etag = ""
    wait, unchanged = fast, 0
    gzip = {"Accept-Encoding": "gzip"}
    while time.perf_counter() < stop_at:
        t0 = time.perf_counter()
        try:
            answer = await conn.request(
                "GET", path, {**gzip, "If-None-Match": etag} if etag else gzip
            )
        except (OSError, asyncio.IncompleteReadError, ValueError):
            if t0 >= measure_from:
                counts.tally(kind).errors += 1
            conn.close()
            await asyncio.sleep(wait)
            continue
        if t0 >= measure_from:
            counts.tally(kind).add(answer.status, time.perf_counter() - t0)
        if answer.status == 200:
            etag = answer.headers.get("etag", "")
            unchanged, wait = 0, fast
            t1 = time.perf_counter()
            try:
                figures = await conn.request(
                    "GET", follow, {**gzip, "If-None-Match": follow_etag} if follow_etag else gzip
                )
                if t1 >= measure_from:
                    counts.tally(kind + " figures").add(figures.status, time.perf_counter() - t1)
                follow_etag = figures.headers.get("etag", follow_etag)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                if t1 >= measure_from:
                    counts.tally(kind + " figures").errors += 1
                conn.close()
            if on_seen is not None and (v := version_in(etag)) is not None:
                on_seen(time.perf_counter(), v)
        elif answer.status == 304:
            unchanged += 1
            if unchanged >= IDLE_POLLS:
                wait = min(wait * 2, MAX_S)
        await asyncio.sleep(wait)


async def _tab(
    port: int,
    slug: str,
    viewer: Viewer,
    counts: Counts,
    start: float,
    stop_at: float,
    measure_from: float,
) -> None:
    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    base = f"/api/v1/groups/{slug}/rankings/"
    ranking, compare = load.Connection(port), load.Connection(port)
    try:
        await asyncio.gather(
            _poller(
                ranking,
                base,
                base + "figures/",
                POLL_S,
                counts,
                "ranking poll",
                stop_at,
                measure_from,
                on_seen=lambda when, v: viewer.seen.append((when, v)),
            ),
            _poller(
                compare,
                base + "compare/",
                base + "compare/figure/",
                COMPARE_S,
                counts,
                "comparison poll",
                stop_at,
                measure_from,
            ),
        )
    finally:
        ranking.close()
        compare.close()


def run(
    *,
    port: int,
    dsn: str,
    scope: str,
    theory_ids: list[int],
    viewers: int,
    seconds: float,
    warmup: float,
    rater_gap_s: float,
) -> dict[str, Any]:
    """The phase; returns its figures (see the module docstring)."""
    slug = seed.ROOM_SLUG
    put = f"/api/v1/groups/{slug}/ratings/mine/"
    watcher = Watcher(dsn, scope)
    watcher.start()
    time.sleep(0.2)
    rng = random.Random(24)
    tabs = [Viewer() for _ in range(viewers)]
    counts = Counts()
    probes: list[tuple[float, int]] = []  # (the probe's 200, raters needed to include it)
    window: list[float] = []
    timed_out: list[bool] = []

    async def main() -> None:
        started = time.perf_counter()
        measure_from = started + warmup
        stop_at = measure_from + seconds
        window.extend((measure_from, stop_at))
        pool = load.Pool(port)

        async def rater(user: str) -> None:
            await asyncio.sleep(rng.uniform(0, 2))
            while time.perf_counter() < stop_at:
                t0 = time.perf_counter()
                try:
                    answer = await pool.request(
                        "PUT",
                        put,
                        load.auth_json(seed.token_for(user)),
                        load.submission_body(theory_ids, rng),
                    )
                    if t0 >= measure_from:
                        counts.tally("rating PUT").add(answer.status, time.perf_counter() - t0)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    counts.tally("rating PUT").errors += 1
                await asyncio.sleep(rng.expovariate(1 / rater_gap_s))

        async def probing() -> None:
            await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
            conn = load.Connection(port)
            for user in seed.room_probe_usernames():
                if time.perf_counter() > stop_at - 3.0:  # time left to see it
                    break
                before = watcher.raters()
                t0 = time.perf_counter()
                answer = await conn.request(
                    "PUT",
                    put,
                    load.auth_json(seed.token_for(user)),
                    load.submission_body(theory_ids, rng),
                )
                if answer.status == 200:
                    probes.append((time.perf_counter(), before + 1))
                counts.tally("probe PUT").add(answer.status, time.perf_counter() - t0)
                await asyncio.sleep(1.5)
            conn.close()

        work = asyncio.wait_for(
            asyncio.gather(
                *(
                    _tab(
                        port, slug, tab, counts, started + rng.uniform(0, 2), stop_at, measure_from
                    )
                    for tab in tabs
                ),
                *(rater(user) for user in seed.room_rater_usernames()),
                probing(),
            ),
            timeout=warmup + seconds + MAX_S + 60,
        )
        try:
            await work
        except TimeoutError:
            # Answers slower than the whole phase: what was answered is counted, the rest is
            # the server's failure to keep up (reported, not raised).
            timed_out.append(True)
        pool.close()
        for tally in counts.tallies.values():
            tally.seconds = seconds

    asyncio.run(main())
    watcher.stop.set()
    watcher.join(timeout=5)
    # Freshness: per probe and viewer, from the probe's 200 to the viewer seeing its version.
    fresh: list[float] = []
    missed = 0
    for at, raters in probes:
        version = watcher.first_version_with(raters)
        if version is None:
            missed += len(tabs)
            continue
        for tab in tabs:
            when = next((t for t, v in tab.seen if t >= at and v >= version), None)
            if when is None:
                missed += 1
            else:
                fresh.append(when - at)
    served = {kind: t.summary((200, 304)) for kind, t in counts.tallies.items()}
    viewer_kinds = [k for k in served if "poll" in k]
    return {
        "viewers": viewers,
        "timed_out": bool(timed_out),
        "raters": seed.ROOM_RATERS,
        "seconds": seconds,
        "served": served,
        "viewer_requests_per_s": sum(served[k]["rps"] for k in viewer_kinds),
        "viewer_errors": sum(served[k]["unexpected"] for k in viewer_kinds),
        "recomputes_per_s": sum(1 for t, _, _ in watcher.changes if window[0] <= t < window[1])
        / seconds,
        "probes": len(probes),
        "freshness_samples": len(fresh),
        "freshness_p50_s": load.percentile(fresh, 0.50),
        "freshness_p95_s": load.percentile(fresh, 0.95),
        "freshness_max_s": max(fresh) if fresh else None,
        "freshness_missed": missed,
    }
