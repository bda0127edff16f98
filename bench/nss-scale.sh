#!/usr/bin/env bash
# NSS trust.install at scale (analysis: bench/NOTES.md, "trust.install into an NSS database").
#
# For each N it makes N self-signed CA certificates, each with its own EC key (NSS gives one key
# one nickname), declares them with trust.directories and installs them with
# trust.install {certificates: [trusted], nss: [sql:DB]} into a new database, and measures with
# /usr/bin/time: `apply` (N entries added), `plan` on the converged store (the database listed and
# every entry's certificate read) and the number of certutil processes each started.
#
# Usage: bench/nss-scale.sh [N ...]              (default N: 500 2000)
# Environment: HOSTPKI (the launcher; default bin/hostpki of this tree), WORK (scratch
#   directory; default a new one under /tmp, removed at the end unless KEEP=1).
# Needs certutil (libnss3-tools), openssl and /usr/bin/time; installs nothing.
set -euo pipefail
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(500 2000)
top=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd -P)
hostpki=${HOSTPKI:-$top/bin/hostpki}
work=${WORK:-$(mktemp -d /tmp/hostpki-nss-bench.XXXXXX)}
mkdir -p "$work"
if [ -z "${WORK:-}" ] && [ "${KEEP:-0}" != 1 ]; then
  trap 'rm -rf "$work"' EXIT
fi
export HOSTPKI_PASSWORD=bench-pw
real=$(command -v certutil)
# certutil counted: a directory first on PATH whose certutil logs a line and runs the real one
mkdir -p "$work/bin"
printf '#!/bin/sh\necho run >>"%s/runs"\nexec "%s" "$@"\n' "$work" "$real" >"$work/bin/certutil"
chmod +x "$work/bin/certutil"

measure() { # N CASE COMMAND...
  local n=$1 case=$2
  shift 2
  : >"$work/runs"
  /usr/bin/time -f '%e %U %S' -o "$work/time" env PATH="$work/bin:$PATH" "$@" >"$work/out" 2>&1 \
    || { cat "$work/out" >&2; exit 1; }
  read -r wall user sys <"$work/time"
  printf 'N=%-5s %-6s wall %7.2f s  cpu %6.2f s  certutil runs %s  (load %s)\n' "$n" "$case" "$wall" \
    "$(echo "$user + $sys" | bc)" "$(wc -l <"$work/runs")" "$(cut -d' ' -f1 /proc/loadavg)"
}

for n in "${sizes[@]}"; do
  d=$work/n$n
  mkdir -p "$d/trusted.d" "$d/nssdb"
  for i in $(seq 1 "$n"); do
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
      -out "$d/trusted.d/root-$i.pem" -subj "/O=Example Bench Corp/CN=nss bench root $i" -days 3650 \
      -addext basicConstraints=critical,CA:true 2>/dev/null
  done
  certutil -d "sql:$d/nssdb" -N --empty-password
  { cat "$top/bench/trust-desired.yaml"
    printf "  install: {certificates: [trusted], nss: ['sql:%s']}\n" "$d/nssdb"; } >"$d/bench.yaml"
  measure "$n" apply "$hostpki" apply -f "$d/bench.yaml"
  measure "$n" plan "$hostpki" plan -f "$d/bench.yaml"
  [ "$(certutil -d "sql:$d/nssdb" -L | grep -c ' C,, *$')" = "$n" ] || { echo "N=$n: not $n entries C,," >&2; exit 1; }
done
