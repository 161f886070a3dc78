"""Comment markdown → safe HTML, in two independent layers.

1. markdown-it-py, CommonMark preset with raw HTML off: `<script>` typed in a comment is text.
   Images are off too (no tracking pixels); headings are shifted down to h3–h6.
2. nh3 (ammonia) over the result, with an allow-list of tags and attributes, http/https/mailto
   URLs only and `rel="nofollow noopener noreferrer"` on links. Whatever slips past the first
   layer cannot carry script past the second.

`@username` becomes a link to that person's page when such a user exists (one query per body).
"""

import re
from collections.abc import Iterable

import nh3
from django.contrib.auth import get_user_model
from django.urls import reverse
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "del", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h3", "h4", "h5", "h6",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"

# Django's usernames: letters, digits and @ . + - _. A trailing dot or dash is punctuation.
MENTION_RE = re.compile(r"@([\w.+-]*[\w+])")
_WORD_BEFORE = re.compile(r"[\w.+-]$")


def _mention(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@" or state.linkLevel > 0:
        return False
    if state.pos > 0 and _WORD_BEFORE.search(state.src[: state.pos]):
        return False  # an e-mail address, not a mention
    match = MENTION_RE.match(state.src, state.pos, state.posMax)
    known: set[str] = state.env.get("mentions", set())
    if match is None or match.group(1) not in known:
        return False
    if not silent:
        username = match.group(1)
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": reverse("discussion_user", kwargs={"username": username})}
        token = state.push("text", "", 0)
        token.content = f"@{username}"
        state.push("link_close", "a", -1)
    state.pos = match.end()
    return True


def _shift_headings(state: StateCore) -> None:
    """`#` is the page's title level; in a comment it becomes h3 (and so on down to h6)."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")
    md.inline.ruler.before("emphasis", "mention", _mention)
    md.core.ruler.push("shift_headings", _shift_headings)
    return md


_MD = _parser()


def mentioned_usernames(body: str) -> set[str]:
    """The `@names` in `body` that belong to real users (one query)."""
    candidates = {m.group(1) for m in MENTION_RE.finditer(body)}
    if not candidates:
        return set()
    User = get_user_model()
    return set(User.objects.filter(username__in=candidates).values_list("username", flat=True))


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(body: str, *, known_users: Iterable[str] | None = None) -> str:
    """Sanitised HTML for a comment's markdown `body`."""
    mentions = set(known_users) if known_users is not None else mentioned_usernames(body)
    return sanitise(_MD.render(body, {"mentions": mentions}))
