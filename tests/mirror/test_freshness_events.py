"""Events drive the mirror, with a real scheduler: ``example_workfront_mirror_events`` as shipped.

Its first run comes from its timetable and syncs every type. Then one task is edited in
Workfront; the emulator delivers the UPDATE to the API server's receiver; the asset event starts
a run that syncs the tasks' table and nothing else: the other types' tasks skip without a request
to Workfront, and the edited row is in the warehouse when the run ends. ``dag.test`` cannot start
a run from asset events, hence real processes (``tests/mirror/freshness.py``).
"""

from __future__ import annotations

import pytest

from tests.mirror.freshness import MirrorStack

pytestmark = [pytest.mark.slow, pytest.mark.emulator]

# Three types Workfront sends events for, and teams, which it does not.
OBJECTS = ["PROJ", "TASK", "OPTASK", "TEAMOB"]
TASK_IDS = [f"workfront.{code.lower()}" for code in OBJECTS]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with MirrorStack(tmp_path_factory.mktemp("mirror-events"), OBJECTS) as running:
        yield running


def test_a_timetable_run_syncs_every_type_and_an_event_run_only_the_named_one(stack):
    first = stack.wait_for_run("scheduled")
    assert first["tasks"] == dict.fromkeys(["workfront.route_events", *TASK_IDS], "success")

    control = stack.emulator.control
    task = control.list_objects("TASK")[0]
    runs_before = len(stack.runs())
    control.reset_stats()
    control.edit_object("TASK", task["ID"], {"name": "edited to test the event-driven mirror"})
    run = stack.wait_for_run("asset_triggered", after=runs_before, timeout=120)

    assert run["tasks"] == {"workfront.route_events": "success", "workfront.task": "success", "workfront.proj": "skipped", "workfront.optask": "skipped",
                            "workfront.teamob": "skipped"}
    routes = [route for route, count in control.stats()["by_route"].items() if count]
    assert any("/TASK/" in route for route in routes), routes
    for other in ("PROJ", "OPTASK", "TEAMOB"):
        assert not [route for route in routes if f"/{other}/" in route], (other, routes)
    hook = stack.warehouse_hook()
    assert hook.get_records(f"SELECT name FROM wf_task WHERE id = '{task['ID']}'") == [
        ("edited to test the event-driven mirror",)]
    # The run read the tasks up to Workfront's clock: every task, not only the edited one.
    assert stack.exact(["TASK"]) == {}
