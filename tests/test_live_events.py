"""Issue 24 item 3: the live rankings' events streams (live/), end to end on the real parts: a
rating saved through the API, recomputed by the real worker, published on Redis, pushed by the
real uvicorn process (the `events_server` fixture) to a stream read here over HTTP.

What a stream may carry is the rankings API's own answer: the bodies a GET returns where anyone
may read them, a bodyless nudge where not, a refusal byte for byte like the GET's elsewhere."""

import http.client
import importlib.util
import json
import runpy
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
import redis
from django.db import connection
from django.test import RequestFactory, override_settings
from django.urls import Resolver404, URLResolver, reverse
from django.urls.resolvers import RegexPattern

from accounts.services import token_for
from groups.services import group_update, membership_join
from groups.services.manage import membership_remove
from impactboard.pubsub import channel_pattern, ranking_changed_publish, scope_key_of
from live.context_processors import live_events
from rankings.models import RankingRequest

from .conftest import EVENTS_APPLICATION_NAME, ROOT, api_client, wait_until
from .test_live_browser import seed_realistic_group


@dataclass
class Event:
    name: str
    data: str
    id: str | None = None


@dataclass
class Stream:
    """One events stream, read frame by frame (blocking, with a socket timeout)."""

    status: int
    headers: dict[str, str]
    body: bytes  # a refusal's body
    frames: list[bytes] = field(default_factory=list)
    response: http.client.HTTPResponse | None = None
    conn: http.client.HTTPConnection | None = None

    def next(self) -> Event | None:
        """The next event (comments skipped); None when the server ended the stream."""
        assert self.response is not None
        name, ident, raw = "message", None, b""
        data: list[str] = []
        while True:
            line = self.response.readline()
            if not line:
                return None
            raw += line
            text = line.decode().rstrip("\n")
            if text == "":
                self.frames.append(raw)
                if data or name != "message":
                    return Event(name, "\n".join(data), ident)
                raw = b""
                continue
            field_name, _, value = text.partition(": ")
            if field_name == "event":
                name = value
            elif field_name == "data":
                data.append(value)
            elif field_name == "id":
                ident = value

    def silent_for(self, seconds: float) -> None:
        """Nothing more (not even the end of the stream) within `seconds`."""
        assert self.conn is not None and self.conn.sock is not None
        self.conn.sock.settimeout(seconds)
        with pytest.raises(TimeoutError):
            self.next()

    def until(self, name: str, predicate=lambda event: True, limit: int = 20) -> Event:
        for _ in range(limit):
            event = self.next()
            assert event is not None, "the stream ended"
            if event.name == name and predicate(event):
                return event
        raise AssertionError(f"no {name!r} event in {limit}")


def open_stream(base: str, path: str, token: str | None = None, timeout: float = 30) -> Stream:
    where = urlsplit(base)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=timeout)
    headers = {"Accept": "text/event-stream"}
    if token:
        headers["Authorization"] = f"Token {token}"
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    found = {k.lower(): v for k, v in response.getheaders()}
    if response.status != 200:
        return Stream(response.status, found, response.read())
    stream = Stream(response.status, found, b"", response=response, conn=conn)
    assert stream.next() == Event("live", "on")  # subscribed: every change from now on
    return stream


def get(base: str, path: str, token: str | None = None) -> tuple[int, dict[str, str], bytes]:
    where = urlsplit(base)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    conn.request("GET", path, headers={"Authorization": f"Token {token}"} if token else {})
    response = conn.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def rate_through_the_api(user, group, theories, score: int) -> None:
    answer = api_client(user).put(
        reverse("api-ratings-mine", kwargs={"slug": group.slug}),
        {"ratings": [{"theory": t.pk, "score": score} for t in theories[:5]]},
        format="json",
    )
    assert answer.status_code == 200, answer.content


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_rating_reaches_an_open_stream_with_the_bodies_a_get_returns(
    events_server, cast, theories
) -> None:
    seed_realistic_group(cast.public, theories)
    path = f"/api/v1/groups/{cast.public.slug}/rankings/"
    stream = open_stream(events_server, path + "events/")
    assert stream.headers["content-type"] == "text/event-stream"
    assert stream.headers["cache-control"] == "no-cache"
    assert "content-encoding" not in stream.headers  # never gzipped: one copy per viewer
    # As it opens, the current version: nothing to fetch to catch up.
    current = json.loads(stream.until("ranking").data)
    _, headers, body = get(events_server, path)
    assert current["etag"] == headers["etag"] and current["body"] == json.loads(body)
    raters = current["body"]["raters"]

    rate_through_the_api(cast.member, cast.public, theories, 9)  # someone else rates
    event = stream.until("ranking", lambda e: json.loads(e.data)["body"]["raters"] == raters + 1)
    pushed = json.loads(event.data)
    status, headers, body = get(events_server, path)
    assert status == 200 and pushed["etag"] == headers["etag"] == event.id
    assert pushed["body"] == json.loads(body)
    status, headers, body = get(events_server, path + "figures/")
    assert pushed["figures"] == {"etag": headers["etag"], "body": json.loads(body)}
    # The comparison moves with the group's ranking: its answer and figure, pushed too.
    compare = json.loads(stream.until("compare").data)
    assert set(compare) == {"etag", "body", "figures"}
    assert compare["body"]["results"] and compare["figures"]["body"]["figure"]["data"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_an_open_stream_holds_no_database_connection(events_server, cast, theories) -> None:
    """Each stream lives in a request thread of its own for as long as it is open: were its
    connection kept, a thousand open pages would hold a thousand (PostgreSQL refuses the
    hundred-and-first). Only the hub's one thread, which builds the events, holds one."""
    seed_realistic_group(cast.public, theories)
    path = f"/api/v1/groups/{cast.public.slug}/rankings/events/"
    streams = [open_stream(events_server, path, token_for(user=cast.member)) for _ in range(6)]
    for stream in streams:
        stream.until("ranking")  # authorised, subscribed, and sent the current version
    with connection.cursor() as cursor:
        cursor.execute(
            # This test database's only: under pytest-xdist the other process has its own.
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE application_name = %s AND datname = current_database()",
            [EVENTS_APPLICATION_NAME],
        )
        (held,) = cursor.fetchone()
    assert held <= 1, held


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_global_ranking_stream_carries_the_global_ranking(
    events_server, cast, theories
) -> None:
    seed_realistic_group(cast.public, theories)
    stream = open_stream(events_server, "/api/v1/rankings/events/")
    rate_through_the_api(cast.member, cast.public, theories, 2)
    pushed = json.loads(stream.until("ranking").data)
    _, headers, body = get(events_server, "/api/v1/rankings/")
    assert pushed["etag"] == headers["etag"] and pushed["body"] == json.loads(body)
    assert pushed["body"]["groups"] >= 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_private_or_unknown_groups_stream_answers_as_its_get_does(
    events_server, cast, theories
) -> None:
    private = f"/api/v1/groups/{cast.private.slug}/rankings/"
    for token in (None, token_for(user=cast.outsider)):
        refused = open_stream(events_server, private + "events/", token)
        status, headers, body = get(events_server, private, token)
        assert (refused.status, refused.body) == (status, body) == (404, refused.body)
        assert refused.headers["content-type"] == headers["content-type"]
        missing = open_stream(events_server, "/api/v1/groups/no-such-group/rankings/events/", token)
        assert (missing.status, missing.body) == (404, body)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_member_of_a_private_group_is_nudged_without_a_body_and_cut_off_once_removed(
    events_server, cast, theories
) -> None:
    seed_realistic_group(cast.private, theories)
    path = f"/api/v1/groups/{cast.private.slug}/rankings/events/"
    stream = open_stream(events_server, path, token_for(user=cast.member))
    rate_through_the_api(cast.facilitator, cast.private, theories, 3)
    assert stream.until("changed").data in ("ranking", "compare")
    assert not any(b'"results"' in frame for frame in stream.frames)

    membership_remove(group=cast.private, user=cast.member)
    rate_through_the_api(cast.facilitator, cast.private, theories, 7)
    while (event := stream.next()) is not None:  # at the next change: the end of the stream
        assert event.name != "ranking"
    refused = open_stream(events_server, path, token_for(user=cast.member))
    assert refused.status == 404  # and its reconnection is the GET's refusal


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_hidden_results_are_never_in_an_event(events_server, cast, theories, make_user) -> None:
    group_update(group=cast.public, results_hidden=True)
    rater = make_user("rhea")
    membership_join(group=cast.public, user=rater, via_invite=True)
    seed_realistic_group(cast.public, theories)
    path = f"/api/v1/groups/{cast.public.slug}/rankings/events/"
    # Hidden from whoever has not rated: no stream at all (204: EventSource does not retry).
    for token in (None, token_for(user=cast.outsider), token_for(user=rater)):
        assert open_stream(events_server, path, token).status == 204
    # Shown to one who has rated, but not to anyone: nudges only, no aggregate.
    rate_through_the_api(rater, cast.public, theories, 5)
    stream = open_stream(events_server, path, token_for(user=rater))
    world = open_stream(events_server, "/api/v1/rankings/events/")
    assert world.next().name == "ranking"  # its current version, as it opens
    rate_through_the_api(cast.member, cast.public, theories, 10)
    assert stream.until("changed").data in ("ranking", "compare")
    rate_through_the_api(cast.member, cast.public, theories, 1)
    stream.until("changed")
    for frame in stream.frames:
        assert b'"results"' not in frame and b'"mean"' not in frame, frame
    # The global ranking leaves a group out while it hides its results (GLOBAL_FEED): its
    # version does not move for these ratings, so its stream says nothing more. Were the global
    # ranking marked stale by them, its row would be in the outbox by now (the group's
    # recompute, already pushed, writes it) until its recompute has run and published.
    wait_until(lambda: not RankingRequest.objects.exists(), timeout=30)
    world.silent_for(1.5)  # a published version is pushed within milliseconds


@pytest.mark.services
def test_a_site_on_another_redis_database_is_not_heard(settings) -> None:
    """Redis pub/sub channels are the server's, not a database's: were the database number not
    in the channel, a change published by another site (or test process) on another database of
    the same server would reach this site's events process, which would rebuild and push it."""
    here = settings.REDIS_URL
    parts = urlsplit(here)
    number = int(parts.path.lstrip("/") or 0)
    other = parts._replace(path=f"/{(number + 8) % 16}").geturl()
    listener = redis.Redis.from_url(here).pubsub(ignore_subscribe_messages=True)
    listener.psubscribe(channel_pattern())
    try:
        assert listener.get_message(timeout=1) is None  # the subscription is live
        settings.REDIS_URL = other
        ranking_changed_publish(scope_key="global", version=1)  # the other site's change
        settings.REDIS_URL = here
        ranking_changed_publish(scope_key="global", version=2)  # this site's
        heard = []
        while (message := listener.get_message(timeout=1)) is not None:
            heard.append((scope_key_of(message["channel"].decode()), message["data"]))
        assert heard == [("global", b"2")]
    finally:
        listener.close()


def test_the_embedded_default_offers_no_stream(monkeypatch) -> None:
    """No Redis (`make run` with nothing set): no events route, no meta for the pages, even with
    LIVE_EVENTS_OFFERED set; the pages poll. The settings and the URL map are evaluated afresh
    from that environment (in this process: a new one would spend seconds importing the app)."""
    for name in ("REDIS_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LIVE_EVENTS_OFFERED", "true")
    embedded = runpy.run_path(str(ROOT / "impactboard" / "settings" / "__init__.py"))
    assert not embedded["LIVE_EVENTS"] and not embedded["LIVE_EVENTS_OFFERED"]
    with override_settings(
        LIVE_EVENTS=embedded["LIVE_EVENTS"], LIVE_EVENTS_OFFERED=embedded["LIVE_EVENTS_OFFERED"]
    ):
        # Executed afresh beside the imported one (which stays as it is for the other tests).
        spec = importlib.util.spec_from_file_location(
            "impactboard.embedded_urls", ROOT / "impactboard" / "urls.py"
        )
        assert spec is not None and spec.loader is not None
        urls = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(urls)
        site = URLResolver(RegexPattern(r"^/"), urls.urlpatterns)
        for path in (
            "/api/v1/groups/g/rankings/events/",
            "/api/v1/rankings/events/",
            "/api/v1/longlists/l/rankings/events/",
        ):
            with pytest.raises(Resolver404):
                site.resolve(path)
        assert site.resolve("/api/v1/rankings/").url_name == "api-rankings"  # the map is whole
        assert live_events(RequestFactory().get("/")) == {"live_events": False}
