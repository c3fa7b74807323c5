#!/usr/bin/env bash
# A throw-away Postgres cluster run by an unprivileged OS user (Postgres refuses root).
# Usage: tests/pg_cluster.sh start|stop BASE PORT
set -euo pipefail
cmd=$1 base=$2 port=$3
PGBIN=$(pg_config --bindir)
RUN_AS=${SHOPML_PG_USER:-postgres}
as_user() { if [ "$(id -u)" = 0 ]; then runuser -u "$RUN_AS" -- "$@"; else "$@"; fi; }
case $cmd in
start)
  if [ -f "$base/data/postmaster.pid" ]; then as_user "$PGBIN/pg_ctl" -D "$base/data" stop -m fast >/dev/null 2>&1 || true; fi
  rm -rf "$base" && mkdir -p "$base"
  [ "$(id -u)" = 0 ] && chown "$RUN_AS" "$base"
  as_user "$PGBIN/initdb" -D "$base/data" -U postgres -E UTF8 --locale=C.UTF-8 --no-sync -A trust >/dev/null
  # No Rust backtraces in the server: they would land in error DETAILs and golden files.
  as_user env -u RUST_BACKTRACE -u RUST_LIB_BACKTRACE "$PGBIN/pg_ctl" -D "$base/data" -l "$base/server.log" -w \
    -o "-p $port -k $base -c listen_addresses='' -c fsync=off -c max_parallel_workers_per_gather=2" start >/dev/null
  ;;
stop)
  as_user "$PGBIN/pg_ctl" -D "$base/data" stop -m fast >/dev/null || true
  ;;
*) echo "usage: $0 start|stop BASE PORT" >&2; exit 2 ;;
esac
