#!/usr/bin/env bash
# Runs the shared conformance kit against the local server: `make serve`, on the kit's
# inventory, on a free loopback port. Usage: conformance.sh KIT_DIR [serve flags...]
set -euo pipefail
kit=${1:?usage: conformance.sh KIT_DIR [serve flags...]}
shift
if [ ! -f "$kit/main.go" ]; then
	echo "conformance kit not found at $kit" >&2
	exit 1
fi
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
(cd "$kit" && go build -o "$work/conformance" .)
go build -o "$work/local" ./functions/local
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
SGREF_INVENTORY="file:$kit/inventory.json" "$work/local" serve -addr "127.0.0.1:$port" "$@" 2>"$work/serve.log" &
pid=$!
for _ in $(seq 1 100); do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
	kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
	sleep 0.1
done
echo "conformance kit against local serve $* on 127.0.0.1:$port"
"$work/conformance" -endpoint "http://127.0.0.1:$port"
