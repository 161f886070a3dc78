import functools
import itertools
import logging
import re
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from groups.selectors import group_list_visible_to
from rankings.selectors import ranking_global

from .cache import fail_open

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    ranking = ranking_global()
    groups = list(group_list_visible_to(user=request.user)[:12])
    return render(
        request,
        "home.html",
        {"ranking": ranking, "groups": groups, "score_range": range(1, 11)},
    )


METHODS_SOURCE = Path(settings.BASE_DIR) / "docs" / "methods.md"
HEADING_ID = re.compile(r"\s*\{#([a-z0-9-]+)\}$")


@functools.cache
def methods_html() -> SafeString:
    """docs/methods.md as HTML, rendered once per process: the page and the file cannot drift.
    A heading ending in `{#tiers}` gets that id (the ranking pages link to them) and a link to
    itself. Our own text, with raw HTML off: nothing in it is a reader's."""
    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = renderer.parse(METHODS_SOURCE.read_text(encoding="utf-8"))
    for opening, inline in itertools.pairwise(tokens):
        if opening.type != "heading_open" or not inline.children:
            continue
        last = inline.children[-1]
        if (found := HEADING_ID.search(last.content)) is not None:
            last.content = last.content[: found.start()]
            opening.attrSet("id", found.group(1))
    body = renderer.renderer.render(tokens, renderer.options, {})
    anchored = re.sub(
        r'<(h[23]) id="([a-z0-9-]+)">(.*?)</\1>',
        r'<\1 id="\2">\3 <a class="anchor" href="#\2" aria-label="Link to this section">#</a></\1>',
        body,
    )
    return mark_safe(anchored)  # noqa: S308  # our own file, rendered with raw HTML off


def methods(request: HttpRequest) -> HttpResponse:
    """What each figure says and what it cannot (docs/methods.md); every statistic on the
    ranking pages links here."""
    return render(request, "methods.html", {"methods_html": methods_html()})


def _redis_answers() -> bool:
    cache.get("health-probe")  # raises if Redis is unreachable
    return True


def health(request: HttpRequest) -> JsonResponse:
    """200 while the app can serve; 503 naming the part that is down. Redis is reported but not
    required: submissions are stored without it and rankings catch up when it returns."""
    report: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = "ok"
    except DatabaseError as exc:
        logger.warning("health: database down: %s", exc)
        report["database"] = "down"
        connection.close_if_unusable_or_obsolete()
    if settings.REDIS_URL:
        report["redis"] = "ok" if fail_open("health", _redis_answers, False) else "down"
    else:
        report["redis"] = "not configured (tasks run in-process)"
    status = 200 if report["database"] == "ok" else 503
    return JsonResponse(report, status=status)


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return render(request, "500.html", status=500)
