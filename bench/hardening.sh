#!/usr/bin/env bash
# Hardening against the real binary (issue 9):
#  1. connections: 2,000 idle connections against a server limited to 1,024
#     file descriptors, what it still holds, and keyed requests made meanwhile;
#  2. memory: 32 concurrent first predictions of a model nobody has loaded
#     (after a restart), RSS before and peak, latencies;
#  3. the job queue: an export of a small project started behind 20 trainings,
#     POST to succeeded, and how many trainings run at once.
# The load generator is go run ./bench/hardening; it reads the server's
# descriptors and memory from /proc.
# Usage: bench/hardening.sh [connections, default 2000] [trainings, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
conns=${1:-2000}
trainings=${2:-20}
. bench/lib.sh
machine

dir=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
go build -o "$dir/parley" ./cmd/parley
go build -o "$dir/hardening" ./bench/hardening
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port/language/authoring/analyze-conversations
key="Ocp-Apim-Subscription-Key: bench-key"

# serve [COMMAND...] -- [FLAGS...] starts the binary on the data directory
# $dir/data, under COMMAND if given (prlimit), and waits until it answers.
serve() {
  local pre=()
  while [ "$1" != -- ]; do pre+=("$1"); shift; done
  shift
  "${pre[@]}" "$dir/parley" serve --listen 127.0.0.1:$port --data "$dir/data" --key bench-key "$@" >>"$dir/log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && return; sleep 0.05; done
  echo "the server did not start" >&2; cat "$dir/log" >&2; exit 1
}
stop() { kill $pid; wait $pid || true; pid=; }
gen() { "$dir/hardening" "$1" -addr 127.0.0.1:$port -pid $pid -key bench-key "${@:2}"; }
import_project() { # import_project FILE NAME
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["metadata"]["projectName"]=sys.argv[2]; json.dump(d,open(sys.argv[3],"w"))' "$1" "$2" "$dir/import.json"
  wait_job "$(curl -si -X POST "$base/projects/$2/:import?api-version=2023-04-01" -H "$key" --data-binary @"$dir/import.json" | oploc)"
}

echo "== 1. connections: $conns idle connections, server under prlimit --nofile=1024:1024 (default --max-conns, --idle-timeout 30s)"
serve prlimit --nofile=1024:1024 --
grep 'Max open files' /proc/$pid/limits
for mode in healthz silent keyed; do
  gen flood -n "$conns" -mode $mode -hold 33s -probes 5
done
stop

echo "== 2. memory: cold loads of a SNIPS 2017 deployment after a restart (default --model-memory 1 GiB)"
rm -rf "$dir/data"
serve --
import_project testdata/datasets/snips2017.clu.json snips
wait_job "$(curl -si -X POST "$base/projects/snips/:train?api-version=2023-04-01" -H "$key" -d '{"modelLabel":"m","trainingMode":"standard","evaluationOptions":{"kind":"manual"}}' | oploc)"
wait_job "$(curl -si -X PUT "$base/projects/snips/deployments/production?api-version=2023-04-01" -H "$key" -d '{"trainedModelLabel":"m"}' | oploc)"
for n in 1 32; do
  stop; serve --
  gen predict -project snips -n $n
done

echo "== 3. the job queue: an export of SNIPS2017-smoke behind $trainings trainings of SNIPS 2017 (default --job-workers 4, --training-memory 6 GiB)"
import_project testdata/datasets/smoke/snips2017.smoke.clu.json smoke
names=()
for i in $(seq "$trainings"); do import_project testdata/datasets/snips2017.clu.json snips$i; names+=(snips$i); done
stop; serve --
gen queue -export smoke "${names[@]}"
