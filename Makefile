# The few verbs people type. `make demo` and `make test` work on a fresh machine
# with only Python 3.11+ and make: they create .venv and install from PyPI.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: browser ui demo demo-retail demo-social test lint bench bench-fill bench-social corpus install seed-from-gen-demo seed-from-gen-test db-stop clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pgseed needs Python >= 3.11 (found " + sys.version.split()[0] + "); run: make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## demo: start the embedded Postgres and seed a Genonaut demo database (spec 000 defaults)
demo: $(STAMP)
	@test -f env/.env || cp env/env.example env/.env
	$(BIN)/pgseed db start
	$(BIN)/pgseed genonaut generate --embedded $(ARGS)
	@echo
	@echo "Look at the data:   $(BIN)/pgseed db psql genonaut_demo"
	@echo "  (the same, as a psql command: $$($(BIN)/pgseed db url --psql genonaut_demo))"
	@echo "Check every rule:   $(BIN)/pgseed genonaut verify --embedded"
	@echo "The dashboard:      make ui   (http://127.0.0.1:8765/)"
	@echo "Stop the server:    $(BIN)/pgseed db stop"

## demo-social: seed spec 004's social dataset (1,000 profiles, 30 days, jobs) into social_demo, verify it, draw it
demo-social: $(STAMP)
	$(BIN)/pgseed db start
	$(BIN)/pgseed social reset --scope all --confirm --embedded
	$(BIN)/pgseed social seed-all --runSeed=demo-2024 --count=1000 --activityDays=30 --embedded $(ARGS)
	$(BIN)/pgseed social verify --embedded
	$(BIN)/pgseed social report --embedded --out report-social
	@echo
	@echo "Look at the data:   $(BIN)/pgseed db psql social_demo"
	@echo "Look at the report: report-social/index.html"
	@echo "One user, from the seed alone: $(BIN)/pgseed social debug-user --embedded --userId 1"

## demo-retail: seed spec 003's retail dataset into the embedded server's retail_demo, verify it, draw it
demo-retail: $(STAMP)
	$(BIN)/pgseed db start
	$(BIN)/pgseed retail generate --full-new --embedded --confirm $(ARGS)
	$(BIN)/pgseed retail verify --embedded $(ARGS)
	$(BIN)/pgseed retail report --embedded --out report
	@echo
	@echo "Look at the data:   $(BIN)/pgseed db psql retail_demo"
	@echo "Look at the report: report/index.html"

## browser: Debian's chromium and chromium-driver for tests/ui (installed when missing and root)
browser:
	@if [ -n "$$PGSEED_SKIP_BROWSER" ] || { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium and chromium-driver for the dashboard's browser test"; \
		apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null; \
	else echo "note: chromium/chromedriver missing and not root: tests/ui's browser test will fail (PGSEED_SKIP_BROWSER=1 skips it)"; fi

## test: the whole suite against a real PostgreSQL (PGSEED_TEST_DSN, else an embedded server)
test: $(STAMP) browser
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks genonaut tools scripts examples
	$(BIN)/ruff format --check src tests benchmarks genonaut tools scripts examples
	$(BIN)/mypy

BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $(BENCH_STAMP)

## bench: pgseed vs one-session COPY vs Faker+ORM, side by side (minutes; see docs/BENCHMARKS.md)
bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks $(ARGS)

## bench-fill: pgseed fill on the corpus's largest real schema vs a one-session COPY of its rows
bench-fill: $(STAMP)
	$(BIN)/python -m benchmarks.fill $(ARGS)

## bench-social: pgseed social seed-all (1,000 x 30 and 10,000 x 90) vs a one-session COPY of its rows
bench-social: $(STAMP)
	$(BIN)/python -m benchmarks.social $(ARGS)

## corpus: seven real application schemas (each app from PyPI, in its own venv) and the peer
## seed tools run on them, audited (slow: installs the first time; see docs/any-schema.md)
corpus: $(STAMP)
	$(BIN)/python -m benchmarks.corpus $(ARGS)

## spec 000's targets: seed the databases named by DATABASE_URL_DEMO / DATABASE_URL_TEST
seed-from-gen-demo: $(STAMP)
	@test -n "$(DATABASE_URL_DEMO)" || (echo "set DATABASE_URL_DEMO (a database whose name ends in _demo)"; exit 2)
	$(BIN)/python -m genonaut.db.demo.seed_data_gen generate --database-url "$(DATABASE_URL_DEMO)" $(ARGS)

seed-from-gen-test: $(STAMP)
	@test -n "$(DATABASE_URL_TEST)" || (echo "set DATABASE_URL_TEST (a database whose name ends in _test)"; exit 2)
	$(BIN)/python -m genonaut.db.demo.seed_data_gen generate --database-url "$(DATABASE_URL_TEST)" $(ARGS)

## ui: the dashboard on the embedded server's databases (http://127.0.0.1:8765/)
ui: $(STAMP)
	$(BIN)/pgseed ui --embedded $(ARGS)

db-stop: $(STAMP)
	$(BIN)/pgseed db stop

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
