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
data=testdata/datasets/snips2017.clu.json
. bench/lib.sh
machine

echo "== in-process benchmarks (go test -bench)"
go test -run='^$' -bench='ImportSNIPS|ExportSNIPS|MarshalSNIPS' -benchtime=20x -count=3 ./internal/api/

echo "== real binary"
start_server
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
