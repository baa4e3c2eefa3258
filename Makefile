# Two commands are all anyone needs: `make run` and `make test` (README.md); `make check` while working.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

CHECK_FUZZ_EXAMPLES ?= 200

.PHONY: run test check lint typecheck bench bench-mailbox soak install clean messages

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# The one-process demo: SQLite, in-memory layer and live state, keys generated into var/.
run: $(STAMP)
	HELPLINE_DEMO=1 $(PY) manage.py migrate --noinput --verbosity 0
	HELPLINE_DEMO=1 $(PY) manage.py loadstartercontent
	HELPLINE_DEMO=1 $(PY) manage.py collectstatic --noinput --verbosity 0
	HELPLINE_DEMO=1 $(PY) manage.py demo_setup
	HELPLINE_DEMO=1 $(PY) -m helpline.serve --bind $(HOST) --port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy helpline chat resources

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy helpline chat resources
	$(PY) -m pytest $(PYTEST_ARGS)

# The quick loop while working: lint, types and the tests that need no service (no Redis, PostgreSQL,
# Chromium or live servers; tests/conftest.py marks the rest), with the socket fuzzers at 200 examples
# an endpoint instead of 2,000 (63 s on the 2-core development machine, shared). `make test` still runs everything.
check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy helpline chat resources
	FUZZ_EXAMPLES=$(CHECK_FUZZ_EXAMPLES) $(PY) -m pytest -q -m "not redis and not postgres and not browser and not integration" $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m chat.loadtest.bench $(BENCH_ARGS)

# Secure messages: the inbox listing 10,000 threads (PostgreSQL at DATABASE_URL) and a 50-message
# thread opened in Chromium; prints both figures (tests/mailbox/test_bench.py).
bench-mailbox: $(STAMP)
	MAILBOX_BENCH=1 $(PY) -m pytest tests/mailbox/test_bench.py -s -q -p no:cacheprovider

# The churn soak (docs/RESILIENCE.md): an hour by default; SOAK_SECONDS, SOAK_RESTART_SECONDS,
# SOAK_CHATS and the others in tests/soak/churn.py change it. Needs DATABASE_URL=postgres://...
soak: $(STAMP)
	$(PY) -m tests.soak.churn $(SOAK_ARGS)

# Every shipped language (settings.LANGUAGES but English, the source language), for both apps.
LOCALES := de nl fr es ar
messages: $(STAMP)
	for app in helpline resources; do \
	  (cd $$app && HELPLINE_DEMO=1 ../$(PY) ../manage.py makemessages $(addprefix -l ,$(LOCALES)) --no-obsolete --add-location file --no-wrap -v0) || exit 1; \
	done
	HELPLINE_DEMO=1 $(PY) manage.py compilemessages -v0
	$(PY) -m pytest -q tests/helpline/test_catalogues.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
