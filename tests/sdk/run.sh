#!/usr/bin/env bash
# End-to-end test with the official Azure SDK for Python
# (azure-ai-language-conversations 1.1.0b4, from Debian's python3-azure):
# builds parley, runs the real binary on a free loopback port with a temporary
# data directory, and runs authoring_e2e.py, resources_e2e.py,
# versions_e2e.py and luis_e2e.py (the LUIS prediction endpoint with the LUIS
# runtime SDK, azure-cognitiveservices-language-luis, also in python3-azure)
# against it.
#
# Usage: bash tests/sdk/run.sh   (from anywhere)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py=/usr/bin/python3

if ! "$py" -c "import azure.ai.language.conversations.authoring" 2>/dev/null; then
  echo "sdk: installing python3-azure (azure-ai-language-conversations)"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-azure
  else
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-azure
  fi
  "$py" -c "import azure.ai.language.conversations.authoring"
fi

echo "sdk: building bin/parley"
(cd "$root" && go build -o bin/parley ./cmd/parley)

# The server is on loopback: never send its requests through a proxy.
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

# A free loopback port: the kernel picks it, and the server binds it right
# after (a small window in which another process could take it).
port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
endpoint="http://127.0.0.1:$port"
key="sdk-e2e-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

# A time zone far from UTC, so that "tomorrow" on the server's clock is often
# another date than in UTC: the SDK test checks --timezone with it.
export PARLEY_SDK_TIMEZONE=Pacific/Kiritimati
"$root/bin/parley" serve --listen "127.0.0.1:$port" --data "$tmp/data" --key "$key" \
  --page-size 3 --timezone "$PARLEY_SDK_TIMEZONE" >"$tmp/server.log" 2>&1 &
server_pid=$!

# Wait for /healthz, polling with a deadline; fail early if the server died.
"$py" - "$endpoint/healthz" "$server_pid" <<'EOF'
import os, sys, time, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 30
while True:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            if r.status == 200:
                break
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit("sdk: parley exited before answering " + url)
    if time.monotonic() > deadline:
        sys.exit("sdk: parley did not answer " + url + " within 30s")
    time.sleep(0.05)
EOF
echo "sdk: parley is up at $endpoint"

PARLEY_ENDPOINT="$endpoint" PARLEY_KEY="$key" "$py" "$here/authoring_e2e.py"
PARLEY_ENDPOINT="$endpoint" PARLEY_KEY="$key" "$py" "$here/resources_e2e.py"
PARLEY_ENDPOINT="$endpoint" PARLEY_KEY="$key" "$py" "$here/versions_e2e.py"
PARLEY_ENDPOINT="$endpoint" PARLEY_KEY="$key" "$py" "$here/luis_e2e.py"
