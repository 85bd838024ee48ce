#!/usr/bin/env bash
# End-to-end over https, as a new user sets it up: parley dev-cert makes a
# development certificate authority and a certificate for localhost; parley
# serve --tls-cert/--tls-key serves https; the official Azure SDK for Python
# (tls_e2e.py, trusting the authority with REQUESTS_CA_BUNDLE and with
# connection_verify) imports, trains and deploys; the official Azure
# JavaScript runtime client (tests/js, pinned by its lock file, installed with
# npm ci) predicts with its default options, trusting the authority with
# NODE_EXTRA_CA_CERTS.
#
# Usage: bash tests/sdk/https.sh   (from anywhere; needs python3-azure, node, npm)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py=/usr/bin/python3

echo "https: building bin/parley"
(cd "$root" && go build -o bin/parley ./cmd/parley)
if [ ! -d "$root/tests/js/node_modules/@azure/ai-language-conversations" ]; then
  echo "https: npm ci in tests/js"
  (cd "$root/tests/js" && npm ci --no-audit --no-fund --loglevel=error)
fi

export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}" NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  status=$?
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$tmp/server.log" ]; then
    echo "---- parley server log ----" >&2
    cat "$tmp/server.log" >&2
    echo "---- end of server log ----" >&2
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT

"$root/bin/parley" dev-cert --dir "$tmp/certs" > "$tmp/dev-cert.txt"
grep -q "NODE_EXTRA_CA_CERTS=$tmp/certs/ca.pem" "$tmp/dev-cert.txt"
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
endpoint="https://127.0.0.1:$port"
key="https-e2e-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
"$root/bin/parley" serve --listen "127.0.0.1:$port" --data "$tmp/data" --key "$key" \
  --tls-cert "$tmp/certs/cert.pem" --tls-key "$tmp/certs/key.pem" >"$tmp/server.log" 2>&1 &
server_pid=$!

"$py" - "$endpoint/healthz" "$server_pid" "$tmp/certs/ca.pem" <<'PY'
import os, ssl, sys, time, urllib.request
url, pid, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
deadline = time.monotonic() + 30
while True:
    try:
        with urllib.request.urlopen(url, timeout=2, context=ctx) as r:
            if r.status == 200:
                break
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit("https: parley exited before answering " + url)
    if time.monotonic() > deadline:
        sys.exit("https: parley did not answer " + url + " within 30s")
    time.sleep(0.05)
PY
echo "https: parley is up at $endpoint"

PARLEY_ENDPOINT="$endpoint" PARLEY_KEY="$key" PARLEY_CA="$tmp/certs/ca.pem" \
  REQUESTS_CA_BUNDLE="$tmp/certs/ca.pem" "$py" "$here/tls_e2e.py"
project=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["metadata"]["projectName"])' \
  "$root/testdata/datasets/smoke/snips2017.smoke.clu.json")
(cd "$root/tests/js" && PARLEY_ENDPOINT="$endpoint" PARLEY_KEY="$key" PARLEY_PROJECT="$project" \
  NODE_EXTRA_CA_CERTS="$tmp/certs/ca.pem" node tls_runtime.mjs)
