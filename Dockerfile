# Production image for ImpactBoard: one image for web (gunicorn), migrate, Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=impactboard.settings.production

WORKDIR /app

# PyICU builds against the system's ICU: its headers and a compiler only for the build; the ICU
# library itself (libicuNN, whatever the base image's Debian names it) is kept for the app.
# The project is installed from its own tree, so pyproject alone cannot be copied first.
COPY . /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends libicu-dev pkg-config g++ \
    && apt-mark manual $(dpkg-query -W -f='${Package}\n' 'libicu[0-9]*') \
    && pip install --no-cache-dir . \
    && apt-get purge -y --auto-remove libicu-dev pkg-config g++ \
    && rm -rf /var/lib/apt/lists/* /app/build /app/*.egg-info

# Production settings require a secret key, allowed hosts and Redis even to collect static files;
# these build-time values never reach the running containers (nothing connects to Redis here).
RUN DJANGO_SECRET_KEY=build-only-not-secret DJANGO_ALLOWED_HOSTS=localhost \
    REDIS_URL=redis://build-only:6379/0 \
    python manage.py collectstatic --noinput

# Code and static files stay root-owned (read-only to the app); the app runs unprivileged.
RUN useradd --create-home --shell /usr/sbin/nologin app
USER app

EXPOSE 8000

CMD ["gunicorn", "impactboard.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "--worker-class", "gthread", "--access-logfile", "-"]
