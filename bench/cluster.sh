#!/usr/bin/env bash
# The export flow and job-status GETs against one replica on SQLite, one on
# PostgreSQL, and three on the same PostgreSQL (round-robin), all on this
# machine: replicas, database and load generator share its cores.
# Usage: bench/cluster.sh [seconds per measure, default 8]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-8}
go build -o bin/parley ./cmd/parley
go build -o bin/cluster-bench ./bench/cluster
work=$(mktemp -d)
chmod 755 "$work" # the postgres user must reach its data directory
pids=()
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -d "$work/pg" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
key=bench-key
data=testdata/datasets/snips2017.clu.json
name=SNIPS2017

# start_replica starts a replica with the given store flags and sets ep to
# its endpoint. (Not run in $(...): its pid must reach the cleanup.)
start_replica() {
  local port; port=$(freeport)
  bin/parley serve --listen 127.0.0.1:$port --key $key "$@" >>"$work/replicas.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.05; done
  ep=http://127.0.0.1:$port
}
import_into() { # $1: endpoint
  local loc
  loc=$(curl -si -X POST "$1/language/authoring/analyze-conversations/projects/$name/:import?api-version=2023-04-01" \
    -H "Ocp-Apim-Subscription-Key: $key" --data-binary @$data | tr -d '\r' | awk -F': ' 'tolower($1)=="operation-location"{print $2}')
  until curl -s "$loc" -H "Ocp-Apim-Subscription-Key: $key" | grep -q '"status":"succeeded"'; do sleep 0.05; done
}
stop_replicas() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=(); }

echo "== $(nproc) cores; snips2017.clu.json (3.9 MB) exported, ${secs}s per measure, 8 clients"
start_replica --data "$work/sqlite"
import_into "$ep"
echo -n "SQLite, 1 replica:      "; bin/cluster-bench -key $key -project $name -seconds "$secs" "$ep"
stop_replicas

mkdir -p "$work/pg"; chown postgres:postgres "$work/pg"
pgport=$(freeport)
runuser -u postgres -- "$PGBIN/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -o "-c listen_addresses=127.0.0.1 -p $pgport -k $work/pg" start >/dev/null
"$PGBIN/psql" -h 127.0.0.1 -p "$pgport" -U postgres -qc 'CREATE DATABASE parley'
url="postgres://postgres@127.0.0.1:$pgport/parley?sslmode=disable"

start_replica --store "$url"
import_into "$ep"
echo -n "PostgreSQL, 1 replica:  "; bin/cluster-bench -key $key -project $name -seconds "$secs" "$ep"
eps=("$ep")
start_replica --store "$url"; eps+=("$ep")
start_replica --store "$url"; eps+=("$ep")
echo -n "PostgreSQL, 3 replicas: "; bin/cluster-bench -key $key -project $name -seconds "$secs" "${eps[@]}"
