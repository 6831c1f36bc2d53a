#!/usr/bin/env bash
# regen.sh — regenerates runtime/distributed/testdata/protocol/*.golden from Apache Kafka
# Connect's own ConnectProtocol / IncrementalCooperativeConnectProtocol (see README.md). Needs
# the test stack's classpath (integration/stack/up resolves it into .stack/kafka/classpath.txt)
# and the default JDK (17, the JVM of the reference Connect worker).
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
cp_file="${CLASSPATH_FILE:-$root/.stack/kafka/classpath.txt}"
[[ -s $cp_file ]] || { echo "regen.sh: $cp_file is missing; run integration/stack/up first" >&2; exit 1; }
out="$root/runtime/distributed/testdata/protocol"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
cp="$(cat "$cp_file")"
javac -encoding UTF-8 --release 17 -nowarn -cp "$cp" -d "$build" "$here/ProtocolGolden.java"
java -cp "$build:$cp" ProtocolGolden "$out"
wc -l "$out"/*.golden
