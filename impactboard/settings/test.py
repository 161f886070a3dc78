"""Settings for the test suite: the environment's settings with throttles out of the way.

Throttling itself is tested by lowering a rate inside the test that checks it.
"""

import os
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

from . import *  # noqa: F403
from . import CACHES, REDIS_URL, REST_FRAMEWORK

REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = dict.fromkeys(
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min"
)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Static files straight from the finders (the live server of the browser tests serves them).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# No collectstatic before a test run: plain names straight from the finders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Under pytest-xdist each worker process (gw0, gw1, ...) has its own test database
# (test_<name>_gwN), and it needs its own Redis database as well: the suite flushes its Redis
# database and runs a Celery worker on its queues, so two processes sharing one would flush each
# other's cache and run each other's tasks against the wrong database. Worker gwN takes REDIS_URL's
# number + N. It is set in the environment too: the tests and the Celery workers they start read it.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _XDIST_WORKER.startswith("gw"):
    _redis = urlsplit(REDIS_URL)
    _number = int(_redis.path.strip("/") or 0) + int(_XDIST_WORKER.removeprefix("gw"))
    if _number > 15:
        raise ImproperlyConfigured(f"{_XDIST_WORKER} would use Redis database {_number} (0-15)")
    REDIS_URL = os.environ["REDIS_URL"] = urlunsplit(_redis._replace(path=f"/{_number}"))
    CACHES["default"]["LOCATION"] = CELERY_BROKER_URL = REDIS_URL
