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

The same room over server-sent events (`mode="sse"`, live/): each tab holds one stream from the
events process (uvicorn), as static/js/rankings.js does where the page offers it: after `live`
(the stream is up) the current version of the ranking and of the comparison arrive pushed, then
every new one, each with its body and its figures, and the tab asks for nothing. A `changed`
nudge (not expected for a public group) would cost a conditional GET. A stream that fails is an
error, and the tab reconnects after `retry` (3 s), as EventSource does. The version a tab holds
is read from each `ranking` event's `id:` (its ETag).
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


# live/sse.py's frames, as the stream sends them: a ranking event's id is its ETag.
RANKING_EVENT = b"event: ranking\nid: "
RETRY_S = 3.0  # live/sse.py RETRY_MS


@dataclass
class Viewer:
    seen: list[tuple[float, int]] = field(default_factory=list)  # (when, ranking version)


@dataclass
class Counts:
    tallies: dict[str, load.Tally] = field(default_factory=dict)
    bytes_pushed: int = 0

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


def ranking_version(chunk: bytes) -> int | None:
    """The newest ranking version among the frames of `chunk` (found with bytes.find: the
    frames are tens of kB and a thousand tabs receive them, so no regex runs over them)."""
    newest, at = None, chunk.find(RANKING_EVENT)
    while at >= 0:
        start = at + len(RANKING_EVENT)
        end = chunk.find(b"\n", start)
        version = version_in(chunk[start:end].decode())
        if version is not None and (newest is None or version > newest):
            newest = version
        at = chunk.find(RANKING_EVENT, end)
    return newest


class Stream:
    """One tab's events stream over a socket of its own: the response head, then the chunks
    (uvicorn sends each write as one chunk of whole frames)."""

    def __init__(self, port: int, path: str) -> None:
        self.port, self.path = port, path
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> int:
        # A frame with its figures is tens of kB: well above asyncio's 64 kB line limit once
        # a few arrive together.
        self.reader, self.writer = await asyncio.open_connection(load.HOST, self.port, limit=2**24)
        head = (
            f"GET {self.path} HTTP/1.1\r\nHost: {load.HOST}\r\n"
            "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
        )
        self.writer.write(head.encode())
        status = int((await self.reader.readline()).split(b" ", 2)[1])
        while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            pass
        return status

    async def chunk(self) -> bytes:
        assert self.reader is not None
        size = int((await self.reader.readline()).split(b";")[0], 16)
        data = await self.reader.readexactly(size + 2)
        if size == 0:
            raise ConnectionError("the stream ended")
        return data[:-2]

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _sse_tab(
    port: int,
    events_port: int,
    slug: str,
    viewer: Viewer,
    counts: Counts,
    start: float,
    stop_at: float,
    measure_from: float,
) -> None:
    """One tab over server-sent events (see the module docstring)."""
    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    base = f"/api/v1/groups/{slug}/rankings/"
    stream = Stream(events_port, base + "events/")
    conn = load.Connection(port)
    gzip = {"Accept-Encoding": "gzip"}
    etags: dict[str, str] = {}

    async def conditional(path: str, kind: str) -> int | None:
        t0 = time.perf_counter()
        held = etags.get(path)
        try:
            answer = await conn.request(
                "GET", path, {**gzip, "If-None-Match": held} if held else gzip
            )
        except (OSError, asyncio.IncompleteReadError, ValueError):
            if t0 >= measure_from:
                counts.tally(kind).errors += 1
            conn.close()
            return None
        if t0 >= measure_from:
            counts.tally(kind).add(answer.status, time.perf_counter() - t0)
        etags[path] = answer.headers.get("etag", held or "")
        return answer.status

    async def catch_up() -> None:
        if await conditional(base, "catch-up GET") == 200:
            await conditional(base + "figures/", "catch-up GET")
            if (v := version_in(etags[base])) is not None:
                viewer.seen.append((time.perf_counter(), v))
        if await conditional(base + "compare/", "catch-up GET") == 200:
            await conditional(base + "compare/figure/", "catch-up GET")

    try:
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                status = await stream.open()
                if status != 200:
                    raise ConnectionError(f"the stream answered {status}")
                while time.perf_counter() < stop_at:
                    remaining = stop_at - time.perf_counter()
                    try:
                        data = await asyncio.wait_for(stream.chunk(), timeout=max(0.01, remaining))
                    except TimeoutError:
                        break
                    now = time.perf_counter()
                    if b"event: live\n" in data and t0 >= measure_from:
                        counts.tally("stream opened").add(200, now - t0)
                    if (v := ranking_version(data)) is not None:
                        viewer.seen.append((now, v))
                    if now >= measure_from:
                        tally = counts.tally("pushes received")
                        tally.add(200, 0.0)
                        counts.bytes_pushed += len(data)
                    if b"event: changed\n" in data:
                        await catch_up()
            except (OSError, asyncio.IncompleteReadError, ValueError, ConnectionError):
                if time.perf_counter() >= measure_from:
                    counts.tally("stream opened").errors += 1
                stream.close()
                await asyncio.sleep(RETRY_S)
    finally:
        stream.close()
        conn.close()


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
    probers: list[str],
    mode: str = "poll",
    events_port: int | None = None,
    cpu: Any = None,
) -> dict[str, Any]:
    """The phase, with the tabs polling (`mode="poll"`) or on server-sent events from
    `events_port` (`mode="sse"`); returns its figures (see the module docstring). `cpu()`, if
    given, is read as the measured window opens and closes (`cores` in the figures: the
    average cores each role used inside the window, the tabs' opening left out)."""
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
    cores: dict[str, float] = {}

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

        async def cpu_window() -> None:
            if cpu is None:
                return
            await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
            before = cpu()
            await asyncio.sleep(max(0.0, stop_at - time.perf_counter()))
            after = cpu()
            cores.update({k: round((after[k] - before[k]) / seconds, 3) for k in before})

        async def probing() -> None:
            await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
            conn = load.Connection(port)
            for user in probers:
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
                    if mode == "poll"
                    else _sse_tab(
                        port,
                        events_port or port,
                        slug,
                        tab,
                        counts,
                        started + rng.uniform(0, 2),
                        stop_at,
                        measure_from,
                    )
                    for tab in tabs
                ),
                *(rater(user) for user in seed.room_rater_usernames()),
                probing(),
                cpu_window(),
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
    # A viewer's HTTP requests: polls (and the figures they fetch), or a stream's opening and
    # its catch-up GETs; the events pushed are counted apart.
    viewer_kinds = [k for k in served if "poll" in k or k in ("catch-up GET", "stream opened")]
    return {
        "mode": mode,
        "viewers": viewers,
        "cores": cores,
        "pushes_per_s": served.get("pushes received", {}).get("rps", 0.0),
        "pushed_mb_per_s": counts.bytes_pushed / seconds / 1e6,
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
