"""Apache Airflow provider for Adobe Workfront.

Import nothing heavy here: Airflow calls :func:`get_provider_info` during provider
discovery and DAG files import submodules of this package at parse time.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "get_provider_info"]


def get_provider_info() -> dict:
    """Return the provider metadata Airflow reads through the ``apache_airflow_provider`` entry point."""
    from airflow_workfront.provider_info import PROVIDER_INFO

    return PROVIDER_INFO
