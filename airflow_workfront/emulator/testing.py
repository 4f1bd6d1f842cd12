"""Run the emulator inside a test process, and drive its control API.

::

    with EmulatorServer(api_key="test-key") as emu:
        url = f"{emu.base_url}/attask/api/v21.0/task/search"
        requests.get(url, headers={"apiKey": emu.api_key})
        emu.control.advance_clock(60)
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

import httpx

from airflow_workfront.emulator.app import Emulator, EmulatorConfig, QuietDroppedConnections
from airflow_workfront.emulator.auth import AuthConfig


class EmulatorControl:
    """A thin client of the ``/_emulator/`` control API."""

    def __init__(self, base_url: str, timeout: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=f"{self.base_url}/_emulator", timeout=timeout)

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        response = self._http.request(method, path, json=body)
        if response.status_code >= 400:
            raise RuntimeError(f"emulator control {method} {path} failed: HTTP {response.status_code} {response.text[:300]}")
        return response.json()

    def reset(self, seed: str = "demo", seed_size: int = 0, random_seed: int = 0) -> dict:
        """Replace all data with a fresh seed."""
        return self._call("POST", "/reset", {"seed": seed, "seed_size": seed_size, "random_seed": random_seed})

    def clock_now(self) -> str:
        """The emulator's current time, ISO UTC."""
        return self._call("GET", "/clock")["now"]

    def set_clock(self, iso: str) -> str:
        """Freeze the clock at an instant (it then moves 1 ms per write)."""
        return self._call("POST", "/clock", {"now": iso})["now"]

    def advance_clock(self, seconds: float) -> str:
        """Move the clock forward."""
        return self._call("POST", "/clock", {"advance_seconds": seconds})["now"]

    def set_clock_offset(self, seconds: float) -> str:
        """Run the clock on real time shifted by ``seconds`` (negative: behind the caller's clock)."""
        return self._call("POST", "/clock", {"offset_seconds": seconds})["now"]

    def stats(self) -> dict:
        """Requests by route, max in flight, 429s, faults."""
        return self._call("GET", "/stats")

    def reset_stats(self) -> None:
        self._call("POST", "/stats/reset")

    def create_object(self, obj_code: str, data: dict) -> dict:
        """Create an object without API rules."""
        return self._call("POST", f"/objects/{obj_code}", data)

    def edit_object(self, obj_code: str, obj_id: str, data: dict) -> dict:
        """Edit an object (bumps lastUpdateDate, writes journal entries)."""
        return self._call("PATCH", f"/objects/{obj_code}/{obj_id}", data)

    def delete_object(self, obj_code: str, obj_id: str) -> None:
        """Delete an object (writes a journal D entry)."""
        self._call("DELETE", f"/objects/{obj_code}/{obj_id}")

    def get_object(self, obj_code: str, obj_id: str) -> dict:
        return self._call("GET", f"/objects/{obj_code}/{obj_id}")

    def list_objects(self, obj_code: str) -> list[dict]:
        """Every stored object of a type, with all stored fields."""
        return self._call("GET", f"/objects/{obj_code}")["data"]

    def set_faults(self, rate: float = 0.0, kinds: tuple[str, ...] = ("429", "500", "drop"), latency_ms: float = 0.0,
                   random_seed: int = 0, churn: dict | None = None, concurrency_limit: int | None = None,
                   base_cost_ms: float = 0.0, row_cost_ms: float = 0.0, event_drop_rate: float = 0.0) -> None:
        """Latency, random failures, churn (edits/deletes between search requests), the cost
        model (every answer takes at least ``base_cost_ms`` plus ``row_cost_ms`` per row) and the
        share of event deliveries never sent (``event_drop_rate``), all drawn from ``random_seed``."""
        body: dict[str, Any] = {"rate": rate, "kinds": list(kinds), "latency_ms": latency_ms, "random_seed": random_seed,
                                "churn": churn, "base_cost_ms": base_cost_ms, "row_cost_ms": row_cost_ms,
                                "event_drop_rate": event_drop_rate}
        if concurrency_limit is not None:
            body["concurrency_limit"] = concurrency_limit
        self._call("POST", "/faults", body)

    def set_order(self, shuffle_seed: int | None) -> None:
        """Shuffle unsorted results and ties within a sort with this seed; ``None`` keeps the store's order."""
        self._call("POST", "/order", {"shuffle_seed": shuffle_seed})

    def set_time_zone(self, name: str) -> None:
        """The tenant's IANA time zone from now on (dates already stored keep their offsets until a reset)."""
        self._call("POST", "/time-zone", {"time_zone": name})

    def set_invented_rules(self, *names: str) -> None:
        """Switch on exactly these rules the docs do not state (none: all off, the default)."""
        self._call("POST", "/rules", {"enabled": list(names)})

    def expire_sessions(self) -> int:
        """Expire every session and access token."""
        return self._call("POST", "/sessions/expire")["expired"]

    def event_deliveries(self) -> list[dict]:
        """Webhook delivery attempts so far."""
        return self._call("GET", "/event-deliveries")["data"]

    def dropped_events(self) -> list[dict]:
        """Event deliveries the drop fault kept from being sent (never attempted)."""
        return self._call("GET", "/event-deliveries")["dropped"]

    def close(self) -> None:
        self._http.close()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class EmulatorServer:
    """The emulator on a free loopback port in a background thread.

    Keyword arguments are :class:`~airflow_workfront.emulator.app.EmulatorConfig` fields, plus
    ``api_key``, ``username``, ``password``, ``session_ttl``, ``oauth_clients``, ``jwt_public_key``,
    ``refresh_tokens``, ``ims_org_id`` and ``ims_tokens`` for the credentials. The control API is on.
    """

    def __init__(self, api_key: str = "test-key", host: str = "127.0.0.1", port: int | None = None,
                 control_api: bool = True, **options: Any) -> None:
        auth_fields = {k: options.pop(k) for k in list(options) if k in AuthConfig.__dataclass_fields__}
        self.config = EmulatorConfig(auth=AuthConfig(api_key=api_key, **auth_fields), control_api=control_api, **options)
        self.host = host
        self.port = port or free_port(host)
        self.api_key = api_key
        self.emulator: Emulator | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.control: EmulatorControl | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> EmulatorServer:
        import uvicorn

        self.emulator = Emulator(self.config)
        logging.getLogger("uvicorn.error").addFilter(QuietDroppedConnections())
        config = uvicorn.Config(self.emulator.asgi(), host=self.host, port=self.port, log_level="warning",
                                lifespan="off", access_log=False, date_header=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="wf-emulator", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the emulator did not start on {self.base_url}")
            time.sleep(0.02)
        self.control = EmulatorControl(self.base_url)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.control is not None:
            self.control.close()
        self._server = self._thread = self.control = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def stop_process(proc: Any, grace: float) -> None:
    """Terminate ``proc`` (a :class:`subprocess.Popen`) if it still runs, and kill it when it has
    not exited after ``grace`` seconds."""
    stop_processes([proc], grace)


def stop_processes(procs: Any, grace: float) -> None:
    """Terminate every process of ``procs`` that still runs, all at once so that they shut down in
    parallel, then kill each one that has not exited ``grace`` seconds after it was asked."""
    import subprocess
    import time

    procs = list(procs)
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class EmulatorProcess:
    """The emulator CLI in its own process, for measurements and heavy tests.

    Its CPU use stays apart from the caller's. The log goes to a temporary file, not a pipe: a
    pipe nobody reads blocks the emulator once its buffer fills.

    :param cli_args: Extra CLI arguments, e.g. ``("--seed-size", "50000", "--latency-ms", "50")``.
    :param api_key: The admin API key.
    :param shuffle_seed: Shuffle unsorted results and ties within a sort with this seed (``--shuffle-seed``).
    """

    def __init__(self, *cli_args: str, api_key: str = "test-key", start_timeout: float = 300.0,
                 shuffle_seed: int | None = None) -> None:
        import subprocess
        import sys
        import tempfile

        self.api_key = api_key
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "airflow_workfront.emulator", "--port", str(self.port), "--api-key", api_key,
             "--control-api", *cli_args,
             *(("--shuffle-seed", str(shuffle_seed)) if shuffle_seed is not None else ())],
            stdout=self.log, stderr=subprocess.STDOUT, text=True,
        )
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                httpx.get(f"{self.base_url}/_emulator/clock", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"the emulator did not start: {self.log_tail()}") from None
                time.sleep(0.1)
        self.control = EmulatorControl(self.base_url)

    def log_tail(self, chars: int = 2000) -> str:
        """The end of the emulator's output."""
        if self.log.closed:
            return ""
        self.log.seek(0)
        return self.log.read()[-chars:]

    def stop(self) -> None:
        """Stop the process (terminate, then kill) and close the log."""
        if getattr(self, "control", None) is not None:
            self.control.close()
        stop_process(self.proc, grace=10)
        self.log.close()

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
