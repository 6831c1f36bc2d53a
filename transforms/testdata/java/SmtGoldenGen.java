// SmtGoldenGen writes the golden files that transforms/golden_test.go compares Tributary's SMTs
// and predicates with: what Apache Kafka Connect 4.1.2's own classes (connect-transforms,
// connect-api, connect-json) do with the cases of ../corpus.json. See README.md for how to run
// it and for the file format.
//
// For each case it
//   1. builds the input SourceRecord from the corpus record: key, value and header values are
//      JsonConverter envelopes, decoded by a real JsonConverter (schemas.enable=true,
//      replace.null.with.default=false, converter.type key / value / header);
//   2. instantiates the class, configure(config)s it and applies it (Transformation.apply, or
//      Predicate.test), catching the exception of either step;
//   3. re-encodes the output record with JsonConverters configured the same way, after
//      sorting every map by key (Java's HashMaps iterate in hash order, Go's maps in none; the
//      Go converter writes map entries sorted the same way), and writes
//      golden/<id>.json.
// It also writes golden/records/<name>.json, each corpus record decoded and re-encoded
// untouched, which lets the Go test check its own converter layer before blaming an SMT.

import java.io.IOException;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.*;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

public class SmtGoldenGen {

    // Reads the corpus the way JsonConverter reads its input: floats as exact BigDecimals,
    // so re-serialising an envelope keeps every number's value.
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    static final String TRANSFORMS_PACKAGE = "org.apache.kafka.connect.transforms.";

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SmtGoldenGen <corpus.json> <golden dir>");
            System.exit(2);
        }
        if (!"UTC".equals(TimeZone.getDefault().getID())) {
            throw new IllegalStateException("run with -Duser.timezone=UTC (the default time zone is " + TimeZone.getDefault().getID() + ")");
        }
        JsonNode root = MAPPER.readTree(Paths.get(args[0]).toFile());
        Path out = Paths.get(args[1]);
        Files.createDirectories(out.resolve("records"));

        Map<String, JsonNode> records = new LinkedHashMap<>();
        for (JsonNode r : root.get("records")) {
            String name = text(r, "name");
            if (records.put(name, r) != null) throw new IllegalArgumentException("duplicate record " + name);
        }
        for (Map.Entry<String, JsonNode> e : records.entrySet()) {
            StringBuilder b = new StringBuilder("{\n  \"name\": ").append(str(e.getKey())).append(",\n  \"result\": ");
            SourceRecord rec = buildRecord(e.getValue(), null);
            b.append(encodeRecord(rec));
            b.append("\n}\n");
            write(out.resolve("records").resolve(e.getKey() + ".json"), b.toString());
        }

        Set<String> ids = new HashSet<>();
        int n = 0;
        for (JsonNode c : root.get("cases")) {
            String id = text(c, "id");
            if (!id.matches("[a-z0-9][a-z0-9._-]*")) throw new IllegalArgumentException("bad case id " + id);
            if (!ids.add(id)) throw new IllegalArgumentException("duplicate case " + id);
            String record = text(c, "record");
            if (!records.containsKey(record)) throw new IllegalArgumentException(id + ": no record " + record);
            String topic = c.hasNonNull("topic") ? c.get("topic").asText() : null;
            boolean isPredicate = c.hasNonNull("predicate");
            String cls = isPredicate ? text(c, "predicate") : text(c, "class");
            Map<String, String> config = new TreeMap<>();
            if (c.has("config")) {
                for (Map.Entry<String, JsonNode> kv : c.get("config").properties()) {
                    if (!kv.getValue().isTextual()) throw new IllegalArgumentException(id + ": config values must be strings: " + kv.getKey());
                    config.put(kv.getKey(), kv.getValue().asText());
                }
            }

            StringBuilder b = new StringBuilder("{\n");
            b.append("  \"id\": ").append(str(id)).append(",\n");
            b.append("  \"").append(isPredicate ? "predicate" : "class").append("\": ").append(str(cls)).append(",\n");
            b.append("  \"record\": ").append(str(record)).append(",\n");
            if (topic != null) b.append("  \"topic\": ").append(str(topic)).append(",\n");
            b.append("  \"config\": {");
            boolean first = true;
            for (Map.Entry<String, String> kv : config.entrySet()) {
                if (!first) b.append(", ");
                first = false;
                b.append(str(kv.getKey())).append(": ").append(str(kv.getValue()));
            }
            b.append("},\n  \"result\": ");
            b.append(isPredicate ? runPredicate(cls, config, records.get(record), topic)
                                 : runTransformation(cls, config, records.get(record), topic));
            b.append("\n}\n");
            write(out.resolve(id + ".json"), b.toString());
            n++;
        }
        System.out.println("SmtGoldenGen: " + records.size() + " records, " + n + " cases");
    }

    // ---------------------------------------------------------------- running a case

    @SuppressWarnings("unchecked")
    static String runTransformation(String cls, Map<String, String> config, JsonNode recordNode, String topic) throws Exception {
        if (!cls.startsWith(TRANSFORMS_PACKAGE)) throw new IllegalArgumentException("not a built-in SMT: " + cls);
        Transformation<SourceRecord> t = (Transformation<SourceRecord>) Class.forName(cls).getDeclaredConstructor().newInstance();
        try {
            try {
                t.configure(config);
            } catch (Exception e) {
                return error("configure", null, e);
            }
            SourceRecord in = buildRecord(recordNode, topic);
            SourceRecord result;
            try {
                result = t.apply(in);
            } catch (Exception e) {
                return error("apply", null, e);
            }
            if (result == null) return "{\"dropped\": true}";
            return encodeRecord(result);
        } finally {
            t.close();
        }
    }

    @SuppressWarnings("unchecked")
    static String runPredicate(String cls, Map<String, String> config, JsonNode recordNode, String topic) throws Exception {
        if (!cls.startsWith(TRANSFORMS_PACKAGE + "predicates.")) throw new IllegalArgumentException("not a built-in predicate: " + cls);
        Predicate<SourceRecord> p = (Predicate<SourceRecord>) Class.forName(cls).getDeclaredConstructor().newInstance();
        try {
            try {
                p.configure(config);
            } catch (Exception e) {
                return error("configure", null, e);
            }
            SourceRecord in = buildRecord(recordNode, topic);
            boolean r;
            try {
                r = p.test(in);
            } catch (Exception e) {
                return error("apply", null, e);
            }
            return "{\"test\": " + r + "}";
        } finally {
            p.close();
        }
    }

    static String error(String stage, String part, Exception e) {
        return error(stage, part, e, null);
    }

    // error renders an exception. part and rendered are set for a failure to encode the output:
    // which part failed (key, value or "header <name>") and that part's schema and value as
    // describeSchema and describe render them.
    static String error(String stage, String part, Exception e, String rendered) {
        StringBuilder b = new StringBuilder("{\"error\": {\"stage\": ").append(str(stage));
        if (part != null) b.append(", \"part\": ").append(str(part));
        b.append(", \"class\": ").append(str(e.getClass().getName()));
        b.append(", \"message\": ").append(e.getMessage() == null ? "null" : str(normalizeMessage(e.getMessage())));
        if (rendered != null) b.append(", \"rendered\": ").append(str(rendered));
        return b.append("}}").toString();
    }

    // normalizeMessage replaces the identity hash of an Object.toString() ("a.b.C$D@1b6d3586",
    // "[B@4c432866"), which changes from run to run, with "@<hash>". The Go test does the same to its messages.
    static String normalizeMessage(String m) {
        return m.replaceAll("(\\[+(?:[BCDFIJSZ]|L[A-Za-z0-9_$.]+;)|\\b(?:[A-Za-z_][A-Za-z0-9_$]*\\.)+[A-Za-z_][A-Za-z0-9_$]*)@[0-9a-f]{1,8}\\b", "$1@<hash>");
    }

    // ---------------------------------------------------------------- records

    static JsonConverter converter(String type) {
        JsonConverter c = new JsonConverter();
        Map<String, String> cfg = new HashMap<>();
        cfg.put("converter.type", type);
        cfg.put("schemas.enable", "true");
        cfg.put("replace.null.with.default", "false");
        c.configure(cfg);
        return c;
    }

    static byte[] envelope(JsonNode n) throws IOException {
        if (n == null || n.isNull()) return null;
        if (!n.isObject()) throw new IllegalArgumentException("an envelope must be an object or null: " + n);
        return MAPPER.writeValueAsBytes(n);
    }

    static SourceRecord buildRecord(JsonNode r, String topicOverride) throws IOException {
        String topic = topicOverride != null ? topicOverride : text(r, "topic");
        Integer partition = r.hasNonNull("partition") ? r.get("partition").intValue() : null;
        Long timestamp = r.hasNonNull("timestamp") ? r.get("timestamp").longValue() : null;
        JsonConverter keyConv = converter("key"), valueConv = converter("value"), headerConv = converter("header");
        SchemaAndValue key = keyConv.toConnectData(topic, envelope(r.get("key")));
        SchemaAndValue value = valueConv.toConnectData(topic, envelope(r.get("value")));
        ConnectHeaders headers = new ConnectHeaders();
        if (r.has("headers")) {
            for (JsonNode h : r.get("headers")) {
                String hk = text(h, "key");
                headers.add(hk, headerConv.toConnectHeader(topic, hk, envelope(h.get("value"))));
            }
        }
        return new SourceRecord(null, null, topic, partition, key.schema(), key.value(), value.schema(), value.value(), timestamp, headers);
    }

    static String encodeRecord(SourceRecord r) {
        JsonConverter keyConv = converter("key"), valueConv = converter("value"), headerConv = converter("header");
        List<String[]> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            byte[] hb;
            try {
                hb = headerConv.fromConnectHeader(r.topic(), h.key(), h.schema(), canon(h.schema(), h.value()));
            } catch (Exception e) {
                return error("encode", "header " + h.key(), e, describeSchema(h.schema()) + " " + describe(h.value()));
            }
            headers.add(new String[] {h.key(), raw(hb)});
        }
        byte[] kb, vb;
        try {
            kb = keyConv.fromConnectData(r.topic(), r.keySchema(), canon(r.keySchema(), r.key()));
        } catch (Exception e) {
            return error("encode", "key", e, describeSchema(r.keySchema()) + " " + describe(r.key()));
        }
        try {
            vb = valueConv.fromConnectData(r.topic(), r.valueSchema(), canon(r.valueSchema(), r.value()));
        } catch (Exception e) {
            return error("encode", "value", e, describeSchema(r.valueSchema()) + " " + describe(r.value()));
        }
        StringBuilder b = new StringBuilder("{\n");
        b.append("    \"topic\": ").append(r.topic() == null ? "null" : str(r.topic())).append(",\n");
        b.append("    \"kafkaPartition\": ").append(r.kafkaPartition()).append(",\n");
        b.append("    \"timestamp\": ").append(r.timestamp()).append(",\n");
        b.append("    \"key\": ").append(raw(kb)).append(",\n");
        b.append("    \"value\": ").append(raw(vb)).append(",\n");
        b.append("    \"headers\": [");
        for (int i = 0; i < headers.size(); i++) {
            b.append(i == 0 ? "\n" : ",\n");
            b.append("      {\"key\": ").append(str(headers.get(i)[0])).append(", \"value\": ").append(headers.get(i)[1]).append('}');
        }
        b.append(headers.isEmpty() ? "]\n" : "\n    ]\n");
        return b.append("  }").toString();
    }

    // The converter's bytes, copied as they are: JsonConverter writes compact JSON without raw
    // newlines, so the bytes stay a JSON value of the golden file ("null" for null bytes).
    static String raw(byte[] b) {
        if (b == null) return "null";
        String s = new String(b, StandardCharsets.UTF_8);
        if (s.indexOf('\n') >= 0) throw new IllegalStateException("converter output with a newline: " + s);
        return s;
    }

    // ---------------------------------------------------------------- map order

    static final Field STRUCT_VALUES;
    static {
        try {
            STRUCT_VALUES = Struct.class.getDeclaredField("values");
            STRUCT_VALUES.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // canon returns v with every Map replaced by a LinkedHashMap in the key order Tributary's
    // JsonConverter writes (converters/javafmt.go keyLess), recursively. Structs are copied
    // through their value array, without Struct.put's validation, so that an invalid struct an
    // SMT produced still reaches the converter, which reports it.
    static Object canon(Schema s, Object v) {
        if (v instanceof Map) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(((Map<?, ?>) v).entrySet());
            entries.sort((a, b) -> keyCompare(a.getKey(), b.getKey()));
            Schema ks = s == null ? null : s.keySchema(), vs = s == null ? null : s.valueSchema();
            Map<Object, Object> m = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : entries) m.put(canon(ks, e.getKey()), canon(vs, e.getValue()));
            return m;
        }
        if (v instanceof List) {
            Schema es = s == null || s.type() != Schema.Type.ARRAY ? null : s.valueSchema();
            List<Object> l = new ArrayList<>();
            for (Object e : (List<?>) v) l.add(canon(es, e));
            return l;
        }
        if (v instanceof Struct) {
            Struct st = (Struct) v;
            Struct copy = new Struct(st.schema());
            try {
                Object[] from = (Object[]) STRUCT_VALUES.get(st), to = (Object[]) STRUCT_VALUES.get(copy);
                for (org.apache.kafka.connect.data.Field f : st.schema().fields()) to[f.index()] = canon(f.schema(), from[f.index()]);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            return copy;
        }
        return v;
    }

    static int rank(Object k) {
        if (k == null) return 0;
        if (k instanceof Boolean) return 1;
        if (k instanceof Number) return 2;
        if (k instanceof String) return 3;
        if (k instanceof byte[]) return 4;
        return 5;
    }

    static int keyCompare(Object a, Object b) {
        int ra = rank(a), rb = rank(b);
        if (ra != rb) return Integer.compare(ra, rb);
        switch (ra) {
            case 1:
                return Boolean.compare((Boolean) a, (Boolean) b);
            case 2:
                return Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
            case 3:
                return Arrays.compareUnsigned(((String) a).getBytes(StandardCharsets.UTF_8), ((String) b).getBytes(StandardCharsets.UTF_8));
            case 4:
                return Base64.getEncoder().encodeToString((byte[]) a).compareTo(Base64.getEncoder().encodeToString((byte[]) b));
            case 5:
                return String.valueOf(a).compareTo(String.valueOf(b));
            default:
                return 0;
        }
    }

    // ---------------------------------------------------------------- rendering (converters/testdata/java/GoldenGen.java)

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    static String describeSchema(Schema s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder(s.type().getName());
        switch (s.type()) {
            case ARRAY:
                b.append('<').append(describeSchema(s.valueSchema())).append('>');
                break;
            case MAP:
                b.append('<').append(describeSchema(s.keySchema())).append(',').append(describeSchema(s.valueSchema())).append('>');
                break;
            case STRUCT:
                StringJoiner j = new StringJoiner(",", "{", "}");
                for (org.apache.kafka.connect.data.Field f : s.fields()) j.add(f.name() + ":" + describeSchema(f.schema()));
                b.append(j);
                break;
            default:
        }
        if (s.isOptional()) b.append('?');
        if (s.name() != null) b.append(" name=").append(s.name());
        if (s.version() != null) b.append(" version=").append(s.version());
        if (s.doc() != null) b.append(" doc=").append(q(s.doc()));
        if (s.parameters() != null && !s.parameters().isEmpty()) b.append(" params=").append(new TreeMap<>(s.parameters()));
        if (s.defaultValue() != null) b.append(" default=").append(describe(s.defaultValue()));
        return "(" + b + ")";
    }

    static String describe(Object v) {
        if (v == null) return "null";
        if (v instanceof Byte) return "i8:" + v;
        if (v instanceof Short) return "i16:" + v;
        if (v instanceof Integer) return "i32:" + v;
        if (v instanceof Long) return "i64:" + v;
        if (v instanceof Float) return "f32:" + Integer.toHexString(Float.floatToRawIntBits((Float) v));
        if (v instanceof Double) return "f64:" + Long.toHexString(Double.doubleToRawLongBits((Double) v));
        if (v instanceof Boolean) return v.toString();
        if (v instanceof String) return "s:" + q((String) v);
        if (v instanceof byte[]) return "b:" + Base64.getEncoder().encodeToString((byte[]) v);
        if (v instanceof BigDecimal) return "dec:" + ((BigDecimal) v).unscaledValue() + "/" + ((BigDecimal) v).scale();
        if (v instanceof java.util.Date) return "date:" + ((java.util.Date) v).getTime();
        if (v instanceof List) {
            StringJoiner j = new StringJoiner(",", "[", "]");
            for (Object e : (List<?>) v) j.add(describe(e));
            return j.toString();
        }
        if (v instanceof Map) {
            TreeMap<String, String> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) sorted.put(describe(e.getKey()), describe(e.getValue()));
            StringJoiner j = new StringJoiner(",", "{", "}");
            for (Map.Entry<String, String> e : sorted.entrySet()) j.add(e.getKey() + "=" + e.getValue());
            return j.toString();
        }
        if (v instanceof Struct) {
            Struct st = (Struct) v;
            StringJoiner j = new StringJoiner(",", "struct{", "}");
            for (org.apache.kafka.connect.data.Field f : st.schema().fields()) j.add(f.name() + "=" + describe(st.getWithoutDefault(f.name())));
            return j.toString();
        }
        return "?" + v.getClass().getName();
    }

    // ---------------------------------------------------------------- helpers

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException("missing string \"" + field + "\" in " + n);
        return v.asText();
    }

    static String str(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void write(Path p, String s) throws IOException {
        Files.write(p, s.getBytes(StandardCharsets.UTF_8));
    }
}
