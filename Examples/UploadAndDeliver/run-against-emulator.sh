#!/usr/bin/env bash
# Runs the UploadAndDeliver example against a standalone `cfimages emulator` (what `make example` does):
#   Examples/UploadAndDeliver/run-against-emulator.sh CFIMAGES_BINARY EXAMPLE_BINARY
# The emulator gets a free port (--port 0), a fresh data folder and fixed credentials; it must print its banner
# within 30 s, the example must finish within 60 s, and the emulator is stopped (TERM, then KILL after 5 s)
# however this ends.
set -euo pipefail
cfimages=$1
example=$2
work=$(mktemp -d)
emulator_pid=""

stop() {
    if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
        kill -TERM "$emulator_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$emulator_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop EXIT

account=example-account
token=example-token
hash=example-hash
key=example-signing-key
"$cfimages" emulator --host 127.0.0.1 --port 0 --account-id "$account" --api-token "$token" \
    --account-hash "$hash" --signing-key "$key" --data-dir "$work/data" --log-level warning \
    > "$work/emulator.out" 2> "$work/emulator.err" &
emulator_pid=$!

api_base=""
for _ in $(seq 300); do
    api_base=$(sed -nE 's/.*emulator on (http:[^ ]+\/client\/v4).*/\1/p' "$work/emulator.out" | head -n 1)
    [ -n "$api_base" ] && break
    kill -0 "$emulator_pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$api_base" ]; then
    echo "error: the emulator did not start within 30 s" >&2
    cat "$work/emulator.out" "$work/emulator.err" >&2
    exit 1
fi

timeout 60 "$example" --api-base "$api_base" --account-id "$account" --api-token "$token" \
    --account-hash "$hash" --signing-key "$key" | tee "$work/example.out"

# What the example printed must be what it promises.
for line in "image id: " "upload url: ${api_base%/client/v4}/" "signed url: https://imagedelivery.net/$hash/" "srcset: " \
    "webhook: genuine accepted, forged refused"; do
    grep -q "^$line" "$work/example.out" || { echo "error: the example printed no '$line' line" >&2; exit 1; }
done
echo "UploadAndDeliver: ok against the emulator at $api_base"
