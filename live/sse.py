"""The text/event-stream format (WHATWG HTML, "Server-sent events"): what a frame looks like.
Pure: no Django."""

RETRY_MS = 3000  # how long EventSource waits before it reconnects after the stream ends


def event(name: str, data: bytes, *, id: str | None = None) -> bytes:
    """One event: `data` may hold newlines (each line becomes a `data:` line, and EventSource
    joins them back with newlines)."""
    head = f"event: {name}\n" + (f"id: {id}\n" if id is not None else "")
    lines = b"".join(b"data: " + line + b"\n" for line in data.split(b"\n"))
    return head.encode() + lines + b"\n"


def comment(text: str) -> bytes:
    """A line EventSource ignores: keeps proxies and the connection from timing out."""
    return f": {text}\n\n".encode()


def opening() -> bytes:
    """The first frame: the reconnection delay, and `live` (the client's signal that from now on
    it is told of every change; each topic's current version follows at once)."""
    return f"retry: {RETRY_MS}\n\n".encode() + event("live", b"on")
