"""One events process's fan-out: ONE Redis pub/sub connection, however many viewers.

The hub of a process (one per event loop) subscribes once to every ranking channel
(impactboard.pubsub) and keeps, in memory, which open streams watch which topics. A message
names a scope; each topic that scope moves is rebuilt once (live.topics: one in-process GET of
the API, answered from the ranking cache) and the result is handed to each of its viewers'
queues. Rebuilds of one topic never overlap: changes that arrive meanwhile are gathered into
one more rebuild.

A viewer's queue holds the latest event of each topic only: a slow reader gets the newest
version, never a backlog. A viewer who joins is sent each topic's last frame at once (the hub
keeps it while anyone watches), so that opening a page costs no GET to catch up. When the Redis
connection fails, every stream is ended: each page falls back to polling at once, and
EventSource's reconnection is refused (503) until Redis answers again (live/views.py), so
nothing waits on a channel that has gone quiet.
"""

import asyncio
import contextvars
import logging
import weakref
from collections.abc import Coroutine
from typing import Any

import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest

from impactboard.pubsub import channel_pattern, scope_key_of

from .topics import Stream, Topic, anyones_event, nudge, viewer_sees

logger = logging.getLogger(__name__)

NUDGE = b"changed"  # in `latest`: the topic is not anyone's to read; its viewers are nudged
READY_S = 3.0  # a new stream waits at most this long for the subscription
PING_S = 5.0  # a quiet subscription is pinged this often: a dead connection shows at once
RETRY_S = 1.0  # between attempts to subscribe again after a failure


class Viewer:
    """One open stream: what it watches, who is asking, and what it has yet to be sent."""

    def __init__(self, stream: Stream, request: HttpRequest) -> None:
        self.stream = stream
        self.request = request
        self.pending: dict[str, bytes] = {}  # topic event name -> its latest frame
        self.wake = asyncio.Event()
        self.closed = False

    def send(self, key: str, frame: bytes) -> None:
        self.pending[key] = frame
        self.wake.set()

    def close(self) -> None:
        self.closed = True
        self.wake.set()

    def take(self) -> bytes:
        frames = b"".join(self.pending.values())
        self.pending.clear()
        self.wake.clear()
        return frames


class Hub:
    _of_loop: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = (
        weakref.WeakKeyDictionary()
    )

    def __init__(self) -> None:
        self.watchers: dict[Topic, set[Viewer]] = {}
        self.topics_of: dict[str, set[Topic]] = {}  # scope key -> the topics it moves
        self.ready = asyncio.Event()
        self.listener: asyncio.Task[None] | None = None
        self.rebuilding: dict[Topic, asyncio.Task[None]] = {}
        self.latest: dict[Topic, bytes] = {}  # each watched topic's last frame (or NUDGE)
        self.again: set[Topic] = set()
        self.messages = 0

    @classmethod
    def of_this_loop(cls) -> "Hub":
        loop = asyncio.get_running_loop()
        if loop not in cls._of_loop:
            cls._of_loop[loop] = cls()
        return cls._of_loop[loop]

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        # In a context of its own, not the first viewer's request's: that request's
        # thread-sensitive context (asgiref) ends with it, and the hub outlives it.
        return asyncio.get_running_loop().create_task(coroutine, context=contextvars.Context())

    async def join(self, viewer: Viewer) -> bool:
        """Register `viewer` once the subscription is live; False if it is not within READY_S."""
        if self.listener is None or self.listener.done():
            self.listener = self._spawn(self._listen())
        try:
            async with asyncio.timeout(READY_S):
                await self.ready.wait()
        except TimeoutError:
            return False
        for topic in viewer.stream.topics:
            self.watchers.setdefault(topic, set()).add(viewer)
            for key in topic.scopes:
                self.topics_of.setdefault(key, set()).add(topic)
            # The current version at once, so that a page opening needs no GET to catch up: the
            # last frame built (every change since has been built too: a rebuild under way will
            # reach this viewer as well), or a first build for this process.
            latest = self.latest.get(topic)
            if latest is NUDGE:
                viewer.send(topic.event, nudge(topic))
            elif latest is not None:
                viewer.send(topic.event, latest)
            elif topic not in self.rebuilding:
                self.rebuilding[topic] = self._spawn(self._rebuild([topic]))
        return True

    def leave(self, viewer: Viewer) -> None:
        for topic in viewer.stream.topics:
            watching = self.watchers.get(topic)
            if watching is None:
                continue
            watching.discard(viewer)
            if not watching:
                del self.watchers[topic]
                self.latest.pop(topic, None)  # nobody follows it now: it goes stale
                for key in topic.scopes:
                    moved = self.topics_of.get(key, set())
                    moved.discard(topic)
                    if not moved:
                        self.topics_of.pop(key, None)

    @property
    def viewers(self) -> int:
        return len({v for watching in self.watchers.values() for v in watching})

    async def _listen(self) -> None:
        failing = False
        while True:
            client = aioredis.Redis.from_url(
                settings.REDIS_URL,
                socket_connect_timeout=settings.REDIS_SOCKET_TIMEOUT,
                socket_keepalive=True,
            )
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(channel_pattern())
                self.ready.set()
                if failing:
                    logger.warning("live: subscribed again")
                failing = False
                while True:
                    message = await pubsub.get_message(timeout=PING_S)
                    if message is None:
                        await pubsub.ping()  # its answer comes back as a message, ignored
                    elif message["type"] == "pmessage":
                        self._dispatch(scope_key_of(message["channel"].decode()))
            except (aioredis.RedisError, OSError) as exc:
                if not failing:
                    logger.warning("live: Redis subscription lost, streams ended: %s", exc)
                failing = True
            finally:
                self.ready.clear()
                self._end_every_stream()
                await pubsub.aclose()
                await client.aclose()
            await asyncio.sleep(RETRY_S)

    def _end_every_stream(self) -> None:
        self.latest.clear()  # changes may be missed from now on
        for watching in list(self.watchers.values()):
            for viewer in list(watching):
                viewer.close()

    def _dispatch(self, scope_key: str) -> None:
        self.messages += 1
        fresh = []
        for topic in self.topics_of.get(scope_key, ()):
            if topic in self.rebuilding:
                self.again.add(topic)
            else:
                fresh.append(topic)
        if fresh:
            task = self._spawn(self._rebuild(fresh))
            for topic in fresh:
                self.rebuilding[topic] = task

    async def _rebuild(self, topics: list[Topic]) -> None:
        """The topics one change moved, built together and handed over together: a group page
        watches its ranking and its comparison, and gets both in one write."""
        try:
            while topics:
                self.again.difference_update(topics)
                try:
                    frames = await sync_to_async(_built)(topics)
                except Exception:  # a database outage, say: each page asks for itself
                    logger.exception("live: could not build the events of %s", topics)
                    frames = [None] * len(topics)
                for topic, frame in zip(topics, frames, strict=True):
                    await self._send(topic, frame)
                done = [t for t in topics if t not in self.again]
                for topic in done:
                    del self.rebuilding[topic]
                topics = [t for t in topics if t in self.again]
        except BaseException:
            for topic in topics:
                self.rebuilding.pop(topic, None)
            raise

    async def _send(self, topic: Topic, frame: bytes | None) -> None:
        if topic in self.watchers:
            self.latest[topic] = NUDGE if frame is None else frame
        if frame is not None:
            for viewer in list(self.watchers.get(topic, ())):
                viewer.send(topic.event, frame)
            return
        bare = nudge(topic)
        for viewer in list(self.watchers.get(topic, ())):
            try:
                sees = await sync_to_async(viewer_sees)(viewer.stream, viewer.request)
            except Exception:
                logger.exception("live: could not ask whether a viewer still sees a ranking")
                sees = False
            if sees:
                viewer.send(topic.event, bare)
            else:
                viewer.close()  # its page reconnects, and is answered as its GET would be


def _built(topics: list[Topic]) -> list[bytes | None]:
    return [anyones_event(topic) for topic in topics]
