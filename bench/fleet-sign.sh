#!/usr/bin/env bash
# Fleet signing at scale: one CA store signs COUNT certificate requests (hostpki sign, in one JVM
# through bench/FleetSign.java, so the JVM start does not hide what grows), and the CPU time per
# sign is printed per BATCH, with the number of records in issued/ it had to read. Each sign
# reads the store and every issued/ record and writes a generation, so the time per sign grows
# with the records: linearly is expected (the store's design), faster would be a regression.
#
# Usage: bench/fleet-sign.sh [COUNT] [BATCH]          (default 1000 100)
# Environment: WORK (scratch directory; default a new one under /tmp, removed at the end unless
#   KEEP=1). Runs with the launcher's JVM flags (C1 only, SerialGC). Then one `bin/hostpki sign`
#   process at COUNT records, timed with /usr/bin/time.
set -euo pipefail
count=${1:-1000}
batch=${2:-100}
top=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd -P)
cd "$top"
if [ ! -d target/classes ] || [ ! -d target/lib ]; then
  mvn -B -q -DskipTests package
fi
work=${WORK:-$(mktemp -d /tmp/hostpki-fleet.XXXXXX)}
mkdir -p "$work"
if [ -z "${WORK:-}" ] && [ "${KEEP:-0}" != 1 ]; then
  trap 'rm -rf "$work"' EXIT
fi
cp bench/fleet-ca.yaml "$work/ca.yaml"
bin/hostpki apply -f "$work/ca.yaml" >/dev/null
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?');" \
  "$(nproc) CPUs; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "target/classes:target/lib/*" \
  bench/FleetSign.java "$work/ca.yaml" "$work/csr" "$count" "$batch"
echo "Load average at the end of the batches: $(cut -d' ' -f1-3 /proc/loadavg)"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
  -subj "/CN=last.fleet.example" -addext "subjectAltName=DNS:last.fleet.example" \
  -out "$work/last.csr" 2>/dev/null
/usr/bin/time -o "$work/time.txt" \
  -f "one hostpki sign process at $count records: wall %e s, CPU %U user + %S sys s, peak RSS %M KB" \
  bin/hostpki sign -f "$work/ca.yaml" --csr "$work/last.csr" -o "$work/last.pem" >/dev/null 2>"$work/sign.err" ||
  { cat "$work/sign.err" >&2; exit 1; }
cat "$work/time.txt"
