"""Sphinx configuration for the airflow-provider-workfront docs (built offline, warnings as errors)."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.abspath(".."))
sys.path.insert(0, os.path.abspath("_ext"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")

project = "airflow-provider-workfront"
author = "airflow-provider-workfront developers"
copyright = "2026, airflow-provider-workfront developers"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "table_literals",  # docs/_ext: long inline code in tables may break, so tables fit the column
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
# data-flow.md is only included into other pages, never a page of its own.
exclude_patterns = ["_build", "data-flow.md"]
root_doc = "index"

autodoc_default_options = {"members": True, "show-inheritance": True, "member-order": "bysource"}
autodoc_typehints = "description"
autodoc_mock_imports: list[str] = []
napoleon_google_docstring = False

# Furo: a maintained theme with a wide content column, a sidebar that collapses on narrow screens
# and a dark mode. Its code blocks scroll inside their own box rather than widening the page.
html_theme = "furo"
html_title = "Airflow provider for Adobe Workfront"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
# Cross-references into Airflow and the standard library are not resolved offline.
nitpicky = False
