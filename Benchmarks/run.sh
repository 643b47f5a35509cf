#!/usr/bin/env bash
# `make bench`: install wrk if missing, build the release binaries and the Django virtualenv, then run bench.py.
# A build that fails does not stop the run: bench.py reports that contestant as not run. Extra arguments go to
# bench.py (e.g. `Benchmarks/run.sh --only cfimages,Hummingbird --scenarios s1`).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK="$ROOT/bench-results/work"
mkdir -p "$WORK"
SWIFT=${SWIFT:-swift}
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"

if ! command -v wrk >/dev/null; then
    echo "Installing wrk"
    $sudo apt-get update && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends wrk
fi

echo "Building cfimages (release)"
# As the Makefile's release builds (static Swift runtime, packed relocations); `make bench` passes them in.
read -ra RELEASE_FLAGS <<<"${RELEASE_FLAGS:---static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs}"
if $SWIFT build -c release "${RELEASE_FLAGS[@]}" --product cfimages >"$WORK/build-cfimages.log" 2>&1; then
    export BENCH_CFIMAGES="$($SWIFT build -c release "${RELEASE_FLAGS[@]}" --show-bin-path)/cfimages"
else
    export BENCH_CFIMAGES_PROBLEM="release build failed, see bench-results/work/build-cfimages.log"
    tail -5 "$WORK/build-cfimages.log"
fi

# build_peer DESCRIPTION PACKAGE LOG VARIABLE: a release build of a peer package; VARIABLE names its bin folder.
build_peer() {
    local args=(--package-path "$2" --scratch-path "$2/.build" -c release)
    echo "Building $1 (release)"
    if $SWIFT build "${args[@]}" >"$WORK/$3" 2>&1; then
        export "$4=$($SWIFT build "${args[@]}" --show-bin-path)"
    else
        tail -5 "$WORK/$3"
    fi
}
build_peer "the Hummingbird and FlyingFox peers" Benchmarks/Peers build-peers.log BENCH_PEERS_BIN
build_peer "the HTTPServer peer" Benchmarks/ServerPeer build-server-peer.log BENCH_SERVER_PEER_BIN

VENV="$ROOT/Benchmarks/django/.venv"
if [ ! -x "$VENV/bin/gunicorn" ]; then
    echo "Installing the Django peer into $VENV"
    { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q django djangorestframework \
        django-cloudflareimages-toolkit==1.1.6 gunicorn; } >"$WORK/venv.log" 2>&1 \
        || export BENCH_DJANGO_PROBLEM="pip install failed, see bench-results/work/venv.log"
fi
export BENCH_DJANGO_VENV="$VENV"

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# The cfimages-pg contestant runs on a throwaway PostgreSQL cluster (the tests' script: Unix socket, fsync off).
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    exec scripts/postgres-test-cluster.sh run -- python3 Benchmarks/bench.py "$@"
fi
exec python3 Benchmarks/bench.py "$@"
