"""The load side: a small asyncio HTTP/1.1 keep-alive client, closed- and open-loop drivers, and
the direct-psycopg write baseline.

Why not httpx or locust: on a 2-core machine the load generator shares the CPUs with the server
it measures, so it must cost as little as possible per request. A bare asyncio client over
keep-alive sockets spends a few tens of microseconds per request; httpx spends several times
that. Both the figure and its baseline go through this same client, so what it costs is paid by
both sides of every ratio.
"""

import asyncio
import json
import math
import random
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from rankings.scope import Scope

HOST = "127.0.0.1"


class HttpError(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    """One keep-alive HTTP/1.1 connection. Enough of the protocol for gunicorn and Django:
    Content-Length or chunked bodies, `Connection: close` honoured by reconnecting."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Response:
        for attempt in (1, 2):  # a keep-alive socket the server closed meanwhile: reconnect once
            if self.writer is None:
                await self._open()
            try:
                return await self._exchange(method, path, headers or {}, body)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> Response:
        assert self.reader is not None and self.writer is not None
        head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Connection: keep-alive"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        if body or method in ("PUT", "POST", "PATCH"):
            head.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed by the server")
        status = int(status_line.split(b" ", 2)[1])
        response_headers: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            response_headers[name.strip().lower()] = value.strip()
        data = b""
        if response_headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                data += await self.reader.readexactly(size + 2)
                data = data[:-2]
        elif status not in (204, 304) and method != "HEAD":
            length = int(response_headers.get("content-length", "0"))
            data = await self.reader.readexactly(length) if length else b""
        if response_headers.get("connection", "").lower() == "close":
            self.close()
        return Response(status, response_headers, data)


# --- statistics -----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0  # transport errors (no HTTP status at all)
    seconds: float = 0.0

    def add(self, status: int, latency: float) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latencies.append(latency)

    def summary(self, expect: int | tuple[int, ...]) -> dict[str, Any]:
        expected = (expect,) if isinstance(expect, int) else expect
        good = sum(n for s, n in self.statuses.items() if s in expected)
        total = sum(self.statuses.values())
        return {
            "requests": total,
            "ok": good,
            "unexpected": total - good + self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "seconds": round(self.seconds, 3),
            "rps": good / self.seconds if self.seconds else 0.0,
            "p50_ms": _ms(percentile(self.latencies, 0.50)),
            "p95_ms": _ms(percentile(self.latencies, 0.95)),
            "p99_ms": _ms(percentile(self.latencies, 0.99)),
        }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


# --- drivers --------------------------------------------------------------------------------------

RequestFactory = Callable[[int, int], tuple[str, str, dict[str, str], bytes]]


async def closed_loop(
    port: int,
    make: RequestFactory,
    *,
    clients: int,
    seconds: float,
    warmup: float = 1.0,
    max_requests: int = 1_000_000,
) -> Tally:
    """`clients` connections, each sending its next request as soon as the previous answer
    arrives, for `seconds` after a `warmup` (not counted). make(client, n) -> request."""
    tally = Tally()
    started = time.perf_counter()
    measure_from = started + warmup
    stop_at = measure_from + seconds
    sent = 0

    async def client(c: int) -> None:
        nonlocal sent
        conn = Connection(port)
        n = 0
        try:
            while time.perf_counter() < stop_at and sent < max_requests:
                method, path, headers, body = make(c, n)
                n += 1
                sent += 1
                t0 = time.perf_counter()
                try:
                    response = await conn.request(method, path, headers, body)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    if t0 >= measure_from:
                        tally.errors += 1
                    conn.close()
                    continue
                if t0 >= measure_from:
                    tally.add(response.status, time.perf_counter() - t0)
        finally:
            conn.close()

    await asyncio.wait_for(
        asyncio.gather(*(client(c) for c in range(clients))), timeout=warmup + seconds + 60
    )
    tally.seconds = min(time.perf_counter(), stop_at) - measure_from
    return tally


class Pool:
    """Keep-alive connections for an open-loop driver: take one, or open a new one."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.idle: list[Connection] = []

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> Response:
        conn = self.idle.pop() if self.idle else Connection(self.port)
        try:
            response = await conn.request(method, path, headers, body)
        except BaseException:
            conn.close()
            raise
        self.idle.append(conn)
        return response

    def close(self) -> None:
        for conn in self.idle:
            conn.close()
        self.idle.clear()


async def open_loop(
    pool: Pool,
    make: Callable[[int], tuple[str, str, dict[str, str], bytes]],
    *,
    rate: float,
    seconds: float,
    max_in_flight: int = 200,
) -> Tally:
    """Send request i at start + i / rate, whether or not earlier ones have been answered
    (at most `max_in_flight` at once), so the server is offered `rate` requests per second."""
    tally = Tally()
    total = int(rate * seconds)
    slots = asyncio.Semaphore(max_in_flight)
    started = time.perf_counter()

    async def one(i: int) -> None:
        method, path, headers, body = make(i)
        t0 = time.perf_counter()
        try:
            response = await pool.request(method, path, headers, body)
            tally.add(response.status, time.perf_counter() - t0)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            tally.errors += 1
        finally:
            slots.release()

    tasks = []
    for i in range(total):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await slots.acquire()
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    tally.seconds = time.perf_counter() - started
    return tally


async def run_bounded(coroutines: list[Awaitable[Any]], timeout: float) -> list[Any]:
    return await asyncio.wait_for(asyncio.gather(*coroutines), timeout=timeout)


# --- the submission request -----------------------------------------------------------------------


def submission_body(theory_ids: list[int], rng: random.Random, items: int = 20) -> bytes:
    chosen = theory_ids[:items]
    return json.dumps(
        {
            "ratings": [
                {"theory": t, "score": rng.randint(1, 10), "rationale": "bench"} for t in chosen
            ]
        }
    ).encode()


def auth_json(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}", "Content-Type": "application/json"}


# --- the baseline for writes: the same rows, straight through psycopg -----------------------------


def direct_writes(
    dsn: str,
    *,
    participants: list[tuple[int, int, int]],  # (participant_id, group_id, user_id)
    theory_ids: list[int],
    clients: int,
    seconds: float,
    warmup: float = 1.0,
) -> Tally:
    """What a submission must write, with nothing else: one transaction of an INSERT of the
    submission, one multi-row INSERT of its 20 items, one multi-row upsert of the 20 ratings
    (INSERT … ON CONFLICT DO UPDATE) and the two outbox rows; `clients` threads, one connection
    each, closed loop. Client c uses participants c, c + clients, … so no two in-flight
    transactions touch the same rows (as in the HTTP run)."""
    tally = Tally()
    lock = threading.Lock()
    started = time.perf_counter()
    measure_from = started + warmup
    stop_at = measure_from + seconds
    n_items = len(theory_ids)
    items_sql = (
        "INSERT INTO ratings_submissionitem (submission_id, theory_id, score, rationale) VALUES "
        + ", ".join(["(%s, %s, %s, %s)"] * n_items)
    )
    ratings_sql = (
        "INSERT INTO ratings_rating (participant_id, group_id, theory_id, score, rationale, "
        "updated_at) VALUES "
        + ", ".join(["(%s, %s, %s, %s, %s, now())"] * n_items)
        + " ON CONFLICT (participant_id, theory_id) DO UPDATE SET score = EXCLUDED.score, "
        "rationale = EXCLUDED.rationale, updated_at = EXCLUDED.updated_at"
    )

    def worker(c: int) -> None:
        rng = random.Random(c)
        mine = participants[c::clients]
        with psycopg.connect(dsn) as conn:
            n = 0
            while time.perf_counter() < stop_at and mine:
                pid, gid, uid = mine[n % len(mine)]
                n += 1
                scores = [rng.randint(1, 10) for _ in theory_ids]
                t0 = time.perf_counter()
                try:
                    with conn.transaction():
                        sid = conn.execute(
                            "INSERT INTO ratings_submission (participant_id, group_id, "
                            "submitted_by_id, source, note, created_at) "
                            "VALUES (%s, %s, %s, 'api', '', now()) RETURNING id",
                            [pid, gid, uid],
                        ).fetchone()[0]
                        conn.execute(
                            items_sql,
                            [
                                v
                                for t, s in zip(theory_ids, scores, strict=True)
                                for v in (sid, t, s, "bench")
                            ],
                        )
                        conn.execute(
                            ratings_sql,
                            [
                                v
                                for t, s in zip(theory_ids, scores, strict=True)
                                for v in (pid, gid, t, s, "bench")
                            ],
                        )
                        conn.execute(
                            "INSERT INTO ratings_rankingrequest (scope, created_at) "
                            "VALUES (%s, now()), (%s, now())",
                            [Scope.group(gid).key, Scope.global_().key],
                        )
                    status = 200
                except psycopg.Error:
                    status = 500
                if t0 >= measure_from:
                    with lock:
                        tally.add(status, time.perf_counter() - t0)

    threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=warmup + seconds + 60)
    tally.seconds = min(time.perf_counter(), stop_at) - measure_from
    return tally
