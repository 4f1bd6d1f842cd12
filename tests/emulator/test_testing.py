"""The emulator's testing tools: stopping the processes a test started."""

from __future__ import annotations

import signal
import subprocess
import sys

from airflow_workfront.emulator.testing import stop_process, stop_processes

STUBBORN = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(120)"
POLITE = "import time; print('ready', flush=True); time.sleep(120)"


def _start(code: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"  # its handler is set
    return proc


def test_stop_processes_terminates_each_and_kills_what_ignores_it():
    polite, stubborn = _start(POLITE), _start(STUBBORN)
    stop_processes([stubborn, polite], grace=1)
    assert polite.returncode == -signal.SIGTERM
    assert stubborn.returncode == -signal.SIGKILL


def test_stop_process_leaves_a_finished_process_alone():
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    stop_process(done, grace=1)
    assert done.returncode == 0
