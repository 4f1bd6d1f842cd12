"""Command line: ``python -m airflow_workfront.emulator --api-key KEY --seed demo``."""

from __future__ import annotations

import argparse
import logging
import math
import sys
from pathlib import Path

from airflow_workfront.emulator.app import Emulator, EmulatorConfig, QuietDroppedConnections
from airflow_workfront.emulator.auth import AuthConfig
from airflow_workfront.emulator.rules import INVENTED_RULES


def _finite_seconds(text: str) -> float:
    """A finite number of seconds (argparse type)."""
    value = float(text)
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds, got {text!r}")
    return value


def _share(text: str) -> float:
    """A number from 0 to 1 (argparse type)."""
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1, got {text!r}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m airflow_workfront.emulator",
                                     description="A local Adobe Workfront API for development and tests.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback only)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--api-key", default="demo-key", help="API key of the admin user")
    parser.add_argument("--username", default="admin@example.com")
    parser.add_argument("--password", default="password", help="admin password for /login")
    parser.add_argument("--seed", choices=("demo", "empty"), default="demo")
    parser.add_argument("--seed-size", type=int, default=0, help="add N tasks with projects, issues, users, hours")
    parser.add_argument("--random-seed", type=int, default=0, help="makes seeds and faults reproducible")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay added to every API request")
    parser.add_argument("--base-cost-ms", type=float, default=0.0,
                        help="cost model: every answer takes at least this long (plus --row-cost-ms a row)")
    parser.add_argument("--row-cost-ms", type=float, default=0.0,
                        help="cost model: time per row an answer returns, e.g. 0.5")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of requests answered with a fault")
    parser.add_argument("--fault-kinds", default="429,500,drop",
                        help="comma-separated faults to draw from: 429, 500, drop, error200 (an error body with HTTP 200)")
    parser.add_argument("--event-drop-rate", type=_share, default=0.0, metavar="R",
                        help="share of event deliveries never sent, as when Workfront gives up after its retries "
                             "(drawn from --random-seed)")
    parser.add_argument("--concurrency-limit", type=int, default=10, help="requests in flight before 429")
    parser.add_argument("--session-ttl", type=float, default=8 * 3600.0, help="seconds a session/token lives")
    parser.add_argument("--shuffle-seed", type=int, default=None, metavar="N",
                        help="shuffle unsorted search results and ties within a sort, seeded with N "
                             "(Workfront promises no order beyond the sort)")
    parser.add_argument("--invented-rule", action="append", default=[], choices=sorted(INVENTED_RULES),
                        help="switch on a rule the docs do not state (repeatable; all are off by default)")
    parser.add_argument("--time-zone", default="America/Denver",
                        help="the tenant's IANA time zone: offsets in answers and $$TODAY (with DST)")
    parser.add_argument("--clock", default=None, help="freeze the clock at this ISO instant")
    parser.add_argument("--clock-offset", type=_finite_seconds, default=0.0, metavar="SECONDS",
                        help="run the clock this many seconds ahead of the machine's (negative: behind)")
    parser.add_argument("--control-api", action="store_true", help="serve /_emulator/ (tests and demos only)")
    parser.add_argument("--oauth-client", action="append", default=[], metavar="ID:SECRET",
                        help="an OAuth2/IMS client the token endpoints accept (repeatable)")
    parser.add_argument("--jwt-public-key", type=Path, help="PEM public key that verifies JWT exchanges")
    parser.add_argument("--refresh-token", action="append", default=[], help="an initial OAuth2 refresh token")
    parser.add_argument("--no-refresh-rotation", action="store_true",
                        help="keep refresh tokens on use (the OAuth2 app's rotation setting off)")
    parser.add_argument("--ims-org-id", help="accept Adobe IMS bearer tokens for this org")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    args = parse_args(argv)
    clients = dict(item.split(":", 1) for item in args.oauth_client)
    auth = AuthConfig(api_key=args.api_key, username=args.username, password=args.password,
                      session_ttl=args.session_ttl, oauth_clients=clients,
                      jwt_public_key=args.jwt_public_key.read_text() if args.jwt_public_key else None,
                      refresh_tokens=args.refresh_token, ims_org_id=args.ims_org_id,
                      rotate_refresh_tokens=not args.no_refresh_rotation)
    config = EmulatorConfig(auth=auth, seed=args.seed, seed_size=args.seed_size, random_seed=args.random_seed,
                            latency_ms=args.latency_ms, base_cost_ms=args.base_cost_ms,
                            row_cost_ms=args.row_cost_ms, fault_rate=args.fault_rate,
                            fault_kinds=tuple(k for k in args.fault_kinds.split(",") if k),
                            concurrency_limit=args.concurrency_limit, control_api=args.control_api, clock=args.clock,
                            shuffle_seed=args.shuffle_seed, invented_rules=tuple(args.invented_rule),
                            time_zone=args.time_zone, clock_offset=args.clock_offset,
                            event_drop_rate=args.event_drop_rate)
    emulator = Emulator(config)
    logging.getLogger("uvicorn.error").addFilter(QuietDroppedConnections())
    ready = f"Workfront emulator ready at http://{args.host}:{args.port}"

    class AnnouncingServer(uvicorn.Server):
        """Prints the ready line once the socket listens (tests and make demo wait for it)."""

        async def startup(self, sockets=None) -> None:
            await super().startup(sockets=sockets)
            print(ready, flush=True)

    server = AnnouncingServer(uvicorn.Config(emulator.asgi(), host=args.host, port=args.port, log_level="warning",
                                             lifespan="off", access_log=False, date_header=False))
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
