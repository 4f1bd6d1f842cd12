"""The built docs fit the page: headless Chromium, 1280 px wide, every page.

The docs are built with ``sphinx-build -W`` into a temporary folder, unless ``docs/_build/html``
(what ``make docs`` writes) is newer than every source of the docs, in which case that build is
used. Each page is opened in Debian's Chromium (or the binary ``WF_CHROMIUM`` names), driven by
Playwright's Python package; without either the test skips and says why (``WF_TEST_REQUIRE``
containing ``browser`` turns the skip into a failure, see ``tests/conftest.py``).

On each page, in the content column (Furo's ``article`` element):

- the page itself never scrolls sideways;
- no code block, table or diagram sticks out of the column;
- no code block or table needs a scroll bar of its own: the design is that every line of code
  is visible at this width. The docs keep code lines short; shell commands wrap softly at the
  column's edge (``docs/_static/custom.css``); long inline code in tables may break after ``_``,
  ``/``, ``.`` and ``::`` (``docs/_ext/table_literals.py``). Furo gives code blocks
  ``overflow-x: auto`` and puts tables in a box that does the same, so on narrower screens they
  scroll inside their own box instead of widening the page, but at 1280 px nothing has to;
- a diagram is shown at no less than 3/4 of its drawn size, so its text stays legible.

On a 400 px phone screen, the same pages may give code blocks and tables scroll bars of their own
and shrink diagrams, but still nothing sticks out and no page scrolls sideways.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
MAKE_DOCS_OUTPUT = DOCS / "_build" / "html"
WIDTH = 1280
NARROW_WIDTH = 400
MIN_DIAGRAM_SCALE = 0.75
# Every page of the docs (data-flow.md is only included into the index), so a new page is checked too.
PAGES = sorted(page.stem for page in DOCS.glob("*.md") if page.stem != "data-flow")

# Runs in the page: what in the content column is wider than it, or than its own box.
MEASURE = """(minDiagramScale) => {
  const column = document.querySelector("article");
  const style = getComputedStyle(column);
  const box = column.getBoundingClientRect();
  const left = box.left + parseFloat(style.paddingLeft), right = box.right - parseFloat(style.paddingRight);
  const describe = (el) => {
    const text = (el.innerText || el.getAttribute("alt") || el.getAttribute("src") || "").trim();
    return el.tagName.toLowerCase() + ": " + text.split("\\n")[0].slice(0, 80);
  };
  const problems = [];
  if (document.documentElement.scrollWidth > window.innerWidth) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide`);
  }
  for (const found of column.querySelectorAll("pre, table, img, svg, object")) {
    // Furo puts each table in a div.table-wrapper that scrolls: that box is the one to measure.
    const wrapped = found.tagName === "TABLE" && found.parentElement.classList.contains("table-wrapper");
    const el = wrapped ? found.parentElement : found;
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;  // hidden (e.g. a collapsed section)
    if (r.left < left - 1 || r.right > right + 1) {
      problems.push(`sticks out of the ${Math.round(right - left)} px column `
                    + `(${Math.round(r.left - left)} to ${Math.round(r.right - left)} px): ${describe(found)}`);
    }
    if ((el.tagName === "PRE" || found.tagName === "TABLE") && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`needs a scroll bar (${el.scrollWidth} px in ${el.clientWidth} px): ${describe(found)}`);
    }
    if (el.tagName === "IMG" && el.classList.contains("diagram") && el.naturalWidth
        && r.width < el.naturalWidth * minDiagramScale) {
      problems.push(`diagram shrunk to ${Math.round(100 * r.width / el.naturalWidth)}%: ${describe(el)}`);
    }
  }
  return problems;
}"""


def _chromium_binary() -> str:
    found = os.environ.get("WF_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("no Chromium: install Debian's chromium (apt-get install -y chromium) or set WF_CHROMIUM")
    return found


def _newest_source() -> float:
    """When the docs' newest source changed: the pages, and the code they include or document."""
    sources = [*DOCS.rglob("*"), *(ROOT / "example_dags").rglob("*.py"), *(ROOT / "airflow_workfront").rglob("*.py")]
    return max(path.stat().st_mtime for path in sources if path.is_file() and "_build" not in path.parts)


@pytest.fixture(scope="module")
def built_docs(tmp_path_factory) -> Path:
    """The HTML docs: ``make docs``'s output when it is newer than every source, else a fresh build."""
    index = MAKE_DOCS_OUTPUT / "index.html"
    if index.exists() and index.stat().st_mtime > _newest_source():
        return MAKE_DOCS_OUTPUT
    out = tmp_path_factory.mktemp("docs-html")
    build = subprocess.run([sys.executable, "-m", "sphinx", "-E", "-W", "--keep-going", "-q", "-b", "html",
                            str(DOCS), str(out)], capture_output=True, text=True, cwd=ROOT)
    assert build.returncode == 0, f"sphinx-build failed:\n{build.stderr[-4000:]}"
    return out


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium."""
    binary = _chromium_binary()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (it is in the dev extra)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=binary, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def browser_page(browser):
    """A page of headless Chromium, 1280 px wide."""
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    yield page
    page.close()


def _problems(page, html: Path, min_diagram_scale: float) -> list[str]:
    assert html.exists(), f"{html.name} was not built"
    page.goto(html.as_uri())
    page.wait_for_load_state("load")  # images are in, so their sizes are known
    return page.evaluate(MEASURE, min_diagram_scale)


@pytest.mark.parametrize("name", PAGES)
def test_nothing_overflows_the_content_column(name, browser_page, built_docs):
    assert _problems(browser_page, built_docs / f"{name}.html", MIN_DIAGRAM_SCALE) == []


def test_on_a_phone_wide_code_scrolls_inside_its_box_not_the_page(browser, built_docs):
    """At 400 px, code blocks and tables may need their own scroll bars, and diagrams shrink; but
    nothing sticks out of the column and no page scrolls sideways."""
    page = browser.new_page(viewport={"width": NARROW_WIDTH, "height": 900})
    try:
        found = {name: [p for p in _problems(page, built_docs / f"{name}.html", 0) if not p.startswith("needs a scroll bar")]
                 for name in PAGES}
    finally:
        page.close()
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_measure_catches_an_overflowing_code_block(browser_page, built_docs):
    """The check itself catches a code line or a table wider than the column, and a page that scrolls sideways."""
    browser_page.goto((built_docs / "index.html").as_uri())
    browser_page.evaluate("""() => {
      const pre = document.createElement("pre");
      pre.textContent = "x".repeat(300);
      document.querySelector("article").appendChild(pre);
      const table = document.createElement("table");
      table.className = "docutils";
      const wrapper = document.createElement("div");
      wrapper.className = "table-wrapper";
      wrapper.appendChild(table);
      table.innerHTML = "<tr><td>" + "y".repeat(300) + "</td></tr>";
      document.querySelector("article").appendChild(wrapper);
      const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("width", "2000");
      svg.setAttribute("height", "10");
      document.querySelector("article").appendChild(svg);
    }""")
    problems = browser_page.evaluate(MEASURE, MIN_DIAGRAM_SCALE)
    assert any(p.startswith("needs a scroll bar") and "pre: xxx" in p for p in problems), problems
    assert any(p.startswith("needs a scroll bar") and "table: yyy" in p for p in problems), problems
    assert any(p.startswith("sticks out") and "svg" in p for p in problems), problems
    assert any(p.startswith("the page scrolls sideways") for p in problems), problems
