// GoldenGen writes the golden files that converters/*_test.go compare Tributary's converters
// with: what Apache Kafka Connect's own converters (connect-json, connect-api, connect-runtime
// 4.1.2) produce for a corpus of Connect values and inputs. See README.md for how to run it.
//
// The Go tests build the same corpus, case by case, under the same names: a case added here
// needs its twin in converters/golden_test.go.
//
// Output conventions (one case per line, fields separated by a TAB):
//   - JSON written by JsonConverter is copied raw (it never contains a raw newline), "null" is
//     a null byte array (a tombstone), and "ERROR: <message>" a DataException's message.
//   - Other text is quoted with q(): \" \\ and \\uXXXX for chars outside printable ASCII.
//   - Values read back are rendered by describe(), which the Go tests mirror.

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.*;

import org.apache.kafka.connect.converters.*;
import org.apache.kafka.connect.data.*;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.storage.StringConverter;

public class GoldenGen {

    // ---------------------------------------------------------------- rendering

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    static String hex(byte[] b) {
        if (b == null) return "null";
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x & 0xff));
        return sb.toString();
    }

    static byte[] unhex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        return b;
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
                b.append('{');
                boolean first = true;
                for (Field f : s.fields()) {
                    if (!first) b.append(',');
                    first = false;
                    b.append(f.name()).append(':').append(describeSchema(f.schema()));
                }
                b.append('}');
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
            for (Field f : st.schema().fields()) j.add(f.name() + "=" + describe(st.getWithoutDefault(f.name())));
            return j.toString();
        }
        return "?" + v.getClass().getName();
    }

    static String describe(SchemaAndValue sv) {
        if (sv == null) return "<null SchemaAndValue>";
        return describeSchema(sv.schema()) + " " + describe(sv.value());
    }

    static String error(Throwable e) {
        return "ERROR: " + e.getMessage();
    }

    // ---------------------------------------------------------------- the write corpus

    static final class Case {
        final String name;
        final Schema schema;
        final Object value;

        Case(String name, Schema schema, Object value) {
            this.name = name;
            this.schema = schema;
            this.value = value;
        }
    }

    static final List<Case> CASES = new ArrayList<>();

    static void c(String name, Schema schema, Object value) {
        CASES.add(new Case(name, schema, value));
    }

    static java.util.Date date(long millis) {
        return new java.util.Date(millis);
    }

    static <K, V> Map<K, V> map(Object... kv) {
        Map<K, V> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            @SuppressWarnings("unchecked") K k = (K) kv[i];
            @SuppressWarnings("unchecked") V v = (V) kv[i + 1];
            m.put(k, v);
        }
        return m;
    }

    static void writeCorpus() {
        c("int8", Schema.INT8_SCHEMA, (byte) -5);
        c("int16", Schema.INT16_SCHEMA, (short) 1234);
        c("int32", Schema.INT32_SCHEMA, 123456);
        c("int64", Schema.INT64_SCHEMA, 1234567890123L);
        c("int64_min", Schema.INT64_SCHEMA, Long.MIN_VALUE);
        c("float32", Schema.FLOAT32_SCHEMA, 1.5f);
        c("float32_tenth", Schema.FLOAT32_SCHEMA, 0.1f);
        c("float32_1e10", Schema.FLOAT32_SCHEMA, 1.0e10f);
        c("float32_1e-5", Schema.FLOAT32_SCHEMA, 1.0e-5f);
        c("float32_max", Schema.FLOAT32_SCHEMA, Float.MAX_VALUE);
        c("float32_min", Schema.FLOAT32_SCHEMA, Float.MIN_VALUE);
        c("float32_nan", Schema.FLOAT32_SCHEMA, Float.NaN);
        c("float64_one", Schema.FLOAT64_SCHEMA, 1.0);
        c("float64_tenth", Schema.FLOAT64_SCHEMA, 0.1);
        c("float64_sum", Schema.FLOAT64_SCHEMA, 0.1 + 0.2);
        c("float64_third", Schema.FLOAT64_SCHEMA, 1.0 / 3);
        c("float64_1e20", Schema.FLOAT64_SCHEMA, 1e20);
        c("float64_1e7", Schema.FLOAT64_SCHEMA, 1e7);
        c("float64_9999999", Schema.FLOAT64_SCHEMA, 9999999.0);
        c("float64_0.001", Schema.FLOAT64_SCHEMA, 0.001);
        c("float64_0.0001", Schema.FLOAT64_SCHEMA, 0.0001);
        c("float64_neg_zero", Schema.FLOAT64_SCHEMA, -0.0);
        c("float64_pi", Schema.FLOAT64_SCHEMA, Math.PI);
        c("float64_max", Schema.FLOAT64_SCHEMA, Double.MAX_VALUE);
        c("float64_min", Schema.FLOAT64_SCHEMA, Double.MIN_VALUE);
        c("float64_nan", Schema.FLOAT64_SCHEMA, Double.NaN);
        c("float64_inf", Schema.FLOAT64_SCHEMA, Double.POSITIVE_INFINITY);
        c("float64_neg_inf", Schema.FLOAT64_SCHEMA, Double.NEGATIVE_INFINITY);
        c("float64_large_int", Schema.FLOAT64_SCHEMA, 123456789012.0);
        c("boolean_true", Schema.BOOLEAN_SCHEMA, true);
        c("boolean_false", Schema.BOOLEAN_SCHEMA, false);
        c("string", Schema.STRING_SCHEMA, "hello");
        c("string_empty", Schema.STRING_SCHEMA, "");
        c("string_escapes", Schema.STRING_SCHEMA, "q\" b\\ s/ n\n r\r t\t b\b f\f nul\u0000 us\u001f del\u007f");
        c("string_unicode", Schema.STRING_SCHEMA, "\u00e9\u20ac\ud83d\ude00 \u2028\u2029 <>&' \u00a0\ufeff");
        c("bytes", Schema.BYTES_SCHEMA, new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe});
        c("bytes_empty", Schema.BYTES_SCHEMA, new byte[0]);
        c("optional_int32_null", Schema.OPTIONAL_INT32_SCHEMA, null);
        c("optional_string_null", Schema.OPTIONAL_STRING_SCHEMA, null);
        c("required_null", Schema.INT32_SCHEMA, null);
        c("default_int32", SchemaBuilder.int32().defaultValue(42).build(), null);
        c("default_int32_set", SchemaBuilder.int32().defaultValue(42).build(), 7);
        c("optional_default_string", SchemaBuilder.string().optional().defaultValue("dflt").build(), null);
        c("metadata", SchemaBuilder.string().name("com.example.Name").version(3).doc("A doc \u00e9").parameter("a", "1").parameter("b", "x\"y").build(), "v");
        Schema defaults = SchemaBuilder.struct()
            .field("i8", SchemaBuilder.int8().defaultValue((byte) 1).build())
            .field("i16", SchemaBuilder.int16().defaultValue((short) 2).build())
            .field("i64", SchemaBuilder.int64().defaultValue(3L).build())
            .field("f32", SchemaBuilder.float32().defaultValue(1.5f).build())
            .field("f64", SchemaBuilder.float64().defaultValue(2.5).build())
            .field("bool", SchemaBuilder.bool().defaultValue(true).build())
            .field("bytes", SchemaBuilder.bytes().defaultValue(new byte[] {1, 2}).build())
            .field("arr", SchemaBuilder.array(Schema.INT32_SCHEMA).defaultValue(Arrays.asList(1, 2)).build())
            .field("map", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).defaultValue(map("k", 1)).build())
            .field("dec", Decimal.builder(2).optional().defaultValue(new BigDecimal("1.00")).build())
            .field("date", Date.builder().defaultValue(date(86400000L)).build())
            .build();
        c("defaults_of_each_type", defaults, new Struct(defaults));
        c("array_int32", SchemaBuilder.array(Schema.INT32_SCHEMA).build(), Arrays.asList(1, 2, 3));
        c("array_optional_elements", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build(), Arrays.asList("a", null, "c"));
        c("array_empty", SchemaBuilder.array(Schema.INT32_SCHEMA).build(), new ArrayList<>());
        c("array_of_arrays", SchemaBuilder.array(SchemaBuilder.array(Schema.FLOAT64_SCHEMA).build()).build(),
            Arrays.asList(Arrays.asList(1.0, 2.5), new ArrayList<>()));
        c("array_null_required_element", SchemaBuilder.array(Schema.INT32_SCHEMA).build(), Arrays.asList(1, null));
        c("map_string_keys", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(), map("a", 1, "b", 2));
        c("map_int_keys", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build(), map(1, "one", 2, "two"));
        c("map_empty_string_keys", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(), map());
        c("map_empty_int_keys", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.INT32_SCHEMA).build(), map());
        c("map_optional_values", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_INT64_SCHEMA).build(), map("a", null, "b", 5L));
        Schema point = SchemaBuilder.struct().name("com.example.Point").field("x", Schema.INT32_SCHEMA).field("y", Schema.INT32_SCHEMA).build();
        Struct p1 = new Struct(point).put("x", 1).put("y", 2);
        c("map_of_structs", SchemaBuilder.map(Schema.STRING_SCHEMA, point).build(), map("p", p1));

        Schema inner = SchemaBuilder.struct().field("flag", Schema.BOOLEAN_SCHEMA)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build()).optional().build();
        Schema rec = SchemaBuilder.struct().name("com.example.R").version(2).doc("a record")
            .field("id", Schema.INT32_SCHEMA)
            .field("s", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ts", Timestamp.SCHEMA)
            .field("inner", inner)
            .field("amount", Decimal.schema(2))
            .field("d", Date.SCHEMA)
            .field("t", Time.SCHEMA)
            .field("m", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA).optional().build())
            .field("n", SchemaBuilder.int64().defaultValue(7L).build())
            .build();
        Struct in = new Struct(inner).put("flag", true).put("tags", Arrays.asList("x", "y"));
        Struct r = new Struct(rec).put("id", 1).put("ts", date(1700000000000L)).put("inner", in)
            .put("amount", new BigDecimal("12.50")).put("d", date(19782L * 86400000L)).put("t", date(45296789L))
            .put("m", map("k", 9L));
        c("struct_nested", rec, r);
        Struct r2 = new Struct(rec).put("id", 2).put("ts", date(0)).put("amount", new BigDecimal("-0.05"))
            .put("d", date(0)).put("t", date(0));
        c("struct_nulls_and_defaults", rec, r2);
        c("struct_optional_null", SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).optional().build(), null);
        Schema odd = SchemaBuilder.struct().field("na\"me \u00e9", Schema.STRING_SCHEMA).build();
        c("struct_odd_field_name", odd, new Struct(odd).put("na\"me \u00e9", "v"));
        Schema other = SchemaBuilder.struct().name("com.example.Other").field("x", Schema.INT32_SCHEMA).field("y", Schema.INT32_SCHEMA).build();
        c("struct_schema_mismatch", other, p1);
        c("decimal", Decimal.schema(2), new BigDecimal("12.50"));
        c("decimal_negative", Decimal.schema(2), new BigDecimal("-1.05"));
        c("decimal_zero", Decimal.schema(2), new BigDecimal("0.00"));
        c("decimal_big", Decimal.schema(2), new BigDecimal("123456789012345678901234567890.12"));
        c("decimal_scale0", Decimal.schema(0), new BigDecimal("128"));
        c("decimal_negative_scale", Decimal.schema(-2), new BigDecimal(BigInteger.valueOf(12), -2));
        c("decimal_small", Decimal.schema(10), new BigDecimal("0.0000000012"));
        c("decimal_exp_boundary", Decimal.schema(7), new BigDecimal("0.0000012"));
        c("decimal_scale_mismatch", Decimal.schema(2), new BigDecimal("1.234"));
        c("date", Date.SCHEMA, date(19782L * 86400000L));
        c("date_negative", Date.SCHEMA, date(-86400000L));
        c("date_not_midnight", Date.SCHEMA, date(19782L * 86400000L + 1));
        c("time", Time.SCHEMA, date(45296789L));
        c("time_end_of_day", Time.SCHEMA, date(86400000L));
        c("time_out_of_range", Time.SCHEMA, date(86400001L));
        c("timestamp", Timestamp.SCHEMA, date(1700000000000L));
        c("timestamp_negative", Timestamp.SCHEMA, date(-1L));
        c("optional_timestamp_null", SchemaBuilder.int64().name(Timestamp.LOGICAL_NAME).version(1).optional().build(), null);

        c("schemaless_int32", null, 5);
        c("schemaless_string", null, "s");
        c("schemaless_float", null, 2.5f);
        c("schemaless_bytes", null, new byte[] {9, 8});
        c("schemaless_map", null, map("a", 1L, "b", Arrays.asList(true, null), "c", map("x", (short) 3)));
        c("schemaless_map_int_keys", null, map(1, "x", 2, "y"));
        c("schemaless_list", null, Arrays.asList(1, "two", 3.0, null, new byte[] {1}));
        c("schemaless_struct", null, p1);
        c("schemaless_decimal", null, new BigDecimal("1.5"));
        c("schemaless_date", null, date(0));
        c("tombstone", null, null);
        c("wrong_type", Schema.INT32_SCHEMA, "not an int");
        c("wrong_type_bytes", Schema.BYTES_SCHEMA, "x");
        c("wrong_type_decimal", Decimal.schema(2), 5);
        c("wrong_type_date", Date.SCHEMA, 5);
    }

    static void writeJsonGolden(Path dir, String file, Map<String, Object> cfg) throws IOException {
        JsonConverter conv = new JsonConverter();
        conv.configure(cfg, false);
        StringBuilder out = new StringBuilder();
        out.append("# JsonConverter.fromConnectData with ").append(new TreeMap<>(cfg)).append('\n');
        for (Case k : CASES) {
            String res;
            try {
                byte[] b = conv.fromConnectData("topic", k.schema, k.value);
                res = b == null ? "null" : new String(b, StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                res = error(e);
            }
            out.append(k.name).append('\t').append(res).append('\n');
        }
        Files.write(dir.resolve(file), out.toString().getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- the read corpus

    static final String[] JSON_INPUTS = {
        "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":42}",
        "{\"schema\":null,\"payload\":{\"a\":1,\"b\":[1.5,\"x\",true,null]}}",
        "{\"schema\":{\"type\":\"int8\",\"optional\":false},\"payload\":300}",
        "{\"schema\":{\"type\":\"int16\",\"optional\":false},\"payload\":70000}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":1.9}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":-1.9}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":3000000000}",
        "{\"schema\":{\"type\":\"int64\",\"optional\":false},\"payload\":12345678901234567890}",
        "{\"schema\":{\"type\":\"int64\",\"optional\":false},\"payload\":1e30}",
        "{\"schema\":{\"type\":\"int64\",\"optional\":false},\"payload\":\"12\"}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":true}",
        "{\"schema\":{\"type\":\"boolean\",\"optional\":false},\"payload\":1}",
        "{\"schema\":{\"type\":\"boolean\",\"optional\":true},\"payload\":true}",
        "{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":5}",
        "{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":\"\\u00e9\\ud83d\\ude00\\n\"}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false},\"payload\":\"AAEC\"}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false},\"payload\":\"!!\"}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false},\"payload\":5}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false},\"payload\":\"AAE\"}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false},\"payload\":\"AA==AA==\"}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false},\"payload\":\" AAEC \"}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false},\"payload\":\"AAEC AAEC\"}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false},\"payload\":\"AA EC\"}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false},\"payload\":\"AAEC\\n\"}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false},\"payload\":\"AA=\"}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false},\"payload\":\"A===\"}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false},\"payload\":\"AB-_\"}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false},\"payload\":\"\"}",
        "{\"schema\":{\"type\":\"float\",\"optional\":false},\"payload\":0.1}",
        "{\"schema\":{\"type\":\"float\",\"optional\":false},\"payload\":16777217}",
        "{\"schema\":{\"type\":\"double\",\"optional\":false},\"payload\":0.1}",
        "{\"schema\":{\"type\":\"double\",\"optional\":false},\"payload\":1e400}",
        "{\"schema\":{\"type\":\"double\",\"optional\":false},\"payload\":-0.0}",
        "{\"schema\":{\"type\":\"double\",\"optional\":false},\"payload\":\"NaN\"}",
        "{\"schema\":{\"type\":\"double\",\"optional\":false},\"payload\":12345678901234567890123}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"default\":7},\"payload\":null}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":true},\"payload\":null}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":null}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"default\":null},\"payload\":1}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":\"true\"},\"payload\":null}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"name\":\"n\",\"version\":2.5,\"doc\":\"d\",\"parameters\":{\"b\":\"2\",\"a\":\"1\"}},\"payload\":1}",
        "{\"schema\":{\"type\":\"int32\",\"parameters\":{\"a\":1}},\"payload\":1}",
        "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"},{\"type\":\"string\",\"optional\":true,\"field\":\"s\"},{\"type\":\"int64\",\"optional\":false,\"default\":9,\"field\":\"n\"},{\"type\":\"int64\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1,\"field\":\"ts\"}],\"optional\":false,\"name\":\"com.example.R\"},\"payload\":{\"id\":1,\"ts\":1700000000000,\"extra\":true}}",
        "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"}],\"optional\":false},\"payload\":{}}",
        "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"s\"}],\"optional\":false},\"payload\":{\"s\":1}}",
        "{\"schema\":{\"type\":\"struct\",\"fields\":[],\"optional\":false},\"payload\":[]}",
        "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"a\"},{\"type\":\"int32\",\"optional\":false,\"field\":\"a\"}],\"optional\":false},\"payload\":{}}",
        "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":true,\"field\":\"a\"}],\"optional\":true,\"default\":{\"a\":3}},\"payload\":null}",
        "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int32\",\"optional\":false},\"values\":{\"type\":\"string\",\"optional\":false},\"optional\":false},\"payload\":[[1,\"a\"],[2,\"b\"]]}",
        "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int32\",\"optional\":false},\"values\":{\"type\":\"string\",\"optional\":false},\"optional\":false},\"payload\":{\"1\":\"a\"}}",
        "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int32\",\"optional\":false},\"values\":{\"type\":\"string\",\"optional\":false},\"optional\":false},\"payload\":[1]}",
        "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int32\",\"optional\":false},\"values\":{\"type\":\"string\",\"optional\":false},\"optional\":false},\"payload\":[[1]]}",
        "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"string\",\"optional\":false},\"values\":{\"type\":\"int64\",\"optional\":true},\"optional\":false},\"payload\":{\"a\":1,\"b\":null}}",
        "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"string\",\"optional\":false},\"values\":{\"type\":\"int64\",\"optional\":false},\"optional\":false},\"payload\":[[\"a\",1]]}",
        "{\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"int32\",\"optional\":true},\"optional\":false},\"payload\":[1,null,3]}",
        "{\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"int32\",\"optional\":false},\"optional\":false},\"payload\":{\"a\":1}}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":\"2\"}},\"payload\":\"BOI=\"}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":\"2\"}},\"payload\":12.50}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":\"2\"}},\"payload\":1e2}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":\"2\"}},\"payload\":7}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":\"2\"}},\"payload\":true}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1},\"payload\":\"AA==\"}",
        "{\"schema\":{\"type\":\"bytes\",\"optional\":true,\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":\"2\"},\"default\":\"AGQ=\"},\"payload\":null}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Date\",\"version\":1},\"payload\":19782}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Date\",\"version\":1},\"payload\":1.5}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Time\",\"version\":1},\"payload\":45296789}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Time\",\"version\":1},\"payload\":-1}",
        "{\"schema\":{\"type\":\"int64\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1},\"payload\":1700000000000}",
        "{\"schema\":{\"type\":\"int64\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Timestamp\",\"version\":1},\"payload\":1.5}",
        "{\"schema\":{\"optional\":false},\"payload\":1}",
        "{\"schema\":{\"type\":\"foo\"},\"payload\":1}",
        "{\"schema\":{\"type\":\"array\"},\"payload\":[]}",
        "{\"schema\":{\"type\":\"map\",\"values\":{\"type\":\"int32\"}},\"payload\":{}}",
        "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int32\"}},\"payload\":{}}",
        "{\"schema\":{\"type\":\"struct\",\"fields\":{}},\"payload\":{}}",
        "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\"}]},\"payload\":{}}",
        "{\"payload\":1}",
        "{\"schema\":null,\"payload\":1,\"x\":2}",
        "{\"schema\":null,\"schema\":{\"type\":\"string\"},\"payload\":\"dup\"}",
        "{\"schema\":null,\"payload\":12345678901234567890}",
        "{\"schema\":null,\"payload\":[1.0,1e2,007,-0]}",
        "[1]",
        "42",
        "1.5",
        "\"s\"",
        "true",
        "null",
        "",
        "  ",
        "{\"k\":{\"n\":1}}",
        "1 2",
        "{\"a\":1}garbage",
        "{\"a\":",
        "[1,]",
        "\"\\u00e9\\ud83d\\ude00\"",
        "1x",
        "1,",
        "truex",
        "[1 2]",
        "{\"a\" 1}",
        "\"tab\there\"",
        "\"\\x\"",
        "+1",
        ".5",
        "1.",
        "-",
        "NaN",
        "[-0, -0.0, 0.0, 1E+2, 1.50, 9223372036854775807, 9223372036854775808]",
        "{\"schema\":{\"type\":\"int64\",\"optional\":false},\"payload\":1e70}",
        "{\"schema\":{\"type\":\"int8\",\"optional\":false},\"payload\":-129.9}",
        "{\"schema\":{\"type\":\"float\",\"optional\":false},\"payload\":12345678901234567890123}",
        "{\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"int32\",\"optional\":false},\"optional\":false},\"payload\":5}",
        "{\"schema\":{\"type\":\"map\",\"keys\":null,\"values\":{\"type\":\"int32\"}},\"payload\":{}}",
        "{\"schema\":{\"type\":\"array\",\"items\":null},\"payload\":[]}",
        "{\"schema\":5,\"payload\":1}",
        "{\"schema\":{\"type\":\"struct\",\"fields\":[5]},\"payload\":{}}",
        "{\"schema\":{\"type\":\"string\",\"optional\":true,\"default\":\"d\",\"parameters\":{}},\"payload\":null}",
        "{\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"int32\",\"optional\":false},\"optional\":false,\"default\":[1,\"x\"]},\"payload\":null}",
        "{\"schema\":{\"type\":\"int32\",\"optional\":false,\"version\":3000000000},\"payload\":1}",
    };

    static void readJsonGolden(Path dir) throws IOException {
        StringBuilder out = new StringBuilder("# JsonConverter.toConnectData: input, then the result with schemas.enable=true, then with false\n");
        JsonConverter with = new JsonConverter();
        with.configure(Collections.singletonMap("schemas.enable", "true"), false);
        JsonConverter without = new JsonConverter();
        without.configure(Collections.singletonMap("schemas.enable", "false"), false);
        for (String in : JSON_INPUTS) {
            out.append(q(in));
            for (JsonConverter conv : new JsonConverter[] {with, without}) {
                String res;
                try {
                    res = describe(conv.toConnectData("topic", in.getBytes(StandardCharsets.UTF_8)));
                } catch (RuntimeException e) {
                    res = error(e);
                }
                out.append('\t').append(res);
            }
            out.append('\n');
        }
        Files.write(dir.resolve("json_read.golden"), out.toString().getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- SimpleHeaderConverter

    static void headerWriteGolden(Path dir) throws IOException {
        SimpleHeaderConverter conv = new SimpleHeaderConverter();
        conv.configure(Collections.emptyMap());
        StringBuilder out = new StringBuilder("# SimpleHeaderConverter.fromConnectHeader, written as q(UTF-8 text)\n");
        for (Case k : CASES) {
            String res;
            try {
                byte[] b = conv.fromConnectHeader("topic", "h", k.schema, k.value);
                res = b == null ? "null" : q(new String(b, StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                res = error(e);
            }
            out.append(k.name).append('\t').append(res).append('\n');
        }
        Files.write(dir.resolve("header_write.golden"), out.toString().getBytes(StandardCharsets.UTF_8));
    }

    static final String[] HEADER_INPUTS = {
        "", " ", "hello", "hello world", "true", "false", "null", "TRUE", "true}", "  true  ",
        "42", "-42", "+5", "300", "40000", "3000000000", "9223372036854775807", "9223372036854775808",
        "12345678901234567890", "-12345678901234567890", "1.5", "-1.5", "3.14159265358979", "1.0", "1.", ".5", "-0", "-0.0",
        "1e2", "1E5", "1e-2", "1.5e300", "1e400", "1.5e400", "00042", "0x10", "NaN", "Infinity", "-", "1-2", "1,2", "a,b", "a:b",
        "[1,2,3]", "[1,2.5]", "[1,\"a\"]", "[]", "[null]", "[null,1]", "[1,null]", "[1,]", "[,1]", "[1", "[1 2]", "[ 1 , 2 ]",
        "[true, false]", "[\"a\",\"b\"]", "[[1],[2.5]]", "[[1],[\"a\"]]", "[{\"a\":1}]", "[\"2024-01-01\"]", "[\"é\"]",
        "{\"a\":1,\"b\":2}", "{}", "{\"a\":}", "{a:1}", "{\"a\":1", "{1:2}", "{\"a\":null}", "{\"a\":1,}", "{\"a\" : \"b\"}",
        "{\"k\":[1,2]}", "{\"a\":1,\"b\":\"x\"}", "{null:1}", "{\"a\"}", "{,}",
        "2024-01-01", "2024-02-30", "2024-13-45", "2024-01-1x", "12:34:56.789Z", "12:34:56.78Z1", "25:00:00.000Z",
        "2024-01-01T12:34:56.789Z", "2024-01-01T24:00:00.000Z", "12\\:34\\:56.789Z", "x\\:y", "\"quoted\"", "\"2024-01-01\"",
        "2024--1-01", "2024-1-1xx", "1:2:3.456Z12", "12:34:56.789X", "0000-01-01", "1970-01-01", "2000-02-29T23:59:59.999Z",
        "[1, 300]", "[300, 1]", "[1.5, 1e300]", "{\"a\":1,\"b\":300}", "[\"a\",1]", "[[1],[2]]", "[12345678901234567890,1]",
        "[true,1]", "{\"a\":[1],\"b\":[2.5]}", "[1.5,2]", "[2,1.5,3000000000]", "[1e400, 1]", "[\"12:34:56.789Z\"]",
        "[12:34:56.789Z]", "{1:\"a\",2.5:\"b\"}", "{\"a\":true,\"b\":false}", "[ \" a \" ]", "[\" \"]", "[[],[1]]",
        "{\"a\":{},\"b\":{\"c\":1}}", "[null,null]", "{[1]:2}", "{\"a\":1}x", "12:34:56.789Z,foo", "1 2", "[1,2] x",
        "\u00e9", "\u00e9\u20ac\ud83d\ude00", "tab\there", "line\nbreak", "back\\slash", "{\"a\":\"b\\\"c\"}", "[\"a\\\"b\"]",
    };

    static void headerReadGolden(Path dir) throws IOException {
        SimpleHeaderConverter conv = new SimpleHeaderConverter();
        conv.configure(Collections.emptyMap());
        StringBuilder out = new StringBuilder("# SimpleHeaderConverter.toConnectHeader: q(input) then the result\n");
        List<byte[]> inputs = new ArrayList<>();
        for (String s : HEADER_INPUTS) inputs.add(s.getBytes(StandardCharsets.UTF_8));
        for (byte[] b : inputs) {
            String res;
            try {
                res = describe(conv.toConnectHeader("topic", "h", b));
            } catch (RuntimeException e) {
                res = error(e);
            }
            out.append(q(new String(b, StandardCharsets.UTF_8))).append('\t').append(res).append('\n');
        }
        Files.write(dir.resolve("header_read.golden"), out.toString().getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- StringConverter

    static final String[] ENCODINGS = {"UTF-8", "utf8", "US-ASCII", "ascii", "ISO-8859-1", "latin1", "UTF-16", "UTF-16BE", "UTF-16LE", "nope"};
    static final String[] STRINGS = {"abc", "\u00e9\u20ac\ud83d\ude00", ""};
    static final String[] BYTES = {"616263", "c3a9", "ff", "c080", "e282", "e28261", "eda080", "e08080", "f09f98", "f09f9861",
        "f0808080", "f4908080", "80bf", "efbfbd", "feff0041", "fffe4100", "0041d83d", "00", "d800dc00", "dc00"};

    static void stringGolden(Path dir) throws IOException {
        StringBuilder out = new StringBuilder("# StringConverter with converter.encoding: encode lines (e), decode lines (d)\n");
        for (String enc : ENCODINGS) {
            StringConverter conv = new StringConverter();
            try {
                conv.configure(Collections.singletonMap("converter.encoding", enc), false);
            } catch (RuntimeException e) {
                out.append(enc).append("\tconfigure\t").append(error(e)).append('\n');
                continue;
            }
            for (String s : STRINGS) {
                out.append(enc).append("\te\t").append(q(s)).append('\t').append(hex(conv.fromConnectData("t", Schema.STRING_SCHEMA, s))).append('\n');
            }
            for (String h : BYTES) {
                out.append(enc).append("\td\t").append(h).append('\t').append(describe(conv.toConnectData("t", unhex(h)))).append('\n');
            }
        }
        Files.write(dir.resolve("string.golden"), out.toString().getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- Double/Float.toString

    // Only JDK 19 and later print the shortest decimal that rounds to the value (JDK-4511638),
    // which is what Tributary implements; older JDKs print a longer string for some values.
    static void floatGolden(Path dir) throws IOException {
        StringBuilder out = new StringBuilder("# Double.toString and Float.toString (JDK " + Runtime.version().feature() + "): bits then text\n");
        Random rnd = new Random(20260101);
        List<Double> ds = new ArrayList<>(Arrays.asList(0.0, -0.0, 1.0, 0.1, 1e7, 1e-3, 9999999.999, 1e23, 2e23, 4.9e-324,
            Double.MIN_NORMAL, Double.MAX_VALUE, 5e-324, 1e21, 123456789.125, 0.3, 2.0 / 3, 1e-7, 1.0E-5));
        for (int i = 0; i < 400; i++) {
            double d = Double.longBitsToDouble(rnd.nextLong());
            if (!Double.isNaN(d) && !Double.isInfinite(d)) ds.add(d);
        }
        for (int i = 0; i < 150; i++) ds.add(rnd.nextInt(100000000) / Math.pow(10, rnd.nextInt(12)));
        for (double d : ds) out.append("d\t").append(Long.toHexString(Double.doubleToRawLongBits(d))).append('\t').append(Double.toString(d)).append('\n');
        List<Float> fs = new ArrayList<>(Arrays.asList(0.0f, -0.0f, 1.0f, 0.1f, 1e7f, 1e-3f, Float.MIN_VALUE, Float.MAX_VALUE, Float.MIN_NORMAL, 1.0e10f, 3.4e38f, 16777217f));
        for (int i = 0; i < 300; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (!Float.isNaN(f) && !Float.isInfinite(f)) fs.add(f);
        }
        for (float f : fs) out.append("f\t").append(Integer.toHexString(Float.floatToRawIntBits(f))).append('\t').append(Float.toString(f)).append('\n');
        Files.write(dir.resolve("java_float_tostring.golden"), out.toString().getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- main

    public static void main(String[] args) throws Exception {
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        Locale.setDefault(Locale.ROOT);
        Path dir = Paths.get(args.length > 1 ? args[1] : ".");
        String mode = args.length > 0 ? args[0] : "converters";
        if (mode.equals("floats")) {
            if (Runtime.version().feature() < 19) throw new IllegalStateException("floats needs JDK 19 or later");
            floatGolden(dir);
            return;
        }
        writeCorpus();
        Map<String, Object> cfg = new HashMap<>();
        writeJsonGolden(dir, "json_write_schemas.golden", cfg);
        cfg.put("schemas.enable", "false");
        writeJsonGolden(dir, "json_write_plain.golden", cfg);
        cfg.clear();
        cfg.put("decimal.format", "numeric");
        writeJsonGolden(dir, "json_write_numeric.golden", cfg);
        cfg.clear();
        cfg.put("replace.null.with.default", "false");
        writeJsonGolden(dir, "json_write_no_default.golden", cfg);
        readJsonGolden(dir);
        headerWriteGolden(dir);
        headerReadGolden(dir);
        stringGolden(dir);
    }
}
