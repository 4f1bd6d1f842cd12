"""Belt and braces: with 20% of Workfront's deliveries lost, every table is exact after the next
scheduled run.

Real processes (``tests/mirror/freshness.py``): the emulator drops a fifth of its deliveries
(``--event-drop-rate 0.2``), the example runs on events and on a timetable of one minute (an hour
in production). Changes of every kind come in a burst; then issues are edited one at a time until
a delivery is lost, so one change is known to have reached Airflow by no event at all: it is not
in the warehouse, and after the next scheduled run it is, with every table equal to Workfront.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timezone

import pytest

from tests.mirror.freshness import MirrorStack

pytestmark = [pytest.mark.slow, pytest.mark.emulator]

OBJECTS = ["PROJ", "TASK", "OPTASK"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with MirrorStack(tmp_path_factory.mktemp("mirror-drops"), OBJECTS, cron="* * * * *",
                     emulator_args=("--event-drop-rate", "0.2", "--random-seed", "3")) as running:
        yield running


def burst(control, rng: random.Random, count: int) -> None:
    """Edits, creates and deletes of every mirrored type."""
    ids = {code: [o["ID"] for o in control.list_objects(code)] for code in OBJECTS}
    project = ids["PROJ"][0]
    for n in range(count):
        code, roll = rng.choice(OBJECTS), rng.random()
        if roll < 0.2 and code != "PROJ" and len(ids[code]) > 5:
            control.delete_object(code, ids[code].pop(rng.randrange(len(ids[code]))))
        elif roll < 0.45:
            data = {"name": f"created {n}", **({"projectID": project} if code != "PROJ" else {})}
            ids[code].append(control.create_object(code, data)["ID"])
        else:
            control.edit_object(code, rng.choice(ids[code]), {"name": f"edited {n}"})
        time.sleep(0.2)


def idle(stack) -> bool:
    """No run of the mirror is queued or running."""
    return all(run["state"] in ("success", "failed") for run in stack.runs())


def edit_until_a_delivery_is_lost(stack, obj_id: str) -> str:
    """Edit the issue until the emulator drops the delivery of an edit; that edit's name. After a
    delivered edit, its run ends before the next edit, so no run started earlier reads the lost one."""
    control = stack.emulator.control
    for n in range(30):
        stack.airflow.wait_for(lambda: idle(stack), "the runs to finish", timeout=120, every=0.5)
        dropped, runs = len(control.dropped_events()), len(stack.runs())
        name = f"edit {n}, perhaps lost"
        control.edit_object("OPTASK", obj_id, {"name": name})
        if len(control.dropped_events()) > dropped:
            return name
        stack.airflow.wait_for(lambda r=runs: len(stack.runs()) > r, "the edit's run", timeout=60, every=0.2)
    raise AssertionError("30 edits in a row were delivered at a 20% drop rate")


def test_every_table_is_exact_after_the_next_scheduled_run_whatever_the_events_lost(stack):
    stack.wait_for_run("scheduled")
    control = stack.emulator.control
    burst(control, random.Random(5), 25)
    assert control.dropped_events(), "the burst lost no delivery: the fault is not on"
    issue = control.list_objects("OPTASK")[0]["ID"]
    lost = edit_until_a_delivery_is_lost(stack, issue)
    changed_at = datetime.now(timezone.utc)

    # No event says the issue changed, so only a scheduled run covering the edit can have read it.
    time.sleep(6)
    hook = stack.warehouse_hook()
    shown = hook.get_records(f"SELECT name FROM wf_optask WHERE id = '{issue}'") == [(lost,)]
    covered = [run for run in stack.runs() if run["run_type"] == "scheduled" and run["interval_end"] > changed_at]
    assert covered or not shown

    stack.wait_for_run("scheduled", timeout=180, where=lambda run: run["interval_end"] > changed_at)
    assert hook.get_records(f"SELECT name FROM wf_optask WHERE id = '{issue}'") == [(lost,)]
    assert stack.exact() == {}
