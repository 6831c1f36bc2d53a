import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.confluent.connect.json.JsonSchemaData;
import io.confluent.connect.json.JsonSchemaDataConfig;
import io.confluent.kafka.schemaregistry.json.JsonSchema;
import io.confluent.kafka.schemaregistry.json.jackson.Jackson;
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
 * JsonSchemaGoldenGen builds the Connect schemas of schema_corpus.json ("cases", then
 * "more_cases") with Kafka Connect's SchemaBuilder (SchemaGoldenGen.build) and writes what
 * Confluent's own JsonSchemaData.fromConnectSchema makes of them, as the registered string
 * JsonSchema.canonicalString() prints it, and for the case's "values" the payload
 * JsonSchemaConverter writes: JsonSchemaData.fromConnectData, written by the JSON Schema
 * serializer's ObjectMapper (Jackson.newObjectMapper(), writeValueAsBytes). See README.md
 * ("JSON Schema and Protobuf schema goldens").
 *
 * Usage: JsonSchemaGoldenGen corpus.json out.json
 */
public class JsonSchemaGoldenGen {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    JsonNode corpus = MAPPER.readTree(new File(args[0]));
    SchemaGoldenGen.defNodes = corpus.path("defs");
    // The serializer's mapper: AbstractKafkaJsonSchemaSerializer.configure with the defaults
    // (json.indent.output=false, json.write.dates.iso8601=false).
    ObjectMapper payloadMapper = Jackson.newObjectMapper();
    payloadMapper.configure(SerializationFeature.INDENT_OUTPUT, false);
    payloadMapper.configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, true);
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    List<JsonNode> cases = new ArrayList<>();
    corpus.get("cases").forEach(cases::add);
    corpus.path("more_cases").forEach(cases::add);
    for (JsonNode c : cases) {
      String id = c.get("id").asText();
      List<JsonNode> configs = new ArrayList<>();
      if (c.has("jsonschema_configs")) {
        c.get("jsonschema_configs").forEach(configs::add);
      } else {
        configs.add(JsonNodeFactory.instance.objectNode());
      }
      for (JsonNode cfg : configs) {
        ObjectNode r = out.addObject();
        r.put("id", id);
        r.set("config", cfg);
        SchemaGoldenGen.defs = new HashMap<>(); // every case builds its own schema objects
        Schema schema;
        JsonSchemaData data;
        try {
          schema = SchemaGoldenGen.build(c.get("schema"));
          Map<String, Object> props = new HashMap<>();
          props.put("schemas.cache.config", "100");
          cfg.fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
          data = new JsonSchemaData(new JsonSchemaDataConfig(props));
          JsonSchema js = data.fromConnectSchema(schema);
          r.put("schema", js.canonicalString());
        } catch (Exception e) {
          r.put("error", e.getClass().getName() + ": " + e.getMessage());
          continue;
        }
        if (!c.has("values")) {
          continue;
        }
        ArrayNode payloads = r.putArray("payloads");
        for (JsonNode v : c.get("values")) {
          ObjectNode p = payloads.addObject();
          p.set("value", v);
          try {
            Object value = SchemaGoldenGen.value(schema, v);
            JsonNode node = data.fromConnectData(schema, value);
            if (node == null) {
              p.putNull("json"); // no node: JsonSchemaConverter returns null (a tombstone)
            } else {
              p.put("json", new String(payloadMapper.writeValueAsBytes(node),
                  StandardCharsets.UTF_8));
            }
          } catch (Exception e) {
            p.put("error", e.getClass().getName() + ": " + e.getMessage());
          }
        }
      }
    }
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter();
    pp.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
    String text = MAPPER.writer(pp).writeValueAsString(out) + "\n";
    Files.write(Paths.get(args[1]), text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
  }
}
