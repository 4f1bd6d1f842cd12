"""Retake the docs' screenshots of the Adobe Workfront connection form (docs/_static/connection-form*.png).

It uses the browser test's machinery (``tests/test_connection_form.py``): ``airflow api-server``
with a private Airflow home, and Debian's Chromium (``apt-get install -y chromium``, or the binary
``WF_CHROMIUM`` names) driven by Playwright. The form is filled with example values only (a made-up
tenant and key); nothing is saved. Run from the repository root:

    .venv/bin/python scripts/screenshot_connection_form.py [--out-dir DIR]

It writes ``connection-form.png`` (the standard fields) and ``connection-form-extra.png`` (the
provider's extra fields: auth type, API version, OAuth2 and IMS settings, limits).

It takes about a minute, most of it Airflow's start-up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT_DIR = ROOT / "docs" / "_static"
NAMES = ("connection-form.png", "connection-form-extra.png")
EXAMPLE = {"Connection ID": "workfront_default", "Workfront URL": "https://acme.my.workfront.com",
           "API key or password": "example-api-key"}
WIDTH, HEIGHT = 1280, 2400


def fill_form(page, example: dict[str, str] = EXAMPLE) -> None:
    """On Airflow's /connections page, open "Add Connection" and fill in a Workfront connection."""
    page.get_by_role("button", name="Add Connection").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Connection ID").fill(example["Connection ID"])
    dialog.get_by_role("combobox").fill("Adobe Workfront")
    page.get_by_role("option", name="Adobe Workfront", exact=True).click()
    dialog.get_by_label("Workfront URL").fill(example["Workfront URL"])
    dialog.get_by_label("API key or password").fill(example["API key or password"])
    dialog.get_by_label("Workfront URL").focus()  # no field shows the caret or a focus ring


def take(page, out_dir: Path) -> list[Path]:
    """Fill the form on ``page`` (at /connections); save PNGs of the dialog, then of its extra fields."""
    fill_form(page)
    dialog = page.get_by_role("dialog")
    out_dir.mkdir(parents=True, exist_ok=True)
    standard, extra = (out_dir / name for name in NAMES)
    page.mouse.move(0, 0)  # no hover highlight in the picture
    dialog.screenshot(path=str(standard), animations="disabled")
    dialog.get_by_role("button", name="Standard Fields", exact=True).click()  # fold them away
    dialog.get_by_role("button", name="Extra Fields", exact=True).click()
    dialog.locator("input[name='element_api_version']").wait_for()
    page.mouse.move(0, 0)
    dialog.screenshot(path=str(extra), animations="disabled")
    return [standard, extra]


def main(argv: list[str] | None = None) -> int:
    """Start an api-server and Chromium, take the screenshot, stop both; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR,
                        help=f"where to write the PNGs (default {DEFAULT_OUT_DIR})")
    args = parser.parse_args(argv)
    chromium = os.environ.get("WF_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("no Chromium: apt-get install -y chromium, or set WF_CHROMIUM", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.test_connection_form import ApiServer  # the browser test's api-server; ROOT is on sys.path

    with tempfile.TemporaryDirectory(prefix="wf-screenshot-") as home:
        server = ApiServer(Path(home))
        try:
            server.start()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
                page.set_default_timeout(30_000)
                page.goto(f"{server.url}/connections")
                for path in take(page, args.out_dir):
                    print(f"wrote {path}")
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
