#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, from Debian's binaries (package `postgresql`,
# listed in scripts/apt-packages.txt; installed by scripts/setup-system.sh).
#
#   scripts/postgres-test.sh start [--dir DIR] [--owner PID]   prints the connection URL
#   scripts/postgres-test.sh url   [--dir DIR]                 prints the URL of the running server
#   scripts/postgres-test.sh stop  [--dir DIR]                 stops the server and removes DIR
#
# DIR (default $CHAINHUNT_PG_DIR, else ${TMPDIR:-/tmp}/chainhunt-pg) holds the cluster, its log
# and the URL. The server listens on 127.0.0.1 on a free port only (no unix socket), with
# password (SCRAM) authentication for the role `chainhunt` and a database `chainhunt`; the
# password is random per cluster. fsync is off: the data is thrown away.
#
# `start` is idempotent (a running server in DIR is reused; concurrent callers are serialised by a
# lock) and robust to a stale DIR (a half-made or dead cluster is wiped and made again). With
# --owner PID, the server is marked as belonging to that process; every `start` first stops and
# removes servers under ${TMPDIR:-/tmp}/chainhunt-pg-* whose owner has died (a killed test run).
#
# initdb refuses to run as root: as root, the cluster belongs to the `postgres` system user the
# Debian package creates, and the server runs as that user.
set -euo pipefail

die() {
  echo "postgres-test: $*" >&2
  exit 2
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
dir="${CHAINHUNT_PG_DIR:-${TMPDIR:-/tmp}/chainhunt-pg}"
owner=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="${2:?--dir needs a folder}"; shift 2 ;;
    --owner) owner="${2:?--owner needs a process id}"; shift 2 ;;
    *) die "unknown argument: $1" ;;
  esac
done
case "$cmd" in start | stop | url) ;; *) die "usage: $0 start|url|stop [--dir DIR] [--owner PID]" ;; esac
# The folder is written into postgresql.conf and removed with rm -rf: keep it plain and absolute.
[[ "$dir" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "--dir must be an absolute path of [A-Za-z0-9._/-]: $dir"
[[ "$dir" != *..* && "$dir" != "/" ]] || die "--dir must not contain '..': $dir"
[ -z "$owner" ] || [[ "$owner" =~ ^[0-9]+$ ]] || die "--owner must be a process id: $owner"
dir="${dir%/}"

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    [ -x "$PG_BIN/initdb" ] || die "PG_BIN=$PG_BIN has no initdb; unset PG_BIN, or run scripts/setup-system.sh (installs Debian's postgresql)"
    echo "$PG_BIN"
    return
  fi
  local v
  for v in 15 $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
    if [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]; then
      echo "/usr/lib/postgresql/$v/bin"
      return
    fi
  done
  die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; run scripts/setup-system.sh (as root) to install Debian's postgresql"
}

# Runs a command as the cluster's user: `postgres` when we are root, else ourselves.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Whether process $1 is alive (a zombie is not: a container's PID 1 may never reap it).
alive() {
  [[ "$1" =~ ^[0-9]+$ ]] && [ -r "/proc/$1/stat" ] || return 1
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [ "${stat%% *}" != "Z" ]
}

# Stops the server in $1 (if any) and removes the folder.
wipe() {
  local d="$1" bin="$2" pid
  if [ -f "$d/data/postmaster.pid" ]; then
    pid="$(head -n 1 "$d/data/postmaster.pid" 2>/dev/null || true)"
    if alive "$pid" && grep -q "postgres" "/proc/$pid/comm" 2>/dev/null; then
      as_pg "$bin/pg_ctl" stop -D "$d/data" -m immediate -w -t 10 >/dev/null 2>&1 ||
        kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf -- "$d"
}

# Whether the server in $dir answers.
running() {
  [ -f "$dir/url" ] || return 1
  local url port
  url="$(cat "$dir/url")"
  port="${url##*@127.0.0.1:}"
  port="${port%%/*}"
  [[ "$port" =~ ^[0-9]+$ ]] && as_pg "$1/pg_ctl" status -D "$dir/data" >/dev/null 2>&1 &&
    "$1/pg_isready" -q -h 127.0.0.1 -p "$port" -t 3 >/dev/null 2>&1
}

# Servers of test runs that died without their teardown.
sweep() {
  local bin="$1" d pid
  for d in "${TMPDIR:-/tmp}"/chainhunt-pg-*; do
    [ -d "$d" ] && [ -f "$d/owner" ] && [ "$d" != "$dir" ] || continue
    pid="$(cat "$d/owner" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || continue
    alive "$pid" && continue
    (
      flock -w 10 9 || exit 0
      wipe "$d" "$bin"
      rm -f -- "$d.lock"
    ) 9>>"$d.lock" || true
  done
}

start() {
  local bin="$1"
  sweep "$bin"
  if running "$bin"; then
    [ -z "$owner" ] || echo "$owner" >"$dir/owner"
    cat "$dir/url"
    return
  fi
  wipe "$dir" "$bin"
  mkdir -p "$dir"
  chmod 700 "$dir"
  [ -z "$owner" ] || echo "$owner" >"$dir/owner"
  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 ||
      die "running as root needs the 'postgres' system user (created by Debian's postgresql package); run scripts/setup-system.sh"
    chown postgres: "$dir"
    as_pg test -w "$dir" ||
      die "the postgres user cannot reach $dir (a parent folder is private); use a --dir (or TMPDIR) under /tmp"
  fi

  local pw
  pw="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
  as_pg sh -c 'umask 077; cat > "$1"' sh "$dir/pwfile" <<<"$pw"
  if ! as_pg "$bin/initdb" -D "$dir/data" -U chainhunt --pwfile="$dir/pwfile" --auth=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed (log above)"
  fi
  as_pg rm -f "$dir/pwfile"
  as_pg sh -c 'cat >> "$1"' sh "$dir/data/postgresql.conf" <<EOF

# chainhunt test server (scripts/postgres-test.sh)
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 32MB
EOF

  # A random free port; retried when another process takes it first.
  local port="" attempt
  for attempt in $(seq 1 20); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    as_pg rm -f "$dir/server.log"
    # (fd 9, the lock, is closed for the server: it would otherwise hold the lock for its lifetime)
    if as_pg "$bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 30 >/dev/null 2>&1 9>&-; then
      break
    fi
    if grep -qiE "could not bind|address already in use|could not create any TCP/IP sockets" "$dir/server.log" 2>/dev/null; then
      port=""
      continue
    fi
    cat "$dir/server.log" >&2 2>/dev/null || true
    die "the server did not start (log above)"
  done
  [ -n "$port" ] || die "no free port found after 20 attempts"

  PGPASSWORD="$pw" "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U chainhunt -d postgres \
    -c "CREATE DATABASE chainhunt" >/dev/null ||
    die "could not create the database (see $dir/server.log)"
  local url="postgres://chainhunt:$pw@127.0.0.1:$port/chainhunt"
  (umask 077 && echo "$url" >"$dir/url")
  echo "$url"
}

bin="$(find_bin)"
case "$cmd" in
  start)
    mkdir -p "$(dirname "$dir")"
    exec 9>>"$dir.lock"
    flock -w 60 9 || die "timed out waiting for the lock on $dir.lock"
    start "$bin"
    ;;
  url)
    running "$bin" || die "no server running in $dir"
    cat "$dir/url"
    ;;
  stop)
    exec 9>>"$dir.lock"
    flock -w 60 9 || die "timed out waiting for the lock on $dir.lock"
    wipe "$dir" "$bin"
    rm -f -- "$dir.lock"
    ;;
esac
