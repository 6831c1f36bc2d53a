package transforms

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// TimestampRouter (org.apache.kafka.connect.transforms.TimestampRouter) updates the
// record's topic as a function of the original topic value and the record timestamp:
// topic.format with every ${topic} replaced by the topic and then every ${timestamp} by the
// timestamp formatted with timestamp.format (a java.text.SimpleDateFormat pattern, in UTC;
// simpledateformat.go ports it). A record without a timestamp fails with a DataError. As in
// Java, the timestamp format is only compiled when the first record is routed, so an
// illegal pattern fails each record rather than the configuration.
type timestampRouter struct {
	topicFormat string
	format      *javaDateFormat
	formatErr   error
}

var timestampRouterConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: "topic.format", Type: connector.ConfigString, Default: "${topic}-${timestamp}", Importance: connector.High,
		Doc: "Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively."},
	{Name: "timestamp.format", Type: connector.ConfigString, Default: "yyyyMMdd", Importance: connector.High,
		Doc: "Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>."},
}}

func init() {
	registerTransformation(javaPackage+"TimestampRouter", func() connector.Transformation { return &timestampRouter{} })
}

func (t *timestampRouter) ConfigDef() *connector.ConfigDef { return timestampRouterConfigDef }

func (t *timestampRouter) Configure(cfg connector.Config) error {
	v, err := timestampRouterConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	t.topicFormat = v.String("topic.format")
	t.format, t.formatErr = newJavaDateFormat(v.String("timestamp.format"), time.Now())
	return nil
}

func (t *timestampRouter) Apply(r *connector.Record) (*connector.Record, error) {
	if r.Timestamp.IsZero() {
		return nil, connector.DataErrorf("Timestamp missing on record: %s", javaRecordString(r))
	}
	if t.formatErr != nil {
		return nil, t.formatErr
	}
	ts := t.format.format(r.Timestamp.UnixMilli())
	topic := strings.ReplaceAll(t.topicFormat, "${topic}", r.Topic)
	topic = strings.ReplaceAll(topic, "${timestamp}", ts)
	return r.NewRecord(topic, r.Partition, r.KeySchema, r.Key, r.ValueSchema, r.Value, r.Timestamp), nil
}

// javaRecordString renders a record as SourceRecord.toString does. Map entries are sorted
// (Java prints HashMap order) and a byte array prints as [B@ and a hash of its content
// (Java prints its identity hash).
func javaRecordString(r *connector.Record) string {
	var b strings.Builder
	b.WriteString("SourceRecord{sourcePartition=")
	b.WriteString(javaObjectString(r.SourcePartition))
	b.WriteString(", sourceOffset=")
	b.WriteString(javaObjectString(r.SourceOffset))
	b.WriteString("} ConnectRecord{topic='")
	b.WriteString(r.Topic)
	b.WriteString("', kafkaPartition=")
	if r.Partition == nil {
		b.WriteString("null")
	} else {
		b.WriteString(strconv.Itoa(int(*r.Partition)))
	}
	fmt.Fprintf(&b, ", key=%s, keySchema=%s, value=%s, valueSchema=%s, timestamp=",
		javaObjectString(r.Key), javaSchemaString(r.KeySchema), javaObjectString(r.Value), javaSchemaString(r.ValueSchema))
	if r.Timestamp.IsZero() {
		b.WriteString("null")
	} else {
		b.WriteString(strconv.FormatInt(r.Timestamp.UnixMilli(), 10))
	}
	b.WriteString(", headers=ConnectHeaders(headers=")
	if len(r.Headers) > 0 {
		b.WriteByte('[')
		for i, h := range r.Headers {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "ConnectHeader(key=%s, value=%s, schema=%s)", h.Key, javaObjectString(h.Value), javaSchemaString(h.Schema))
		}
		b.WriteByte(']')
	}
	b.WriteString(")}")
	return b.String()
}

// javaSchemaString is ConnectSchema.toString.
func javaSchemaString(s *connector.Schema) string {
	switch {
	case s == nil:
		return "null"
	case s.Name != "":
		return "Schema{" + s.Name + ":" + s.Type.Upper() + "}"
	}
	return "Schema{" + s.Type.Upper() + "}"
}

// javaObjectString is Object.toString for the values of the data model.
func javaObjectString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case []byte:
		h := fnv.New32a()
		_, _ = h.Write(x)
		return fmt.Sprintf("[B@%x", h.Sum32())
	case float32:
		return jvalues.FloatString(x)
	case float64:
		return jvalues.DoubleString(x)
	case time.Time:
		return x.UTC().Format("Mon Jan 02 15:04:05 UTC 2006")
	case *connector.Struct:
		var b strings.Builder
		b.WriteString("Struct{")
		first := true
		for _, f := range x.Schema().Fields {
			fv, _ := x.GetWithoutDefault(f.Name)
			if fv == nil {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			b.WriteString(f.Name + "=" + javaObjectString(fv))
		}
		b.WriteByte('}')
		return b.String()
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = javaObjectString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		if x == nil {
			return "null"
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + javaObjectString(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case map[any]any:
		parts := make([]string, 0, len(x))
		for k, e := range x {
			parts = append(parts, javaObjectString(k)+"="+javaObjectString(e))
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}
