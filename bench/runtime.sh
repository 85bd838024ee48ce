#!/usr/bin/env bash
# Prediction over HTTP against the real binary, with wrk on loopback:
# predictions/s and latency percentiles of POST /language/:analyze-conversations
# on SNIPS- and BANKING77-sized models at 4 and 16 connections, the server's
# RSS, and the same load on a bare Go JSON handler (bench/barejson), the
# yardstick the predictions/s are compared with.
# The in-process latencies and the heap of a loaded deployment come from
#   go test -run='^$' -bench=Predict -benchtime=3000x -count=3 ./internal/api/
# Usage: bench/runtime.sh [seconds of wrk load, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
. bench/lib.sh
machine

echo "== over HTTP, real binary"
start_server

for ds in snips2017 banking77; do
  name=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['metadata']['projectName'])" testdata/datasets/$ds.clu.json)
  wait_job "$(curl -si -X POST "$base/projects/$name/:import?api-version=2023-04-01" -H "$key" --data-binary @testdata/datasets/$ds.clu.json | oploc)"
  wait_job "$(curl -si -X POST "$base/projects/$name/:train?api-version=2023-04-01" -H "$key" -d '{"modelLabel":"m","trainingMode":"standard","evaluationOptions":{"kind":"manual"}}' | oploc)"
  wait_job "$(curl -si -X PUT "$base/projects/$name/deployments/production?api-version=2023-04-01" -H "$key" -d '{"trainedModelLabel":"m"}' | oploc)"
  rss_before=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  cat > "$dir/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Ocp-Apim-Subscription-Key"] = "bench-key"
wrk.body = '{"kind":"Conversation","analysisInput":{"conversationItem":{"id":"1","participantId":"1","text":"play the latest album by phil collins on spotify"}},"parameters":{"projectName":"$name","deploymentName":"production"}}'
LUA
  for c in 4 16; do
    echo "== $ds: POST :analyze-conversations with wrk, 2 threads, $c connections, ${secs}s"
    wrk -t2 -c$c -d${secs}s --latency -s "$dir/post.lua" "http://127.0.0.1:$port/language/:analyze-conversations?api-version=2023-04-01"
  done
  rss_after=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  echo "server RSS before the first prediction ${rss_before} kB, after the load ${rss_after} kB"
done
grep -E 'VmHWM' /proc/$pid/status

# The yardstick: a bare Go JSON handler on the same machine, same run.
go build -o bin/barejson ./bench/barejson
bareport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bin/barejson 127.0.0.1:$bareport &
barepid=$!
trap 'kill $pid $barepid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf -X POST -d '{}' http://127.0.0.1:$bareport/ >/dev/null && break; sleep 0.05; done
for c in 4 16; do
  echo "== bare Go JSON handler, wrk, 2 threads, $c connections, ${secs}s"
  wrk -t2 -c$c -d${secs}s -s "$dir/post.lua" "http://127.0.0.1:$bareport/"
done
