#!/usr/bin/env bash
# Installs the provider as a user would, from its wheel, and runs an example DAG with it.
#
#   scripts/test_wheel.sh [AIRFLOW_VERSION]     # default: the Makefile's pinned version
#
# 1. Builds the sdist and the wheel from the checkout's tracked files (the wheel is built from
#    the sdist, as `python -m build` does) and checks that both carry the emulator's data.
# 2. Creates a fresh virtualenv with apache-airflow==AIRFLOW_VERSION and the wheel with its
#    [emulator] extra: nothing from the checkout is importable there (it runs outside it,
#    without PYTHONPATH).
# 3. Checks `airflow providers list` shows the provider, and the connection form's fields load.
# 4. Starts the emulator from the installed wheel and runs `airflow dags test` on
#    example_workfront_move_tasks against it, with the connection in the metadata database;
#    then asks the emulator that the tasks really moved.
#
# CI runs it twice: with the newest Airflow we test and with the lowest one pyproject.toml allows.
# Every step is bounded in time; the emulator is stopped and the temporary directory removed on
# exit. Needs python3 (3.10+) and access to PyPI or a pip cache.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
AIRFLOW_VERSION=${1:-$(sed -n 's/^AIRFLOW_VERSION ?= *//p' "$ROOT/Makefile")}
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d /tmp/wf-wheel-test.XXXXXX)
EMULATOR_PID=""
API_KEY=wheel-test-key

say() { echo "[test_wheel airflow==$AIRFLOW_VERSION] $*"; }
cleanup() {
  local status=$?
  set +e
  if [ -n "$EMULATOR_PID" ]; then kill "$EMULATOR_PID" 2>/dev/null; wait "$EMULATOR_PID" 2>/dev/null; fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
fail() {
  say "FAILED: $*"
  for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $log (last 40 lines)"; tail -40 "$log"; }; done
  exit 1
}

say "building the sdist and the wheel from the tracked files of $ROOT"
mkdir -p "$WORK/src" "$WORK/dist"
(cd "$ROOT" && git ls-files -z | xargs -0 cp --parents -t "$WORK/src")
"$PYTHON" -m venv "$WORK/build-venv"
timeout 300 "$WORK/build-venv/bin/pip" install --quiet build >"$WORK/build.log" 2>&1 || fail "pip install build"
timeout 300 "$WORK/build-venv/bin/python" -m build --outdir "$WORK/dist" "$WORK/src" >>"$WORK/build.log" 2>&1 \
  || fail "python -m build"
WHEEL=$(ls "$WORK"/dist/*.whl)
SDIST=$(ls "$WORK"/dist/*.tar.gz)
for data in airflow_workfront/emulator/data/catalog.json airflow_workfront/emulator/data/NOTICE; do
  unzip -l "$WHEEL" | grep " $data$" >/dev/null || fail "$data is missing from $(basename "$WHEEL")"
  tar tzf "$SDIST" | grep "/$data$" >/dev/null || fail "$data is missing from $(basename "$SDIST")"
done
say "built $(basename "$SDIST") and $(basename "$WHEEL"); both carry the emulator's data"

say "installing apache-airflow==$AIRFLOW_VERSION and the wheel with [emulator] into a fresh virtualenv"
"$PYTHON" -m venv "$WORK/venv"
BIN=$WORK/venv/bin
timeout 900 "$BIN/pip" install --quiet "apache-airflow==$AIRFLOW_VERSION" "${WHEEL}[emulator]" \
  >"$WORK/install.log" 2>&1 || fail "pip install"

# From here on: outside the checkout, with nothing of it on the import path.
cd "$WORK"
unset PYTHONPATH
export AIRFLOW_HOME=$WORK/airflow
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__DAGS_FOLDER=$WORK/dags
export AIRFLOW__CORE__ALLOWED_DESERIALIZATION_CLASSES_REGEXP='airflow_workfront.*'
mkdir -p "$AIRFLOW__CORE__DAGS_FOLDER"
LOCATION=$("$BIN/python" -c 'import airflow_workfront; print(airflow_workfront.__file__)')
case "$LOCATION" in "$WORK/venv/"*) ;; *) fail "airflow_workfront imports from $LOCATION, not the venv" ;; esac
INSTALLED=$("$BIN/python" -c 'import airflow; print(airflow.__version__)')
[ "$INSTALLED" = "$AIRFLOW_VERSION" ] || fail "Airflow $INSTALLED is installed, not $AIRFLOW_VERSION"
say "airflow_workfront imports from the venv ($LOCATION) under Airflow $INSTALLED"

timeout 300 "$BIN/airflow" db migrate >"$WORK/migrate.log" 2>&1 || fail "airflow db migrate"
timeout 120 "$BIN/airflow" providers list >"$WORK/providers.log" 2>&1 || fail "airflow providers list"
grep -q "^airflow-provider-workfront " "$WORK/providers.log" || fail "airflow providers list lacks the provider"
timeout 120 "$BIN/python" - <<'EOF' >"$WORK/provider-info.log" 2>&1 || fail "the provider's connection type did not load"
from airflow.providers_manager import ProvidersManager

manager = ProvidersManager()
hook = manager.hooks["workfront"]
assert hook is not None and hook.hook_class_name.endswith("WorkfrontHook"), hook
fields = manager.connection_form_widgets
assert any(name.endswith("auth_type") for name in fields), sorted(fields)
from airflow_workfront.hooks.workfront import WorkfrontHook  # noqa: F401, E402
from airflow_workfront.operators.search import WorkfrontSearchOperator  # noqa: F401, E402
from airflow_workfront.operators.sync import WorkfrontToSqlOperator  # noqa: F401, E402
print("provider info, hook and operators load")
EOF
say "airflow providers list shows airflow-provider-workfront; its connection type, hook and operators load"

PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN/python" -m airflow_workfront.emulator --port "$PORT" --api-key "$API_KEY" --seed demo --control-api \
  >"$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!
for _ in $(seq 1 120); do
  kill -0 "$EMULATOR_PID" 2>/dev/null || fail "the emulator exited"
  curl -sf "http://127.0.0.1:$PORT/_emulator/clock" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/_emulator/clock" >/dev/null || fail "the emulator did not answer within 60 s"
say "the emulator from the wheel answers on port $PORT"

cp "$ROOT/example_dags/example_workfront_move_tasks.py" "$AIRFLOW__CORE__DAGS_FOLDER/"
# The connection goes into the metadata database, with the command docs/quickstart.md shows.
timeout 120 "$BIN/airflow" connections add workfront_default --conn-type workfront --conn-host http://127.0.0.1 \
  --conn-port "$PORT" --conn-password "$API_KEY" >"$WORK/connection.log" 2>&1 || fail "airflow connections add"
timeout 120 "$BIN/airflow" pools set workfront_api 10 "Workfront API" >"$WORK/pool.log" 2>&1 || fail "airflow pools set"
timeout 600 "$BIN/airflow" dags test example_workfront_move_tasks >"$WORK/dags-test.log" 2>&1 \
  || fail "airflow dags test example_workfront_move_tasks"
"$BIN/python" - "$PORT" <<'EOF' >"$WORK/check.log" 2>&1 || fail "the tasks did not move"
import json
import sys
import urllib.request

base = f"http://127.0.0.1:{sys.argv[1]}/_emulator"


def objects(code):
    with urllib.request.urlopen(f"{base}/objects/{code}") as response:
        return json.load(response)["data"]


projects = {p["name"]: p["ID"] for p in objects("PROJ")}
tasks = objects("TASK")
left = [t for t in tasks if t.get("projectID") == projects["Project A"] and t["status"] == "NEW"]
moved = [t for t in tasks if t.get("projectID") == projects["Project B"]]
assert not left and moved, (left, moved)
print(f"{len(moved)} tasks are in Project B; none left NEW in Project A")
EOF
say "airflow dags test example_workfront_move_tasks ran green: $(cat "$WORK/check.log")"
say "OK"
