"""The invite link as a QR code: SVG markup drawn on the server by segno, inlined in the page
(no image request, no external service, nothing the CSP has to allow)."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(*, url: str) -> SafeString:
    """`url` as an SVG QR code that scales with its box (a viewBox, no fixed size). Error
    correction "M": a projector's glare or a smudged screen still reads."""
    code = segno.make(url, error="m", micro=False)
    # segno writes only <svg>/<path> with numeric attributes and the URL is encoded as modules,
    # never as text: nothing of it reaches the markup unescaped.
    return mark_safe(code.svg_inline(scale=1, omitsize=True, border=2, svgclass="qr-svg"))  # noqa: S308
