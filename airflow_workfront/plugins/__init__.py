"""What the provider loads into Airflow's own processes: the Workfront event receiver.

:class:`~airflow_workfront.plugins.plugin.WorkfrontEventsPlugin` mounts
:mod:`~airflow_workfront.plugins.receiver_app` on the API server under ``/workfront``.
"""
