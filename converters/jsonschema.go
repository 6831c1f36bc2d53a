package converters

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"

	"github.com/tributary-connect/tributary/connector"
)

// JSONSchemaClass is Confluent's JSON Schema converter class name.
const JSONSchemaClass = "io.confluent.connect.json.JsonSchemaConverter"

// JSON Schema keywords of Confluent's JsonSchemaData.
const (
	jsConnectIndex   = "connect.index"
	jsConnectType    = "connect.type"
	jsConnectVersion = "connect.version"
	jsConnectParams  = "connect.parameters"
	jsConnectMap     = "map"
	jsDefaultName    = "JsonSchema"
)

var jsonSchemaConfigDef = &connector.ConfigDef{Keys: slices.Concat([]connector.ConfigKey{converterTypeKey}, srConfigKeys)}

// JSONSchemaConverter is io.confluent.connect.json.JsonSchemaConverter: Connect data in the
// Confluent wire format (magic 0, 4-byte big-endian schema id, UTF-8 JSON), with a JSON
// Schema registered (schemaType "JSON") in a Schema Registry.
//
// The JSON Schema follows the conventions of Confluent's JsonSchemaData as far as they are
// known here: structs are {"type":"object","properties":…} with "connect.index" on each
// property, "connect.type" marks int8/16/32/64, float32/64, bytes and maps, optional schemas
// are {"oneOf":[{"type":"null"},…]}, the schema name is the "title", and "connect.version",
// "connect.parameters", "description" and "default" carry the rest. Decimals are numbers
// ({"type":"number","connect.type":"bytes","title":"org.apache.kafka.connect.data.Decimal"})
// written as JSON numbers. Maps with string keys are objects with "additionalProperties";
// other maps are arrays of [key, value] pairs (a Tributary choice, as in JsonConverter: the
// exact Confluent form of those is not known here). The payload is JsonConverter's
// schemaless JSON of the value, with decimals as numbers.
//
// It is safe for concurrent use once configured.
type JSONSchemaConverter struct {
	srSerde
	json *JSONConverter

	mu     sync.RWMutex
	toJS   map[*connector.Schema]*avroOut
	fromJS map[int32]*connector.Schema
}

// NewJSONSchemaConverter returns an unconfigured JSONSchemaConverter; Configure must be called.
func NewJSONSchemaConverter() *JSONSchemaConverter { return &JSONSchemaConverter{} }

// NewJSONSchemaConverterWithRegistry returns a JSONSchemaConverter over the given registry
// client (e.g. a fake in tests), configured from cfg except for the registry URL.
func NewJSONSchemaConverterWithRegistry(reg SchemaRegistry, cfg connector.Config) (*JSONSchemaConverter, error) {
	c := &JSONSchemaConverter{}
	if err := withRegistry(cfg, c.Configure, &c.srSerde, reg); err != nil {
		return nil, err
	}
	return c, nil
}

// ConfigDef returns the converter's keys, converter.type first.
func (c *JSONSchemaConverter) ConfigDef() *connector.ConfigDef { return jsonSchemaConfigDef }

// Configure applies the converter's config (prefix stripped, converter.type set).
func (c *JSONSchemaConverter) Configure(cfg connector.Config) error {
	v, err := jsonSchemaConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	if err := c.configure(v, "JSON"); err != nil {
		return err
	}
	c.json = &JSONConverter{}
	c.json.apply(false, 1, true, true)
	c.toJS = map[*connector.Schema]*avroOut{}
	c.fromJS = map[int32]*connector.Schema{}
	return nil
}

// FromConnect is fromConnectData: nil for a null value (a tombstone), else the wire bytes.
func (c *JSONSchemaConverter) FromConnect(topic string, _ connector.Headers, s *connector.Schema, v any) ([]byte, error) {
	if v == nil && (s == nil || s.Default == nil) {
		return nil, nil
	}
	prefix := fmt.Sprintf("Converting Kafka Connect data to byte[] failed due to serialization error of topic %s", topic)
	if s == nil {
		return nil, dataErr("%s: schemaless data (a null Connect schema) is not supported", prefix)
	}
	out, err := c.jsonSchema(s)
	if err != nil {
		return nil, dataErr("%s: %v", prefix, err)
	}
	subject, err := c.subject(topic, out.fullName)
	if err != nil {
		return nil, err
	}
	buf := bytes.NewBuffer(make([]byte, 5, 64))
	if err := c.json.writeValue(buf, s, v); err != nil {
		return nil, dataErr("%s: %v", prefix, err)
	}
	id, err := c.schemaID(subject, out.json)
	if err != nil {
		return nil, registryErr(prefix, subject, err)
	}
	b := buf.Bytes()
	binary.BigEndian.PutUint32(b[1:5], uint32(id))
	return b, nil
}

func (c *JSONSchemaConverter) jsonSchema(s *connector.Schema) (*avroOut, error) {
	c.mu.RLock()
	out, ok := c.toJS[s]
	c.mu.RUnlock()
	if ok {
		return out, nil
	}
	var b bytes.Buffer
	if err := c.writeJSONSchema(&b, s, -1); err != nil {
		return nil, err
	}
	// The record name (RecordNameStrategy) is the schema's title, as JsonSchema.name()
	// gives; without a title Tributary uses "JsonSchema" (a guess at Confluent's default).
	out = &avroOut{json: b.String(), fullName: s.Name}
	if out.fullName == "" {
		out.fullName = jsDefaultName
	}
	c.mu.Lock()
	if len(c.toJS) >= c.cacheMax {
		clear(c.toJS)
	}
	c.toJS[s] = out
	c.mu.Unlock()
	return out, nil
}

// JSONSchemaOf returns the JSON Schema document the converter registers for s.
func JSONSchemaOf(s *connector.Schema) (string, error) {
	c := &JSONSchemaConverter{json: &JSONConverter{}}
	c.json.apply(false, 1, true, true)
	var b bytes.Buffer
	if err := c.writeJSONSchema(&b, s, -1); err != nil {
		return "", err
	}
	return b.String(), nil
}

// writeJSONSchema writes s; index >= 0 adds "connect.index" (a struct field's schema).
func (c *JSONSchemaConverter) writeJSONSchema(b *bytes.Buffer, s *connector.Schema, index int) error {
	if !s.Optional {
		return c.writeNonNull(b, s, index, true)
	}
	b.WriteString(`{"oneOf":[{"type":"null"},`)
	if err := c.writeNonNull(b, s, -1, false); err != nil {
		return err
	}
	b.WriteByte(']')
	if err := c.writeTail(b, s, index, false); err != nil {
		return err
	}
	b.WriteByte('}')
	return nil
}

// writeTail writes the "default" (when withDefault) and "connect.index" members.
func (c *JSONSchemaConverter) writeTail(b *bytes.Buffer, s *connector.Schema, index int, nonNull bool) error {
	if s.Default != nil && (!s.Optional || !nonNull) {
		b.WriteString(`,"default":`)
		if err := c.json.writeValue(b, s, s.Default); err != nil {
			return fmt.Errorf("invalid default: %w", err)
		}
	}
	if index >= 0 {
		b.WriteString(`,"` + jsConnectIndex + `":`)
		b.WriteString(strconv.Itoa(index))
	}
	return nil
}

func (c *JSONSchemaConverter) writeNonNull(b *bytes.Buffer, s *connector.Schema, index int, tail bool) error {
	var connectType string
	switch s.Type {
	case connector.TypeInt8, connector.TypeInt16, connector.TypeInt32, connector.TypeInt64:
		b.WriteString(`{"type":"integer"`)
		connectType = s.Type.String()
	case connector.TypeFloat32, connector.TypeFloat64:
		b.WriteString(`{"type":"number"`)
		connectType = s.Type.String()
	case connector.TypeBoolean:
		b.WriteString(`{"type":"boolean"`)
	case connector.TypeString:
		b.WriteString(`{"type":"string"`)
	case connector.TypeBytes:
		if s.Name == connector.DecimalName {
			b.WriteString(`{"type":"number"`)
		} else {
			b.WriteString(`{"type":"string"`)
		}
		connectType = "bytes"
	case connector.TypeArray:
		if s.ValueSchema == nil {
			return fmt.Errorf("array schema without a value schema")
		}
		b.WriteString(`{"type":"array","items":`)
		if err := c.writeJSONSchema(b, s.ValueSchema, -1); err != nil {
			return err
		}
	case connector.TypeMap:
		if s.KeySchema == nil || s.ValueSchema == nil {
			return fmt.Errorf("map schema without key or value schema")
		}
		if s.KeySchema.Type == connector.TypeString {
			b.WriteString(`{"type":"object","additionalProperties":`)
			if err := c.writeJSONSchema(b, s.ValueSchema, -1); err != nil {
				return err
			}
		} else {
			b.WriteString(`{"type":"array","items":{"type":"array","items":[`)
			if err := c.writeJSONSchema(b, s.KeySchema, -1); err != nil {
				return err
			}
			b.WriteByte(',')
			if err := c.writeJSONSchema(b, s.ValueSchema, -1); err != nil {
				return err
			}
			b.WriteString(`],"minItems":2,"maxItems":2}`)
		}
		connectType = jsConnectMap
	case connector.TypeStruct:
		b.WriteString(`{"type":"object","properties":{`)
		for i, f := range s.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, f.Name)
			b.WriteByte(':')
			if err := c.writeJSONSchema(b, f.Schema, i); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("unsupported type %v", s.Type)
	}
	if connectType != "" {
		b.WriteString(`,"` + jsConnectType + `":`)
		writeJSONString(b, connectType)
	}
	if s.Name != "" {
		b.WriteString(`,"title":`)
		writeJSONString(b, s.Name)
	}
	if s.Version != nil {
		b.WriteString(`,"` + jsConnectVersion + `":`)
		b.WriteString(strconv.Itoa(int(*s.Version)))
	}
	if s.Doc != "" {
		b.WriteString(`,"description":`)
		writeJSONString(b, s.Doc)
	}
	if len(s.Parameters) > 0 {
		b.WriteString(`,"` + jsConnectParams + `":{`)
		keys := make([]string, 0, len(s.Parameters))
		for k := range s.Parameters {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			writeJSONString(b, s.Parameters[k])
		}
		b.WriteByte('}')
	}
	if tail {
		if err := c.writeTail(b, s, index, true); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// ToConnect is toConnectData: nil bytes give a null schema and value.
func (c *JSONSchemaConverter) ToConnect(topic string, _ connector.Headers, b []byte) (*connector.Schema, any, error) {
	if b == nil {
		return nil, nil, nil
	}
	prefix := fmt.Sprintf("Converting byte[] to Kafka Connect data failed due to serialization error of topic %s", topic)
	if len(b) < 5 || b[0] != 0 {
		return nil, nil, dataErr("%s: Unknown magic byte!", prefix)
	}
	id := int32(binary.BigEndian.Uint32(b[1:5]))
	s, err := c.schemaFor(id)
	if err != nil {
		if connector.IsRetriable(err) {
			return nil, nil, connector.Retriable(fmt.Errorf("%s: Error retrieving JSON schema for id %d: %w", prefix, id, err))
		}
		return nil, nil, dataErr("%s: Error retrieving JSON schema for id %d: %v", prefix, id, err)
	}
	n, err := parseJSON(b[5:])
	if err != nil {
		return nil, nil, dataErr("%s: %v", prefix, err)
	}
	v, err := c.json.toConnect(s, n)
	if err != nil {
		return nil, nil, dataErr("%s: %v", prefix, err)
	}
	return s, v, nil
}

func (c *JSONSchemaConverter) schemaFor(id int32) (*connector.Schema, error) {
	c.mu.RLock()
	s, ok := c.fromJS[id]
	c.mu.RUnlock()
	if ok {
		return s, nil
	}
	ctx, cancel := c.ctx()
	defer cancel()
	js, err := c.registry.SchemaByID(ctx, id)
	if err != nil {
		return nil, err
	}
	s, err = c.parseJSONSchema(js)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.fromJS) >= c.cacheMax {
		clear(c.fromJS)
	}
	c.fromJS[id] = s
	c.mu.Unlock()
	return s, nil
}

func (c *JSONSchemaConverter) parseJSONSchema(js string) (*connector.Schema, error) {
	n, err := parseJSON([]byte(js))
	if err != nil {
		return nil, fmt.Errorf("invalid JSON schema: %w", err)
	}
	return c.jsToConnect(n)
}

func jsString(n *jsonNode) string {
	if n == nil || n.kind != jsonString {
		return ""
	}
	return n.s
}

func (c *JSONSchemaConverter) jsToConnect(n *jsonNode) (*connector.Schema, error) {
	if n == nil || n.kind != jsonObject {
		return nil, fmt.Errorf("a JSON schema must be an object")
	}
	if one := n.get("oneOf"); one != nil {
		if one.kind != jsonArray {
			return nil, fmt.Errorf("oneOf must be an array")
		}
		var inner *jsonNode
		optional := false
		for _, e := range one.arr {
			if jsString(e.get("type")) == "null" {
				optional = true
				continue
			}
			if inner != nil {
				return nil, fmt.Errorf("unsupported oneOf with several non-null schemas")
			}
			inner = e
		}
		if inner == nil {
			return nil, fmt.Errorf("oneOf without a non-null schema")
		}
		s, err := c.jsToConnect(inner)
		if err != nil {
			return nil, err
		}
		s.Optional = optional
		s.Default = nil
		if err := c.jsDefault(n, s); err != nil {
			return nil, err
		}
		return s, nil
	}
	s := &connector.Schema{}
	ct := jsString(n.get(jsConnectType))
	switch t := jsString(n.get("type")); t {
	case "integer":
		s.Type = connector.TypeInt64
		switch ct {
		case "int8":
			s.Type = connector.TypeInt8
		case "int16":
			s.Type = connector.TypeInt16
		case "int32":
			s.Type = connector.TypeInt32
		}
	case "number":
		switch ct {
		case "float32":
			s.Type = connector.TypeFloat32
		case "bytes":
			s.Type = connector.TypeBytes
		default:
			s.Type = connector.TypeFloat64
		}
	case "boolean":
		s.Type = connector.TypeBoolean
	case "string":
		s.Type = connector.TypeString
		if ct == "bytes" {
			s.Type = connector.TypeBytes
		}
	case "array":
		items := n.get("items")
		if ct == jsConnectMap {
			if items == nil || items.get("items") == nil || items.get("items").kind != jsonArray || len(items.get("items").arr) != 2 {
				return nil, fmt.Errorf("a map array schema needs [key, value] items")
			}
			pair := items.get("items").arr
			k, err := c.jsToConnect(pair[0])
			if err != nil {
				return nil, err
			}
			v, err := c.jsToConnect(pair[1])
			if err != nil {
				return nil, err
			}
			s.Type, s.KeySchema, s.ValueSchema = connector.TypeMap, k, v
			break
		}
		v, err := c.jsToConnect(items)
		if err != nil {
			return nil, err
		}
		s.Type, s.ValueSchema = connector.TypeArray, v
	case "object":
		if ct == jsConnectMap || n.get("properties") == nil && n.get("additionalProperties") != nil {
			v, err := c.jsToConnect(n.get("additionalProperties"))
			if err != nil {
				return nil, err
			}
			s.Type, s.KeySchema, s.ValueSchema = connector.TypeMap, connector.StringSchema, v
			break
		}
		s.Type = connector.TypeStruct
		props := n.get("properties")
		if props != nil && props.kind == jsonObject {
			type fi struct {
				name  string
				index int64
				pos   int
				node  *jsonNode
			}
			fs := make([]fi, len(props.keys))
			for i, k := range props.keys {
				fs[i] = fi{name: k, index: int64(i), pos: i, node: props.arr[i]}
				if x := props.arr[i].get(jsConnectIndex); x != nil && x.isIntegral() {
					fs[i].index = x.longValue()
				}
			}
			sort.SliceStable(fs, func(i, j int) bool { return fs[i].index < fs[j].index })
			for i, f := range fs {
				fsch, err := c.jsToConnect(f.node)
				if err != nil {
					return nil, fmt.Errorf("field %s: %w", f.name, err)
				}
				s.Fields = append(s.Fields, connector.Field{Name: f.name, Index: i, Schema: fsch})
			}
		}
	default:
		return nil, fmt.Errorf("unsupported JSON schema type %q", t)
	}
	s.Name = jsString(n.get("title"))
	s.Doc = jsString(n.get("description"))
	if v := n.get(jsConnectVersion); v != nil && v.isIntegral() {
		ver := v.intValue()
		s.Version = &ver
	}
	if p := n.get(jsConnectParams); p != nil && p.kind == jsonObject {
		s.Parameters = map[string]string{}
		for i, k := range p.keys {
			s.Parameters[k] = p.arr[i].s
		}
	}
	if err := c.jsDefault(n, s); err != nil {
		return nil, err
	}
	return s, nil
}

func (c *JSONSchemaConverter) jsDefault(n *jsonNode, s *connector.Schema) error {
	d := n.get("default")
	if d == nil || d.kind == jsonNull {
		return nil
	}
	v, err := c.json.toConnect(s, d)
	if err != nil {
		return fmt.Errorf("invalid default: %w", err)
	}
	s.Default = v
	return nil
}
