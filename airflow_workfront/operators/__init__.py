"""Operators for Adobe Workfront.

Import them from their modules (``airflow_workfront.operators.crud`` ...): this package imports
nothing itself, so a DAG file pays only for the operators it uses.
"""
