#!/bin/sh
# chainhunt endpoint collector for macOS and Linux (POSIX sh; runs under dash, bash, zsh --emulate sh).
# Writes one host bundle (a folder with chainhunt-host.json at its root) that `chainhunt scan`
# and `chainhunt ingest` read. See collectors/README.md.
set -eu

PROG=collect-unix.sh

usage() {
  cat <<'USAGE'
usage: collect-unix.sh --out DIR [options]
  --out DIR               bundle folder to write (required)
  --root DIR              filesystem root to read from (default /)
  --host-id ID            host id (default: hostname)
  --tenant T              tenant / customer
  --os macos|linux|unknown  override the detected OS (tests, offline images)
  --lockfile-root DIR     search DIR (under --root) for lockfiles; repeatable
  --logs                  copy syslog*, auth.log* and Zeek logs (size-capped)
  --max-file-size BYTES   skip files larger than this (default 104857600)
  --max-depth N           lockfile search depth (default 8)
  --max-lockfiles N       lockfiles copied per root (default 500)
  --archive               also write DIR.tar.gz
  --upload URL            POST DIR.tar.gz to URL (implies --archive)
  --token-file F          file holding the upload token (sent as Authorization: Bearer)
  --dry-run               with --upload: print the curl command, do not send
  -h, --help              this help
USAGE
}

die() {
  printf '%s: %s\n' "$PROG" "$1" >&2
  exit 2
}

warn() {
  printf '%s: %s\n' "$PROG" "$1" >&2
}

need_arg() {
  # $1 option, $2 number of remaining args (including the option)
  [ "$2" -ge 2 ] || die "option $1 needs a value"
}

is_uint() {
  case "$1" in
    '' | *[!0-9]*) return 1 ;;
    *) return 0 ;;
  esac
}

OUT=''
ROOT='/'
HOST_ID=''
TENANT=''
OS_OVERRIDE=''
LOCKFILE_ROOTS=''
LOGS=0
MAX_FILE_SIZE=104857600
MAX_DEPTH=8
MAX_LOCKFILES=500
ARCHIVE=0
UPLOAD_URL=''
TOKEN_FILE=''
DRY_RUN=0
NL='
'

while [ "$#" -gt 0 ]; do
  case "$1" in
    --out) need_arg "$1" "$#"; OUT=$2; shift 2 ;;
    --root) need_arg "$1" "$#"; ROOT=$2; shift 2 ;;
    --host-id) need_arg "$1" "$#"; HOST_ID=$2; shift 2 ;;
    --tenant) need_arg "$1" "$#"; TENANT=$2; shift 2 ;;
    --os) need_arg "$1" "$#"; OS_OVERRIDE=$2; shift 2 ;;
    --lockfile-root)
      need_arg "$1" "$#"
      case "$2" in *"$NL"*) die "--lockfile-root must not contain a newline" ;; esac
      LOCKFILE_ROOTS="$LOCKFILE_ROOTS$2$NL"
      shift 2
      ;;
    --logs) LOGS=1; shift ;;
    --max-file-size) need_arg "$1" "$#"; MAX_FILE_SIZE=$2; shift 2 ;;
    --max-depth) need_arg "$1" "$#"; MAX_DEPTH=$2; shift 2 ;;
    --max-lockfiles) need_arg "$1" "$#"; MAX_LOCKFILES=$2; shift 2 ;;
    --archive) ARCHIVE=1; shift ;;
    --upload) need_arg "$1" "$#"; UPLOAD_URL=$2; shift 2 ;;
    --token-file) need_arg "$1" "$#"; TOKEN_FILE=$2; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[ -n "$OUT" ] || { usage >&2; die "--out DIR is required"; }
[ -d "$ROOT" ] || die "--root is not a directory: $ROOT"
is_uint "$MAX_FILE_SIZE" || die "--max-file-size must be a number of bytes: $MAX_FILE_SIZE"
is_uint "$MAX_DEPTH" || die "--max-depth must be a number: $MAX_DEPTH"
is_uint "$MAX_LOCKFILES" || die "--max-lockfiles must be a number: $MAX_LOCKFILES"
case "$OS_OVERRIDE" in
  '' | macos | linux | unknown) ;;
  *) die "--os must be macos, linux or unknown: $OS_OVERRIDE" ;;
esac
if [ -n "$UPLOAD_URL" ]; then
  case "$UPLOAD_URL" in
    http://* | https://*) ;;
    *) die "--upload needs an http(s) URL: $UPLOAD_URL" ;;
  esac
  [ -n "$TOKEN_FILE" ] || die "--upload needs --token-file"
  [ -r "$TOKEN_FILE" ] || die "token file is not readable: $TOKEN_FILE"
  ARCHIVE=1
elif [ -n "$TOKEN_FILE" ]; then
  die "--token-file is only used with --upload"
fi
if [ -e "$OUT" ] && [ ! -d "$OUT" ]; then
  die "--out exists and is not a directory: $OUT"
fi

# R: the root prefix without a trailing slash ("" for /).
R=${ROOT%/}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# ---- helpers ---------------------------------------------------------------------------------

# JSON string body: escapes backslash, quote and control characters (drops other controls).
json_escape() {
  printf '%s' "$1" | tr -d '\000-\010\013\014\016-\037' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' | awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }'
}

file_size() {
  wc -c <"$1" | tr -d ' '
}

# copy_rel SRC REL: copy SRC to $OUT/REL when it is a regular file within the size cap.
copy_rel() {
  [ -f "$1" ] || return 0
  size=$(file_size "$1")
  if [ "$size" -gt "$MAX_FILE_SIZE" ]; then
    warn "skipped (larger than $MAX_FILE_SIZE bytes): $1"
    return 0
  fi
  mkdir -p "$OUT/$(dirname "$2")"
  cp "$1" "$OUT/$2" || warn "could not copy: $1"
}

# ---- manifest --------------------------------------------------------------------------------

HOSTNAME_VAL=$(hostname 2>/dev/null || uname -n)
[ -n "$HOST_ID" ] || HOST_ID=$HOSTNAME_VAL
[ -n "$HOST_ID" ] || die "no --host-id and no hostname"

case "$(uname -s)" in
  Darwin) OS=macos ;;
  Linux) OS=linux ;;
  *) OS=unknown ;;
esac
OS_VERSION=''
if [ "$OS" = macos ] && command -v sw_vers >/dev/null 2>&1 && [ -z "$R" ]; then
  OS_VERSION=$(sw_vers -productVersion 2>/dev/null || true)
fi
if [ -z "$OS_VERSION" ] && [ -f "$R/etc/os-release" ]; then
  OS_VERSION=$(sed -n 's/^PRETTY_NAME=//p' "$R/etc/os-release" | head -n 1 | sed -e 's/^"//' -e 's/"$//')
fi
[ -n "$OS_VERSION" ] || OS_VERSION=$(uname -r)
[ -z "$OS_OVERRIDE" ] || OS=$OS_OVERRIDE
COLLECTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)

{
  printf '{\n'
  printf '  "schema": "chainhunt-host/1",\n'
  printf '  "hostId": "%s",\n' "$(json_escape "$HOST_ID")"
  [ -z "$HOSTNAME_VAL" ] || printf '  "hostname": "%s",\n' "$(json_escape "$HOSTNAME_VAL")"
  printf '  "os": "%s",\n' "$OS"
  [ -z "$OS_VERSION" ] || printf '  "osVersion": "%s",\n' "$(json_escape "$OS_VERSION")"
  [ -z "$TENANT" ] || printf '  "tenant": "%s",\n' "$(json_escape "$TENANT")"
  printf '  "collectedAt": "%s"\n' "$COLLECTED_AT"
  printf '}\n'
} >"$OUT/chainhunt-host.json"

# ---- macOS applications ----------------------------------------------------------------------

for plist in "$R"/Applications/*.app/Contents/Info.plist "$R"/Users/*/Applications/*.app/Contents/Info.plist; do
  [ -f "$plist" ] || continue
  copy_rel "$plist" "${plist#"$R"/}"
done

# ---- Linux packages --------------------------------------------------------------------------

copy_rel "$R/var/lib/dpkg/status" "var/lib/dpkg/status"
if [ -z "$R" ] && command -v rpm >/dev/null 2>&1; then
  mkdir -p "$OUT/packages"
  rpm -qa --queryformat '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{VENDOR}\n' \
    >"$OUT/packages/rpm-qa.txt" 2>/dev/null || warn "rpm -qa failed"
fi

# ---- lockfiles -------------------------------------------------------------------------------

if [ -n "$LOCKFILE_ROOTS" ]; then
  printf '%s' "$LOCKFILE_ROOTS" | while IFS= read -r lr; do
    [ -n "$lr" ] || continue
    src_root="$R/${lr#/}"
    src_root=${src_root%/}
    if [ ! -d "$src_root" ]; then
      warn "lockfile root is not a directory: $src_root"
      continue
    fi
    find "$src_root" -maxdepth "$MAX_DEPTH" \
      \( -name node_modules -o -name .git \) -prune -o -type f \
      \( -name package-lock.json -o -name npm-shrinkwrap.json -o -name yarn.lock \
      -o -name pnpm-lock.yaml -o -name poetry.lock -o -name 'requirements*.txt' \
      -o -name Cargo.lock -o -name go.mod -o -name Gemfile.lock -o -name composer.lock \) \
      -print 2>/dev/null | head -n "$MAX_LOCKFILES" | while IFS= read -r lf; do
      rel=${lf#"$R"/}
      copy_rel "$lf" "lockfiles/$rel"
    done
  done
fi

# ---- logs ------------------------------------------------------------------------------------

if [ "$LOGS" -eq 1 ]; then
  for lf in "$R"/var/log/syslog* "$R"/var/log/auth.log* \
    "$R"/var/log/zeek/current/*.log "$R"/var/log/zeek/*/*.log.gz \
    "$R"/opt/zeek/logs/current/*.log "$R"/opt/zeek/logs/*/*.log.gz \
    "$R"/usr/local/zeek/logs/current/*.log "$R"/usr/local/zeek/logs/*/*.log.gz; do
    [ -f "$lf" ] || continue
    copy_rel "$lf" "logs/${lf#"$R"/}"
  done
fi

# ---- archive and upload ----------------------------------------------------------------------

ARCHIVE_PATH="$OUT.tar.gz"
if [ "$ARCHIVE" -eq 1 ]; then
  tar -czf "$ARCHIVE_PATH" -C "$OUT" .
  printf '%s\n' "$ARCHIVE_PATH"
else
  printf '%s\n' "$OUT"
fi

if [ -n "$UPLOAD_URL" ]; then
  if [ "$DRY_RUN" -eq 1 ]; then
    # The token is never printed and never placed on a command line.
    printf 'curl --fail --silent --show-error -X POST -H @HEADER_FILE(Authorization: Bearer <token from %s>) -H %s --data-binary %s %s\n' \
      "$TOKEN_FILE" "'Content-Type: application/gzip'" "@$ARCHIVE_PATH" "$UPLOAD_URL"
    exit 0
  fi
  command -v curl >/dev/null 2>&1 || die "curl is required for --upload"
  HEADER_FILE=$(mktemp "${TMPDIR:-/tmp}/chainhunt-auth.XXXXXX")
  trap 'rm -f "$HEADER_FILE"' EXIT INT TERM
  chmod 600 "$HEADER_FILE"
  TOKEN=$(tr -d '\r\n' <"$TOKEN_FILE")
  [ -n "$TOKEN" ] || die "token file is empty: $TOKEN_FILE"
  printf 'Authorization: Bearer %s\n' "$TOKEN" >"$HEADER_FILE"
  TOKEN=''
  curl --fail --silent --show-error -X POST -H "@$HEADER_FILE" \
    -H 'Content-Type: application/gzip' --data-binary "@$ARCHIVE_PATH" "$UPLOAD_URL"
fi
