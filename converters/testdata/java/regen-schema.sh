#!/usr/bin/env bash
# regen-schema.sh — regenerates converters/testdata/java/avro_schema.golden.json from
# Confluent's own AvroData (see README.md, "Avro schema goldens"). Confluent's jars are not
# on Maven Central, so the classes are compiled from Confluent's source:
#   SR_REPO  a clone of confluentinc/schema-registry (bare or not; default: the mirror
#            under /work/.mirror), read at SR_COMMIT (default: the pinned commit below);
#   mvn      resolves Avro, Kafka's connect-api, Jackson, Guava from Maven Central;
#   java     a JDK 17+ (JAVA_HOME, default java/javac on the PATH; JDK 17 and 25 give the
#            same file: the corpus avoids doubles that JDK 17 prints with a superfluous digit).
# Only AvroSchema is replaced by a stub (stubs/…/AvroSchema.java: AvroData uses it only as
# the key of its toConnectSchema cache); every other class is Confluent's, unchanged.
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sr="${SR_REPO:-/work/.mirror/confluentinc+schema-registry/repo}"
commit="${SR_COMMIT:-794611bd86d1ce0422581269e2b13a2ab010c7fb}"
[[ -d $sr ]] || { echo "regen-schema.sh: SR_REPO=$sr is not a schema-registry clone" >&2; exit 1; }
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
mkdir -p "$build/src" "$build/classes"
sources=(
  avro-data/src/main/java/io/confluent/connect/avro/AvroData.java
  avro-data/src/main/java/io/confluent/connect/avro/AvroDataConfig.java
  schema-converter/src/main/java/io/confluent/connect/schema/AbstractDataConfig.java
  schema-converter/src/main/java/io/confluent/connect/schema/ConnectEnum.java
  schema-converter/src/main/java/io/confluent/connect/schema/ConnectUnion.java
  schema-converter/src/main/java/io/confluent/connect/schema/ConnectVariant.java
  avro-types/src/main/java/io/confluent/avro/type/VariantConversion.java
  avro-types/src/main/java/io/confluent/avro/type/VariantLogicalType.java
  avro-serializer/src/main/java/io/confluent/kafka/serializers/NonRecordContainer.java
)
while IFS= read -r f; do sources+=("$f"); done < <(git -C "$sr" ls-tree -r "$commit" --name-only \
  | grep -E '^schema-types/src/main/java/io/confluent/kafka/schemaregistry/type/[^/]+\.java$')
for f in "${sources[@]}"; do
  p="${f#*/src/main/java/}"
  mkdir -p "$build/src/$(dirname "$p")"
  git -C "$sr" show "$commit:$f" > "$build/src/$p"
done
cp -r "$here/stubs/." "$build/src/"
cat > "$build/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>schema-golden-deps</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.avro</groupId><artifactId>avro</artifactId><version>1.12.1</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-api</artifactId><version>4.1.2</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-clients</artifactId><version>4.1.2</version></dependency>
    <dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId><version>33.5.0-jre</version></dependency>
    <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId><version>2.21.3</version></dependency>
    <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-core</artifactId><version>2.21.3</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>2.0.17</version></dependency>
  </dependencies>
</project>
POM
mvn -q -B -f "$build/pom.xml" dependency:copy-dependencies -DoutputDirectory="$build/lib"
cp="$build/lib/*"
bin="${JAVA_HOME:+$JAVA_HOME/bin/}"
"${bin}javac" -encoding UTF-8 --release 17 -nowarn -Xlint:none -cp "$cp" -d "$build/classes" \
  $(find "$build/src" -name '*.java') "$here/SchemaGoldenGen.java"
"${bin}java" -Duser.timezone=UTC -Duser.language=en -Duser.country=US -Dfile.encoding=UTF-8 \
  -cp "$build/classes:$cp" SchemaGoldenGen "$here/schema_corpus.json" "$build/avro_schema.golden.json"
mv "$build/avro_schema.golden.json" "$here/avro_schema.golden.json"
echo "regen-schema.sh: wrote ${here}/avro_schema.golden.json"
