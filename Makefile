# The two commands: `make run` (the app on 127.0.0.1:8000) and `make test` (the suite).
# Both install what they need into .venv first. With DATABASE_URL and REDIS_URL set they use
# PostgreSQL, Redis and a real Celery worker; with nothing set, SQLite and in-process tasks.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run events test test-faults install browser worker check-deploy bench bench-small lint typecheck

$(STAMP): pyproject.toml
	@pkg-config --exists icu-uc 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libicu-dev pkg-config g++ >/dev/null); \
	  else echo "PyICU builds against ICU: sudo apt-get install libicu-dev pkg-config g++"; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	# The static files as production serves them (compressed, fingerprinted, cached a year);
	# run it again after editing a file under static/.
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py runserver 127.0.0.1:8000

# The events process (live/: the live rankings' server-sent events) as docker-compose.yml runs
# it, here serving the whole site on 127.0.0.1:8001 with the pages offering their streams: open
# the site there to watch rankings change with no polling. Needs REDIS_URL (and `make worker`).
events: $(STAMP)
	@test -n "$$REDIS_URL" || { echo "make events needs REDIS_URL: without Redis the pages poll"; exit 1; }
	LIVE_EVENTS_OFFERED=true $(VENV)/bin/uvicorn impactboard.asgi:application --host 127.0.0.1 \
	  --port 8001 --lifespan off

# Headless Chromium for the browser tests: Debian's package, never a downloaded browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); \
	  else echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests"; exit 1; fi; }

# With PostgreSQL and Redis configured, the fault-injection tests (they stop their own Redis and
# PostgreSQL and kill workers) run afterwards in a session of their own: `make test-faults`
# (FAULTS=later leaves them out, for .ci/run, which runs and times them as a pass of their own).
# PYTEST_WORKERS="-n 2" runs the main session on pytest-xdist processes (never the faults one).
test: $(STAMP) browser
	$(PY) -m pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)
	@if [ "$(FAULTS)" != later ] && [ -n "$$DATABASE_URL" ] && [ -n "$$REDIS_URL" ]; then \
	  $(MAKE) --no-print-directory test-faults; \
	fi

test-faults: $(STAMP)
	@echo "== fault injection: Redis stopped, worker killed, PostgreSQL restarted"
	$(PY) -m pytest -m faults $(PYTEST_ARGS)

worker: $(STAMP)
	$(VENV)/bin/celery -A impactboard worker -Q imports -n imports@%h --loglevel=info --concurrency=1 & \
	$(VENV)/bin/celery -A impactboard worker -Q celery --beat --loglevel=info --concurrency=2; \
	kill %1

check-deploy: $(STAMP)
	DJANGO_SETTINGS_MODULE=impactboard.settings.production \
	DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-a-long-enough-random-looking-secret-value-xyz \
	DJANGO_ALLOWED_HOSTS=impactboard.example \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(PY) manage.py check --deploy --fail-level WARNING

# The benchmark (issue 6): seeds its own database (BENCH_DB, default impactboard_bench) and
# Redis database (BENCH_REDIS_URL, default DB 8, which it flushes), starts gunicorn and a Celery
# worker, drives them over loopback and prints each figure beside its baseline. See
# docs/PERFORMANCE.md. `bench-small` finishes in a couple of minutes. On a shared machine give
# each run its own: `make bench-small BENCH_DB=mine_bench BENCH_REDIS_URL=redis://127.0.0.1:6379/15`.
BENCH_DB ?= impactboard_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/8
BENCH_ENV = BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DB) BENCH_REDIS_URL=$(BENCH_REDIS_URL)
bench: $(STAMP)
	@psql -h 127.0.0.1 -U postgres -lqt | cut -d'|' -f1 | grep -qw $(BENCH_DB) || createdb -h 127.0.0.1 -U postgres $(BENCH_DB)
	$(BENCH_ENV) $(PY) bench/run.py $(BENCH_ARGS)

bench-small: $(STAMP)
	@psql -h 127.0.0.1 -U postgres -lqt | cut -d'|' -f1 | grep -qw $(BENCH_DB) || createdb -h 127.0.0.1 -U postgres $(BENCH_DB)
	$(BENCH_ENV) $(PY) bench/run.py --small $(BENCH_ARGS)

# Lint and format check (ruff), and the type check (mypy with django-stubs and
# djangorestframework-stubs; its configuration is [tool.mypy] in pyproject.toml). .ci/run runs
# both before the tests; .pre-commit-config.yaml runs them on each commit.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy
