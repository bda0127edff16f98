#!/bin/sh
# ACME issuance time: hostpki's ACME edge (in-process, acme4j) next to lego and certbot, each
# getting a certificate, then renewing it, from one local pebble (loopback, real http-01
# validation). Prints a Markdown table. Usage: bench/acme.sh [RUNS]   (default 5)
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
java -cp "target/test-classes:target/classes:$(cat "$cp")" org.hostpki.acme.AcmeBench "$runs"
