# Shared by the bench/*.sh scripts: sourced, not run.

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }

# machine prints what the numbers were measured on.
machine() {
  echo "== machine"
  echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  go version
}

# start_server builds and starts the real binary on a free loopback port with
# a fresh data directory, and sets port, pid, dir, base and key; the server
# stops and its directory goes when the script exits.
start_server() {
  go build -o bin/parley ./cmd/parley
  dir=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  bin/parley serve --listen 127.0.0.1:$port --data "$dir/data" --key bench-key >"$dir/log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
  base=http://127.0.0.1:$port/language/authoring/analyze-conversations
  key="Ocp-Apim-Subscription-Key: bench-key"
  for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.05; done
}

# oploc reads the operation-location of a response's headers.
oploc() { tr -d '\r' | awk -F': ' 'tolower($1)=="operation-location"{print $2}'; }

# wait_job polls a job until its own status (not a phase's) is succeeded; it
# fails on failed or cancelled, and on an empty URL (the request was refused).
wait_job() {
  [ -n "$1" ] || { echo "no job to wait for: the request was refused" >&2; exit 1; }
  while :; do
    st=$(curl -s "$1" -H "$key" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
    case $st in succeeded) return ;; failed|cancelled) echo "job $1 $st" >&2; exit 1 ;; esac
    sleep 0.01
  done
}
