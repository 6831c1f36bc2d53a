#!/usr/bin/env bash
# regen-schema.sh — regenerates converters/testdata/java/avro_schema.golden.json and
# avro_schemaless.golden.json from Confluent's own AvroData (see README.md, "Avro schema
# goldens"), then
# jsonschema_schema.golden.json and protobuf_schema.golden.json from Confluent's own
# JsonSchemaData/JsonSchema and ProtobufData/ProtobufSchema ("JSON Schema and Protobuf schema
# goldens"). Confluent's jars are not on Maven Central, so the classes are compiled from
# Confluent's source:
#   SR_REPO  a clone of confluentinc/schema-registry (bare or not; default: the mirror
#            under /work/.mirror), read at SR_COMMIT (default: the pinned commit below);
#   mvn      resolves Avro, Kafka's connect-api, Jackson, Guava from Maven Central;
#   java     a JDK 17+ (JAVA_HOME, default java/javac on the PATH; JDK 17 and 25 give the
#            same file: the corpus avoids doubles that JDK 17 prints with a superfluous digit).
# Avro: only AvroSchema is replaced by a stub (stubs/…/AvroSchema.java: AvroData uses it only
# as the key of its toConnectSchema cache); every other class is Confluent's, unchanged.
# JSON Schema and Protobuf: no stub; javac compiles, from the modules' sources on its
# -sourcepath, exactly the Confluent classes the generators reach, unchanged, plus one shim
# for a class of Confluent's own Kafka build (shims/…/internals/ByteUtils.java).
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
  -cp "$build/classes:$cp" SchemaGoldenGen "$here/schema_corpus.json" "$build/avro_schema.golden.json" \
  "$build/avro_schemaless.golden.json"
for g in avro_schema avro_schemaless; do
  mv "$build/$g.golden.json" "$here/$g.golden.json"
  echo "regen-schema.sh: wrote ${here}/$g.golden.json"
done

# --- JSON Schema and Protobuf ---
# The modules' whole source trees go on javac's -sourcepath; javac compiles only the classes
# that JsonSchemaGoldenGen, ProtobufSchemaGoldenGen (and SchemaGoldenGen, for AvroData) reach.
mkdir -p "$build/sp" "$build/classes2"
modules=(client avro-data avro-serializer avro-types schema-types schema-converter
  json-schema-provider json-schema-converter protobuf-types protobuf-provider
  protobuf-converter protobuf-serializer)
for m in "${modules[@]}"; do
  git -C "$sr" archive "$commit" "$m/src/main" | tar -x -C "$build/sp"
done
sourcepath="$(printf '%s:' "$build"/sp/*/src/main/java)$here/shims"
cat > "$build/pom2.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>provider-golden-deps</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.avro</groupId><artifactId>avro</artifactId><version>1.12.1</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-api</artifactId><version>4.1.2</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>connect-json</artifactId><version>4.1.2</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-clients</artifactId><version>4.1.2</version></dependency>
    <dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId><version>33.5.0-jre</version></dependency>
    <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId><version>2.21.3</version></dependency>
    <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-core</artifactId><version>2.21.3</version></dependency>
    <dependency><groupId>com.fasterxml.jackson.datatype</groupId><artifactId>jackson-datatype-guava</artifactId><version>2.21.3</version></dependency>
    <dependency><groupId>com.fasterxml.jackson.datatype</groupId><artifactId>jackson-datatype-jdk8</artifactId><version>2.21.3</version></dependency>
    <dependency><groupId>com.fasterxml.jackson.datatype</groupId><artifactId>jackson-datatype-joda</artifactId><version>2.21.3</version></dependency>
    <dependency><groupId>com.fasterxml.jackson.datatype</groupId><artifactId>jackson-datatype-jsr310</artifactId><version>2.21.3</version></dependency>
    <dependency><groupId>com.fasterxml.jackson.module</groupId><artifactId>jackson-module-parameter-names</artifactId><version>2.21.3</version></dependency>
    <dependency><groupId>com.github.erosb</groupId><artifactId>everit-json-schema</artifactId><version>1.14.6</version></dependency>
    <dependency><groupId>com.github.erosb</groupId><artifactId>json-sKema</artifactId><version>0.29.0</version></dependency>
    <dependency><groupId>io.yokota</groupId><artifactId>mbknor-jackson-jsonschema-java8</artifactId><version>1.0.39.3</version></dependency>
    <dependency><groupId>org.yaml</groupId><artifactId>snakeyaml</artifactId><version>2.5</version></dependency>
    <dependency><groupId>org.apache.commons</groupId><artifactId>commons-compress</artifactId><version>1.26.1</version></dependency>
    <dependency><groupId>org.apache.commons</groupId><artifactId>commons-lang3</artifactId><version>3.18.0</version></dependency>
    <dependency><groupId>org.apache.httpcomponents.client5</groupId><artifactId>httpclient5</artifactId><version>5.6.4</version></dependency>
    <dependency><groupId>io.swagger.core.v3</groupId><artifactId>swagger-annotations-jakarta</artifactId><version>2.2.42</version></dependency>
    <dependency><groupId>com.squareup.wire</groupId><artifactId>wire-schema-jvm</artifactId><version>6.4.5</version></dependency>
    <dependency><groupId>com.squareup.wire</groupId><artifactId>wire-runtime-jvm</artifactId><version>6.4.5</version></dependency>
    <dependency><groupId>com.squareup.okio</groupId><artifactId>okio-jvm</artifactId><version>3.4.0</version></dependency>
    <dependency><groupId>com.google.protobuf</groupId><artifactId>protobuf-java</artifactId><version>4.34.0</version></dependency>
    <dependency><groupId>com.google.protobuf</groupId><artifactId>protobuf-java-util</artifactId><version>4.34.0</version></dependency>
    <dependency><groupId>com.google.api.grpc</groupId><artifactId>proto-google-common-protos</artifactId><version>2.53.0</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>2.0.17</version></dependency>
  </dependencies>
</project>
POM
mvn -q -B -f "$build/pom2.xml" dependency:copy-dependencies -DoutputDirectory="$build/lib2"
cp2="$build/lib2/*"
"${bin}javac" -encoding UTF-8 --release 17 -nowarn -Xlint:none -cp "$cp2" -sourcepath "$sourcepath" \
  -d "$build/classes2" "$here/SchemaGoldenGen.java" "$here/JsonSchemaGoldenGen.java" \
  "$here/ProtobufSchemaGoldenGen.java"
for m in "${modules[@]}"; do  # JsonSchema reads its metaschemas from the class path
  if [[ -d $build/sp/$m/src/main/resources ]]; then cp -r "$build/sp/$m/src/main/resources/." "$build/classes2/"; fi
done
for gen in JsonSchemaGoldenGen:jsonschema_schema ProtobufSchemaGoldenGen:protobuf_schema; do
  "${bin}java" -Duser.timezone=UTC -Duser.language=en -Duser.country=US -Dfile.encoding=UTF-8 \
    -cp "$build/classes2:$cp2" "${gen%%:*}" "$here/schema_corpus.json" "$build/${gen##*:}.golden.json"
  mv "$build/${gen##*:}.golden.json" "$here/${gen##*:}.golden.json"
  echo "regen-schema.sh: wrote ${here}/${gen##*:}.golden.json"
done
