"""Issue 16, item 8: no input makes a 500.

A NUL byte anywhere in the address (PostgreSQL refuses it in text: a DataError) is a 400, answered
by one middleware for every route; a deeply nested JSON `mapping` on the import is a 400; the
browsable API renders every route. The route walker at the end tries NUL and depth on every URL
pattern Django knows and every query parameter the code reads, as anonymous, as a facilitator
and with a token nobody has, and asserts no 500.
"""

import io
import re
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import pytest
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest, get_bytes_from_wsgi
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from accounts.services import token_for
from discussion.services import comment_create

from .conftest import PASSWORD, ROOT

# Run once, in the PostgreSQL pass: PostgreSQL is the backend that refuses a NUL in text (SQLite
# stores it), and nothing else here depends on the backend.
pytestmark = [pytest.mark.backend_agnostic]

DEEP_JSON = "[" * 50_000 + "]" * 50_000
DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000


# Strings `str.isdigit()` (or `isdecimal()`) accepts that are not ASCII digits: superscripts, circled
# digits, Arabic-Indic, full-width and mathematical digits; then near-numbers.
ODD_DIGITS = ["²", "¹²", "①", "١", "１", "𝟐", "٣٤", " 1", "1 ", "+1", "1_0", "9" * 40]


def client_for(user: Any = None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


# --- the named cases of the review ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/groups/%00/",
        "/api/v1/groups/%00/members/",
        "/api/v1/groups/{slug}/members/%00/",
        "/api/v1/groups/{slug}/ratings/mine/?x=%00",
        "/api/v1/theories/{theory}/comments/?group=%00",
        "/api/v1/theories/{theory}/comments/?ordering=%00",
        "/api/v1/groups/?page=%00",
        "/users/%00/",
        "/groups/%00/",
        "/groups/{slug}/members/?x=%00",
        "/accounts/login/?next=%00",
        "/admin/%00/",
        "/theories/%00/",
    ],
)
@pytest.mark.parametrize("role", ["anonymous", "facilitator"])
def test_a_nul_byte_in_the_address_is_a_400(cast, theories, path: str, role: str) -> None:
    url = path.format(slug=cast.public.slug, theory=theories[0].pk)
    client = client_for(cast.facilitator if role == "facilitator" else None)
    for method in ("get", "post", "put", "patch", "delete"):
        response = getattr(client, method)(url)
        assert response.status_code == 400, f"{method} {url}: {response.status_code}"
        assert b"NUL bytes are not allowed" in response.content
    if url.startswith("/api/"):
        assert client.get(url).json() == {"detail": "NUL bytes are not allowed in the address."}


def test_a_nul_byte_in_a_username_in_a_form_is_refused_without_a_500(cast) -> None:
    client = client_for()
    for path in ("/accounts/login/", "/admin/login/"):
        response = client.post(path, {"username": "mo\x00", "password": PASSWORD})
        assert response.status_code == 200  # the form again, with its error
        assert "_auth_user_id" not in client.session
    response = client.post(
        "/accounts/signup/", {"username": "a\x00b", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 200
    assert b"Null characters are not allowed" in response.content


@pytest.mark.parametrize("mapping", [DEEP_JSON, DEEP_OBJECT])
def test_a_deeply_nested_import_mapping_is_a_400_naming_the_field(cast, api, mapping: str) -> None:
    upload = io.BytesIO(b"name,Theory\nann,5\n")
    upload.name = "sheet.csv"
    response = api(cast.facilitator).post(
        f"/api/v1/groups/{cast.public.slug}/import/",
        {"file": upload, "mapping": mapping},
        format="multipart",
    )
    assert response.status_code == 400
    assert "mapping" in response.json()


@pytest.mark.parametrize("how", ["accept", "format"])
@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_the_browsable_api_of_the_comments_list_renders(
    cast, theories, how: str, role: str
) -> None:
    comment_create(author=cast.member, theory=theories[0], group=None, body="A public point.")
    client = client_for(cast.member if role == "member" else None)
    url = f"/api/v1/theories/{theories[0].pk}/comments/"
    response = (
        client.get(url, HTTP_ACCEPT="text/html")
        if how == "accept"
        else client.get(url + "?format=api")
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"A public point." in response.content


# --- issue 23: round numbers written in other digits ---------------------------------------------

# Every route that reads a round from its query string, and the parameters it reads. The API
# answers 400 naming the parameter; the changes page answers its 404 page, as it does for any round
# that is not one of the group's.
ROUND_ROUTES = [
    ("/api/v1/groups/{slug}/rankings/", "round", 400),
    ("/api/v1/groups/{slug}/ratings/mine/", "round", 400),
    ("/api/v1/groups/{slug}/changes/", "from", 400),
    ("/api/v1/groups/{slug}/changes/", "to", 400),
    ("/api/v1/groups/{slug}/export/ratings.csv", "round", 400),
    ("/api/v1/groups/{slug}/export/ratings.csv?layout=long", "round", 400),
    ("/api/v1/groups/{slug}/export/rankings.csv", "round", 400),
    ("/groups/{slug}/changes/", "from", 404),
    ("/groups/{slug}/changes/", "to", 404),
]


@pytest.mark.parametrize(("route", "param", "status"), ROUND_ROUTES)
def test_a_round_in_digits_that_are_not_ascii_is_refused_not_a_500(
    cast, route: str, param: str, status: int
) -> None:
    client = client_for(cast.member)
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(cast.member)
    url = route.format(slug=cast.public.slug)
    join = "&" if "?" in url else "?"
    for value in ODD_DIGITS:
        response = (api if url.startswith("/api/") else client).get(
            f"{url}{join}{param}={quote(value)}"
        )
        assert response.status_code == status, (url, param, value, response.status_code)
        if status == 400:
            assert response.json() == {param: ["A round is a positive whole number."]}
        else:
            assert b"<h1>Not found</h1>" in response.content
    # The same route with an ASCII round of the group answers.
    answer = (api if url.startswith("/api/") else client).get(f"{url}{join}{param}=1")
    assert answer.status_code == 200, (url, answer.status_code)


def test_the_round_parse_accepts_ascii_digits_only() -> None:
    from impactboard.parsing import ascii_int
    from ratings.api.schema import round_number

    assert [round_number(v) for v in ("1", "07", "32767")] == [1, 7, 32767]
    assert [round_number(v) for v in ("0", "32768", "", None, *ODD_DIGITS)] == [None] * 16
    assert ascii_int("123") == 123
    assert ascii_int("١٢٣") is None  # int() would have said 123


# --- issue 23: NUL bytes in headers, bodies in charsets nobody reads -------------------------------


def wsgi(method: str, path: str, body: bytes = b"", **environ: str) -> tuple[int, bytes]:
    """The bytes a client can send, through Django's own WSGI handler (the test client cannot
    encode a body in `rot13`, and its handler catches what the real one lets escape)."""
    out: dict[str, str] = {}
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        **environ,
    }
    # As Django's test client does: the handler's signals would close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = WSGIHandler()(
            env, lambda status, headers, exc_info=None: out.update(status=status)
        )
        content = b"".join(chunks)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(out["status"].split()[0]), content


@pytest.mark.parametrize(
    ("path", "header", "value"),
    [
        ("/api/v1/groups/", "HTTP_AUTHORIZATION", "Token abc\x00def"),
        ("/api/v1/groups/{slug}/rankings/", "HTTP_AUTHORIZATION", "Token guest_abc\x00def"),
        ("/groups/", "HTTP_COOKIE", "sessionid=abcdefghijkl\x00mnop"),
        ("/groups/{slug}/", "HTTP_COOKIE", "ib_guest=abc\x00def"),
        ("/accounts/login/", "HTTP_USER_AGENT", "probe\x00"),
    ],
)
def test_a_nul_byte_in_a_header_is_a_400_naming_it(
    cast, path: str, header: str, value: str
) -> None:
    url = path.format(slug=cast.public.slug)
    status, body = wsgi("GET", url, **{header: value})
    assert status == 400
    name = header[5:].replace("_", "-").title()
    assert f"NUL bytes are not allowed in the {name} header.".encode() in body
    if url.startswith("/api/"):
        assert body.startswith(b'{"detail":')
    # The same request without the NUL is answered as usual.
    assert wsgi("GET", url, **{header: value.replace("\x00", "")})[0] in (200, 401)


ODD_CHARSETS = ["rot13", "zlib", "base64", "utf-16", "utf-32", "bz2_codec", "no-such-charset"]


@pytest.mark.parametrize("charset", ODD_CHARSETS)
def test_a_form_in_an_odd_charset_is_a_400_at_the_login_page(cast, charset: str) -> None:
    token = "a" * 32  # a CSRF cookie and the same token in the form: the check reads the body
    body = f"username=mo&password=x&csrfmiddlewaretoken={token}".encode()
    for path in ("/accounts/login/", "/accounts/signup/", "/admin/login/"):
        status, content = wsgi(
            "POST",
            path,
            body,
            CONTENT_TYPE=f"application/x-www-form-urlencoded; charset={charset}",
            HTTP_COOKIE=f"csrftoken={token}",
        )
        assert status == 400, (path, charset, status, content[:200])
        assert b"cannot be read: send UTF-8." in content
    # UTF-8, named or not, is read as before: the form again with its error (wrong password).
    for named in ("; charset=utf-8", "; charset=UTF8", "; charset=utf_8", ""):
        status, content = wsgi(
            "POST",
            "/accounts/login/",
            body,
            CONTENT_TYPE=f"application/x-www-form-urlencoded{named}",
            HTTP_COOKIE=f"csrftoken={token}",
        )
        assert status == 200, (named, status)
        assert b"Please enter a correct username and password" in content


@pytest.mark.parametrize("charset", ODD_CHARSETS)
def test_json_in_an_odd_charset_is_a_400_on_the_api(cast, charset: str) -> None:
    body = b'{"username": "mo", "password": "x"}'
    status, content = wsgi(
        "POST", "/api/v1/auth/token/", body, CONTENT_TYPE=f"application/json; charset={charset}"
    )
    assert status == 400, (charset, status, content[:200])
    # UTF-16 and UTF-32 are text encodings: DRF's parser reads them and says what is wrong.
    assert b"cannot be read: send UTF-8." in content or b"JSON parse error" in content


# --- the route walker -----------------------------------------------------------------------------


def query_parameters() -> list[str]:
    """Every query parameter the code reads (found in the source, so a new one is walked too),
    and DRF's own."""
    pattern = re.compile(
        r'(?:GET|query_params)\.get\("(\w+)"|(?:_flag|_round_choice|round_number_param)'
        r'\(request, "(\w+)"\)'
    )
    names = {"page", "format", "round"}  # "round": round_of_group's default
    for app in (
        "accounts",
        "discussion",
        "exports",
        "groups",
        "impactboard",
        "ratings",
        "theories",
    ):
        for path in Path(ROOT, app).rglob("*.py"):
            for match in pattern.finditer(path.read_text()):
                names.add(match.group(1) or match.group(2))
    return sorted(names)


def routes() -> Iterator[tuple[str, list[str]]]:
    """(url name, the names of its parameters) for every pattern outside the admin (Django's
    own; its doors are walked by hand in the named cases)."""

    def walk(patterns: list[Any], params: list[str]) -> Iterator[tuple[str, list[str]]]:
        for p in patterns:
            here = list(getattr(p.pattern, "converters", {}) or {}) or list(
                p.pattern.regex.groupindex
            )
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                yield from walk(p.url_patterns, params + here)
            elif isinstance(p, URLPattern) and p.name:
                yield p.name, params + here

    seen: set[tuple[str, tuple[str, ...]]] = set()
    for name, params in walk(get_resolver().url_patterns, []):
        key = (name, tuple(params))
        if key not in seen:
            seen.add(key)
            yield name, params


def plausible(name: str, param: str, ctx: dict[str, Any]) -> Any:
    theory_route = name.startswith(("theory", "api-theory")) and "group" not in name
    comment_route = "comment" in name and "comments" not in name and "preview" not in name
    list_route = name.startswith("list_") or "longlist" in name
    if param == "slug":
        if list_route:
            return ctx["theory"].longlist.slug
        return ctx["theory"].slug if theory_route else ctx["group"].slug
    if param == "pk":
        return ctx["comment"].pk if comment_route else ctx["theory"].pk
    return {
        "theory_slug": ctx["theory"].slug,
        "username": ctx["member"].username,
        "code": ctx["group"].join_code,
        "job_id": 1,
        "participant_id": 1,
        "proposal_id": 1,
        "item_id": 1,
        "format": "json",
        "uidb64": "MQ",
        "token": "set-password",
    }[param]


def assert_no_500(client: Any, method: str, url: str, **extra: Any) -> None:
    # The status only: an events route (live/) answers a stream it would open with 200 and a
    # body never read here, so the walk waits on no stream (the streams themselves are served by
    # uvicorn in tests/test_live_events.py). Its other answers are its GET's (404, 401), 204 and
    # 405; its own 503 comes only with Redis down, so a 503 here is a fault like any other (the
    # walk's 503s once were the database connection the events view had closed under the test).
    response = getattr(client, method)(url, **extra)
    assert response.status_code < 500, f"{method.upper()} {url[:150]}: {response.status_code}"


def test_the_walker_sees_every_route_and_the_known_query_parameters() -> None:
    names = {name for name, _ in routes()}
    assert {"group-detail", "api-theory-comments", "discussion_user", "group_invite"} <= names
    assert {"group", "ordering", "layout", "next", "bom", "anonymise"} <= set(query_parameters())
    assert {"round", "from", "to"} <= set(query_parameters())


#: Query parameters no role of the walk reaches: `q`, the similar-items hint, answers only someone
#: who may propose to the list (tests/test_proposals.py sends it its hostile text).
UNREACHED_PARAMETERS = {"q"}


class RecordingQueryDict(QueryDict):
    """`request.GET` that notes which parameters the code under it reads ("*" for the whole
    mapping), so that the walker sends its bad values to the parameters each route reads."""

    reads: ClassVar[set[str] | None] = None

    def _note(self, key: str) -> None:
        if RecordingQueryDict.reads is not None:
            RecordingQueryDict.reads.add(key)

    def __getitem__(self, key: str) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._note(str(key))
        return super().__contains__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def getlist(self, key: str, default: Any = None) -> list[Any]:
        self._note(key)
        return super().getlist(key, default)


def _reading_all(name: str) -> Any:
    def read_all(self: RecordingQueryDict, *args: Any, **kwargs: Any) -> Any:
        self._note("*")
        return getattr(QueryDict, name)(self, *args, **kwargs)

    return read_all


for _name in (
    "keys",
    "items",
    "values",
    "lists",
    "dict",
    "copy",
    "urlencode",
    "__iter__",
    "__len__",
):
    setattr(RecordingQueryDict, _name, _reading_all(_name))


@pytest.fixture
def recorded_reads(monkeypatch) -> set[str]:
    """Each request's `GET` is a RecordingQueryDict; the set yielded holds what was read since
    it was last cleared."""

    def get(request: WSGIRequest) -> QueryDict:
        raw = get_bytes_from_wsgi(request.environ, "QUERY_STRING", "")
        return RecordingQueryDict(raw, encoding=request.encoding)

    prop = cached_property(get)
    prop.__set_name__(WSGIRequest, "GET")
    monkeypatch.setattr(WSGIRequest, "GET", prop)
    reads: set[str] = set()
    monkeypatch.setattr(RecordingQueryDict, "reads", reads)
    return reads


def reads_of(client: Any, url: str, reads: set[str], **extra: Any) -> set[str]:
    """The query parameters one GET of `url` reads (no 500 either)."""
    reads.clear()
    assert_no_500(client, "get", url, **extra)
    return set(reads)


def test_the_recorder_sees_the_parameters_a_route_reads(cast, recorded_reads) -> None:
    page = client_for(cast.facilitator)
    slug = cast.public.slug
    assert {"from", "to"} <= reads_of(page, f"/groups/{slug}/changes/", recorded_reads)
    assert "round" in reads_of(page, f"/api/v1/groups/{slug}/rankings/", recorded_reads)
    assert "page" in reads_of(APIClient(), "/api/v1/groups/", recorded_reads)
    assert "round" not in reads_of(page, "/theories/", recorded_reads)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["anonymous", "facilitator", "bad-token"])
def test_no_route_answers_500_to_nul_or_depth_anywhere(
    cast, theories, role: str, recorded_reads
) -> None:
    ctx = {
        "group": cast.public,
        "theory": theories[0],
        "member": cast.member,
        "comment": comment_create(
            author=cast.facilitator, theory=theories[0], group=cast.public, body="Walked."
        ),
    }
    user = cast.facilitator if role == "facilitator" else None
    page = client_for(user)
    api = APIClient(raise_request_exception=False)
    params = query_parameters()
    walked = 0
    probed: set[str] = set()
    for name, kwargs in routes():
        # Per route: the walk revokes the token on the way (auth/token/revoke/).
        if user is not None:
            api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user=user)}")
        elif role == "bad-token":
            api.credentials(HTTP_AUTHORIZATION="Token not-a-token-anyone-has")
        values = {param: plausible(name, param, ctx) for param in kwargs}
        url = reverse(name, kwargs=values)
        client = api if url.startswith("/api/") else page
        if role == "bad-token" and client is page:
            walked += 1
            continue  # pages read no token: the anonymous walk covers them
        # NUL in each path parameter, in turn (string parameters only: an int never resolves).
        for param, value in values.items():
            if isinstance(value, str) and param != "format":
                bad = url.replace(f"/{quote(value)}/", "/%00/", 1).replace(
                    f"/{quote(value)}.", "/%00.", 1
                )
                assert bad != url, (name, param)
                for method in ("get", "post"):
                    assert_no_500(client, method, bad)
        # NUL, a deeply nested value, and digits that are not ASCII (issue 23), in every query
        # parameter the route reads: those it reads when asked plainly, and any it reads once
        # another has a value (a route reading the whole mapping gets every parameter).
        queue = reads_of(client, url, recorded_reads)
        done: set[str] = set()
        while queue - done:
            param = min(queue - done)
            done.add(param)
            for key in params if param == "*" else [param]:
                for value in ("%00", quote(DEEP_JSON[:4000] + DEEP_JSON[-4000:]), *ODD_DIGITS[:2]):
                    queue |= reads_of(client, f"{url}?{key}={value}", recorded_reads)
        probed |= done
        # A deeply nested JSON body on every write.
        if url.startswith("/api/"):
            for method in ("post", "put", "patch"):
                assert_no_500(client, method, url, data=DEEP_JSON, content_type="application/json")
            # The browsable API, as a browser following a link gets it.
            assert_no_500(client, "get", url, HTTP_ACCEPT="text/html")
            assert_no_500(client, "get", f"{url}?format=api")
        walked += 1
    assert walked >= 60
    print(f"\n{role}: {walked} routes; parameters probed: {sorted(probed)}")
    # The walk reaches the parameters that matter to the walk's role: a facilitator's, every one
    # the source reads but those named above.
    assert "format" in probed
    if role == "facilitator":
        assert set(params) - probed <= UNREACHED_PARAMETERS, set(params) - probed
