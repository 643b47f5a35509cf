#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests: a data directory and a Unix socket in temporary directories, no
# TCP port, trust authentication (only this machine's users can reach the socket), removed when done.
#
#   scripts/postgres-test-cluster.sh run -- COMMAND...   starts a cluster, runs COMMAND with
#                                                        CFIMAGES_TEST_POSTGRES_URL set, stops and removes it (trap)
#   scripts/postgres-test-cluster.sh start               starts one and prints `export CFIMAGES_TEST_POSTGRES_URL=...`
#                                                        and `export CFIMAGES_TEST_POSTGRES_ROOT=...`
#   scripts/postgres-test-cluster.sh stop ROOT           stops and removes the cluster started under ROOT
#
# initdb and pg_ctl refuse to run as root: as root they run as the `postgres` system user (Debian's `postgresql`
# package creates it); as any other user, as that user.
set -euo pipefail

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$PG_BIN/initdb" ] || { echo "postgres-test-cluster: no initdb under /usr/lib/postgresql/*/bin (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
    local root user
    root=$(mktemp -d /tmp/cfimages-pg.XXXXXX)
    mkdir -p "$root/data" "$root/socket"
    if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$root"; user=postgres; else user=$(id -un); fi
    chmod 0755 "$root"
    as_owner "$PG_BIN/initdb" -D "$root/data" -U "$user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        > "$root/initdb.log" 2>&1 || { cat "$root/initdb.log" >&2; exit 1; }
    as_owner "$PG_BIN/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $root/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000" \
        start > /dev/null || { cat "$root/server.log" >&2; exit 1; }
    as_owner "$PG_BIN/createdb" -h "$root/socket" -U "$user" cfimages_test
    echo "export CFIMAGES_TEST_POSTGRES_URL='postgresql://$user@/cfimages_test?host=$root/socket'"
    echo "export CFIMAGES_TEST_POSTGRES_ROOT='$root'"
}

stop() {
    local root=$1
    case "$root" in /tmp/cfimages-pg.*) ;; *) echo "postgres-test-cluster: not a cluster root: $root" >&2; exit 1 ;; esac
    [ -d "$root/data" ] && as_owner "$PG_BIN/pg_ctl" -D "$root/data" -m immediate -w stop > /dev/null 2>&1 || true
    rm -rf "$root"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:?usage: $0 stop ROOT}" ;;
    run)
        shift
        [ "${1:-}" = "--" ] && shift
        eval "$(start)"
        trap 'stop "$CFIMAGES_TEST_POSTGRES_ROOT"' EXIT
        echo "postgres-test-cluster: PostgreSQL at $CFIMAGES_TEST_POSTGRES_URL" >&2
        CFIMAGES_TEST_POSTGRES_URL=$CFIMAGES_TEST_POSTGRES_URL "$@"
        ;;
    *) echo "usage: $0 run -- COMMAND... | start | stop ROOT" >&2; exit 2 ;;
esac
