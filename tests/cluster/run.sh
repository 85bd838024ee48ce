#!/usr/bin/env bash
# The cluster test of issue 5: three replicas of parley serve on one
# PostgreSQL database, a mixed load sent round-robin across them, and one
# replica killed with SIGKILL partway through. Afterwards every job must
# reach a terminal state, every succeeded export must equal its project as
# imported, and no request may have failed except those open on the killed
# replica when it died.
#
# Usage: tests/cluster/run.sh [--short] [--seconds N]
#   --short      a ~10 s load (the default is 60 s)
#   --seconds N  an N-second load
# Needs PostgreSQL binaries (apt-get install -y postgresql) and root to run
# them as the postgres user, unless PARLEY_TEST_POSTGRES_URL names a server
# (a fresh database is created on it when the URL's user may).
set -euo pipefail
cd "$(dirname "$0")/../.."

secs=60
while [ $# -gt 0 ]; do
  case "$1" in
    --short) secs=10 ;;
    --seconds) secs=$2; shift ;;
    *) echo "usage: $0 [--short] [--seconds N]" >&2; exit 2 ;;
  esac
  shift
done

work=$(mktemp -d)
chmod 755 "$work" # the postgres user must reach its data directory
pids=()
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)}
pgstarted=
dropdb_url=
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; { wait "$p"; } 2>/dev/null || true; done
  if [ -n "$dropdb_url" ]; then
    psql "$dropdb_url" -qc "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [ -n "$pgstarted" ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ $rc -ne 0 ] && [ -s "$work/replicas.log" ]; then
    echo "--- last lines of the replicas' logs:" >&2
    tail -n 30 "$work/replicas.log" >&2 || true
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

go build -o bin/parley ./cmd/parley
go build -o "$work/driver" ./tests/cluster/driver

dbname=parley_cluster_$$
if [ -n "${PARLEY_TEST_POSTGRES_URL:-}" ]; then
  url=$PARLEY_TEST_POSTGRES_URL
  # A fresh database on the given server, when its user may create one.
  if psql "$url" -qc "CREATE DATABASE $dbname" >/dev/null 2>&1; then
    dropdb_url=$url
    url=$(python3 - "$url" "$dbname" <<'PY'
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
print(urllib.parse.urlunsplit(u._replace(path="/" + sys.argv[2])))
PY
)
  else
    echo "note: cannot create a database on PARLEY_TEST_POSTGRES_URL; using its database as it is" >&2
  fi
else
  [ -x "$PGBIN/initdb" ] || { echo "no PostgreSQL binaries (apt-get install -y postgresql), and PARLEY_TEST_POSTGRES_URL is not set" >&2; exit 1; }
  mkdir -p "$work/pg"; chown postgres:postgres "$work/pg"
  pgport=$(freeport)
  runuser -u postgres -- "$PGBIN/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
  pgstarted=1
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pgport -k $work/pg -c fsync=off" start >/dev/null
  "$PGBIN/psql" -h 127.0.0.1 -p "$pgport" -U postgres -qc "CREATE DATABASE $dbname"
  url="postgres://postgres@127.0.0.1:$pgport/$dbname?sslmode=disable"
fi

key=cluster-test-key-$RANDOM$RANDOM
endpoints=()
for i in 1 2 3; do
  port=$(freeport)
  bin/parley serve --listen 127.0.0.1:$port --key "$key" --store "$url" --job-lease 2s \
    >>"$work/replicas.log" 2>&1 &
  pids+=($!)
  endpoints+=("$!=http://127.0.0.1:$port")
done
for ep in "${endpoints[@]}"; do
  base=${ep#*=}
  for _ in $(seq 200); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.05; done
  curl -sf "$base/healthz" >/dev/null || { echo "replica $base did not come up" >&2; exit 1; }
done

rc=0
"$work/driver" -key "$key" -seconds "$secs" -kill-at 0.4 -datasets testdata/datasets/smoke "${endpoints[@]}" || rc=$?
# For information: jobs claimed more than once (a dead replica's jobs re-run
# by another after the lease expired).
psqlbin=psql; [ -x "$PGBIN/psql" ] && psqlbin=$PGBIN/psql
reclaimed=$("$psqlbin" "$url" -Atc "SELECT count(*) FILTER (WHERE attempt > 1) || ' of ' || count(*) FROM jobs" 2>/dev/null || echo "unknown")
echo "info: jobs claimed more than once: $reclaimed"
exit $rc
