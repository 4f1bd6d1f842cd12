# Each target bootstraps .venv itself, so a fresh clone needs only `make test` or `make demo`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Airflow is pinned for the test and demo environments (the newest release we test)...
AIRFLOW_VERSION ?= 3.3.2
# ...and the lowest one pyproject.toml accepts; `make test-wheel-floor` (run by CI) proves it works.
# Not 3.2 (whose connection form would do): with today's PyPI dependencies a plain install of
# Airflow 3.2.2 cannot run even a one-task DAG under `airflow dags test`.
AIRFLOW_FLOOR ?= 3.3.0

.PHONY: install test lint demo bench soak mutation weakened docs diagrams emulator multiworker clean test-wheel test-wheel-floor test-readme test-browser fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]" "apache-airflow==$(AIRFLOW_VERSION)"
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# -rs lists every skipped test with its reason.
test: lint docs
	$(BIN)/python -m pytest -q -rs

# The built wheel in a fresh virtualenv with Airflow: emulator + an example DAG (a few minutes).
test-wheel:
	bash scripts/test_wheel.sh $(AIRFLOW_VERSION)

test-wheel-floor:
	bash scripts/test_wheel.sh $(AIRFLOW_FLOOR)

# The README's install lines, verbatim, in an empty virtualenv, then its first DAG against the emulator.
test-readme: $(STAMP)
	WF_TEST_README_INSTALL=1 $(BIN)/python -m pytest -q -rs tests/test_readme_install.py

# The connection form and the built docs' layout in headless Chromium (needs Debian's chromium:
# apt-get install -y chromium).
test-browser: $(STAMP)
	WF_TEST_REQUIRE=browser $(BIN)/python -m pytest -q -rs tests/test_connection_form.py tests/docs/test_layout.py

# The docs' diagrams: docs/diagrams/*.dot rendered to the committed SVGs (needs Graphviz's dot;
# building the docs does not). `python scripts/render_diagrams.py --check` is run by the tests.
diagrams: $(STAMP)
	$(BIN)/python scripts/render_diagrams.py

docs: $(STAMP)
	$(BIN)/sphinx-build -E -W --keep-going -q -b html docs docs/_build/html

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/sink_rate.py --repeat 3 --write-docs
	$(BIN)/python benchmarks/bench_freshness.py --write-docs
	$(BIN)/python benchmarks/bench_mirror.py --single

# Not part of `make test`: schemathesis from Adobe's OpenAPI description against the emulator, with a
# bigger budget than the tests' (docs/emulator.md states a run's figures).
fuzz: $(STAMP)
	WF_FUZZ_EXAMPLES=$${WF_FUZZ_EXAMPLES:-20} WF_FUZZ_REPORT=$${WF_FUZZ_REPORT:-.fuzz-report.json} \
		nice -n 10 $(BIN)/python -m pytest -q -p no:cacheprovider tests/emulator/test_openapi_fuzz.py
	$(BIN)/python -c "import json; print(json.dumps(json.load(open('$${WF_FUZZ_REPORT:-.fuzz-report.json}'))['summary'], indent=2))"

# Not part of `make test`: a CeleryExecutor deployment with two workers (docs/workers.md).
multiworker: $(STAMP)
	$(BIN)/python scripts/multi_worker.py

# Not part of `make test`: issue 12's concurrent-edit scenario repeated with the CPU loaded.
# SOAK_ARGS="--trials 20" shortens it; every trial has a time limit, so the run ends by itself.
# Its summary (trials, failures, changes a second, commit, date, command) goes into docs/reliability.md.
SOAK_ARGS ?=
soak: $(STAMP)
	$(BIN)/python scripts/soak.py --write-docs $(SOAK_ARGS)

# Not part of `make test`: mutmut over the modules where a one-character bug loses data or lets
# someone in, each against the tests next to it, in a throwaway copy (docs/reliability.md).
# MUTATION_ARGS="--module keyset" runs one module; "--write-docs" updates the docs' summary.
MUTATION_ARGS ?=
mutation: $(STAMP)
	$(BIN)/python scripts/mutation.py $(MUTATION_ARGS)

# Weakened copies of the partitioned read, each shown to fail the tests (docs/sync-contract.md).
weakened: $(STAMP)
	$(BIN)/python scripts/weakened.py

emulator: $(STAMP)
	$(BIN)/python -m airflow_workfront.emulator --host 127.0.0.1 --port 8765 --api-key demo-key --seed demo

clean:
	rm -rf $(VENV) .demo .bench .pytest_cache .ruff_cache .mypy_cache
