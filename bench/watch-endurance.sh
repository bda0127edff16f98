#!/usr/bin/env bash
# Endurance of `hostpki watch` as hostpki-watch.service runs it, compressed: a short --interval
# and --debounce so that an hour holds thousands of observations. Runs in a private network
# namespace (a veth interface whose addresses it adds and removes; the host's network is not
# touched) and measures the watch's JVM over time: open fds, threads, RSS, Java heap after a full
# GC (jcmd), inotify watches, child processes, and the log lines it wrote (per phase, per event).
#
# Phases, in order (minutes each, 0 skips one):
#   IDLE_MIN   (5)  nothing changes: an idle watch should log nothing at all
#   CHURN_MIN (20)  every CHURN_EVERY seconds (2) one of, in turn: an address added to the dummy
#                   interface, removed, a flap (added and removed within a second), the desired
#                   state edited (a DNS name toggled), an output file deleted by hand, SIGHUP, a
#                   `hostpki rollback` (watch holds) and a person's `hostpki apply --replace
#                   server` (releases the hold: other runs changing the store); hooks run on
#                   every change and one in four fails; with FAKETIME_LIB, wall clock steps too
#   FLAP_MIN   (5)  one address added and removed every FLAP_EVERY seconds (1): the log should
#                   count, not list
#   IDLE2_MIN  (3)  idle again: what the churn left behind (fds, threads, heap) should be gone
#
# Usage (root: it makes a network namespace): bench/watch-endurance.sh
# Environment: INTERVAL (500ms), DEBOUNCE (3s), SAMPLE (seconds between samples, 10),
#   HEAP_EVERY (samples between heap measurements, 6), WORK (scratch directory; default a new one
#   under /tmp, removed at the end unless KEEP=1), FAKETIME_LIB (unset: no clock steps; the path
#   of libfaketime.so.1: the watch runs under it and the churn steps its wall clock 3 minutes
#   ahead and back; not by default: under libfaketime 0.9 the JVM's own timed waits return at
#   once, so its housekeeping threads spin, ~20% of a core, and the numbers are libfaketime's).
#   Prints a summary; the samples are WORK/samples.tsv, the log WORK/watch.log.
set -euo pipefail
top=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd -P)
if [ -z "${HOSTPKI_ENDURANCE_NS:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "watch-endurance: needs root (unshare -n, ip link add)" >&2; exit 1; }
  HOSTPKI_ENDURANCE_NS=1 exec unshare -n -- "$0" "$@"
fi
interval=${INTERVAL:-500ms}
debounce=${DEBOUNCE:-3s}
sample=${SAMPLE:-10}
heap_every=${HEAP_EVERY:-6}
churn_every=${CHURN_EVERY:-2}
flap_every=${FLAP_EVERY:-1}
faketime_lib=${FAKETIME_LIB:-}
work=${WORK:-$(mktemp -d /tmp/hostpki-endurance.XXXXXX)}
mkdir -p "$work"
cd "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -z "${WORK:-}" ] && [ "${KEEP:-0}" != 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

ip link set lo up
# A veth pair (this kernel may lack the dummy module); d0 carries the addresses, d1 is unused.
ip link add d0 type veth peer name d1
ip link set d1 up
ip link set d0 up
ip addr add 10.9.0.1/24 dev d0

printf 'endurance-password\n' >password
chmod 600 password
cat >hook.sh <<'EOF'
#!/bin/sh
# Counts its runs; fails one run in four (watch records it and runs it again, backing off).
n=$(($(cat "$1.count" 2>/dev/null || echo 0) + 1))
echo "$n" >"$1.count"
echo "hook $1 run $n"
[ $((n % 4)) -ne 0 ]
EOF
chmod 755 hook.sh
write_state() { # $1: the extra DNS name (toggled by the churn)
  cat >host.yaml.new <<EOF
apiVersion: hostpki/v1
store: {path: pki, password: {file: password}}
host: {detect: true}
server:
  issuer: internal
  includeHostIdentity: true
  dnsNames: [localhost, $1]
  ipAddresses: [127.0.0.1]
outputs:
  - format: combined-pem
    file: combined.pem
    afterChange: [[$work/hook.sh, $work/output]]
hooks:
  afterServerChange: [[$work/hook.sh, $work/server]]
metrics:
  textfile: metrics/hostpki.prom
EOF
  mv host.yaml.new host.yaml
}
mkdir -p metrics
write_state a.example
printf '+0\n' >faketime
"$top/bin/hostpki" apply -f host.yaml >apply-first.log 2>&1 || { cat apply-first.log >&2; exit 1; }

# The watch, under libfaketime when it is there (only the wall clock: the JVM waits on the
# monotonic one), its offset read from ./faketime (cached for a second).
if [ -n "$faketime_lib" ]; then
  LD_PRELOAD=$faketime_lib FAKETIME_TIMESTAMP_FILE=$work/faketime FAKETIME_CACHE_DURATION=1 \
    FAKETIME_DONT_FAKE_MONOTONIC=1 JOURNAL_STREAM='' \
    "$top/bin/hostpki" watch -f host.yaml --interval "$interval" --debounce "$debounce" \
    --lock-timeout 2m 2>watch.log &
else
  "$top/bin/hostpki" watch -f host.yaml --interval "$interval" --debounce "$debounce" \
    --lock-timeout 2m 2>watch.log &
fi
watch=$!
pids+=("$watch")
sleep 3
kill -0 "$watch" || { cat watch.log >&2; exit 1; }

# Counts observations: every one rewrites the metrics file (a rename into metrics/).
python3 - "$work/metrics" >observations <<'PY' &
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init()
libc.inotify_add_watch(fd, sys.argv[1].encode(), 0x80)  # IN_MOVED_TO
n = 0
while True:
    buf = os.read(fd, 65536)
    i = 0
    while i < len(buf):
        length = struct.unpack_from("iIII", buf, i)[3]
        n += 1
        i += 16 + length
    sys.stdout.write("%d\n" % n)
    sys.stdout.flush()
PY
pids+=("$!")
phase=start
echo "$phase" >phase
# time elapsed phase fds threads rss_kb heap_used_kb inotify children zombies log_lines
printf 'time\telapsed_s\tphase\tobservations\tcpu_s\tfds\tthreads\trss_kb\theap_after_gc_kb\tinotify_watches\tchildren\tzombies\tlog_lines\n' >samples.tsv
start=$(date +%s)
sampler() {
  local n=0 heap
  while kill -0 "$watch" 2>/dev/null; do
    heap=""
    if [ $((n % heap_every)) -eq 0 ]; then
      heap=$(jcmd "$watch" GC.run >/dev/null 2>&1 && jcmd "$watch" GC.heap_info 2>/dev/null |
        awk '/total/ { for (i = 1; i <= NF; i++) if ($i == "used") { sub(/K,?/, "", $(i + 1)); s += $(i + 1) } } END { print s }')
    fi
    n=$((n + 1))
    local fds threads rss inotify children zombies cpu
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$watch/stat")
    fds=$(ls "/proc/$watch/fd" 2>/dev/null | wc -l)
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$watch/status")
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$watch/status")
    inotify=$(cat /proc/"$watch"/fdinfo/* 2>/dev/null | grep -c '^inotify wd:' || true)
    children=$(pgrep -P "$watch" | wc -l || true)
    zombies=$(ps --ppid "$watch" -o stat= 2>/dev/null | grep -c Z || true)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%H:%M:%S)" $(($(date +%s) - start)) \
      "$(cat phase)" "$(tail -n 1 observations | grep . || echo 0)" "$cpu" "$fds" "$threads" "$rss" "${heap:--}" "$inotify" "$children" "$zombies" \
      "$(wc -l <watch.log)" >>samples.tsv
    sleep "$sample"
  done
}
sampler &
pids+=("$!")

lines_at() { wc -l <watch.log; }
declare -A lines_in
run_phase() { # name minutes body-function
  local name=$1 minutes=$2 body=$3 from end
  [ "$minutes" -gt 0 ] || return 0
  echo "$name" >phase
  from=$(lines_at)
  echo "$(date -u +%H:%M:%S) phase $name ($minutes min), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  end=$(($(date +%s) + minutes * 60))
  while [ "$(date +%s)" -lt "$end" ]; do
    "$body"
    kill -0 "$watch" || { echo "watch died" >&2; tail -n 20 watch.log >&2; exit 1; }
  done
  lines_in[$name]=$(($(lines_at) - from))
}

idle() { sleep 5; }
step=0
last=2
churn() {
  step=$((step + 1))
  case $((step % 10)) in
    0) ip addr add 10.9.1.$((step % 200 + 1))/24 dev d0 2>/dev/null || true ;;
    1) ip addr flush dev d0 label d0 to 10.9.1.0/24 2>/dev/null || true ;;
    2) ip addr add 10.9.2.1/24 dev d0; sleep 0.5; ip addr del 10.9.2.1/24 dev d0 ;;
    3) if grep -q a.example host.yaml; then write_state b.example; else write_state a.example; fi ;;
    4) rm -f pki/combined.pem ;;
    5) kill -HUP "$watch" ;;
    6) [ -z "$faketime_lib" ] || printf '+3m\n' >faketime ;;
    7) printf '+0\n' >faketime ;;
    # The rollback's hold lasts until the person's apply right after it.
    8) "$top/bin/hostpki" rollback -f host.yaml --lock-timeout 2m >>others.log 2>&1 || true ;;
    9) "$top/bin/hostpki" apply -f host.yaml --replace server --lock-timeout 2m >>others.log 2>&1 || true ;;
  esac
  sleep "$churn_every"
}
flap() {
  ip addr add 10.9.3.1/24 dev d0 2>/dev/null || true
  sleep "$flap_every"
  ip addr del 10.9.3.1/24 dev d0 2>/dev/null || true
  sleep "$flap_every"
}

run_phase idle "${IDLE_MIN:-5}" idle
run_phase churn "${CHURN_MIN:-20}" churn
printf '+0\n' >faketime
run_phase flap "${FLAP_MIN:-5}" flap
run_phase idle2 "${IDLE2_MIN:-3}" idle
echo end >phase
sleep "$sample"
kill -TERM "$watch"
wait "$watch" || echo "watch exited $?" >&2

echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?');" \
  "interval $interval, debounce $debounce; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Observations (plans, counted by the metrics file's renames): $(tail -n 1 observations);" \
  "hook runs: output $(cat output.count 2>/dev/null || echo 0), server $(cat server.count 2>/dev/null || echo 0);" \
  "applies and rollbacks by others: $(grep -c "^Applied:\|^Rolled back" others.log 2>/dev/null || echo 0)"
for p in idle churn flap idle2; do
  [ -n "${lines_in[$p]:-}" ] && echo "log lines in phase $p: ${lines_in[$p]}"
done
echo "log lines per event (whole run):"
sed -n 's/^[0-9T:Z-]* \([a-z][a-z ]*\)\(:.*\)\?$/\1/p' watch.log | sort | uniq -c | sort -rn | sed 's/^/  /'
echo "samples (first, each phase's last, end):"
awk -F'\t' 'NR == 1 { print; next } NR == 2 { print; prev = $3; last = $0; next }
  $3 != prev { print last; prev = $3 } { last = $0 } END { print last }' samples.tsv | column -t
