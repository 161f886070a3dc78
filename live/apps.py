from django.apps import AppConfig


class LiveConfig(AppConfig):
    """Live rankings pushed to open pages (issue 24): server-sent events from a small ASGI process
    fed by Redis pub/sub, polling kept as the fallback. Above `ratings` (it keeps its rankings
    live), below `console`. No models."""

    name = "live"
