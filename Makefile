# The two commands: `make run` (the app on 127.0.0.1:8000) and `make test` (the suite).
# Both install what they need into .venv first. With DATABASE_URL and REDIS_URL set they use
# PostgreSQL, Redis and a real Celery worker; with nothing set, SQLite and in-process tasks.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install browser worker check-deploy bench bench-small lint typecheck

$(STAMP): pyproject.toml
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

# Headless Chromium for the browser tests: Debian's package, never a downloaded browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); \
	  else echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests"; exit 1; fi; }

# With PostgreSQL and Redis configured, the fault-injection tests (they stop their own Redis and
# PostgreSQL and kill workers) run afterwards in a session of their own.
test: $(STAMP) browser
	$(PY) -m pytest $(PYTEST_ARGS)
	@if [ -n "$$DATABASE_URL" ] && [ -n "$$REDIS_URL" ]; then \
	  echo "== fault injection: Redis stopped, worker killed, PostgreSQL restarted"; \
	  $(PY) -m pytest -m faults $(PYTEST_ARGS); \
	fi

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

# The benchmark (issue 6): seeds its own database (impactboard_bench) and Redis DB 8, starts
# gunicorn and a Celery worker, drives them over loopback and prints each figure beside its
# baseline. See docs/PERFORMANCE.md. `bench-small` finishes in a couple of minutes.
# BENCH_DB and BENCH_REDIS_DB choose the database and the Redis DB (flushed) the run uses, so
# that two people can run it side by side; BENCH_DATABASE_URL / BENCH_REDIS_URL still win.
BENCH_DB ?= impactboard_bench
BENCH_REDIS_DB ?= 8
BENCH_ENV = BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$(BENCH_DB)} \
	BENCH_REDIS_URL=$${BENCH_REDIS_URL:-redis://127.0.0.1:6379/$(BENCH_REDIS_DB)}
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
