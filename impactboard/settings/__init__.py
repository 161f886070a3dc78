"""Settings, all from the environment.

With nothing set this is the embedded default: SQLite, Celery tasks run eagerly in-process and a
local-memory cache, so `make run` needs no server. With `DATABASE_URL` and `REDIS_URL` set the same
code uses PostgreSQL (psycopg 3), Redis as broker and cache, and a real Celery worker.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The site itself, for its management commands (seed_demo); it has no models.
    "impactboard",
    "theories",
    "groups",
    "ratings",
    "rankings",
    "console",
    # Server-sent events of ranking changes (issue 24), served by the ASGI process.
    "live",
    "accounts",
    "discussion",
    "exports",
    "axes",
    # charts/ (the figures, built in Python with plotly) is a pure library, not a Django app.
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "impactboard.middleware.RefuseNulBytesMiddleware",
    "impactboard.middleware.RefuseUnreadableBodyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # gzip for pages and JSON (issue 24), below WhiteNoise so that static files (precompressed
    # by collectstatic) never reach it; what it leaves uncompressed, and why, is in its class.
    "impactboard.middleware.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A guest's cookie acts on its own group's URLs only (after the session's user is known).
    "groups.guest_auth.GuestCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "impactboard.middleware.ContentSecurityPolicyMiddleware",
    "impactboard.middleware.DatabaseUnavailableMiddleware",
    # Last, so that it sees the answer to a refused sign-in and replaces it with the lockout.
    "axes.middleware.AxesMiddleware",
]

# Answers that carry a secret besides the (masked) CSRF token: never compressed, so that BREACH
# has nothing to read (see impactboard.middleware.CompressionMiddleware; docs/SECURITY.md).
COMPRESSION_EXEMPT_URL_NAMES = frozenset(
    {
        "api_token",  # the API token page shows the token
        "api-register",  # answers with a new token
        "api-token",
        "api-group-guests",  # a guest's join answers with its token
        "api-invite-rotate",  # answers with the new join code
        "group-list",  # the group API shows facilitators their join codes
        "group-detail",
        "group_invite",  # the invitation page, reached with the join code
        "group_facilitate",  # the facilitator console shows the invite link
        "password_reset_confirm",  # the reset link's token
        "profile_data",  # a person's own data, downloaded
        # Server-sent events: gzip would buffer them, and compress the same event once per
        # viewer (live/views.py).
        "live-group-events",
        "live-ranking-events",
        "live-longlist-events",
    }
)

ROOT_URLCONF = "impactboard.urls"
WSGI_APPLICATION = "impactboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.for_you",
                "live.context_processors.live_events",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # runserver (the embedded default, development) serves each request on a new thread, and a
    # persistent connection belongs to its thread: with reuse on, every finished thread leaves
    # one open until PostgreSQL runs out. So no reuse here; the production settings turn it on
    # for gunicorn, whose fixed pool of threads bounds the connections (workers x threads).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A dead database must make /health/ answer 503 quickly, not hang the worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- e-mail (password reset) ----------------------------------------------------------------------
# With EMAIL_HOST set, messages go out by SMTP; without it (the embedded default) they are printed
# to the console, so a reset link can be followed on a development machine.
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
# A slow mail server must not hold a request thread for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ImpactBoard <noreply@localhost>")
# A reset link works once (its token hashes the password and last login) and for this long.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 3)

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"  # None under the test settings
# Issue 14: the same compressed, fingerprinted, long-cached files in `make run` as in production
# (served by WhiteNoise from STATIC_ROOT after collectstatic, never from the finders).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "impactboard.static_storage.FingerprintedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False

# --- Redis: broker and cache, or the embedded default -------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# Redis calls on the request path are bounded, so an unreachable Redis costs a submission at most
# about a second, never a hang.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ib",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True

# Live rankings (issue 24, live/): the events routes exist wherever Redis carries the changes;
# pages open them only where the events process (uvicorn, ASGI) serves them
# (docker-compose.yml's `events` service behind the proxy): LIVE_EVENTS_OFFERED. Elsewhere
# (gunicorn or runserver alone, the embedded default) pages poll.
LIVE_EVENTS = bool(REDIS_URL)
LIVE_EVENTS_OFFERED = LIVE_EVENTS and env.bool("LIVE_EVENTS_OFFERED", default=False)

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
# Publishing must never hold up a request: no retries, short timeouts. A failed publish is caught
# by the sweeper below (the intent is already in the database outbox).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_timeout": max(REDIS_SOCKET_TIMEOUT, 5.0),
    "visibility_timeout": 600,
    "max_retries": 0,
}
RANKINGS_SWEEP_SECONDS = env.float("RANKINGS_SWEEP_SECONDS", default=3.0)
# How long a burst of submissions to one scope is gathered before one recompute runs.
# Starts of two recomputes of one scope are at least this far apart: at most 1.7 per second and
# scope, by construction (bench/run.py measured 2.00/s with 0.5 s, right at the goal's limit).
RANKINGS_COALESCE_SECONDS = env.float("RANKINGS_COALESCE_SECONDS", default=0.6)
RANKINGS_GLOBAL_COALESCE_SECONDS = env.float("RANKINGS_GLOBAL_COALESCE_SECONDS", default=1.0)
CELERY_BEAT_SCHEDULE = {
    "rankings-recompute-stale": {
        "task": "ratings.tasks.rankings_recompute_stale",
        "schedule": RANKINGS_SWEEP_SECONDS,
    },
    # Import previews never confirmed are deleted after a day (issue 16 item 9).
    "import-previews-sweep": {
        "task": "exports.tasks.import_previews_sweep",
        "schedule": env.float("IMPORT_PREVIEWS_SWEEP_SECONDS", default=3600.0),
    },
}
# Long jobs (imports) have their own queue and worker, so that a ranking recompute never waits
# behind one (issue 16 item 7). Everything else goes to the default queue, "celery".
CELERY_TASK_ROUTES = {"exports.tasks.import_job_run": {"queue": "imports"}}

# --- Password guessing: django-axes ---------------------------------------------------------------
# Failed sign-ins at /accounts/login/, /admin/login/ and /api/v1/auth/token/ are counted in the
# database (works the same on SQLite and PostgreSQL, shared by every gunicorn worker, survives a
# restart). After AXES_FAILURE_LIMIT failures for one username *from one address*, that pair is
# refused for AXES_COOLOFF_MINUTES, even with the right password (issue 23). Keyed on the pair, a
# lockout cannot be aimed: guesses at made-up names from a room's one Wi-Fi address lock nobody
# else behind it out, and guesses at a known username from many addresses lock its owner out of
# none of theirs. Guessing from many addresses stays limited per address by the token throttle.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # one row per successful sign-in would grow without bound
# The client's address by the throttles' rule (NUM_PROXIES below), never a spoofable header.
AXES_CLIENT_IP_CALLABLE = "impactboard.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"

# --- REST framework -------------------------------------------------------------------------------
REST_FRAMEWORK: dict[str, Any] = {
    # Token first, so that an anonymous write gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # A guest's token (`guest_…`): its own group's URLs only, 401 elsewhere.
        "groups.guest_auth.GuestTokenAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PARSER_CLASSES": ["impactboard.api.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "impactboard.api.BrowsableAPI",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "register": env("THROTTLE_REGISTER", default="10/hour"),
        # Sign-ups and guest joins that carry a valid invitation: per group, not per address
        # (a room of 200 behind one Wi-Fi fills in a minute).
        "invited": env("THROTTLE_INVITED", default="1000/min"),
        "invited_address": env("THROTTLE_INVITED_ADDRESS", default="40/min"),
        "token": env("THROTTLE_TOKEN", default="30/min"),
        "password_reset": env("THROTTLE_PASSWORD_RESET", default="10/hour"),
        "ratings": env("THROTTLE_RATINGS", default="60/min"),
        "writes": env("THROTTLE_WRITES", default="120/min"),
        "exports": env("THROTTLE_EXPORTS", default="60/min"),
        "imports": env("THROTTLE_IMPORTS", default="20/min"),
        "comments": env("THROTTLE_COMMENTS", default="20/min"),
    },
    "EXCEPTION_HANDLER": "impactboard.api.exception_handler",
    # How many proxies in front of the app append to X-Forwarded-For. 0 (the default) ignores
    # the header: throttles and sign-in limits key on the connection's address, which a client
    # cannot choose. With N proxies, the Nth address from the right is the one the outermost
    # proxy saw; anything a client wrote to the left of it is ignored.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}
# JSON bodies larger than this are refused with 400 before they are parsed.
API_MAX_JSON_BYTES = env.int("API_MAX_JSON_BYTES", default=100_000)

SPECTACULAR_SETTINGS = {
    "TITLE": "ImpactBoard API",
    "DESCRIPTION": "Rate the theories of impact for interpretability, together.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Fields shown only to some callers (join_code to facilitators) are not promised to all.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    # Four choice sets are each a field named "status": named apart, not "Status1dfEnum".
    "ENUM_NAME_OVERRIDES": {
        "ImportStatusEnum": "exports.models.ImportJob.Status",
        "ItemStatusEnum": "theories.models.Theory.Status",
        "ProposalStatusEnum": "theories.models.Proposal.Status",
        "RetiredStatusEnum": [("retired", "Retired")],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "impactboard.schema.add_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {"ratings": {"level": "INFO"}, "rankings": {"level": "INFO"}},
}
