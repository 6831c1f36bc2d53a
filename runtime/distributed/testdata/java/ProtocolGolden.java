// ProtocolGolden writes the golden files that runtime/distributed/protocol_test.go compares
// Tributary's Connect group protocol codec with: what Apache Kafka Connect 4.1.2's
// ConnectProtocol (V0) and IncrementalCooperativeConnectProtocol (V1, V2) write, and how they
// read a set of inputs. See README.md for how to run it.
//
// encode.golden: NAME <TAB> HEX, the bytes Java serialized. protocol_test.go builds the same
// value under the same name, so a case added here needs its twin there.
// decode.golden: NAME <TAB> INPUT-HEX <TAB> what Java's V1 parsers (the ones the leader and the
// members use) read from it, rendered by describe(), or "ERROR <message>" when they throw.

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.*;

import org.apache.kafka.connect.runtime.distributed.ConnectProtocol;
import org.apache.kafka.connect.runtime.distributed.ExtendedAssignment;
import org.apache.kafka.connect.runtime.distributed.ExtendedWorkerState;
import org.apache.kafka.connect.runtime.distributed.IncrementalCooperativeConnectProtocol;
import org.apache.kafka.connect.util.ConnectorTaskId;

public class ProtocolGolden {

    static final String LEADER = "connect-1-5f1c1a3e-8d5e-4a4b-9a53-3c2d1e0f9b7a";
    static final String LEADER_URL = "http://10.0.0.1:8083/";

    // ---------------------------------------------------------------- rendering

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x & 0xff));
        return sb.toString();
    }

    static byte[] unhex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    static byte[] bytes(ByteBuffer buf) {
        ByteBuffer d = buf.duplicate();
        byte[] b = new byte[d.remaining()];
        d.get(b);
        return b;
    }

    static String q(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    static String connectors(Collection<String> cs) {
        StringJoiner j = new StringJoiner(",", "[", "]");
        for (String c : cs) j.add(q(c));
        return j.toString();
    }

    static String tasks(Collection<ConnectorTaskId> ts) {
        StringJoiner j = new StringJoiner(",", "[", "]");
        for (ConnectorTaskId t : ts) j.add(q(t.connector()) + ":" + t.task());
        return j.toString();
    }

    static String describe(ExtendedAssignment a) {
        if (a == null) return "null";
        return "version=" + a.version() + " error=" + a.error() + " leader=" + q(a.leader())
                + " leaderUrl=" + q(a.leaderUrl()) + " offset=" + a.offset()
                + " connectors=" + connectors(a.connectors()) + " tasks=" + tasks(a.tasks())
                + " revokedConnectors=" + connectors(a.revokedConnectors())
                + " revokedTasks=" + tasks(a.revokedTasks()) + " delay=" + a.delay();
    }

    // The version is the header Java read (ExtendedWorkerState does not keep it).
    static String describe(short version, ExtendedWorkerState s) {
        String alloc = s.assignment() == ExtendedAssignment.empty() ? "null" : "{" + describe(s.assignment()) + "}";
        return "version=" + version + " url=" + q(s.url()) + " offset=" + s.offset() + " allocation=" + alloc;
    }

    // ---------------------------------------------------------------- values

    static List<ConnectorTaskId> t(Object... connectorTask) {
        List<ConnectorTaskId> out = new ArrayList<>();
        for (int i = 0; i < connectorTask.length; i += 2)
            out.add(new ConnectorTaskId((String) connectorTask[i], (Integer) connectorTask[i + 1]));
        return out;
    }

    // Java groups the assigned connectors in HashSet order (ConnectProtocol.Assignment.asMap),
    // Tributary in list order: the corpus only uses lists whose hash order is their own order.
    static List<String> c(String... names) {
        List<String> list = Arrays.asList(names);
        List<String> hashOrder = new ArrayList<>(new HashSet<>(list));
        List<String> listOrder = new ArrayList<>(new LinkedHashSet<>(list));
        if (!hashOrder.equals(listOrder))
            throw new IllegalStateException("connector list " + list + " iterates as " + hashOrder + " in a HashSet; pick other names");
        return list;
    }

    static ExtendedAssignment ext(short version, short error, String leader, String leaderUrl, long offset,
                                  List<String> connectors, List<ConnectorTaskId> tasks,
                                  List<String> revokedConnectors, List<ConnectorTaskId> revokedTasks, int delay) {
        return new ExtendedAssignment(version, error, leader, leaderUrl, offset, connectors, tasks,
                revokedConnectors, revokedTasks, delay);
    }

    static final short NO_ERROR = ConnectProtocol.Assignment.NO_ERROR;
    static final short CONFIG_MISMATCH = ConnectProtocol.Assignment.CONFIG_MISMATCH;

    static byte[] v0Metadata(String url, long offset) {
        return bytes(ConnectProtocol.serializeMetadata(new ConnectProtocol.WorkerState(url, offset)));
    }

    static byte[] extMetadata(String url, long offset, ExtendedAssignment alloc, boolean sessioned) {
        return bytes(IncrementalCooperativeConnectProtocol.serializeMetadata(new ExtendedWorkerState(url, offset, alloc), sessioned));
    }

    static byte[] v0Assignment(short error, String leader, String leaderUrl, long offset, List<String> cs, List<ConnectorTaskId> ts) {
        return bytes(ConnectProtocol.serializeAssignment(new ConnectProtocol.Assignment(error, leader, leaderUrl, offset, cs, ts)));
    }

    static byte[] extAssignment(ExtendedAssignment a, boolean sessioned) {
        return bytes(IncrementalCooperativeConnectProtocol.serializeAssignment(a, sessioned));
    }

    // ---------------------------------------------------------------- corpus

    static Map<String, byte[]> encodeCorpus() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        List<String> none = Collections.emptyList();
        List<ConnectorTaskId> noTasks = Collections.emptyList();

        // Member metadata.
        m.put("metadata_v0", v0Metadata("http://127.0.0.1:8083/", 42));
        m.put("metadata_v0_negative_offset", v0Metadata("http://w1:8083/", -1));
        m.put("metadata_v1_null_allocation", extMetadata("http://10.0.0.5:8083/", 7, null, false));
        m.put("metadata_v2_null_allocation", extMetadata("http://10.0.0.5:8083/", 7, null, true));
        m.put("metadata_v1_allocation", extMetadata("http://10.0.0.5:8083/", 7,
                ext((short) 1, NO_ERROR, LEADER, LEADER_URL, 7, c("a"), t("a", 0, "a", 1), none, noTasks, 0), false));
        // The allocation says version 1 but is written with the metadata's header, 2.
        m.put("metadata_v2_allocation", extMetadata("http://10.0.0.5:8083/", 1234,
                ext((short) 1, NO_ERROR, LEADER, LEADER_URL, 1200, c("a", "b"), t("a", 0, "b", 2),
                        c("c"), t("c", 0), 15000), true));
        m.put("metadata_v2_empty_allocation", extMetadata("http://10.0.0.5:8083/", 0,
                ext((short) 2, NO_ERROR, "l", "u", 0, none, noTasks, none, noTasks, 0), true));
        m.put("metadata_v2_unicode_url", extMetadata("http://w\u00f6rker-\u00fc.example:8083/", 123456789012L, null, true));

        // Assignments.
        m.put("assignment_v0", v0Assignment(NO_ERROR, LEADER, LEADER_URL, 12, c("a"), t("a", 0, "a", 1, "b", 0)));
        m.put("assignment_v0_config_mismatch", v0Assignment(CONFIG_MISMATCH, LEADER, LEADER_URL, 99, none, noTasks));
        m.put("assignment_v0_many", v0Assignment(NO_ERROR, LEADER, LEADER_URL, 3,
                c("a", "b", "c"), t("c", 2, "a", 0, "b", 1000, "a", 70000)));
        m.put("assignment_v1", extAssignment(ext((short) 1, NO_ERROR, LEADER, LEADER_URL, 12,
                c("a"), t("a", 0), c("b"), t("b", 0, "b", 1), 0), false));
        m.put("assignment_v2", extAssignment(ext((short) 2, NO_ERROR, LEADER, LEADER_URL, 12,
                c("a"), t("a", 0), c("b"), t("b", 0, "b", 1), 30000), true));
        m.put("assignment_v2_empty", extAssignment(ext((short) 2, NO_ERROR, LEADER, LEADER_URL, 0,
                none, noTasks, none, noTasks, 0), true));
        m.put("assignment_v2_revoked_only", extAssignment(ext((short) 2, NO_ERROR, LEADER, LEADER_URL, 8,
                none, noTasks, c("x"), t("x", 0, "y", 3), 5), true));
        m.put("assignment_v2_config_mismatch", extAssignment(ext((short) 2, CONFIG_MISMATCH, LEADER, LEADER_URL, 5,
                none, noTasks, none, noTasks, 0), true));
        m.put("assignment_v2_tasks_without_connector", extAssignment(ext((short) 2, NO_ERROR, LEADER, LEADER_URL, 9,
                none, t("b", 1, "a", 0, "b", 0), none, noTasks, 0), true));
        m.put("assignment_v2_duplicate_connector", extAssignment(ext((short) 2, NO_ERROR, LEADER, LEADER_URL, 9,
                c("a", "a"), t("a", 0), none, noTasks, 0), true));
        m.put("assignment_v2_unicode", extAssignment(ext((short) 2, NO_ERROR, "connect-\u00fc", "http://h\u00f6st:8083/", 1,
                c("\u00fcnic\u00f8de"), t("\u00fcnic\u00f8de", 0), none, noTasks, -1), true));
        return m;
    }

    static byte[] cat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    static byte[] cut(byte[] b, int drop) {
        return Arrays.copyOf(b, b.length - drop);
    }

    static byte[] withVersion(byte[] b, int version) {
        byte[] out = b.clone();
        out[0] = (byte) (version >> 8);
        out[1] = (byte) version;
        return out;
    }

    // version, error, leader, leaderUrl, configOffset: the fields every assignment has.
    static byte[] assignmentHead() {
        return cut(v0Assignment(NO_ERROR, "L", "U", 4, Collections.emptyList(), Collections.emptyList()), 4);
    }

    static Map<String, byte[]> decodeMetadataCorpus(Map<String, byte[]> enc) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("metadata_v0_read_by_v1_parser", enc.get("metadata_v0"));
        m.put("metadata_v1_null_allocation", enc.get("metadata_v1_null_allocation"));
        m.put("metadata_v2_null_allocation", enc.get("metadata_v2_null_allocation"));
        m.put("metadata_v1_allocation", enc.get("metadata_v1_allocation"));
        m.put("metadata_v2_allocation", enc.get("metadata_v2_allocation"));
        m.put("metadata_v2_empty_allocation", enc.get("metadata_v2_empty_allocation"));
        m.put("metadata_v2_unicode_url", enc.get("metadata_v2_unicode_url"));
        m.put("metadata_future_version", withVersion(enc.get("metadata_v2_allocation"), 5));
        m.put("metadata_trailing_bytes", cat(enc.get("metadata_v2_null_allocation"), unhex("deadbeef")));
        m.put("metadata_allocation_length_minus_2", cat(enc.get("metadata_v0"), unhex("fffffffe")));
        m.put("metadata_negative_version", withVersion(enc.get("metadata_v0"), -1));
        m.put("metadata_truncated_offset", cut(enc.get("metadata_v0"), 3));
        m.put("metadata_truncated_url", cut(enc.get("metadata_v0"), 12));
        m.put("metadata_truncated_allocation", cut(enc.get("metadata_v2_allocation"), 1));
        m.put("metadata_empty", new byte[0]);
        return m;
    }

    static Map<String, byte[]> decodeAssignmentCorpus(Map<String, byte[]> enc) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (String name : enc.keySet())
            if (name.startsWith("assignment_")) m.put(name, enc.get(name));
        byte[] v2 = enc.get("assignment_v2");
        m.put("assignment_v2_no_delay", cut(v2, 4));
        // assignment_v2's revoked array: count 1, "b" (2+1), tasks count 3 (-1, 0, 1) = 4+3+4+12 = 23 bytes.
        m.put("assignment_v2_no_revoked_no_delay", cut(v2, 4 + 23));
        m.put("assignment_v2_header_only", withVersion(assignmentHead(), 2));
        m.put("assignment_v1_null_arrays", cat(withVersion(assignmentHead(), 1), unhex("ffffffff" + "ffffffff" + "00000007")));
        m.put("assignment_v1_empty_arrays", cat(withVersion(assignmentHead(), 1), unhex("00000000" + "00000000" + "00000007")));
        m.put("assignment_v1_null_assignment_only", cat(withVersion(assignmentHead(), 1), unhex("ffffffff")));
        m.put("assignment_future_version", withVersion(v2, 9));
        m.put("assignment_trailing_bytes", cat(v2, unhex("0102030405")));
        m.put("assignment_negative_version", withVersion(v2, -2));
        // 18 bytes: version 2, error 2, "L" 3, "U" 3, offset 8; keep up to the leaderUrl length.
        m.put("assignment_truncated_leader_url", cut(assignmentHead(), 9));
        m.put("assignment_truncated_delay", cut(v2, 2));
        m.put("assignment_null_task_array", cat(withVersion(assignmentHead(), 1), unhex("00000001" + "0001" + "61" + "ffffffff")));
        m.put("assignment_huge_array_count", cat(withVersion(assignmentHead(), 1), unhex("7fffffff")));
        m.put("assignment_empty", new byte[0]);
        return m;
    }

    static String error(Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        return "ERROR " + msg.replace('\t', ' ').replace('\n', ' ');
    }

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : ".");
        Files.createDirectories(out);
        Map<String, byte[]> enc = encodeCorpus();

        StringBuilder e = new StringBuilder();
        for (Map.Entry<String, byte[]> en : enc.entrySet())
            e.append(en.getKey()).append('\t').append(hex(en.getValue())).append('\n');
        Files.write(out.resolve("encode.golden"), e.toString().getBytes(StandardCharsets.UTF_8));

        StringBuilder d = new StringBuilder();
        for (Map.Entry<String, byte[]> en : decodeMetadataCorpus(enc).entrySet()) {
            String result;
            try {
                ByteBuffer buf = ByteBuffer.wrap(en.getValue());
                short version = buf.remaining() >= 2 ? buf.getShort(0) : 0;
                result = describe(version, IncrementalCooperativeConnectProtocol.deserializeMetadata(buf));
            } catch (Exception ex) {
                result = error(ex);
            }
            d.append(en.getKey()).append('\t').append(hex(en.getValue())).append('\t').append(result).append('\n');
        }
        for (Map.Entry<String, byte[]> en : decodeAssignmentCorpus(enc).entrySet()) {
            String result;
            try {
                result = describe(IncrementalCooperativeConnectProtocol.deserializeAssignment(ByteBuffer.wrap(en.getValue())));
            } catch (Exception ex) {
                result = error(ex);
            }
            d.append(en.getKey()).append('\t').append(hex(en.getValue())).append('\t').append(result).append('\n');
        }
        Files.write(out.resolve("decode.golden"), d.toString().getBytes(StandardCharsets.UTF_8));
    }
}
