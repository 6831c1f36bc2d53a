package io.confluent.kafka.schemaregistry.avro;

import java.util.Objects;
import org.apache.avro.Schema;

// STUB (golden generator only): AvroData uses AvroSchema solely as the key of its
// toConnectSchema cache (new AvroSchema(schema, version)). The real class pulls in the
// whole schema-registry client (ParsedSchema, rules, REST entities). canonicalString()
// mirrors the real one with no references: schemaObj.toString(emptyRefs, false).
public class AvroSchema {
  private final Schema schemaObj;
  private final Integer version;

  public AvroSchema(Schema schemaObj) {
    this(schemaObj, null);
  }

  public AvroSchema(Schema schemaObj, Integer version) {
    this.schemaObj = schemaObj;
    this.version = version;
  }

  public Schema rawSchema() {
    return schemaObj;
  }

  public String canonicalString() {
    return schemaObj == null ? null : schemaObj.toString(java.util.Collections.emptyList(), false);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (o == null || getClass() != o.getClass()) {
      return false;
    }
    AvroSchema that = (AvroSchema) o;
    return Objects.equals(version, that.version) && Objects.equals(schemaObj, that.schemaObj);
  }

  @Override
  public int hashCode() {
    return Objects.hash(schemaObj, version);
  }
}
