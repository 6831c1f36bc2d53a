package transforms

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// RouteByField (io.tributary.transforms.RouteByField$Value, $Key) sets the record's Kafka
// topic from a field of its value (or key): topic.format with ${field} replaced by the
// field's value and ${topic} by the current topic, for example telemetry.${field}.
//
// field names a top-level field, or a nested one with dots (meta.site). The value must be a
// Struct or a schemaless map (parse a JSON payload first with JsonPayload$Value). Strings
// are used as they are; numbers and booleans as Java prints them. The resulting name is
// sanitised into a legal Kafka topic name as the MQTT connector does: '/' becomes '.',
// every character outside [a-zA-Z0-9._-] becomes '_', and it is cut at 249 characters.
//
// When the field is missing or null, is a struct, map, list or bytes, or the value is not
// a Struct or map (a tombstone, raw bytes), or the result is not a legal name (empty, "."
// or ".."), the record goes to fallback.topic, or keeps its topic when no fallback is set.
type routeByField struct {
	side     side
	path     []string
	format   string
	fallback string
}

var routeByFieldConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: "field", Type: connector.ConfigString, Required: true, Validate: connector.NonEmptyString, Importance: connector.High,
		Doc: "The field whose value names the topic: a top-level field, or a nested one written with dots (meta.site)."},
	{Name: "topic.format", Type: connector.ConfigString, Default: "${field}", Validate: connector.NonEmptyString, Importance: connector.High,
		Doc: "The topic name, with <code>${field}</code> replaced by the field's value and <code>${topic}</code> by the record's current topic, for example <code>telemetry.${field}</code>. The result is sanitised into a legal Kafka topic name ('/' becomes '.', other characters outside [a-zA-Z0-9._-] become '_', at most 249 characters)."},
	{Name: "fallback.topic", Type: connector.ConfigString, Default: nil, Importance: connector.Medium,
		Doc: "The topic for records whose field is missing or null (or not a scalar, or whose value is not a Struct or map). Without it such records keep their topic."},
}}

func init() {
	keyValueTributary("RouteByField", func(s side) connector.Transformation { return &routeByField{side: s} })
}

// keyValueTributary registers the $Key and $Value variants of one of Tributary's own SMTs.
func keyValueTributary(base string, newFn func(side) connector.Transformation) {
	registerTransformation("io.tributary.transforms."+base+"$Key", func() connector.Transformation { return newFn(keySide) })
	registerTransformation("io.tributary.transforms."+base+"$Value", func() connector.Transformation { return newFn(valueSide) })
}

func (t *routeByField) ConfigDef() *connector.ConfigDef { return routeByFieldConfigDef }

func (t *routeByField) Configure(cfg connector.Config) error {
	v, err := routeByFieldConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	t.path = strings.Split(v.String("field"), ".")
	t.format = v.String("topic.format")
	t.fallback = sanitizeKafkaTopic(v.String("fallback.topic"))
	return nil
}

func (t *routeByField) Apply(r *connector.Record) (*connector.Record, error) {
	_, value := t.side.operating(r)
	topic := ""
	if text, ok := t.fieldText(value); ok {
		topic = strings.ReplaceAll(t.format, "${topic}", r.Topic)
		topic = sanitizeKafkaTopic(strings.ReplaceAll(topic, "${field}", text))
	}
	if !legalKafkaTopic(topic) {
		if t.fallback == "" {
			return r, nil
		}
		topic = t.fallback
	}
	return r.NewRecord(topic, r.Partition, r.KeySchema, r.Key, r.ValueSchema, r.Value, r.Timestamp), nil
}

// fieldText returns the text of the configured field, if it is a scalar.
func (t *routeByField) fieldText(v any) (string, bool) {
	for _, name := range t.path {
		switch x := v.(type) {
		case *connector.Struct:
			if _, ok := x.Schema().Field(name); !ok {
				return "", false
			}
			v, _ = x.Get(name)
		case map[string]any:
			v = x[name]
		default:
			return "", false
		}
	}
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case int8, int16, int32, int64:
		return fmt.Sprint(x), true
	case float32:
		return jvalues.FloatString(x), true
	case float64:
		return jvalues.DoubleString(x), true
	}
	return "", false
}

// sanitizeKafkaTopic makes a Kafka topic name as the MQTT connector does: '/' becomes '.',
// every byte outside [a-zA-Z0-9._-] becomes '_', and the name is cut at 249 characters.
func sanitizeKafkaTopic(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c == '/':
			b[i] = '.'
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			b[i] = '_'
		}
	}
	if len(b) > 249 {
		b = b[:249]
	}
	return string(b)
}

func legalKafkaTopic(s string) bool { return s != "" && s != "." && s != ".." }
