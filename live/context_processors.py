"""Whether a page may open the events stream of the rankings it shows (base.html's
`<meta name="live-events">`, read by static/js/rankings.js)."""

from django.conf import settings
from django.http import HttpRequest


def live_events(request: HttpRequest) -> dict[str, bool]:
    return {"live_events": settings.LIVE_EVENTS_OFFERED}
