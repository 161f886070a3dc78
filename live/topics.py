"""What a page's stream carries, and who may hear it.

A stream (`Stream`) is one page's: a group's (its ranking and its comparison with the global
ranking), the global ranking's (the home page), or a list's. Each of its topics is one answer of
the rankings API that the page keeps live, with the figures drawn from it, and the scopes whose
new versions change it.

No read rule is written here: every decision is the rankings API's own answer, asked in-process
through the URL map (`_get`):

- who may open a stream: the viewer's own GET of the ranking. Anything but a visible 200 is
  answered as that GET answered (a private or unknown group's 404, byte for byte; a guest token
  outside its group's 401); a ranking hidden from this viewer gets 204, which tells EventSource
  not to reconnect (the page shows no ranking then, and has nothing to keep live);
- what an event carries: the API's answers to an anonymous GET (no cookie, no token). When both
  the answer and its figures are visible 200s (a public group showing its results, the global
  ranking), the event carries both bodies with their ETags, exactly as a GET would return
  them, so that a thousand open pages need not fetch them; otherwise the event is a bodyless
  `changed` nudge, sent only to viewers whose own GET is still a visible 200 (asked again at
  each change: a member removed, or a group that started hiding its results, is cut off), and
  the page makes its ordinary conditional GET.
"""

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import resolve, reverse

from groups.models import DiscussionGroup
from rankings.scope import Scope, world_scope
from theories.models import Longlist

from . import sse

Kwargs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Topic:
    event: str  # the event's name, which the page listens for: "ranking" or "compare"
    answer: str  # the URL name of the API answer the page shows
    figures: str | None  # the URL name of its figures, or None (the page draws none)
    kwargs: Kwargs
    scopes: frozenset[str]  # the keys of the rankings (rankings.scope) whose change moves it


@dataclass(frozen=True)
class Stream:
    gate: str  # the URL name of the answer whose GET decides who may listen
    kwargs: Kwargs
    topics: tuple[Topic, ...]


def _get(name: str, kwargs: Kwargs, request: HttpRequest) -> HttpResponse:
    """The API's answer to a GET of `name` by `request`'s caller, rendered."""
    path = reverse(name, kwargs=dict(kwargs))
    match = resolve(path)
    response: Any = match.func(request, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()
    return response


def _anonymous(path: str) -> HttpRequest:
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {"HTTP_ACCEPT": "application/json", "SERVER_NAME": "live", "SERVER_PORT": "80"}
    request.user = AnonymousUser()
    return request


def _visible(response: HttpResponse) -> tuple[str, bytes] | None:
    """(ETag, body) of a visible 200; None for a refusal or a hidden answer (which never carries
    an ETag: ratings/api/answers.py)."""
    if response.status_code != 200 or not response.has_header("ETag"):
        return None
    if json.loads(response.content).get("hidden", False):
        return None
    return response["ETag"], response.content


def anyones_event(topic: Topic) -> bytes | None:
    """The topic's event as anyone may read it (see the module docstring), or None."""
    close_old_connections()  # this runs outside any request: drop a connection past its age
    names = [topic.answer] + ([topic.figures] if topic.figures else [])
    found = []
    for name in names:
        path = reverse(name, kwargs=dict(topic.kwargs))
        visible = _visible(_get(name, topic.kwargs, _anonymous(path)))
        if visible is None:
            return None
        found.append(visible)
    (etag, body), *rest = found
    data = b'{"etag":' + json.dumps(etag).encode() + b',"body":' + body
    for figures_etag, figures in rest:
        data += b',"figures":{"etag":' + json.dumps(figures_etag).encode()
        data += b',"body":' + figures + b"}"
    return sse.event(topic.event, data + b"}", id=etag)


def nudge(topic: Topic) -> bytes:
    return sse.event("changed", topic.event.encode())


def viewer_answer(gate: str, kwargs: Kwargs, request: HttpRequest) -> HttpResponse:
    """The viewer's own GET of the ranking `gate` names: as JSON, whatever the stream's request
    asked for, and with no query parameter (a stream takes none: not `?format=`, not `?round=`)."""
    request.META["HTTP_ACCEPT"] = "application/json"
    request.GET = QueryDict()
    return _get(gate, kwargs, request)


def viewer_sees(stream: Stream, request: HttpRequest) -> bool:
    """Whether the viewer's own GET of the stream's ranking is still a visible 200."""
    close_old_connections()
    return _visible(viewer_answer(stream.gate, stream.kwargs, request)) is not None


def visible(response: HttpResponse) -> bool:
    return _visible(response) is not None


def group_stream(slug: str) -> Stream | None:
    """A group page's: its ranking with its figures, and its comparison with its list's global
    ranking (which moves when either ranking does)."""
    group = DiscussionGroup.objects.select_related("longlist").filter(slug=slug).first()
    if group is None:
        return None
    kwargs = (("slug", slug),)
    here = Scope.group(group.pk).key
    world = world_scope(longlist_id=group.longlist_id, is_default=group.longlist.is_default).key
    return Stream(
        "api-group-rankings",
        kwargs,
        (
            Topic(
                "ranking",
                "api-group-rankings",
                "api-group-ranking-figures",
                kwargs,
                frozenset({here}),
            ),
            Topic(
                "compare",
                "api-group-compare",
                "api-group-compare-figure",
                kwargs,
                frozenset({here, world}),
            ),
        ),
    )


def global_stream() -> Stream:
    """The home page's: the global ranking with its figures."""
    topic = Topic(
        "ranking", "api-rankings", "api-ranking-figures", (), frozenset({Scope.global_().key})
    )
    return Stream("api-rankings", (), (topic,))


def longlist_stream(slug: str) -> Stream | None:
    """A list's page: the list's global ranking (the table only; the page draws no chart)."""
    longlist = Longlist.objects.filter(slug=slug).only("pk", "is_default").first()
    if longlist is None:
        return None
    scope = Scope.global_() if longlist.is_default else Scope.longlist(longlist.pk)
    kwargs = (("slug", slug),)
    topic = Topic("ranking", "api-longlist-rankings", None, kwargs, frozenset({scope.key}))
    return Stream("api-longlist-rankings", kwargs, (topic,))
