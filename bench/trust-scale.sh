#!/usr/bin/env bash
# Trust-store scale benchmark for hostpki; bench/run.sh runs it and appends its table to
# bench/RESULTS.md (analysis: bench/NOTES.md).
#
# For each N it makes N trusted certificates in a directory, declares them with
# `trust.directories` and a store password, and measures with /usr/bin/time -v (wall time,
# CPU time, peak RSS), RUNS times each:
#   apply-empty   `hostpki apply` from an empty store
#   plan          `hostpki plan` on the converged store
#   apply-one     `hostpki apply` after one certificate file changed
#   bare-p12      the anchor: bench/BareTruststore.java, a bare Java program that loads the
#                 store's truststore.p12 and fingerprints every entry (the launcher's JVM flags)
# and, at N = KEYTOOL_N, the same trust store made the usual way: one
# `keytool -importcert` per certificate.
#
# Usage: bench/trust-scale.sh [-o SUMMARY.md] [N ...]        (default N: 1000 10000 100000)
# Environment: RUNS (3), LARGE_RUNS (runs of the two apply cases from N = 100,000 on; 1),
#   KEYTOOL_N (100; 0 skips keytool), KEYTOOL_RUNS (1: a hundred JVM starts is slow),
#   WORK (scratch directory; default a new one under /tmp, removed at the end unless KEEP=1),
#   HOSTPKI_JAVA_OPTS (passed to the JVM by bin/hostpki).
# Runs from a fresh clone: builds the jar with Maven when target/ has none; installs nothing
# except the `time` package with apt-get when /usr/bin/time is missing.
set -euo pipefail

summary=""
if [ "${1:-}" = "-o" ]; then
  summary=$(realpath -m -- "$2")
  shift 2
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
runs=${RUNS:-3}
keytool_n=${KEYTOOL_N:-100}
keytool_runs=${KEYTOOL_RUNS:-1}

top=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd -P)
cd "$top"

log() { printf '%s\n' "$*" >&2; }

# ---- prerequisites ------------------------------------------------------------------------
if ! compgen -G "target/hostpki-*.jar" >/dev/null || [ ! -d target/classes ] || [ ! -d target/lib ]; then
  log "building hostpki: mvn -B -q -DskipTests package"
  mvn -B -q -DskipTests package
fi
if [ ! -x /usr/bin/time ]; then
  log "/usr/bin/time is missing: installing the 'time' package with apt-get"
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -q time
  else
    sudo apt-get install -y -q time
  fi
fi
have_keytool=yes
command -v keytool >/dev/null || have_keytool=no

work=${WORK:-$(mktemp -d /tmp/hostpki-bench.XXXXXX)}
mkdir -p "$work"
if [ -z "${WORK:-}" ] && [ "${KEEP:-0}" != 1 ]; then
  trap 'rm -rf "$work"' EXIT
fi
raw=$work/raw.tsv
failures=$work/failures.tsv
: >"$raw"
: >"$failures"
export HOSTPKI_PASSWORD=bench-pw

# The anchor of the converged plan: a bare Java program loading truststore.p12 and
# fingerprinting every entry, run with the launcher's JVM flags.
mkdir -p "$work/bare"
javac -d "$work/bare" bench/BareTruststore.java
bare=$work/bare/run.sh # a script, so that /usr/bin/time can run it
printf '#!/bin/sh\nexec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "%s" BareTruststore "$1"\n' \
  "$work/bare" >"$bare"
chmod +x "$bare"

generate() { # DIR PREFIX COUNT
  java -cp "target/classes:target/lib/*" bench/GenerateTrust.java "$1" "$2" "$3"
}

# measure N CASE RUN COMMAND...: runs the command under /usr/bin/time -v, records a row
measure() {
  local n=$1 case=$2 run=$3
  shift 3
  local t=$work/time.txt out=$work/out.txt
  if ! /usr/bin/time -v -o "$t" "$@" >"$out" 2>&1; then
    local why
    why=$(grep -m1 '^error:' "$out" || tail -n 1 "$out")
    log "  N=$n $case run $run FAILED: $why"
    printf '%s\t%s\t%s\t%s\n' "$n" "$case" "$run" "$why" >>"$failures"
    return 1
  fi
  awk -v n="$n" -v c="$case" -v r="$run" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
    /Elapsed \(wall clock\)/ { split($NF, p, ":"); wall = (length(p) == 3) ? p[1]*3600 + p[2]*60 + p[3] : p[1]*60 + p[2] }
    /User time/ { user = $NF }
    /System time/ { sys = $NF }
    /Maximum resident set size/ { rss = $NF / 1024 }
    END { printf "%s\t%s\t%s\t%.2f\t%.2f\t%.0f\t%s\n", n, c, r, wall, user + sys, rss, load }' "$t" >>"$raw"
  tail -n 1 "$raw" | awk -F'\t' '{ printf "  N=%s %-11s run %s: wall %6.2f s  cpu %6.2f s  peak RSS %5d MB  (load %s)\n", $1, $2, $3, $4, $5, $6, $7 }' >&2
}

expect_output() { # PATTERN
  grep -q -- "$1" "$work/out.txt" || { log "unexpected output (wanted '$1'):"; cat "$work/out.txt" >&2; exit 1; }
}

# The number of runs of the apply cases at N: RUNS, or LARGE_RUNS (default 1) from 100,000 on,
# which keeps the whole benchmark near half an hour on a small machine.
runs_for() {
  if [ "$1" -ge 100000 ]; then echo "${LARGE_RUNS:-1}"; else echo "$runs"; fi
}

write_desired() { # DIR
  cp bench/trust-desired.yaml "$1/bench.yaml"
}

log "work directory: $work"
log "generating spare certificates (for the 'one certificate changed' runs)"
generate "$work/spares" spare "$(( runs > ${LARGE_RUNS:-1} ? runs : ${LARGE_RUNS:-1} ))"

bench_hostpki() { # N
  local n=$1 d=$work/n$1
  mkdir -p "$d"
  write_desired "$d"
  log "N=$n: generating $n certificates"
  local start=$SECONDS
  generate "$d/trusted.d" cert "$n"
  printf '%s\tgenerate\t1\t%s\t\t\t\n' "$n" "$((SECONDS - start))" >>"$raw"
  local big_runs
  big_runs=$(runs_for "$n")
  for r in $(seq 1 "$big_runs"); do
    rm -rf "$d/store"
    if ! measure "$n" apply-empty "$r" bin/hostpki apply -f "$d/bench.yaml"; then
      log "  N=$n: the store is not usable; the other cases at this N are skipped"
      [ "${KEEP:-0}" = 1 ] || rm -rf "$d"
      return
    fi
    expect_output "Applied:"
  done
  for r in $(seq 1 "$runs"); do
    measure "$n" plan "$r" bin/hostpki plan -f "$d/bench.yaml" || break
    expect_output "No changes"
  done
  for r in $(seq 1 "$runs"); do
    measure "$n" bare-p12 "$r" "$bare" "$d/store/truststore.p12" || break
    expect_output "$((n + 1)) entries fingerprinted" # and the internal CA
  done
  for r in $(seq 1 "$big_runs"); do
    cp "$work/spares/spare-$(printf '%06d' "$r").pem" "$d/trusted.d/cert-000001.pem"
    measure "$n" apply-one "$r" bin/hostpki apply -f "$d/bench.yaml" || break
    expect_output "1 to replace"
  done
  [ "${KEEP:-0}" = 1 ] || rm -rf "$d"
}

bench_keytool() { # N
  local n=$1 d=$work/keytool
  mkdir -p "$d"
  generate "$d/certs" cert "$n"
  cat >"$d/import.sh" <<'EOF'
#!/usr/bin/env bash
# One keytool run per certificate, as trust stores are usually filled.
set -e
rm -f "$1/ks.p12"
for f in "$1"/certs/*.pem; do
  a=$(basename "$f" .pem)
  keytool -importcert -noprompt -alias "$a" -file "$f" -keystore "$1/ks.p12" -storetype PKCS12 -storepass bench-pw >/dev/null 2>&1
done
EOF
  chmod +x "$d/import.sh"
  for r in $(seq 1 "$keytool_runs"); do
    measure "$n" keytool "$r" "$d/import.sh" "$d" || exit 1
  done
  local entries
  entries=$(keytool -list -keystore "$d/ks.p12" -storetype PKCS12 -storepass bench-pw 2>/dev/null | grep -c trustedCertEntry)
  [ "$entries" = "$n" ] || { log "keytool store has $entries entries, not $n"; exit 1; }
  # hostpki doing the same job, from empty, for the ratio
  write_desired "$d"
  mv "$d/certs" "$d/trusted.d"
  for r in $(seq 1 "$runs"); do
    rm -rf "$d/store"
    measure "$n" apply-empty "$r" bin/hostpki apply -f "$d/bench.yaml" || exit 1
    expect_output "Applied:"
  done
  rm -rf "$d"
}

if [ "$have_keytool" = yes ] && [ "$keytool_n" -gt 0 ]; then
  log "keytool comparison at N=$keytool_n"
  bench_keytool "$keytool_n"
else
  log "keytool not found (or KEYTOOL_N=0): comparison skipped"
fi
for n in "${sizes[@]}"; do
  bench_hostpki "$n"
done

# ---- summary ------------------------------------------------------------------------------
report() {
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory, $(uname -sr), $(java -version 2>&1 | head -1)"
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| N | case | runs | wall s min / median / max | CPU (user+sys) s median | peak RSS MB median (max) | load avg during runs |"
  echo "|---|---|---|---|---|---|---|"
  awk -F'\t' '$2 != "generate"' "$raw" | sort -t$'\t' -k1,1n -k2,2 -k3,3n | awk -F'\t' '
    function median(a, k,   i, j, t) {  # sorts a[1..k] in place, returns the middle
      for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
      return a[int((k + 1) / 2)]
    }
    function flush() {
      if (key == "") return
      w_med = median(w, k); w_min = w[1]; w_max = w[k]
      c_med = median(c, k); r_med = median(r, k); r_max = r[k]
      printf "| %s | %s | %d | %.2f / %.2f / %.2f | %.2f | %d (%d) | %s |\n", n, cs, k, w_min, w_med, w_max, c_med, r_med, r_max, loads
    }
    { if ($1 SUBSEP $2 != key) { flush(); key = $1 SUBSEP $2; n = $1; cs = $2; k = 0; loads = "" }
      k++; w[k] = $4; c[k] = $5; r[k] = $6; loads = loads (loads == "" ? "" : " ") $7 }
    END { flush() }'
  echo
  awk -F'\t' '{ printf "FAILED: N=%s %s run %s: %s\n", $1, $2, $3, $4 }' "$failures"
  awk -F'\t' '$2 == "generate" { printf "Generating %s certificates took %s s.\n", $1, $4 }' "$raw"
  echo
  # The issue's target: a converged plan within 2x the bare program on the same truststore.p12.
  for n in $(awk -F'\t' '$2 == "plan" { print $1 }' "$raw" | sort -un); do
    plan=$(awk -F'\t' -v n="$n" '$1 == n && $2 == "plan" { print $4 }' "$raw" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    anchor=$(awk -F'\t' -v n="$n" '$1 == n && $2 == "bare-p12" { print $4 }' "$raw" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    if [ -n "$anchor" ]; then
      awk -v n="$n" -v p="$plan" -v b="$anchor" 'BEGIN {
        printf "N=%s: converged plan %.2f s / bare KeyStore.load + fingerprints %.2f s = %.2fx%s\n", n, p, b, p / b, (n != 10000 ? "" : (p / b <= 2 ? " (target <= 2x: met)" : " (target <= 2x: missed)")) }'
    fi
  done
  # keytool: one -importcert per certificate, at its measured rate per certificate (a lower
  # bound: each import loads and rewrites the whole store, so it slows as the store grows).
  local kt
  kt=$(awk -F'\t' '$2 == "keytool" { print $1 "\t" $4 }' "$raw" | sort -t$'\t' -k2,2n | awk 'NR == 1')
  if [ -n "$kt" ]; then
    for n in $(awk -F'\t' '$2 == "apply-empty" { print $1 }' "$raw" | sort -un); do
      empty=$(awk -F'\t' -v n="$n" '$1 == n && $2 == "apply-empty" { print $4 }' "$raw" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
      printf '%s\t%s\n' "$kt" "$empty" | awk -F'\t' -v n="$n" '{
        est = $2 / $1 * n
        printf "N=%s from empty: hostpki apply %.2f s; keytool -importcert per certificate at least %.0f s (%.2f s each, measured at %s) = at least %.0fx%s\n", n, $3, est, $2 / $1, $1, est / $3, (n != 10000 ? "" : (est / $3 >= 100 ? " (target >= 100x: met)" : " (target >= 100x: missed)")) }'
    done
  fi
}
report | tee "$work/summary.md"
if [ -n "$summary" ]; then
  cp "$work/summary.md" "$summary"
  cp "$raw" "${summary%.md}.tsv"
  if [ -s "$failures" ]; then cp "$failures" "${summary%.md}.failures.tsv"; fi
fi
