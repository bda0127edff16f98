#!/bin/sh
# Start-up and converged runs: hostpki next to its anchors (Ansible with community.crypto,
# keytool, bare JVMs) on the same job in one run, so the ratios hold on a noisy machine.
# Writes bench/RESULTS.md. Usage: bench/run.sh [RUNS]   (RUNS: hostpki runs per job, 10)
# Ansible and keytool jobs run ANSIBLE_RUNS times (2): each takes seconds to a minute. Then the
# trust store at scale: bench/trust-scale.sh at TRUST_SIZES (default "1000 10000 100000";
# empty skips it), its table appended. The whole run takes about half an hour on 2 cores.
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd -P)
top=$(dirname -- "$here")
runs=${1:-10}
ansible_runs=${ANSIBLE_RUNS:-2}
out=$here/RESULTS.md

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || ! need ansible-playbook; then
  # Debian's ansible bundles community.crypto and community.general.
  apt-get install -y hyperfine ansible >/dev/null
fi
need keytool && need openssl && need python3 || { echo "bench: needs keytool, openssl, python3" >&2; exit 1; }

jar=$top/target/hostpki-0.1.0.jar
[ -f "$jar" ] && [ -f "$top/target/hostpki.jsa" ] || (cd "$top" && mvn -B -q -DskipTests package)
hostpki=$top/bin/hostpki

work=$(mktemp -d "${TMPDIR:-/tmp}/hostpki-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# --- the job: quickstart.yaml plus 10 trusted certificates and a PKCS#12 trust store --------
mkdir trusted trusted100
i=1
while [ $i -le 100 ]; do
  n=$(printf %03d $i)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
    -subj "/CN=bench trust $n" -days 3650 -out trusted100/t$n.pem 2>/dev/null
  [ $i -le 10 ] && cp trusted100/t$n.pem trusted/
  i=$((i + 1))
done
printf 'bench-password\n' > password
chmod 600 password
cat > small.yaml <<'EOF'
apiVersion: hostpki/v1
store:
  path: pki
  password: {file: password}
host:
  detect: true
  ignoreInterfaces: [docker0, "veth*", "virbr*"]
server:
  issuer: internal
  includeHostIdentity: true
  dnsNames: [localhost]
  ipAddresses: [127.0.0.1, "::1"]
trust:
  directories: [trusted]
hooks:
  afterServerChange: []
EOF
cat > rsa.yaml <<'EOF'
apiVersion: hostpki/v1
store:
  path: pki-rsa
host:
  detect: true
ca:
  key: {algorithm: RSA, size: 3072}
server:
  issuer: internal
  key: {algorithm: RSA, size: 3072}
  dnsNames: [localhost]
EOF
{
  printf 'dir: %s/ans\ntrusted:\n' "$work"
  for f in trusted/*.pem; do printf '  - %s/%s\n' "$work" "$f"; done
} > vars.yml
playbook="ansible-playbook -i localhost, $here/playbook.yml -e @$work/vars.yml"

# --- the floors --------------------------------------------------------------------------
mkdir classes
bc=$(ls "$top"/target/lib/bc*.jar | paste -sd: -)
m2=${M2_REPO:-$HOME/.m2/repository}/org/bouncycastle
signed=$(ls "$m2"/bcprov-jdk18on/*/bcprov-jdk18on-1.87.jar "$m2"/bcpkix-jdk18on/*/bcpkix-jdk18on-1.87.jar \
  "$m2"/bcutil-jdk18on/*/bcutil-jdk18on-1.87.jar | paste -sd: -)
javac -d classes -cp "$bc" "$here/Hello.java" "$here/BcFloor.java"
# CDS archives classes from jars only, not from directories.
jar cf floor.jar -C classes .
java -XX:ArchiveClassesAtExit="$work/floor.jsa" -Xlog:disable -cp "$work/floor.jar:$bc" BcFloor >/dev/null
java -XX:ArchiveClassesAtExit="$work/floor-jca.jsa" -Xlog:disable -cp "$work/floor.jar:$bc" BcFloor provider >/dev/null
jvm="java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"

# Prime the stores the converged runs use.
"$hostpki" apply -f small.yaml >/dev/null
$playbook >/dev/null

hf() { # name, runs, hyperfine options and commands...
  name=$1 n=$2
  shift 2
  hyperfine -N --style basic --runs "$n" --export-json "$work/$name.json" "$@" >/dev/null 2>&1 ||
    hyperfine --style basic --runs "$n" --export-json "$work/$name.json" "$@" >/dev/null
}
rss() { # peak RSS in KB of one run of a shell command line
  /usr/bin/time -f %M -o "$work/rss" sh -c "$1" >/dev/null 2>&1 || true
  cat "$work/rss" | tail -n 1
}

echo "bench: floors" >&2
hf floor-version "$runs" -n "java -version" "java -version"
hf floor-hello "$runs" -n "Hello (default CDS)" "$jvm -cp $work/floor.jar Hello"
hf floor-bc-signed "$runs" -n "BC EC self-sign, signed jars" "$jvm -cp $work/floor.jar:$signed BcFloor"
hf floor-bc-jca "$runs" -n "BC provider, EC self-sign, unsigned + AppCDS (issue's BC + AppCDS)" \
  "java -XX:SharedArchiveFile=$work/floor-jca.jsa -Xshare:auto -cp $work/floor.jar:$bc BcFloor provider"
hf floor-bc-cds "$runs" -n "BC EC self-sign, no provider, C1, SerialGC, unsigned + AppCDS" \
  "$jvm -XX:SharedArchiveFile=$work/floor.jsa -cp $work/floor.jar:$bc BcFloor"

echo "bench: hostpki" >&2
hf plan "$runs" -n "hostpki plan (converged)" "$hostpki plan -f $work/small.yaml"
hf plan-nocds "$runs" -n "hostpki plan (converged, HOSTPKI_CDS=off)" \
  "env HOSTPKI_CDS=off $hostpki plan -f $work/small.yaml"
hf plan-tiered "$runs" -n "hostpki plan (converged, full tiered JIT)" \
  "env HOSTPKI_JAVA_OPTS=-XX:TieredStopAtLevel=4 $hostpki plan -f $work/small.yaml"
hf apply-converged "$runs" -n "hostpki apply (converged)" "$hostpki apply -f $work/small.yaml"
hf apply-empty "$runs" -n "hostpki apply (from empty)" --prepare "rm -rf $work/pki" \
  "$hostpki apply -f $work/small.yaml"

# RSA 3072 key generation: where C1-only (-XX:TieredStopAtLevel=1) may cost more than it saves.
hf rsa-c1 "$ansible_runs" -n "hostpki apply (from empty, RSA 3072 CA + server, C1 only)" \
  --prepare "rm -rf $work/pki-rsa" "$hostpki apply -f $work/rsa.yaml"
hf rsa-tiered "$ansible_runs" -n "hostpki apply (from empty, RSA 3072 CA + server, full tiered JIT)" \
  --prepare "rm -rf $work/pki-rsa" "env HOSTPKI_JAVA_OPTS=-XX:TieredStopAtLevel=4 $hostpki apply -f $work/rsa.yaml"

echo "bench: ansible (slow)" >&2
hf ansible-first "$ansible_runs" -n "ansible-playbook (first run)" --prepare "rm -rf $work/ans" "$playbook"
hf ansible-converged "$ansible_runs" -n "ansible-playbook (converged)" "$playbook"
hf ansible-check "$ansible_runs" -n "ansible-playbook --check --diff (converged)" "$playbook --check --diff"

echo "bench: keytool" >&2
cat > keytool100.sh <<EOF
rm -f $work/ks.p12
for f in $work/trusted100/*.pem; do
  keytool -importcert -noprompt -alias "\$(basename "\$f" .pem)" -file "\$f" \
    -keystore $work/ks.p12 -storetype pkcs12 -storepass bench-password >/dev/null
done
EOF
hf keytool100 "$ansible_runs" -n "keytool -importcert x 100" "sh $work/keytool100.sh"

echo "bench: peak RSS" >&2
{
  echo "floor-version $(rss 'java -version')"
  echo "floor-hello $(rss "$jvm -cp $work/floor.jar Hello")"
  echo "floor-bc-signed $(rss "$jvm -cp $work/floor.jar:$signed BcFloor")"
  echo "floor-bc-jca $(rss "java -XX:SharedArchiveFile=$work/floor-jca.jsa -Xshare:auto -cp $work/floor.jar:$bc BcFloor provider")"
  echo "floor-bc-cds $(rss "$jvm -XX:SharedArchiveFile=$work/floor.jsa -cp $work/floor.jar:$bc BcFloor")"
  echo "plan $(rss "$hostpki plan -f $work/small.yaml")"
  echo "plan-nocds $(rss "HOSTPKI_CDS=off $hostpki plan -f $work/small.yaml")"
  echo "apply-converged $(rss "$hostpki apply -f $work/small.yaml")"
  rm -rf "$work/pki"
  echo "apply-empty $(rss "$hostpki apply -f $work/small.yaml")"
  echo "ansible-converged $(rss "$playbook")"
} > rss.txt

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
python3 - "$work" "$out" "$(nproc)" "$mem" "$cpu" "$(uptime | sed 's/.*load average: //')" \
  "$(java -version 2>&1 | head -n 1)" "$runs" "$ansible_runs" <<'EOF'
import json, os, sys, datetime
work, out, nproc, mem, cpu, load, javav, runs, aruns = sys.argv[1:]
rss = dict(line.split(None, 1) for line in open(os.path.join(work, "rss.txt")) if line.strip())
def res(name):
    r = json.load(open(os.path.join(work, name + ".json")))["results"][0]
    return r
rows = ["floor-version", "floor-hello", "floor-bc-signed", "floor-bc-jca", "floor-bc-cds", "plan", "plan-nocds",
        "plan-tiered", "apply-converged", "rsa-c1", "rsa-tiered", "apply-empty", "ansible-first", "ansible-converged", "ansible-check",
        "keytool100"]
r = {n: res(n) for n in rows}
med = {n: r[n]["median"] for n in rows}
lines = []
lines.append("# Benchmark results\n")
lines.append("Written by `bench/run.sh`; the analysis is in `bench/NOTES.md`.\n")
lines.append("## Start-up and converged runs\n")
lines.append("Made by `bench/run.sh` on %s UTC. Machine: %s CPUs (`nproc`), %s, %s; load average "
             "at the end: %s. %s. hostpki runs per job: %s; Ansible and keytool runs: %s. "
             "Times in seconds (hyperfine: min / median / max); peak RSS of one more run "
             "(`/usr/bin/time -f %%M`).\n" % (
                 datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), nproc, mem, cpu, load,
                 javav, runs, aruns))
lines.append("| job | command | min | median | max | peak RSS MB |")
lines.append("|---|---|---:|---:|---:|---:|")
for n in rows:
    x = r[n]
    kb = rss.get(n, "").strip()
    mb = "%.0f" % (int(kb) / 1024) if kb.isdigit() else ""
    lines.append("| %s | `%s` | %.3f | %.3f | %.3f | %s |" % (
        n, x["command"], x["min"], x["median"], x["max"], mb))
def ratio(a, b):
    return med[a] / med[b]
lines.append("")
lines.append("Targets of issue 10 (medians of this run):\n")
lines.append("| target | measured | met |")
lines.append("|---|---:|---|")
t1 = ratio("plan", "floor-bc-jca")
t1lean = ratio("plan", "floor-bc-cds")
t2 = ratio("ansible-converged", "plan")
t3 = ratio("ansible-first", "apply-empty")
lines.append("| converged `plan` <= 2x the BC + AppCDS floor (`floor-bc-jca`) | %.2fx | %s |" % (t1, "yes" if t1 <= 2 else "no"))
lines.append("| (stricter) converged `plan` <= 2x the leanest BC floor (`floor-bc-cds`) | %.2fx | %s |" % (t1lean, "yes" if t1lean <= 2 else "no"))
lines.append("| converged `plan` >= 20x faster than Ansible's converged run | %.1fx | %s |" % (t2, "yes" if t2 >= 20 else "no"))
lines.append("| `apply` from empty >= 20x faster than Ansible's first run | %.1fx | %s |" % (t3, "yes" if t3 >= 20 else "no"))
lines.append("")
lines.append("Other ratios: AppCDS + unsigned jars vs. `HOSTPKI_CDS=off` for `plan`: %.2fx; "
             "BC floor signed vs. unsigned + AppCDS: %.2fx; Ansible `--check --diff` vs. hostpki "
             "`plan`: %.1fx; keytool x 100 vs. hostpki converged `apply`: %.1fx; full tiered JIT vs. "
             "C1 only: converged `plan` %.2fx, RSA 3072 `apply` from empty %.2fx." % (
                 ratio("plan-nocds", "plan"), ratio("floor-bc-signed", "floor-bc-cds"),
                 ratio("ansible-check", "plan"), ratio("keytool100", "apply-converged"),
                 ratio("plan-tiered", "plan"), ratio("rsa-tiered", "rsa-c1")))
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF

# --- the trust store at scale, with its own anchors (a bare KeyStore.load, keytool) ---------
trust_sizes=${TRUST_SIZES-1000 10000 100000}
if [ -n "$trust_sizes" ]; then
  echo "bench: trust store at scale ($trust_sizes)" >&2
  # shellcheck disable=SC2086 # the sizes are words
  bash "$here/trust-scale.sh" -o "$work/trust.md" $trust_sizes >&2
  {
    echo
    echo "## Trust store at scale"
    echo
    echo "Made by \`bench/trust-scale.sh\` in the same run (wall and CPU from \`/usr/bin/time -v\`;"
    echo "\`bare-p12\` is bench/BareTruststore.java: the JDK's KeyStore.load of the store's"
    echo "truststore.p12 and a SHA-256 of every entry, with the launcher's JVM flags)."
    echo
    cat "$work/trust.md"
  } >> "$out"
fi
