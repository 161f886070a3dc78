"""Production: everything secret or site-specific comes from the environment; no defaults for it."""

from django.core.exceptions import ImproperlyConfigured

from . import *  # noqa: F403
from . import REDIS_URL, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# Served by gunicorn: a fixed pool of threads (workers x threads), so reused connections are
# bounded, and reuse saves a connection setup per request.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)  # noqa: F405

# Without Redis each gunicorn worker would keep its own local-memory cache, and a worker could
# serve a ranking body for minutes after a newer version was computed by another: refuse.
if not REDIS_URL:
    raise ImproperlyConfigured(
        "Set REDIS_URL (e.g. redis://redis:6379/0): production needs Redis as the shared cache "
        "and the task broker; a per-process cache would serve stale rankings."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
