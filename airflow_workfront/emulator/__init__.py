"""A local Adobe Workfront, for developing and testing without a tenant.

Written from Workfront's API documentation and recorded responses, independently of the
provider's client: it imports nothing from ``client``, ``hooks`` or ``sync``, so a test where the
two talk to each other can catch a misreading of the docs instead of sharing it.

Run it with ``python -m airflow_workfront.emulator --api-key KEY --seed demo``, or in-process with
:class:`airflow_workfront.emulator.testing.EmulatorServer`.
"""
