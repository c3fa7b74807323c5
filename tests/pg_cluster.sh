#!/usr/bin/env bash
# The one throw-away Postgres cluster of the tests, the demo and the benchmarks, run by an
# unprivileged OS user (Postgres refuses root), on a private socket directory, no TCP.
# Usage: tests/pg_cluster.sh start BASE PORT [-c name=value ...]   (extra server settings)
#        tests/pg_cluster.sh stop BASE PORT
#        tests/pg_cluster.sh crash BASE PORT    (SIGKILL the postmaster and its children)
#        tests/pg_cluster.sh resume BASE PORT [-c ...]   (start the existing data directory)
# SHOPML_PG_USER picks the OS user (default postgres); SHOPML_PG_ULIMIT_KB caps the server's
# address space (ulimit -v, for memory stress runs).
set -euo pipefail
cmd=$1 base=$2 port=$3
shift 3
PGBIN=$("${PG_CONFIG:-pg_config}" --bindir)
RUN_AS=${SHOPML_PG_USER:-postgres}
as_user() { if [ "$(id -u)" = 0 ]; then runuser -u "$RUN_AS" -- "$@"; else "$@"; fi; }
launch() {
  opts="-p $port -k $base -c listen_addresses='' -c fsync=off -c max_parallel_workers_per_gather=2 $*"
  # No Rust backtraces in the server: they would land in error DETAILs and golden files.
  # The server loads libpq (postgres_fdw, the standby's walreceiver) from its own lib directory:
  # the PyPI trees of 16-18 ship a libpq newer than Debian's, which their modules need.
  as_user env -u RUST_BACKTRACE -u RUST_LIB_BACKTRACE LD_LIBRARY_PATH="$("${PG_CONFIG:-pg_config}" --libdir)" bash -c \
    'ulimit -v "${1:-unlimited}"; "$2/pg_ctl" -D "$3/data" -l "$3/server.log" -w -o "$4" start >/dev/null' \
    _ "${SHOPML_PG_ULIMIT_KB:-}" "$PGBIN" "$base" "$opts"
}
case $cmd in
start)
  if [ -f "$base/data/postmaster.pid" ]; then as_user "$PGBIN/pg_ctl" -D "$base/data" stop -m fast >/dev/null 2>&1 || true; fi
  rm -rf "$base" && mkdir -p "$base"
  [ "$(id -u)" = 0 ] && chown "$RUN_AS" "$base"
  as_user "$PGBIN/initdb" -D "$base/data" -U postgres -E UTF8 --locale=C.UTF-8 --no-sync -A trust >/dev/null
  launch "$@"
  ;;
crash)
  pids="$(head -1 "$base/data/postmaster.pid") $(pgrep -P "$(head -1 "$base/data/postmaster.pid")" | tr '\n' ' ')"
  kill -9 $pids 2>/dev/null || true
  for p in $pids; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done
  ;;
resume)
  launch "$@"
  ;;
stop)
  if [ -f "$base/data/postmaster.pid" ]; then as_user "$PGBIN/pg_ctl" -D "$base/data" stop -m fast >/dev/null || true; fi
  ;;
*) echo "usage: $0 start|stop|crash|resume BASE PORT [-c name=value ...]" >&2; exit 2 ;;
esac
