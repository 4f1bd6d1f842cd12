"""The ``workfront`` connection form in a real browser: Airflow's api-server and headless Chromium.

One api-server (its own Airflow home and SQLite database) serves the whole module. Chromium is
Debian's ``chromium`` package (or the binary ``WF_CHROMIUM`` names), driven by Playwright's Python
package; Playwright's own browsers are never downloaded. Without either, the tests skip and say
why. By hand: ``apt-get install -y chromium``, then
``.venv/bin/python -m pytest -rs tests/test_connection_form.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest
from cryptography.fernet import Fernet

from airflow_workfront.emulator.testing import free_port, stop_process
from airflow_workfront.provider_info import CONN_FIELDS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONN_ID = "wf_browser"
DEFAULT_IMS_ENDPOINT = "https://ims-na1.adobelogin.com/ims/token/v3"
START_TIMEOUT = 180


def _chromium() -> str:
    path = os.environ.get("WF_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("no Chromium: install Debian's chromium (apt-get install -y chromium) or set WF_CHROMIUM")
    return path


class ApiServer:
    """``airflow api-server`` in a subprocess with a private Airflow home, logging to a file."""

    def __init__(self, home) -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.fernet_key = Fernet.generate_key()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_CONN_", "AIRFLOW__"))}
        self.env.update({
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
            "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__AUTH_MANAGER": "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__CORE__TEST_CONNECTION": "Enabled",
            "AIRFLOW__CORE__FERNET_KEY": self.fernet_key.decode(),
        })
        self.log = open(home / "api-server.log", "w")  # noqa: SIM115 - closed in stop()
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        migrate = subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], env=self.env,
                                 capture_output=True, text=True, timeout=START_TIMEOUT)
        assert migrate.returncode == 0, f"airflow db migrate failed: {migrate.stderr[-2000:]}"
        self.proc = subprocess.Popen([sys.executable, "-m", "airflow", "api-server", "--host", "127.0.0.1",
                                      "--port", str(self.port)], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if httpx.get(f"{self.url}/api/v2/monitor/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the api-server did not start; see {self.home / 'api-server.log'}")
            time.sleep(0.5)

    def stored_connection(self, conn_id: str) -> dict:
        """The connection's row in the metadata database, secrets decrypted with the server's key."""
        with sqlite3.connect(self.home / "airflow.db") as db:
            db.row_factory = sqlite3.Row
            row = dict(db.execute("SELECT * FROM connection WHERE conn_id = ?", (conn_id,)).fetchone())
        fernet = Fernet(self.fernet_key)
        for column, flag in (("password", "is_encrypted"), ("extra", "is_extra_encrypted")):
            if row[flag] and row[column]:
                row[column] = fernet.decrypt(row[column].encode()).decode()
        row["extra"] = json.loads(row["extra"] or "{}")
        return row

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, grace=20)
        self.log.close()


@pytest.fixture(scope="module")
def chromium():
    path = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (it is in the dev extra)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def api_server(chromium, tmp_path_factory):
    server = ApiServer(tmp_path_factory.mktemp("airflow-ui"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def page(chromium, api_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 1600})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{api_server.url}/connections")
    yield page
    context.close()


def _row(page, conn_id: str):
    return page.get_by_role("row").filter(has_text=conn_id)


def test_an_api_key_connection_made_in_the_form_is_saved_and_tests_green(page, api_server, workfront_emulator):
    page.get_by_role("button", name="Add Connection").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Connection ID").fill(CONN_ID)
    dialog.get_by_role("combobox").fill("Adobe Workfront")
    page.get_by_role("option", name="Adobe Workfront", exact=True).click()
    # The provider's relabelled standard fields; the emulator's port goes in Port (see troubleshooting).
    dialog.get_by_label("Workfront URL").fill("http://127.0.0.1")
    dialog.get_by_label("Port").fill(str(workfront_emulator.port))
    dialog.get_by_label("API key or password").fill(workfront_emulator.api_key)
    dialog.get_by_role("button", name="Save").click()
    row = _row(page, CONN_ID)
    row.wait_for()
    assert "workfront" in row.inner_text()

    with page.expect_response("**/api/v2/connections/test") as answer:
        row.get_by_role("button", name="Test Connection").click()
    assert answer.value.json() == {"status": True, "message": f"Connected to Workfront at {workfront_emulator.base_url}"
                                                              "/attask/api/v21.0"}
    page.get_by_text("Test Connection Successful").first.wait_for()

    stored = api_server.stored_connection(CONN_ID)
    assert (stored["conn_type"], stored["host"], stored["port"]) == ("workfront", "http://127.0.0.1",
                                                                      workfront_emulator.port)
    assert stored["password"] == workfront_emulator.api_key
    extra = stored["extra"]
    assert extra["auth_type"] == "api_key" and extra["api_version"] == "v21.0"
    assert extra["ims_endpoint"] == DEFAULT_IMS_ENDPOINT
    assert "***" not in json.dumps(stored)


def test_editing_the_connection_shows_and_keeps_every_non_secret_value(page, api_server):
    try:
        _row(page, CONN_ID).wait_for(timeout=10_000)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError
        pytest.skip("needs the connection the previous test saves")
    _row(page, CONN_ID).get_by_role("button", name="Edit Connection").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Extra Fields", exact=True).click()
    # Every non-secret text field shows its value; the masked ims_token_url showed "***" here.
    defaults = {name: spec["schema"]["default"] for name, spec in CONN_FIELDS.items()
                if "default" in spec["schema"] and "string" in spec["schema"]["type"]
                and spec["schema"].get("format") != "password" and "enum" not in spec["schema"]}
    shown = {name: dialog.locator(f"input[name='element_{name}']").input_value() for name in defaults}
    assert shown == defaults
    assert defaults["ims_endpoint"] == DEFAULT_IMS_ENDPOINT
    dialog.locator("input[name='element_ims_org_id']").fill("ORG@AdobeOrg")
    dialog.get_by_role("button", name="Save").click()
    dialog.wait_for(state="hidden")

    stored = api_server.stored_connection(CONN_ID)
    assert stored["extra"]["ims_org_id"] == "ORG@AdobeOrg"
    assert stored["extra"]["ims_endpoint"] == DEFAULT_IMS_ENDPOINT
    assert "***" not in json.dumps(stored)


def _png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def test_the_docs_screenshots_can_be_retaken(page, tmp_path):
    """scripts/screenshot_connection_form.py's steps still work on this Airflow (docs/connections.md
    shows their pictures): the form, then its extra fields, which make a taller picture."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "scripts" / "screenshot_connection_form.py"
    spec = importlib.util.spec_from_file_location("screenshot_connection_form", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    form, extra = module.take(page, tmp_path)
    (form_width, form_height), (extra_width, extra_height) = _png_size(form), _png_size(extra)
    assert form_width >= 600 and form_height >= 400
    assert extra_width == form_width and extra_height > form_height
    assert page.get_by_role("dialog").locator("input[name='element_api_version']").input_value() == "v21.0"
