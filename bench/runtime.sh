#!/usr/bin/env bash
# Prediction over HTTP against the real binary, with wrk on loopback:
# predictions/s and latency percentiles of POST /language/:analyze-conversations
# on SNIPS- and BANKING77-sized models, and the server's RSS.
# The in-process latencies and the heap of a loaded deployment come from
#   go test -run='^$' -bench=Predict -benchtime=3000x -count=3 ./internal/api/
# Usage: bench/runtime.sh [seconds of wrk load, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }

echo "== machine"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

echo "== over HTTP, real binary"
go build -o bin/parley ./cmd/parley
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bin/parley serve --listen 127.0.0.1:$port --data "$dir/data" --key bench-key >"$dir/log" 2>&1 &
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
    sleep 0.05
  done
}

for ds in snips2017 banking77; do
  name=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['metadata']['projectName'])" ../shared/datasets/$ds.clu.json)
  wait_job "$(curl -si -X POST "$base/projects/$name/:import?api-version=2023-04-01" -H "$key" --data-binary @../shared/datasets/$ds.clu.json | oploc)"
  wait_job "$(curl -si -X POST "$base/projects/$name/:train?api-version=2023-04-01" -H "$key" -d '{"modelLabel":"m","trainingMode":"standard","evaluationOptions":{"kind":"manual"}}' | oploc)"
  wait_job "$(curl -si -X PUT "$base/projects/$name/deployments/production?api-version=2023-04-01" -H "$key" -d '{"trainedModelLabel":"m"}' | oploc)"
  rss_before=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  cat > "$dir/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Ocp-Apim-Subscription-Key"] = "bench-key"
wrk.body = '{"kind":"Conversation","analysisInput":{"conversationItem":{"id":"1","participantId":"1","text":"play the latest album by phil collins on spotify"}},"parameters":{"projectName":"$name","deploymentName":"production"}}'
LUA
  echo "== $ds: POST :analyze-conversations with wrk, 2 threads, 8 connections, ${secs}s"
  wrk -t2 -c8 -d${secs}s --latency -s "$dir/post.lua" "http://127.0.0.1:$port/language/:analyze-conversations?api-version=2023-04-01"
  rss_after=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  echo "server RSS before the first prediction ${rss_before} kB, after the load ${rss_after} kB"
done
grep -E 'VmHWM' /proc/$pid/status
