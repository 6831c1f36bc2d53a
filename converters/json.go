package converters

import (
	"bytes"
	"container/list"
	"strings"
	"sync"
	"time"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// JsonConverter configuration keys (JsonConverterConfig).
const (
	SchemasEnableConfig          = "schemas.enable"
	SchemasCacheSizeConfig       = "schemas.cache.size"
	DecimalFormatConfig          = "decimal.format"
	ReplaceNullWithDefaultConfig = "replace.null.with.default"
)

// The decimal.format values.
const (
	DecimalFormatBase64  = "BASE64"
	DecimalFormatNumeric = "NUMERIC"
)

var jsonConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	converterTypeKey,
	{Name: SchemasEnableConfig, Type: connector.ConfigBoolean, Default: "true", Importance: connector.High,
		Doc: "Include schemas within each of the serialized values and keys.", Group: "Schemas", Order: 0,
		Width: connector.WidthMedium, DisplayName: "Enable Schemas"},
	{Name: SchemasCacheSizeConfig, Type: connector.ConfigInt, Default: "1000", Importance: connector.High,
		Doc: "The maximum number of schemas that can be cached in this converter instance.", Group: "Schemas", Order: 1,
		Width: connector.WidthMedium, DisplayName: "Schema Cache Size"},
	{Name: DecimalFormatConfig, Type: connector.ConfigString, Default: DecimalFormatBase64,
		Validate: connector.OneOf(DecimalFormatBase64, DecimalFormatNumeric), Importance: connector.Low,
		Doc:   "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
		Group: "Serialization", Order: 0, Width: connector.WidthMedium, DisplayName: "Decimal Format"},
	{Name: ReplaceNullWithDefaultConfig, Type: connector.ConfigBoolean, Default: "true", Importance: connector.Low,
		Doc:   "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.",
		Group: "Serialization", Order: 1, Width: connector.WidthMedium, DisplayName: "Replace null with default"},
}}

// JSONConverter is org.apache.kafka.connect.json.JsonConverter, a Converter and a
// HeaderConverter. With schemas.enable (the default) it writes {"schema":…,"payload":…}
// envelopes and expects them when reading; the bytes are identical to Java's (see the golden
// tests), except that maps are written with their keys sorted, since Go maps have no order.
//
// It is safe for concurrent use once configured.
type JSONConverter struct {
	schemasEnabled         bool
	decimalNumeric         bool
	replaceNullWithDefault bool
	fromCache              *lru[*connector.Schema, []byte]
	toCache                *lru[string, *connector.Schema]
}

// NewJSONConverter returns a JsonConverter with the default configuration (schemas enabled,
// BASE64 decimals, nulls replaced by defaults, 1000 cached schemas).
func NewJSONConverter() *JSONConverter {
	c := &JSONConverter{}
	c.apply(true, 1000, false, true)
	return c
}

func (c *JSONConverter) apply(schemas bool, cacheSize int, numeric, replace bool) {
	c.schemasEnabled = schemas
	c.decimalNumeric = numeric
	c.replaceNullWithDefault = replace
	c.fromCache = newLRU[*connector.Schema, []byte](cacheSize)
	c.toCache = newLRU[string, *connector.Schema](cacheSize)
}

// ConfigDef returns JsonConverterConfig's keys, converter.type first.
func (c *JSONConverter) ConfigDef() *connector.ConfigDef { return jsonConfigDef }

// Configure applies the converter's config (prefix stripped, converter.type set).
func (c *JSONConverter) Configure(cfg connector.Config) error {
	v, err := jsonConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	c.apply(v.Bool(SchemasEnableConfig), int(v.Int(SchemasCacheSizeConfig)),
		strings.EqualFold(v.String(DecimalFormatConfig), DecimalFormatNumeric), v.Bool(ReplaceNullWithDefaultConfig))
	return nil
}

// FromConnect is fromConnectData: nil for a null schema and value (a tombstone), else the
// JSON bytes.
func (c *JSONConverter) FromConnect(_ string, _ connector.Headers, s *connector.Schema, v any) ([]byte, error) {
	if s == nil && v == nil {
		return nil, nil
	}
	var b bytes.Buffer
	if c.schemasEnabled {
		b.WriteString(`{"schema":`)
		if err := c.writeSchemaOrNull(&b, s); err != nil {
			return nil, err
		}
		b.WriteString(`,"payload":`)
	}
	if err := c.writeValue(&b, s, v); err != nil {
		return nil, err
	}
	if c.schemasEnabled {
		b.WriteByte('}')
	}
	return b.Bytes(), nil
}

// ToConnect is toConnectData.
func (c *JSONConverter) ToConnect(_ string, _ connector.Headers, data []byte) (*connector.Schema, any, error) {
	if data == nil {
		return nil, nil, nil
	}
	root, err := parseJSON(data)
	if err != nil {
		return nil, nil, dataErr("Converting byte[] to Kafka Connect data failed due to serialization error: %v", err)
	}
	var schemaNode, payload *jsonNode
	if c.schemasEnabled {
		if root.kind != jsonObject || len(root.keys) != 2 || root.get("schema") == nil || root.get("payload") == nil {
			return nil, nil, dataErr("JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields." +
				" If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.")
		}
		schemaNode, payload = root.get("schema"), root.get("payload")
	} else {
		schemaNode, payload = &jsonNode{kind: jsonNull}, root
	}
	s, err := c.asConnectSchema(schemaNode)
	if err != nil {
		return nil, nil, err
	}
	v, err := c.toConnect(s, payload)
	if err != nil {
		return nil, nil, err
	}
	return s, v, nil
}

// FromConnectHeader is fromConnectHeader: the same as FromConnect.
func (c *JSONConverter) FromConnectHeader(topic, _ string, s *connector.Schema, v any) ([]byte, error) {
	return c.FromConnect(topic, nil, s, v)
}

// ToConnectHeader is toConnectHeader: the same as ToConnect.
func (c *JSONConverter) ToConnectHeader(topic, _ string, b []byte) (*connector.Schema, any, error) {
	return c.ToConnect(topic, nil, b)
}

// asConnectSchema is JsonConverter.asConnectSchema: a schema from its JSON form.
func (c *JSONConverter) asConnectSchema(n *jsonNode) (*connector.Schema, error) {
	if n.kind == jsonNull {
		return nil, nil
	}
	key := n.String()
	if s, ok := c.toCache.get(key); ok {
		return s, nil
	}
	typeNode := n.get("type")
	if typeNode == nil || typeNode.kind != jsonString {
		return nil, dataErr("Schema must contain 'type' field")
	}
	s := &connector.Schema{}
	switch typeNode.s {
	case "boolean":
		s.Type = connector.TypeBoolean
	case "int8":
		s.Type = connector.TypeInt8
	case "int16":
		s.Type = connector.TypeInt16
	case "int32":
		s.Type = connector.TypeInt32
	case "int64":
		s.Type = connector.TypeInt64
	case "float":
		s.Type = connector.TypeFloat32
	case "double":
		s.Type = connector.TypeFloat64
	case "bytes":
		s.Type = connector.TypeBytes
	case "string":
		s.Type = connector.TypeString
	case "array":
		s.Type = connector.TypeArray
		items := n.get("items")
		if items == nil || items.kind == jsonNull {
			return nil, dataErr("Array schema did not specify the element type")
		}
		elem, err := c.asConnectSchema(items)
		if err != nil {
			return nil, err
		}
		s.ValueSchema = elem
	case "map":
		s.Type = connector.TypeMap
		keys := n.get("keys")
		if keys == nil {
			return nil, dataErr("Map schema did not specify the key type")
		}
		values := n.get("values")
		if values == nil {
			return nil, dataErr("Map schema did not specify the value type")
		}
		ks, err := c.asConnectSchema(keys)
		if err != nil {
			return nil, err
		}
		vs, err := c.asConnectSchema(values)
		if err != nil {
			return nil, err
		}
		switch {
		case ks == nil:
			return nil, dataErr("keySchema cannot be null.")
		case vs == nil:
			return nil, dataErr("valueSchema cannot be null.")
		}
		s.KeySchema, s.ValueSchema = ks, vs
	case "struct":
		s.Type = connector.TypeStruct
		fields := n.get("fields")
		if fields == nil || fields.kind != jsonArray {
			return nil, dataErr("Struct schema's \"fields\" argument is not an array.")
		}
		for _, f := range fields.arr {
			name := f.get("field")
			if name == nil || name.kind != jsonString {
				return nil, dataErr("Struct schema's field name not specified properly")
			}
			fs, err := c.asConnectSchema(f)
			if err != nil {
				return nil, err
			}
			if _, dup := s.Field(name.s); dup {
				return nil, dataErr("Cannot create field because of field name duplication %s", name.s)
			}
			s.Fields = append(s.Fields, connector.Field{Name: name.s, Index: len(s.Fields), Schema: fs})
		}
	default:
		return nil, dataErr("Unknown schema type: %s", typeNode.s)
	}
	if o := n.get("optional"); o != nil && o.kind == jsonBool && o.b {
		s.Optional = true
	}
	if name := n.get("name"); name != nil && name.kind == jsonString {
		s.Name = name.s
	}
	if v := n.get("version"); v != nil && v.isIntegral() {
		ver := v.intValue()
		s.Version = &ver
	}
	if doc := n.get("doc"); doc != nil && doc.kind == jsonString {
		s.Doc = doc.s
	}
	if params := n.get("parameters"); params != nil && params.kind == jsonObject {
		for i, k := range params.keys {
			pv := params.arr[i]
			if pv.kind != jsonString {
				return nil, dataErr("Schema parameters must have string values.")
			}
			if s.Parameters == nil {
				s.Parameters = map[string]string{}
			}
			s.Parameters[k] = pv.s
		}
	}
	if dn := n.get("default"); dn != nil {
		d, err := c.toConnect(s, dn)
		if err != nil {
			return nil, err
		}
		if d != nil {
			// Java validates the default against the SchemaBuilder, which a Struct's
			// (built) schema never equals: a struct default always fails.
			if _, isStruct := d.(*connector.Struct); isStruct || connector.ValidateValue("", s, d) != nil {
				return nil, dataErr("Invalid default value")
			}
			s.Default = d
		}
	}
	c.toCache.put(key, s)
	return s, nil
}

// toConnect is JsonConverter.convertToConnect.
func (c *JSONConverter) toConnect(s *connector.Schema, n *jsonNode) (any, error) {
	var typ connector.Type
	if s != nil {
		typ = s.Type
		if n == nil || n.kind == jsonNull {
			switch {
			case s.Default != nil && c.replaceNullWithDefault:
				return s.Default, nil
			case s.Optional:
				return nil, nil
			}
			return nil, dataErr("Invalid null value for required %s field", typ.Upper())
		}
	} else {
		switch {
		case n == nil || n.kind == jsonNull || n.kind == jsonMissing:
			return nil, nil
		case n.kind == jsonBool:
			typ = connector.TypeBoolean
		case n.isIntegral():
			typ = connector.TypeInt64
		case n.isNumber():
			typ = connector.TypeFloat64
		case n.kind == jsonArray:
			typ = connector.TypeArray
		case n.kind == jsonObject:
			typ = connector.TypeMap
		case n.kind == jsonString:
			typ = connector.TypeString
		}
	}
	if s != nil {
		switch s.Name {
		case connector.DecimalName:
			if n.isNumber() {
				return n.decimalValue(), nil
			}
			if n.kind == jsonString {
				raw, err := n.binaryValue()
				if err == nil {
					var d connector.Decimal
					if d, err = jvalues.DecimalToLogical(s, raw); err == nil {
						return d, nil
					}
				}
				return nil, dataErr("Invalid bytes for Decimal field")
			}
			return nil, dataErr("Invalid type for Decimal, underlying representation should be numeric or bytes but was %s", n.nodeType())
		case connector.DateName:
			if n.kind != jsonInt {
				return nil, dataErr("Invalid type for Date, underlying representation should be integer but was %s", n.nodeType())
			}
			return time.UnixMilli(n.n * jvalues.MillisPerDay).UTC(), nil
		case connector.TimeName:
			if n.kind != jsonInt {
				return nil, dataErr("Invalid type for Time, underlying representation should be integer but was %s", n.nodeType())
			}
			if n.n < 0 || n.n > jvalues.MillisPerDay {
				return nil, dataErr("Time values must use number of milliseconds greater than 0 and less than 86400000")
			}
			return time.UnixMilli(n.n).UTC(), nil
		case connector.TimestampName:
			if !n.isIntegral() {
				return nil, dataErr("Invalid type for Timestamp, underlying representation should be integral but was %s", n.nodeType())
			}
			return time.UnixMilli(n.longValue()).UTC(), nil
		}
	}
	switch typ {
	case connector.TypeBoolean:
		return n.kind == jsonBool && n.b, nil
	case connector.TypeInt8:
		return int8(n.intValue()), nil
	case connector.TypeInt16:
		return int16(n.intValue()), nil
	case connector.TypeInt32:
		return n.intValue(), nil
	case connector.TypeInt64:
		return n.longValue(), nil
	case connector.TypeFloat32:
		return n.floatValue(), nil
	case connector.TypeFloat64:
		return n.doubleValue(), nil
	case connector.TypeBytes:
		raw, err := n.binaryValue()
		if err != nil {
			return nil, dataErr("Invalid bytes field")
		}
		if raw == nil {
			return nil, nil
		}
		return raw, nil
	case connector.TypeString:
		if n.kind != jsonString {
			return nil, nil
		}
		return n.s, nil
	case connector.TypeArray:
		var elem *connector.Schema
		if s != nil {
			elem = s.ValueSchema
		}
		out := []any{}
		for _, e := range n.elements() {
			v, err := c.toConnect(elem, e)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case connector.TypeMap:
		return c.mapToConnect(s, n)
	case connector.TypeStruct:
		if n.kind != jsonObject {
			return nil, dataErr("Structs should be encoded as JSON objects, but found %s", n.nodeType())
		}
		st, err := connector.NewStruct(s)
		if err != nil {
			return nil, err
		}
		for _, f := range s.Fields {
			v, err := c.toConnect(f.Schema, n.get(f.Name))
			if err != nil {
				return nil, err
			}
			if err := st.Put(f.Name, v); err != nil {
				return nil, err
			}
		}
		return st, nil
	}
	return nil, dataErr("Unknown schema type: %v", typ)
}

func (c *JSONConverter) mapToConnect(s *connector.Schema, n *jsonNode) (any, error) {
	var keySchema, valueSchema *connector.Schema
	if s != nil {
		keySchema, valueSchema = s.KeySchema, s.ValueSchema
	}
	if s == nil || keySchema.Type == connector.TypeString {
		if n.kind != jsonObject {
			return nil, dataErr("Maps with string fields should be encoded as JSON objects, but found %s", n.nodeType())
		}
		out := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			v, err := c.toConnect(valueSchema, n.arr[i])
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	}
	if n.kind != jsonArray {
		return nil, dataErr("Maps with non-string fields should be encoded as JSON array of tuples, but found %s", n.nodeType())
	}
	out := make(map[any]any, len(n.arr))
	for _, e := range n.arr {
		if e.kind != jsonArray {
			return nil, dataErr("Found invalid map entry instead of array tuple: %s", e.nodeType())
		}
		if len(e.arr) != 2 {
			return nil, dataErr("Found invalid map entry, expected length 2 but found :%d", len(e.arr))
		}
		k, err := c.toConnect(keySchema, e.arr[0])
		if err != nil {
			return nil, err
		}
		v, err := c.toConnect(valueSchema, e.arr[1])
		if err != nil {
			return nil, err
		}
		if !jvalues.Hashable(k) {
			return nil, dataErr("Map keys of type %s are not supported", jvalues.JavaClass(k))
		}
		out[k] = v
	}
	return out, nil
}

// lru is a small, goroutine-safe least-recently-used cache (Kafka's SynchronizedCache over an
// LRUCache).
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key K
	val V
}

func newLRU[K comparable, V any](maxEntries int) *lru[K, V] {
	return &lru[K, V]{max: maxEntries, ll: list.New(), items: map[K]*list.Element{}}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*lruEntry[K, V]).val, true
	}
	var zero V
	return zero, false
}

func (c *lru[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.max <= 0 {
		return
	}
	if e, ok := c.items[k]; ok {
		e.Value.(*lruEntry[K, V]).val = v
		c.ll.MoveToFront(e)
		return
	}
	c.items[k] = c.ll.PushFront(&lruEntry[K, V]{k, v})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*lruEntry[K, V]).key)
	}
}
