#!/usr/bin/env bash
# Benchmarks of the authoring core, against the real binary and in-process:
#   1. import of snips2017.clu.json, POST to succeeded (go test -bench, in-process over HTTP);
#   2. export of the same project, POST to result downloaded, beside a bare json.Marshal;
#   3. GET of a job status over HTTP with wrk on loopback: requests/s and latency percentiles;
#   4. the server's peak RSS (VmHWM) after it imported, exported and served the status load.
# Usage: bench/authoring.sh [seconds of wrk load, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
data=../shared/datasets/snips2017.clu.json
command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }

echo "== machine"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
go version

echo "== in-process benchmarks (go test -bench)"
go test -run='^$' -bench='ImportSNIPS|ExportSNIPS|MarshalSNIPS' -benchtime=20x -count=3 ./internal/api/

echo "== real binary"
go build -o bin/parley ./cmd/parley
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bin/parley serve --listen 127.0.0.1:$port --data "$dir" --key bench-key >"$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
base=http://127.0.0.1:$port/language/authoring/analyze-conversations
key="Ocp-Apim-Subscription-Key: bench-key"
for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.05; done

oploc() { tr -d '\r' | awk -F': ' 'tolower($1)=="operation-location"{print $2}'; }
# wait_job polls a job until its own status (not a phase's) is succeeded; it fails on failed or cancelled.
wait_job() {
  [ -n "$1" ] || { echo "no job to wait for: the request was refused" >&2; exit 1; }
  while :; do
    st=$(curl -s "$1" -H "$key" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
    case $st in succeeded) return ;; failed|cancelled) echo "job $1 $st" >&2; exit 1 ;; esac
    sleep 0.01
  done
}
job=$(curl -si -X POST "$base/projects/SNIPS2017/:import?api-version=2023-04-01" -H "$key" --data-binary @$data | oploc)
wait_job "$job"
job=$(curl -si -X POST "$base/projects/SNIPS2017/:export?api-version=2023-04-01&stringIndexType=Utf16CodeUnit" -H "$key" | oploc)
wait_job "$job"

# wrk and the server share the 2 cores: with more connections the load
# generator saturates them and the tail is queueing, not the server.
for load in "1 4" "2 16"; do
  set -- $load
  echo "== GET job status with wrk: $1 thread(s), $2 connections, ${secs}s"
  wrk -t$1 -c$2 -d${secs}s --latency -H "$key" "$job"
done

echo "== server peak RSS"
grep -E 'VmHWM|VmRSS' /proc/$pid/status
