"""Test-wide set-up: a private Airflow home on SQLite, created before Airflow is imported."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_AIRFLOW_HOME = tempfile.mkdtemp(prefix="wf-test-airflow-home-")
atexit.register(shutil.rmtree, _AIRFLOW_HOME, ignore_errors=True)
os.environ["AIRFLOW_HOME"] = _AIRFLOW_HOME
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = os.path.join(_AIRFLOW_HOME, "dags")
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_AIRFLOW_HOME}/airflow.db"
os.environ.setdefault("AIRFLOW__CORE__ALLOWED_DESERIALIZATION_CLASSES_REGEXP", "airflow_workfront.*")

import socket  # noqa: E402

# The machine's PostgreSQL (loopback, trust auth, database ``test``), when one answers there and
# WF_TEST_POSTGRES_URI does not name another (set it empty to skip PostgreSQL); without one, the
# PostgreSQL tests skip and say so.
LOCAL_POSTGRES_URI = "postgresql://postgres@127.0.0.1:5432/test"


def _local_postgres_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        return True
    except OSError:
        return False


if os.environ.get("WF_TEST_POSTGRES_URI") is None and _local_postgres_answers():
    os.environ["WF_TEST_POSTGRES_URI"] = LOCAL_POSTGRES_URI

import json  # noqa: E402
import uuid  # noqa: E402
from urllib.parse import quote  # noqa: E402

import pytest  # noqa: E402

pytest_plugins = ["airflow_workfront.emulator.pytest_plugin"]


@pytest.fixture(scope="session")
def airflow_db():
    """Create the Airflow metadata database once per test session (needed by ``dag.test()``)."""
    from airflow.utils import db

    db.initdb()
    return _AIRFLOW_HOME


@pytest.fixture
def create_connection_without_db(monkeypatch):
    """Register an Airflow connection through its environment variable, as Airflow's own tests do."""

    def _create(conn_id: str, **fields) -> None:
        payload = {k: v for k, v in fields.items() if v is not None}
        if isinstance(payload.get("extra"), dict):
            payload["extra"] = json.dumps(payload["extra"])
        monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(payload))

    return _create


@pytest.fixture
def run_dag(airflow_db, tmp_path):
    """Run a DAG object with ``dag.test()``.

    Airflow 3.3's ``dag.test()`` only runs DAGs whose serialized form is in the metadata DB, which
    the DAG processor normally writes; this writes it directly, so DAGs built inside a test (or
    loaded from ``example_dags/``) can run.
    """

    def _run(dag, **test_kwargs):
        from airflow.dag_processing.bundles.manager import DagBundlesManager
        from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db

        DagBundlesManager().sync_bundles_to_db()
        bag = DagBag(dag_folder=str(tmp_path))
        bag.bag_dag(dag)
        sync_bag_to_db(bag, "dags-folder", None)
        return dag.test(**test_kwargs)

    return _run


# -- a real PostgreSQL for the SQL sink's tests: the server WF_TEST_POSTGRES_URI names (set above to
# the machine's one on 127.0.0.1:5432 when it answers). Tests skip only without one.
def postgres_uri() -> str | None:
    """The PostgreSQL server to test against, or ``None``."""
    return os.environ.get("WF_TEST_POSTGRES_URI") or None


@pytest.fixture
def postgres_server_uri():
    """The URI of a real PostgreSQL; the test skips, saying why, only when there is none."""
    uri = postgres_uri()
    if uri is None:
        pytest.skip("no PostgreSQL: set WF_TEST_POSTGRES_URI or run one on 127.0.0.1:5432 (database test)")
    return uri


@pytest.fixture
def postgres_conn_id(monkeypatch, postgres_server_uri):
    """An Airflow connection id whose tables land in a fresh schema of a real PostgreSQL."""
    uri = postgres_server_uri
    pytest.importorskip("airflow.providers.postgres", reason="apache-airflow-providers-postgres is not installed")
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    schema = f"wf_test_{uuid.uuid4().hex[:12]}"
    sep = "&" if "?" in uri else "?"
    monkeypatch.setenv("AIRFLOW_CONN_WF_TEST_PG_ADMIN", uri)
    admin = PostgresHook(postgres_conn_id="wf_test_pg_admin")
    admin.run(f'CREATE SCHEMA "{schema}"')
    monkeypatch.setenv("AIRFLOW_CONN_WF_TEST_PG", f"{uri}{sep}options={quote(f'-c search_path={schema}')}")
    yield "wf_test_pg"
    admin.run(f'DROP SCHEMA "{schema}" CASCADE')


# WF_TEST_REQUIRE=postgres,browser (set by .ci/run) turns a skip of a test with that marker into a
# failure, so CI cannot pass without running them.
REQUIRED_MARKERS = {m.strip() for m in os.environ.get("WF_TEST_REQUIRE", "").split(",") if m.strip()}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    kinds = {m.name for m in item.iter_markers()}
    if "postgres_server_uri" in getattr(item, "fixturenames", ()):
        kinds.add("postgres")  # every test on a real PostgreSQL goes through that fixture
    required = sorted(REQUIRED_MARKERS & kinds)
    if report.skipped and required:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, but WF_TEST_REQUIRE asks for every {'/'.join(required)} test to run: {reason}"
