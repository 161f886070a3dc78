"""The events endpoints (issue 24): `GET <a rankings URL>events/`, a text/event-stream of that
ranking's new versions, served by the ASGI process (`uvicorn impactboard.asgi:application`,
docker-compose.yml's `events`). Who may open one, and what each event holds: live/topics.py;
how one Redis subscription feeds every stream of the process: live/hub.py.

The frames: `retry:` once, then `event: live` (from then on every change is sent), then each
topic's current version and every new one: `ranking` / `compare` events (the bodies a GET
returns, with their ETags) or `changed` nudges, and a comment every HEARTBEAT_S so that proxies and
phones keep the connection. A stream ends after about STREAM_S (EventSource reconnects, and is
authorised afresh), when Redis is lost, or when the viewer may no longer see the ranking.
"""

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable

from asgiref.sync import sync_to_async
from django.db import connections
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.views.decorators.http import require_GET

from impactboard.pubsub import reachable

from . import sse, topics
from .hub import Hub, Viewer
from .topics import Kwargs, Stream

HEARTBEAT_S = 20.0
STREAM_S = 600.0  # give or take a fifth, so that a room that arrived together leaves apart

UNAVAILABLE = {"detail": "Live updates are unavailable; the page polls instead."}


@require_GET
async def group_events(request: HttpRequest, slug: str) -> HttpResponseBase:
    return await _events(
        request, "api-group-rankings", (("slug", slug),), lambda: topics.group_stream(slug)
    )


@require_GET
async def ranking_events(request: HttpRequest) -> HttpResponseBase:
    return await _events(request, "api-rankings", (), topics.global_stream)


@require_GET
async def longlist_events(request: HttpRequest, slug: str) -> HttpResponseBase:
    return await _events(
        request, "api-longlist-rankings", (("slug", slug),), lambda: topics.longlist_stream(slug)
    )


async def _events(
    request: HttpRequest, gate: str, kwargs: Kwargs, build: Callable[[], Stream | None]
) -> HttpResponseBase:
    opened = await sync_to_async(_open)(request, gate, kwargs, build)
    if isinstance(opened, HttpResponseBase):
        return opened
    response = StreamingHttpResponse(_frames(opened, request), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx passes each event on at once
    return response


def _open(
    request: HttpRequest, gate: str, kwargs: Kwargs, build: Callable[[], Stream | None]
) -> Stream | HttpResponseBase:
    """The stream, or the answer that refuses it: the viewer's own GET of the ranking when that
    is not a visible 200 (its 404, 401, 503, as they are), 204 when the ranking is hidden from
    this viewer (EventSource does not reconnect after a 204), 503 without Redis.

    Runs in this request's own thread (asgiref gives each request one), which lives as long as
    the stream: its database connection is closed here, or a thousand open streams would hold
    a thousand connections (PostgreSQL refuses the hundred-and-first)."""
    try:
        return _opened(request, gate, kwargs, build)
    finally:
        # Only a connection outside any transaction is this request's to close. The events
        # process runs in autocommit (an async view is never wrapped in ATOMIC_REQUESTS), so
        # there that is every one; a connection inside an atomic block belongs to a caller
        # still using it (under the test Client, the test's own transaction and the shared
        # world of tests/test_authz_matrix.py), and closing it would break that caller.
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()


def _opened(
    request: HttpRequest, gate: str, kwargs: Kwargs, build: Callable[[], Stream | None]
) -> Stream | HttpResponseBase:
    answer = topics.viewer_answer(gate, kwargs, request)
    if not topics.visible(answer):
        return answer if answer.status_code != 200 else HttpResponse(status=204)
    stream = build()
    if stream is None:  # deleted since the answer above
        return answer
    if not reachable():
        response = JsonResponse(UNAVAILABLE, status=503)
        response["Retry-After"] = "60"
        return response
    return stream


async def _frames(stream: Stream, request: HttpRequest) -> AsyncIterator[bytes]:
    hub = Hub.of_this_loop()
    viewer = Viewer(stream, request)
    if not await hub.join(viewer):
        return  # Redis went away meanwhile: EventSource tries again, and is told 503
    ends = time.monotonic() + STREAM_S * random.uniform(0.8, 1.2)  # noqa: S311 (not a secret)
    try:
        yield sse.opening()
        while not viewer.closed:
            left = ends - time.monotonic()
            if left <= 0:
                return
            try:
                async with asyncio.timeout(min(HEARTBEAT_S, left)):
                    await viewer.wake.wait()
            except TimeoutError:
                yield sse.comment("still here")
                continue
            if frames := viewer.take():
                yield frames
    finally:
        hub.leave(viewer)
