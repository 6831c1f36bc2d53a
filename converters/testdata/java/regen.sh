#!/usr/bin/env bash
# regen.sh — regenerates converters/testdata/json/*.golden from Apache Kafka Connect's own
# converters (see README.md). Needs the test stack's classpath (integration/stack/up resolves
# it into .stack/kafka/classpath.txt) and a JDK: the default java for the converter goldens
# (the JDK 17 that runs the reference Connect worker), and a JDK 19+ (JAVA19, default the
# Temurin 25 under /usr/lib/jvm) for java_float_tostring.golden.
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cp_file="${CLASSPATH_FILE:-$root/.stack/kafka/classpath.txt}"
[[ -s $cp_file ]] || { echo "regen.sh: $cp_file is missing; run integration/stack/up first" >&2; exit 1; }
out="$root/converters/testdata/json"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
cp="$(cat "$cp_file")"
javac -encoding UTF-8 --release 17 -nowarn -cp "$cp" -d "$build" "$here/GoldenGen.java"
java -cp "$build:$cp" GoldenGen converters "$out"
java19="${JAVA19:-$(ls -d /usr/lib/jvm/temurin-2*/bin/java 2>/dev/null | tail -1)}"
if [[ -x $java19 ]]; then
  "$java19" -cp "$build:$cp" GoldenGen floats "$out"
else
  echo "regen.sh: no JDK 19+ found (set JAVA19); java_float_tostring.golden left as it is" >&2
fi
ls -l "$out"
