#!/bin/sh
# ACME issuance time: hostpki next to lego and certbot, each getting a certificate, then renewing
# it, from one local pebble (loopback, real http-01 validation). hostpki twice: its ACME edge
# in-process (the protocol alone), and `bin/hostpki apply` as a process (JVM start, plan, order,
# checks, store write: what a user waits for; renewal is `apply --replace server`), as lego and
# certbot run. Prints a Markdown table. Usage: bench/acme.sh [RUNS]   (default 5)
# Needs Debian's pebble (with pebble-challtestsrv), lego and certbot.
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd -P)
top=$(dirname -- "$here")
runs=${1:-5}
for tool in pebble pebble-challtestsrv lego certbot; do
  command -v "$tool" >/dev/null || { echo "bench/acme.sh: needs $tool (apt-get install pebble lego certbot)" >&2; exit 1; }
done
cd "$top"
mvn -B -q -o test-compile
cp=$(mktemp "${TMPDIR:-/tmp}/hostpki-acme-cp.XXXXXX")
trap 'rm -f "$cp"' EXIT
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp"
[ -f target/hostpki-0.1.0.jar ] || mvn -B -q -o -DskipTests package   # for bin/hostpki apply
java -Dhostpki.launcher="$top/bin/hostpki" -cp "target/test-classes:target/classes:$(cat "$cp")" org.hostpki.acme.AcmeBench "$runs"
