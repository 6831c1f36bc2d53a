#!/usr/bin/env bash
# regen.sh — regenerates transforms/testdata/golden/ from Apache Kafka Connect 4.1.2's own SMTs
# and predicates (see README.md). Needs the test stack's classpath (integration/stack/up
# resolves it into .stack/kafka/classpath.txt; it holds connect-api, connect-json and
# connect-transforms 4.1.2) and a JDK 17 (the default java/javac, the JVM of the reference
# Connect worker). Runs in UTC with an en-US locale, as the Go emulation assumes.
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cp_file="${CLASSPATH_FILE:-$root/.stack/kafka/classpath.txt}"
[[ -s $cp_file ]] || { echo "regen.sh: $cp_file is missing; run integration/stack/up first" >&2; exit 1; }
cp="$(cat "$cp_file")"
for jar in connect-api connect-json connect-transforms; do
  [[ $cp == *"/$jar-4.1.2.jar"* ]] || { echo "regen.sh: $jar-4.1.2.jar is not on the classpath in $cp_file" >&2; exit 1; }
done
out="$root/transforms/testdata/golden"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
javac -encoding UTF-8 --release 17 -nowarn -cp "$cp" -d "$build" "$here/SmtGoldenGen.java"
# Goldens are written from scratch into a new directory that replaces the old one only if
# the generator succeeds, so a case removed from the corpus loses its file.
java -Duser.timezone=UTC -Duser.language=en -Duser.country=US -Dfile.encoding=UTF-8 \
  -Dlog4j2.level=warn -cp "$build:$cp" SmtGoldenGen "$root/transforms/testdata/corpus.json" "$build/golden"
rm -rf "$out"
mv "$build/golden" "$out"
echo "regen.sh: golden files written to ${out#"$root"/}"
