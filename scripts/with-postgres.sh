#!/usr/bin/env bash
# Runs CMD beside a throwaway PostgreSQL cluster of its own: initdb in a temporary
# folder, listening only on a Unix socket in that folder (no TCP port, nothing shared
# with a system cluster), fsync off, stopped and removed when CMD ends. CMD sees
# COURIER_TEST_POSTGRES_URL, a superuser URL to the cluster's `courier` database;
# tests create a database of their own from it. COURIER_POSTGRES_DURABLE=1 keeps
# PostgreSQL's durable defaults instead (fsync, synchronous commit, full-page writes),
# as a production server runs them: for benchmarks.
# Usage: scripts/with-postgres.sh CMD [ARGS...]   (needs Debian's postgresql package)
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "$0: PostgreSQL is missing (source scripts/common.sh && need_postgres)" >&2
  exit 127
fi

dir="$(mktemp -d -t courier-postgres.XXXXXX)"
durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if [ "${COURIER_POSTGRES_DURABLE:-}" = 1 ]; then
  durability=""
fi
# initdb refuses to run as root: the cluster then belongs to the `postgres` user.
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  as_owner=(runuser -u postgres --)
fi
stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U courier -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s start \
  -o "-c listen_addresses='' -k $dir $durability -c max_connections=300" \
  || { cat "$dir/server.log" >&2; exit 1; }
"${as_owner[@]}" "$bin/createdb" -h "$dir" -U courier courier

export COURIER_TEST_POSTGRES_URL="postgres://courier@localhost/courier?host=$dir"
status=0
"$@" || status=$?
exit "$status"
