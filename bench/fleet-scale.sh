#!/usr/bin/env bash
# Fleet signing by fleet size: for each N, a CA store whose issued/ record is grown to N members
# in one generation (bench/FleetGrow.java), then 2 x BATCH more requests signed in one JVM
# (bench/FleetSign.java, the launcher's JVM flags); the second batch's CPU ms per sign is the cost
# of one sign at N members (the first also writes issued/index once). Signing a whole fleet of N
# one by one costs about the sum of that over 1..N: linear per sign makes it quadratic in N.
#
# Usage: bench/fleet-scale.sh [N ...]          (default 100 500 2000)
# Environment: BATCH (20), WORK (scratch directory; default a new one under /tmp, removed at the
#   end unless KEEP=1), CLASSES (the build to measure: default target/classes of this checkout).
set -euo pipefail
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 500 2000)
batch=${BATCH:-20}
top=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd -P)
cd "$top"
if [ ! -d target/classes ] || [ ! -d target/lib ]; then
  mvn -B -q -DskipTests package
fi
classes=${CLASSES:-target/classes}
work=${WORK:-$(mktemp -d /tmp/hostpki-fleet-scale.XXXXXX)}
mkdir -p "$work"
if [ -z "${WORK:-}" ] && [ "${KEEP:-0}" != 1 ]; then
  trap 'rm -rf "$work"' EXIT
fi
java_run() { java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$classes:target/lib/*" "$@"; }
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); classes $classes; commit $(git rev-parse --short HEAD 2>/dev/null || echo '?');" \
  "$(nproc) CPUs; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| members | CPU ms per sign (signing thread) | CPU ms per sign (process) | wall ms per sign | load |"
echo "|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  d=$work/n$n
  mkdir -p "$d"
  cp bench/fleet-ca.yaml "$d/ca.yaml"
  java_run org.hostpki.cli.Main apply -f "$d/ca.yaml" >/dev/null
  java_run bench/FleetGrow.java "$d/pki" 1 "$n" >/dev/null
  java_run -Dstart=$((n + 1)) bench/FleetSign.java "$d/ca.yaml" "$d/csr" $((n + 2 * batch)) "$batch" >"$d/out.tsv"
  tail -n 1 "$d/out.tsv" | awk -F'\t' -v n="$n" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    '{ printf "| %d | %.1f | %.1f | %.1f | %s |\n", n, $2, $4, $3, load }'
  [ "${KEEP:-0}" = 1 ] || rm -rf "$d"
done
