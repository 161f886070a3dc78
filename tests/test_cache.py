"""impactboard/cache.py's body_cached (issue 24): one build per version, however many requests
ask for it at the same moment, and never an older version's body for a newer ETag."""

import threading
import time

from impactboard.cache import body_cached


def test_a_body_is_built_once_while_the_other_requests_wait_for_it() -> None:
    builds: list[int] = []
    answers: list[bytes] = []

    def build() -> bytes:
        builds.append(1)
        time.sleep(0.2)  # a figure's plotly, slowed down
        return b"the figures of v1"

    def request() -> None:
        answers.append(body_cached(key="test:figures", etag='"v1"', build=build))

    threads = [threading.Thread(target=request) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert answers == [b"the figures of v1"] * 6
    assert len(builds) == 1


def test_a_newer_etag_is_built_afresh_and_the_older_body_is_not_served_for_it() -> None:
    assert body_cached(key="test:figures2", etag='"v1"', build=lambda: b"one") == b"one"
    assert body_cached(key="test:figures2", etag='"v1"', build=lambda: b"not built") == b"one"
    assert body_cached(key="test:figures2", etag='"v2"', build=lambda: b"two") == b"two"
