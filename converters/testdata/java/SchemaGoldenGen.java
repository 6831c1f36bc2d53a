import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.confluent.connect.avro.AvroData;
import io.confluent.connect.avro.AvroDataConfig;
import java.io.File;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import io.confluent.kafka.serializers.NonRecordContainer;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * SchemaGoldenGen builds the Connect schemas of schema_corpus.json with Kafka Connect's
 * SchemaBuilder and writes what Confluent's AvroData.fromConnectSchema makes of them, as
 * AvroSchema.canonicalString() prints them (Schema.toString(no references, false)), to
 * avro_schema.golden.json. See README.md ("Avro schema goldens"). With a third argument it
 * also writes the schemaless golden (AvroData.ANYTHING_SCHEMA, see writeSchemaless).
 *
 * Usage: SchemaGoldenGen corpus.json out.json [schemaless-out.json]
 */
public class SchemaGoldenGen {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  // Package-private: JsonSchemaGoldenGen and ProtobufSchemaGoldenGen build the same corpus.
  static Map<String, Schema> defs = new HashMap<>();
  static JsonNode defNodes;

  public static void main(String[] args) throws Exception {
    JsonNode corpus = MAPPER.readTree(new File(args[0]));
    defNodes = corpus.path("defs");
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (JsonNode c : corpus.get("cases")) {
      String id = c.get("id").asText();
      List<JsonNode> configs = new ArrayList<>();
      if (c.has("configs")) {
        c.get("configs").forEach(configs::add);
      } else {
        configs.add(JsonNodeFactory.instance.objectNode());
      }
      for (JsonNode cfg : configs) {
        ObjectNode r = out.addObject();
        r.put("id", id);
        r.set("config", cfg);
        defs = new HashMap<>(); // every case builds its own schema objects
        try {
          Schema schema = build(c.get("schema"));
          Map<String, Object> props = new HashMap<>();
          props.put("schemas.cache.config", "100");
          cfg.fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
          AvroData avroData = new AvroData(new AvroDataConfig(props));
          org.apache.avro.Schema avro = avroData.fromConnectSchema(schema);
          // AvroSchema.canonicalString() with no references.
          String canonical = avro.toString(Collections.emptyList(), false);
          if (!canonical.equals(avro.toString())) {
            throw new IllegalStateException("canonical form differs from toString()");
          }
          r.put("avro", canonical);
        } catch (Exception e) {
          r.put("error", e.getClass().getName() + ": " + e.getMessage());
        }
      }
    }
    write(out, args[1]);
    if (args.length > 2) {
      writeSchemaless(args[2]);
    }
  }

  static void write(JsonNode out, String path) throws Exception {
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter();
    pp.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
    String text = MAPPER.writer(pp).writeValueAsString(out) + "\n";
    Files.write(Paths.get(path), text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * writeSchemaless writes avro_schemaless.golden.json: AvroData.ANYTHING_SCHEMA as
   * AvroSchema.canonicalString() prints it (what AvroConverter registers for a null Connect
   * schema) and its full name (the RecordNameStrategy subject), then, for each value of
   * schemalessValues, the Avro binary of AvroData.fromConnectData(null, value) as
   * GenericDatumWriter writes it (the bytes after the 5-byte header; base64) and what
   * AvroData.toConnectData(ANYTHING_SCHEMA, those bytes read back) gives (describe()), or
   * the exception Java threw. Maps are TreeMaps or single-entry, so that their order is
   * Tributary's (sorted keys).
   */
  static void writeSchemaless(String path) throws Exception {
    org.apache.avro.Schema anything = AvroData.ANYTHING_SCHEMA;
    AvroData avroData = new AvroData(new AvroDataConfig(
        Collections.singletonMap("schemas.cache.config", "100")));
    if (avroData.fromConnectSchema(null) != anything) {
      throw new IllegalStateException("fromConnectSchema(null) is not ANYTHING_SCHEMA");
    }
    String canonical = anything.toString(Collections.emptyList(), false);
    if (!canonical.equals(anything.toString())) {
      throw new IllegalStateException("canonical form differs from toString()");
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("schema", canonical);
    root.put("name", anything.getFullName());
    ArrayNode values = root.putArray("values");
    for (Map.Entry<String, Object> c : schemalessValues().entrySet()) {
      ObjectNode r = values.addObject();
      r.put("id", c.getKey());
      try {
        Object avro = avroData.fromConnectData(null, c.getValue());
        if (avro instanceof NonRecordContainer) {
          avro = ((NonRecordContainer) avro).getValue();
        }
        ByteArrayOutputStream bout = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bout, null);
        new GenericDatumWriter<Object>(anything).write(avro, enc);
        enc.flush();
        byte[] bin = bout.toByteArray();
        r.put("avro", Base64.getEncoder().encodeToString(bin));
        Object back = new GenericDatumReader<Object>(anything)
            .read(null, DecoderFactory.get().binaryDecoder(bin, null));
        SchemaAndValue sv = avroData.toConnectData(anything, back);
        if (sv.schema() != null) {
          throw new IllegalStateException("schemaless data read back with a schema");
        }
        r.put("read", describe(sv.value()));
      } catch (Exception e) {
        r.put("error", e.getClass().getName() + ": " + e.getMessage());
      }
    }
    write(root, path);
  }

  /** schemalessValues: the twin of schemalessValues in converters/avro_java_golden_test.go. */
  static Map<String, Object> schemalessValues() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("string", "h\u00e9llo w\u00f6rld");
    m.put("empty_string", "");
    m.put("int8", (byte) -5);
    m.put("int16", (short) 300);
    m.put("int32", 42);
    m.put("int64", 1234567890123L);
    m.put("float32", 1.5f);
    m.put("float64", -2.25);
    m.put("boolean_true", true);
    m.put("boolean_false", false);
    m.put("list", new ArrayList<>(Arrays.asList("a", 1, null, true)));
    m.put("empty_list", new ArrayList<>());
    m.put("empty_map", new HashMap<>());
    Map<String, Object> inner = new TreeMap<>();
    inner.put("d", 2.5);
    inner.put("e", new ArrayList<>());
    Map<String, Object> nested = new TreeMap<>();
    nested.put("a", new ArrayList<>(Arrays.asList(1L, "x", null,
        new ArrayList<>(Arrays.asList(2, 3)))));
    nested.put("b", null);
    nested.put("c", inner);
    m.put("nested", nested);
    m.put("int_key", new HashMap<>(Collections.singletonMap(7, "seven")));
    m.put("null_key", new HashMap<>(Collections.singletonMap(null, 1L)));
    m.put("bytes", new byte[] {1, 2, 3});
    m.put("nested_bytes", new ArrayList<>(Arrays.asList("a", new byte[] {1})));
    Schema st = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).build();
    m.put("struct", new Struct(st).put("a", 1));
    m.put("date", new java.util.Date(0));
    m.put("decimal", new BigDecimal("1.5"));
    return m;
  }

  /** describe renders a Connect value with its Java types; describeSchemaless in Go mirrors it. */
  static String describe(Object v) throws Exception {
    if (v == null) {
      return "null";
    } else if (v instanceof String) {
      return "String(" + MAPPER.writeValueAsString(v) + ")";
    } else if (v instanceof byte[]) {
      return "Bytes(" + Base64.getEncoder().encodeToString((byte[]) v) + ")";
    } else if (v instanceof List) {
      List<String> parts = new ArrayList<>();
      for (Object e : (List<?>) v) {
        parts.add(describe(e));
      }
      return "List[" + String.join(", ", parts) + "]";
    } else if (v instanceof Map) {
      List<String> parts = new ArrayList<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        parts.add(describe(e.getKey()) + "=" + describe(e.getValue()));
      }
      Collections.sort(parts);
      return v.getClass().getSimpleName() + "{" + String.join(", ", parts) + "}";
    }
    return v.getClass().getSimpleName() + "(" + v + ")";
  }

  /** build turns a corpus schema (JsonConverter's schema JSON plus "$ref") into a Schema. */
  static Schema build(JsonNode n) {
    if (n.has("$ref")) {
      String ref = n.get("$ref").asText();
      Schema s = defs.get(ref);
      if (s == null) {
        s = build(defNodes.get(ref));
        defs.put(ref, s);
      }
      return s;
    }
    String type = n.get("type").asText();
    SchemaBuilder b;
    switch (type) {
      case "int8": b = SchemaBuilder.int8(); break;
      case "int16": b = SchemaBuilder.int16(); break;
      case "int32": b = SchemaBuilder.int32(); break;
      case "int64": b = SchemaBuilder.int64(); break;
      case "float": b = SchemaBuilder.float32(); break;
      case "double": b = SchemaBuilder.float64(); break;
      case "boolean": b = SchemaBuilder.bool(); break;
      case "string": b = SchemaBuilder.string(); break;
      case "bytes": b = SchemaBuilder.bytes(); break;
      case "array": b = SchemaBuilder.array(build(n.get("items"))); break;
      case "map": b = SchemaBuilder.map(build(n.get("keys")), build(n.get("values"))); break;
      case "struct":
        b = SchemaBuilder.struct();
        for (JsonNode f : n.get("fields")) {
          b.field(f.get("field").asText(), build(f));
        }
        break;
      default: throw new IllegalArgumentException("unknown type " + type);
    }
    if (n.path("optional").asBoolean(false)) {
      b.optional();
    }
    if (n.has("name")) {
      b.name(n.get("name").asText());
    }
    if (n.has("version")) {
      b.version(n.get("version").asInt());
    }
    if (n.has("doc")) {
      b.doc(n.get("doc").asText());
    }
    if (n.has("parameters")) {
      // Insertion order is the corpus order (SchemaBuilder keeps a LinkedHashMap).
      Iterator<Map.Entry<String, JsonNode>> it = n.get("parameters").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        b.parameter(e.getKey(), e.getValue().asText());
      }
    }
    JsonNode dflt = n.get("default");
    if (dflt == null) {
      return b.build();
    }
    if (b.type() == Schema.Type.STRUCT) {
      // SchemaBuilder.defaultValue rejects every Struct (its schema never equals the builder),
      // so a struct default is set through ConnectSchema's constructor, as AvroData's
      // toConnectSchema and other connectors do.
      Schema s = b.build();
      Object v = value(s, dflt);
      return new ConnectSchema(s.type(), s.isOptional(), v, s.name(), s.version(), s.doc(),
          s.parameters(), s.fields(), null, null);
    }
    Schema shape = b.build();
    b.defaultValue(value(shape, dflt));
    return b.build();
  }

  /** value turns a corpus default (see README.md) into the Connect value for s. */
  static Object value(Schema s, JsonNode v) {
    if (v.isNull()) {
      return null;
    }
    if (s.name() != null) {
      switch (s.name()) {
        case Decimal.LOGICAL_NAME: return new BigDecimal(v.asText());
        case Date.LOGICAL_NAME: return new java.util.Date(v.asLong() * 86400000L);
        case Time.LOGICAL_NAME: return new java.util.Date(v.asLong());
        case Timestamp.LOGICAL_NAME: return new java.util.Date(v.asLong());
        default: break;
      }
    }
    switch (s.type()) {
      case INT8: return (byte) v.asInt();
      case INT16: return (short) v.asInt();
      case INT32: return v.asInt();
      case INT64: return v.asLong();
      case FLOAT32: return v.isTextual() ? Float.parseFloat(v.asText()) : (float) v.asDouble();
      case FLOAT64: return v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble();
      case BOOLEAN: return v.asBoolean();
      case STRING: return v.asText();
      case BYTES: return Base64.getDecoder().decode(v.asText());
      case ARRAY: {
        List<Object> l = new ArrayList<>();
        v.forEach(e -> l.add(value(s.valueSchema(), e)));
        return l;
      }
      case MAP: {
        // A HashMap, as connectors and Connect's converters build maps.
        Map<Object, Object> m = new HashMap<>();
        if (v.isObject()) {
          v.fields().forEachRemaining(
              e -> m.put(e.getKey(), value(s.valueSchema(), e.getValue())));
        } else {
          v.forEach(e -> m.put(value(s.keySchema(), e.get(0)), value(s.valueSchema(), e.get(1))));
        }
        return m;
      }
      case STRUCT: {
        Struct st = new Struct(s);
        v.fields().forEachRemaining(
            e -> st.put(e.getKey(), value(s.field(e.getKey()).schema(), e.getValue())));
        return st;
      }
      default: throw new IllegalArgumentException("no default for " + s.type());
    }
  }
}
