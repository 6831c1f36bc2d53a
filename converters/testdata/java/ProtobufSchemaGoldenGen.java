import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.confluent.connect.protobuf.ProtobufData;
import io.confluent.connect.protobuf.ProtobufDataConfig;
import io.confluent.kafka.schemaregistry.protobuf.ProtobufSchema;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;

/**
 * ProtobufSchemaGoldenGen builds the Connect schemas of schema_corpus.json ("cases", then
 * "more_cases") with Kafka Connect's SchemaBuilder (SchemaGoldenGen.build) and writes what
 * Confluent's own ProtobufData.fromConnectSchema makes of them: the registered string
 * (ProtobufSchema.canonicalString(), Square Wire's printout of the schema) and the record
 * name (ProtobufSchema.name(), which RecordNameStrategy uses). See README.md ("JSON Schema
 * and Protobuf schema goldens").
 *
 * Usage: ProtobufSchemaGoldenGen corpus.json out.json
 */
public class ProtobufSchemaGoldenGen {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    JsonNode corpus = MAPPER.readTree(new File(args[0]));
    SchemaGoldenGen.defNodes = corpus.path("defs");
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    List<JsonNode> cases = new ArrayList<>();
    corpus.get("cases").forEach(cases::add);
    corpus.path("more_cases").forEach(cases::add);
    for (JsonNode c : cases) {
      String id = c.get("id").asText();
      List<JsonNode> configs = new ArrayList<>();
      if (c.has("protobuf_configs")) {
        c.get("protobuf_configs").forEach(configs::add);
      } else {
        configs.add(JsonNodeFactory.instance.objectNode());
      }
      for (JsonNode cfg : configs) {
        ObjectNode r = out.addObject();
        r.put("id", id);
        r.set("config", cfg);
        SchemaGoldenGen.defs = new HashMap<>(); // every case builds its own schema objects
        try {
          Schema schema = SchemaGoldenGen.build(c.get("schema"));
          Map<String, Object> props = new HashMap<>();
          props.put("schemas.cache.config", "100");
          cfg.fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
          ProtobufData data = new ProtobufData(new ProtobufDataConfig(props));
          ProtobufSchema ps = data.fromConnectSchema(schema);
          r.put("schema", ps.canonicalString());
          r.put("name", ps.name());
        } catch (Exception e) {
          r.put("error", e.getClass().getName() + ": " + e.getMessage());
        }
      }
    }
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter();
    pp.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
    String text = MAPPER.writer(pp).writeValueAsString(out) + "\n";
    Files.write(Paths.get(args[1]), text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
  }
}
