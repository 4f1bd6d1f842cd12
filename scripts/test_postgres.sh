#!/usr/bin/env bash
# A throwaway PostgreSQL server for the PostgreSQL tests, when none answers on 127.0.0.1:5432
# (.ci/run uses the machine's server there when it can; tests/conftest.py does the same).
#
#   scripts/test_postgres.sh start   # prints postgresql://wf@127.0.0.1:PORT/postgres, or nothing
#   scripts/test_postgres.sh stop
#
# It uses the machine's PostgreSQL server binaries (Debian's postgresql package). Without them,
# or when the server will not start, it prints nothing and the test skips, saying why.
set -uo pipefail
STATE=/tmp/wf-test-postgres

bin_dir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

run() {  # initdb and postgres refuse to run as root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    BIN=$(bin_dir)
    [ -n "$BIN" ] && [ -x "$BIN/initdb" ] || { echo "no PostgreSQL server binaries" >&2; exit 0; }
    rm -rf "$STATE" && mkdir -p "$STATE"
    [ "$(id -u)" = 0 ] && chown postgres "$STATE"
    PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if run "$BIN/initdb" -D "$STATE/data" -A trust -U wf >"$STATE/initdb.log" 2>&1 &&
       run "$BIN/pg_ctl" -D "$STATE/data" -l "$STATE/server.log" -w -t 60 \
         -o "-p $PORT -k $STATE -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null 2>&1; then
      echo "postgresql://wf@127.0.0.1:$PORT/postgres"
    else
      echo "PostgreSQL did not start; see $STATE/*.log" >&2
    fi
    ;;
  stop)
    BIN=$(bin_dir)
    [ -d "$STATE/data" ] && run "$BIN/pg_ctl" -D "$STATE/data" -m fast stop >/dev/null 2>&1
    rm -rf "$STATE"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
