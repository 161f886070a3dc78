"""The ASGI application: what the events process serves (`uvicorn impactboard.asgi:application`,
docker-compose.yml's `events`), the live rankings' server-sent events (live/). It is the whole
site, so a test can open pages and their streams from one server; in production the proxy sends
it the events paths only, and everything else to gunicorn (impactboard/wsgi.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "impactboard.settings")
application = get_asgi_application()
