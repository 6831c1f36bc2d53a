package converters

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
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
	jsNamespace      = "io.confluent.connect.json"
)

// JsonSchemaDataConfig keys the converter honours.
const (
	JSONSchemaAdditionalPropertiesConfig = "object.additional.properties"
)

var jsonSchemaConfigDef = &connector.ConfigDef{Keys: slices.Concat([]connector.ConfigKey{converterTypeKey}, srConfigKeys, []connector.ConfigKey{
	{Name: JSONSchemaAdditionalPropertiesConfig, Type: connector.ConfigBoolean, Default: "true", Importance: connector.Medium,
		Doc: "Whether to allow additional properties for object schemas."},
	{Name: DecimalFormatConfig, Type: connector.ConfigString, Default: DecimalFormatBase64,
		Validate: connector.OneOf(DecimalFormatBase64, DecimalFormatNumeric), Importance: connector.Low,
		Doc: "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'"},
})}

// JSONSchemaConverter is io.confluent.connect.json.JsonSchemaConverter: Connect data in the
// Confluent wire format (magic 0, 4-byte big-endian schema id, UTF-8 JSON), with a JSON
// Schema registered (schemaType "JSON") in a Schema Registry.
//
// The JSON Schema is what JsonSchemaData.fromConnectSchema builds, printed as
// JsonSchema.canonicalString() prints it (see jsGen), and the payload is
// JsonSchemaData.fromConnectData's JSON: decimals as base64 of the unscaled bytes (or
// numbers with decimal.format=NUMERIC), bytes as base64, maps with string keys as objects
// and other maps as arrays of {"key": …, "value": …} objects.
//
// It is safe for concurrent use once configured.
type JSONSchemaConverter struct {
	srSerde
	json *JSONConverter
	gen  jsGen

	toJS   *schemaCache[*connector.Schema, *avroOut]
	fromJS *schemaCache[int32, *connector.Schema]
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
	c.gen = jsGen{
		numeric:         strings.EqualFold(v.String(DecimalFormatConfig), DecimalFormatNumeric),
		additionalProps: v.Bool(JSONSchemaAdditionalPropertiesConfig),
	}
	c.json = &JSONConverter{}
	c.json.apply(false, 1, c.gen.numeric, true)
	c.toJS = newSchemaCache[*connector.Schema, *avroOut](c.cacheMax)
	c.fromJS = newSchemaCache[int32, *connector.Schema](c.cacheMax)
	return nil
}

// FromConnect is fromConnectData: the wire bytes, or nil (a tombstone).
//
// As in JsonSchemaConverter, a null value is a tombstone only when fromConnectData gives
// no JSON node: with a null schema, or a required schema without a default. A null for an
// optional schema is the JSON null, framed and with its schema registered.
func (c *JSONSchemaConverter) FromConnect(topic string, _ connector.Headers, s *connector.Schema, v any) ([]byte, error) {
	if v == nil && s == nil {
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
	node, omit, err := c.gen.value(s, v)
	if err != nil {
		return nil, dataErr("%s: %v", prefix, err)
	}
	if omit {
		return nil, nil
	}
	subject, err := c.subject(topic, out.fullName)
	if err != nil {
		return nil, err
	}
	buf := bytes.NewBuffer(make([]byte, 5, 64))
	node.writePayload(buf)
	id, err := c.schemaID(subject, out.json)
	if err != nil {
		return nil, registryErr(prefix, subject, "JSON", err)
	}
	b := buf.Bytes()
	binary.BigEndian.PutUint32(b[1:5], uint32(id))
	return b, nil
}

func (c *JSONSchemaConverter) jsonSchema(s *connector.Schema) (*avroOut, error) {
	if out, ok := c.toJS.get(s); ok {
		return out, nil
	}
	var b bytes.Buffer
	if err := c.gen.schema(&b, s, -1, false); err != nil {
		return nil, err
	}
	// The record name (RecordNameStrategy) is JsonSchema.name(): the document's "title",
	// which an optional schema (a oneOf) does not have.
	out := &avroOut{json: b.String()}
	if !s.Optional {
		out.fullName = s.Name
	}
	c.toJS.put(s, out)
	return out, nil
}

// JSONSchemaOf returns the JSON Schema document the converter registers for s (with the
// default JsonSchemaDataConfig).
func JSONSchemaOf(s *connector.Schema) (string, error) {
	g := jsGen{additionalProps: true}
	var b bytes.Buffer
	if err := g.schema(&b, s, -1, false); err != nil {
		return "", err
	}
	return b.String(), nil
}

// jsGen is JsonSchemaData.fromConnectSchema and fromConnectData.
//
// The schema is printed as JsonSchema.canonicalString() prints it: everit's
// Schema.toString() (ToStringVisitor), parsed by Jackson and written again compactly. So
// the keys of a schema object come in this order: the type-specific keywords ("type", and
// "additionalProperties": false for a struct when object.additional.properties=false), then
// "title" (the Connect name), "description" (the doc), "default", then the non-keyword
// properties, then "additionalProperties" (a map's values), "items" or "properties"; a
// boolean writes its "type" last. The non-keyword properties and the "properties" of an
// object live in java.util.HashMaps, so they come in HashMap iteration order (javaHashOrder):
// connect.index, connect.version, connect.type, connect.parameters for the former (the
// same for every subset, whichever table size the copy in Schema's constructor gets), and
// the hash order of the field names for the latter; connect.index gives the field order
// back. An optional schema is {"connect.index": i, "oneOf": [{"type": "null"}, S]}, with
// everything else, the default included, on S.
type jsGen struct {
	numeric         bool // decimal.format=NUMERIC
	additionalProps bool // object.additional.properties
}

type jsKV struct {
	key string
	val []byte
}

func jsObject(b *bytes.Buffer, kvs []jsKV) {
	b.WriteByte('{')
	for i, kv := range kvs {
		if i > 0 {
			b.WriteByte(',')
		}
		avroStr(b, kv.key)
		b.WriteByte(':')
		b.Write(kv.val)
	}
	b.WriteByte('}')
}

// schema writes the JSON Schema of s (JsonSchemaData.fromConnectSchema); index >= 0 is the
// connect.index of a struct field or map entry part.
func (g *jsGen) schema(b *bytes.Buffer, s *connector.Schema, index int, ignoreOptional bool) error {
	return g.rawSchema(b, s, index, ignoreOptional, &jsCtx{ids: map[string]bool{}})
}

// jsCtx is FromConnectContext: the io.confluent.connect.json.Id values seen so far in one
// fromConnectSchema call; an array's items or a struct field whose Id was seen is written
// as {"$ref": id}.
type jsCtx struct {
	ids map[string]bool
	// noID leaves the "id" of the next schema out: the required schema inside the oneOf of
	// an optional non-struct schema (Java sets the id on the oneOf only).
	noID bool
}

// jsIDParam is JsonSchemaData.JSON_ID_PROP.
const jsIDParam = jsNamespace + ".Id"

// jsRef returns {"$ref": id} when s has an Id that ctx has seen.
func jsRef(s *connector.Schema, ctx *jsCtx) ([]byte, bool) {
	id, ok := s.Parameters[jsIDParam]
	if !ok || !ctx.ids[id] {
		return nil, false
	}
	var b bytes.Buffer
	jsObject(&b, []jsKV{{"$ref", textJSON(id)}})
	return b.Bytes(), true
}

// jsIsUnion is JsonSchemaData.isUnionSchema: a struct named io.confluent.connect.json.OneOf
// or with the org.apache.kafka.connect.data.Union parameter (ConnectUnion).
func jsIsUnion(s *connector.Schema) bool {
	if s.Type != connector.TypeStruct {
		return false
	}
	_, union := s.Parameters["org.apache.kafka.connect.data.Union"]
	return s.Name == jsNamespace+".OneOf" || union
}

// rawSchema is rawSchemaFromConnectSchema.
func (g *jsGen) rawSchema(b *bytes.Buffer, s *connector.Schema, index int, ignoreOptional bool, ctx *jsCtx) error {
	noID := ctx.noID
	ctx.noID = false
	id, hasID := s.Parameters[jsIDParam]
	if hasID {
		ctx.ids[id] = true
	}
	var idKV []jsKV
	if hasID && !noID {
		// Everit prints the draft-4 "id" after "default", before the other properties.
		idKV = []jsKV{{"id", textJSON(id)}}
	}
	if jsIsUnion(s) {
		// {"id": …, "connect.index": i, "oneOf": [{"type": "null"} if optional, the fields'
		// schemas, required, each with its field index]}: no title, doc or default.
		var one bytes.Buffer
		one.WriteByte('[')
		if s.Optional {
			one.WriteString(`{"type":"null"}`)
		}
		for i, f := range s.Fields {
			if i > 0 || s.Optional {
				one.WriteByte(',')
			}
			req := *f.Schema
			req.Optional = false
			if err := g.rawSchema(&one, &req, f.Index, true, ctx); err != nil {
				return err
			}
		}
		one.WriteByte(']')
		kvs := idKV
		if index >= 0 {
			kvs = append(kvs, jsKV{jsConnectIndex, []byte(strconv.Itoa(index))})
		}
		jsObject(b, append(kvs, jsKV{"oneOf", one.Bytes()}))
		return nil
	}
	optional := s.Optional && !ignoreOptional
	if optional {
		// {"id": …, "connect.index": i, "oneOf": [{"type": "null"}, S]}; S has the id too
		// only for a struct (built by a call of its own in Java).
		req := *s
		req.Optional = false
		var inner bytes.Buffer
		ctx.noID = s.Type != connector.TypeStruct
		if err := g.rawSchema(&inner, &req, -1, false, ctx); err != nil {
			return err
		}
		kvs := idKV
		if index >= 0 {
			kvs = append(kvs, jsKV{jsConnectIndex, []byte(strconv.Itoa(index))})
		}
		kvs = append(kvs, jsKV{"oneOf", append(append([]byte(`[{"type":"null"},`), inner.Bytes()...), ']')})
		jsObject(b, kvs)
		return nil
	}
	var head, tail []jsKV
	typeLast := false
	connectType := ""
	switch s.Type {
	case connector.TypeInt8, connector.TypeInt16, connector.TypeInt32, connector.TypeInt64:
		head = []jsKV{{"type", []byte(`"integer"`)}}
		connectType = s.Type.String()
	case connector.TypeFloat32, connector.TypeFloat64:
		head = []jsKV{{"type", []byte(`"number"`)}}
		connectType = s.Type.String()
	case connector.TypeBoolean:
		typeLast = true
	case connector.TypeString:
		if e, ok := jsEnum(s); ok {
			head = []jsKV{{"enum", e}}
		} else {
			head = []jsKV{{"type", []byte(`"string"`)}}
		}
	case connector.TypeBytes:
		if s.Name == connector.DecimalName && g.numeric {
			head = []jsKV{{"type", []byte(`"number"`)}}
		} else {
			head = []jsKV{{"type", []byte(`"string"`)}}
		}
		connectType = "bytes"
	case connector.TypeArray:
		if s.ValueSchema == nil {
			return fmt.Errorf("array schema without a value schema")
		}
		head = []jsKV{{"type", []byte(`"array"`)}}
		var items bytes.Buffer
		if ref, ok := jsRef(s.ValueSchema, ctx); ok {
			items.Write(ref)
		} else if err := g.rawSchema(&items, s.ValueSchema, -1, false, ctx); err != nil {
			return err
		}
		tail = []jsKV{{"items", items.Bytes()}}
	case connector.TypeMap:
		if s.KeySchema == nil || s.ValueSchema == nil {
			return fmt.Errorf("map schema without key or value schema")
		}
		connectType = jsConnectMap
		if s.KeySchema.Type == connector.TypeString && !s.KeySchema.Optional {
			head = []jsKV{{"type", []byte(`"object"`)}}
			var vals bytes.Buffer
			if err := g.rawSchema(&vals, s.ValueSchema, -1, false, ctx); err != nil {
				return err
			}
			tail = []jsKV{{"additionalProperties", vals.Bytes()}}
		} else {
			// An array of {"key": …, "value": …} objects.
			head = []jsKV{{"type", []byte(`"array"`)}}
			var k, v bytes.Buffer
			if err := g.rawSchema(&k, s.KeySchema, 0, false, ctx); err != nil {
				return err
			}
			if err := g.rawSchema(&v, s.ValueSchema, 1, false, ctx); err != nil {
				return err
			}
			parts := map[string][]byte{"key": k.Bytes(), "value": v.Bytes()}
			var props []jsKV
			for _, name := range javaHashOrder([]string{"key", "value"}, 16) {
				props = append(props, jsKV{name, parts[name]})
			}
			var pb, entry bytes.Buffer
			jsObject(&pb, props)
			jsObject(&entry, []jsKV{{"type", []byte(`"object"`)}, {"properties", pb.Bytes()}})
			tail = []jsKV{{"items", entry.Bytes()}}
		}
	case connector.TypeStruct:
		head = []jsKV{{"type", []byte(`"object"`)}}
		if !g.additionalProps {
			head = append(head, jsKV{"additionalProperties", []byte("false")})
		}
		if len(s.Fields) > 0 {
			names := make([]string, len(s.Fields))
			fields := map[string][]byte{}
			for i, f := range s.Fields {
				names[i] = f.Name
				var fb bytes.Buffer
				if ref, ok := jsRef(f.Schema, ctx); ok {
					fb.Write(ref)
				} else if err := g.rawSchema(&fb, f.Schema, f.Index, false, ctx); err != nil {
					return err
				}
				fields[f.Name] = fb.Bytes()
			}
			var props []jsKV
			for _, name := range javaHashOrder(names, 16) {
				props = append(props, jsKV{name, fields[name]})
			}
			var pb bytes.Buffer
			jsObject(&pb, props)
			tail = []jsKV{{"properties", pb.Bytes()}}
		}
	default:
		return fmt.Errorf("unsupported type %v", s.Type)
	}
	kvs := head
	if s.Name != "" {
		kvs = append(kvs, jsKV{"title", textJSON(s.Name)})
	}
	if s.Doc != "" {
		kvs = append(kvs, jsKV{"description", textJSON(s.Doc)})
	}
	if s.Default != nil {
		d, omit, err := g.value(s, s.Default)
		if err != nil {
			return fmt.Errorf("invalid default: %w", err)
		}
		if !omit {
			var db bytes.Buffer
			if err := d.writeEverit(&db); err != nil {
				return fmt.Errorf("invalid default: %w", err)
			}
			kvs = append(kvs, jsKV{"default", db.Bytes()})
		}
	}
	kvs = append(kvs, idKV...)
	// The non-keyword properties, in HashMap order: connect.index, connect.version,
	// connect.type, connect.parameters.
	if index >= 0 {
		kvs = append(kvs, jsKV{jsConnectIndex, []byte(strconv.Itoa(index))})
	}
	if s.Version != nil {
		kvs = append(kvs, jsKV{jsConnectVersion, []byte(strconv.Itoa(int(*s.Version)))})
	}
	if connectType != "" {
		kvs = append(kvs, jsKV{jsConnectType, textJSON(connectType)})
	}
	if p := jsParamsJSON(s); p != nil {
		kvs = append(kvs, jsKV{jsConnectParams, p})
	}
	kvs = append(kvs, tail...)
	if typeLast {
		kvs = append(kvs, jsKV{"type", []byte(`"boolean"`)})
	}
	jsObject(b, kvs)
	return nil
}

// jsEnum is the "enum" array of a string schema with the io.confluent.connect.json.Enum
// or org.apache.kafka.connect.data.Enum parameter: the symbols of the
// io.confluent.connect.json.Enum.<symbol> parameters (generalized.sum.type.support=false),
// <NULL> for null. Everit's EnumSchema.getPossibleValues, which ToStringVisitor prints,
// collects them into a HashSet, so they come in hash order (null's bucket is 0).
func jsEnum(s *connector.Schema) ([]byte, bool) {
	const jsonEnum = jsNamespace + ".Enum"
	_, a := s.Parameters[jsonEnum]
	_, c := s.Parameters["org.apache.kafka.connect.data.Enum"]
	if !a && !c {
		return nil, false
	}
	type sym struct {
		s    string
		null bool
	}
	var syms []sym
	for _, k := range orderedParams(s) {
		if v, ok := strings.CutPrefix(k, jsonEnum+"."); ok {
			syms = append(syms, sym{v, v == "<NULL>"})
		}
	}
	n := 16
	for len(syms) > n*3/4 {
		n *= 2
	}
	bucket := func(x sym) uint32 {
		if x.null {
			return 0
		}
		h := uint32(javaStringHash(x.s))
		return (h ^ h>>16) & uint32(n-1)
	}
	sort.SliceStable(syms, func(i, j int) bool { return bucket(syms[i]) < bucket(syms[j]) })
	var b bytes.Buffer
	b.WriteByte('[')
	for i, x := range syms {
		if i > 0 {
			b.WriteByte(',')
		}
		if x.null {
			b.WriteString("null")
		} else {
			avroStr(&b, x.s)
		}
	}
	b.WriteByte(']')
	return b.Bytes(), true
}

// jsParamsJSON is the connect.parameters object: the parameters but those under
// io.confluent.connect.json, collected into a HashMap (Collectors.toMap) and printed through
// org.json's JSONObject, which copies them into a HashMap sized for them; nil if none.
func jsParamsJSON(s *connector.Schema) []byte {
	var keys []string
	for _, k := range orderedParams(s) {
		if !strings.HasPrefix(k, jsNamespace) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	keys = javaHashOrder(javaHashOrder(keys, 16), tableSizeFor(len(keys)))
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		avroStr(&b, k)
		b.WriteByte(':')
		avroStr(&b, s.Parameters[k])
	}
	b.WriteByte('}')
	return b.Bytes()
}

// value is JsonSchemaData.fromConnectData: the JSON tree of v; omit when Java gives no node
// at all (a null for a required schema without a default), which leaves a struct field out.
func (g *jsGen) value(s *connector.Schema, v any) (*avroJSON, bool, error) {
	if v == nil {
		switch {
		case s == nil:
			return nil, true, nil
		case s.Default != nil:
			return g.value(s, s.Default)
		case s.Optional:
			return &avroJSON{kind: ajNull}, false, nil
		}
		return nil, true, nil
	}
	if s == nil {
		return nil, false, dataErr("schemaless values are not supported")
	}
	switch s.Name {
	case connector.DecimalName:
		d, ok := v.(connector.Decimal)
		if !ok {
			return nil, false, dataErr("Invalid type for Decimal, expected BigDecimal but was %s", jvalues.JavaClass(v))
		}
		if g.numeric {
			return &avroJSON{kind: ajFloat, s: jvalues.BigDecimalString(d)}, false, nil
		}
		raw, err := jvalues.DecimalFromLogical(s, d)
		if err != nil {
			return nil, false, err
		}
		return &avroJSON{kind: ajText, s: base64.StdEncoding.EncodeToString(raw), raw: raw}, false, nil
	case connector.DateName, connector.TimeName, connector.TimestampName:
		t, ok := v.(time.Time)
		if !ok {
			return nil, false, dataErr("Invalid type for %s, expected Date but was %s", strings.TrimPrefix(s.Name, "org.apache.kafka.connect.data."), jvalues.JavaClass(v))
		}
		var n int64
		switch s.Name {
		case connector.DateName:
			d, err := dateFromLogical(t)
			if err != nil {
				return nil, false, err
			}
			n = int64(d)
		case connector.TimeName:
			d, err := timeFromLogical(t)
			if err != nil {
				return nil, false, err
			}
			n = int64(d)
		default:
			n = t.UnixMilli()
		}
		return &avroJSON{kind: ajInt, s: strconv.FormatInt(n, 10)}, false, nil
	}
	wrong := func() (*avroJSON, bool, error) {
		return nil, false, dataErr("Invalid type for %s: %s", s.Type.Upper(), jvalues.JavaClass(v))
	}
	integer := func(n int64) (*avroJSON, bool, error) {
		return &avroJSON{kind: ajInt, s: strconv.FormatInt(n, 10)}, false, nil
	}
	switch s.Type {
	case connector.TypeInt8:
		x, ok := v.(int8)
		if !ok {
			return wrong()
		}
		return integer(int64(x))
	case connector.TypeInt16:
		x, ok := v.(int16)
		if !ok {
			return wrong()
		}
		return integer(int64(x))
	case connector.TypeInt32:
		x, ok := v.(int32)
		if !ok {
			return wrong()
		}
		return integer(int64(x))
	case connector.TypeInt64:
		x, ok := v.(int64)
		if !ok {
			return wrong()
		}
		return integer(x)
	case connector.TypeFloat32:
		x, ok := v.(float32)
		if !ok {
			return wrong()
		}
		return &avroJSON{kind: ajFloat, s: jvalues.FloatString(x)}, false, nil
	case connector.TypeFloat64:
		x, ok := v.(float64)
		if !ok {
			return wrong()
		}
		return &avroJSON{kind: ajFloat, s: jvalues.DoubleString(x)}, false, nil
	case connector.TypeBoolean:
		x, ok := v.(bool)
		if !ok {
			return wrong()
		}
		return &avroJSON{kind: ajBool, b: x}, false, nil
	case connector.TypeString:
		x, ok := v.(string)
		if !ok {
			return wrong()
		}
		return &avroJSON{kind: ajText, s: x}, false, nil
	case connector.TypeBytes:
		x, ok := v.([]byte)
		if !ok {
			return nil, false, dataErr("Invalid type for bytes type: %s", jvalues.JavaClass(v))
		}
		return &avroJSON{kind: ajText, s: base64.StdEncoding.EncodeToString(x), raw: x}, false, nil
	case connector.TypeArray:
		l, ok := v.([]any)
		if !ok {
			return wrong()
		}
		out := &avroJSON{kind: ajArray, arr: []*avroJSON{}}
		for _, e := range l {
			n, omit, err := g.value(s.ValueSchema, e)
			if err != nil {
				return nil, false, err
			}
			if omit { // ArrayNode.add(null) adds a null
				n = &avroJSON{kind: ajNull}
			}
			out.arr = append(out.arr, n)
		}
		return out, false, nil
	case connector.TypeMap:
		if _, ok := v.(map[string]any); !ok {
			if _, ok := v.(map[any]any); !ok {
				return wrong()
			}
		}
		objectMode := s.KeySchema.Type == connector.TypeString && !s.KeySchema.Optional
		out := &avroJSON{kind: ajArray, arr: []*avroJSON{}}
		if objectMode {
			out.kind = ajObject
		}
		for _, e := range jvalues.MapEntries(v) {
			k, komit, err := g.value(s.KeySchema, e.Key)
			if err != nil {
				return nil, false, err
			}
			val, omit, err := g.value(s.ValueSchema, e.Value)
			if err != nil {
				return nil, false, err
			}
			if omit { // ObjectNode.set(k, null) sets a null
				val = &avroJSON{kind: ajNull}
			}
			if komit {
				k = &avroJSON{kind: ajNull}
			}
			if objectMode {
				out.keys = append(out.keys, k.s) // mapKey.asText()
				out.arr = append(out.arr, val)
				continue
			}
			out.arr = append(out.arr, &avroJSON{kind: ajObject, keys: []string{"key", "value"}, arr: []*avroJSON{k, val}})
		}
		return out, false, nil
	case connector.TypeStruct:
		st, ok := v.(*connector.Struct)
		if !ok {
			return wrong()
		}
		if !st.Schema().Equal(s) {
			return nil, false, dataErr("Mismatching schema.")
		}
		if jsIsUnion(s) {
			// The first field set (or with a default) is the value; none is a null.
			for _, f := range s.Fields {
				if fv, _ := st.Get(f.Name); fv != nil {
					return g.value(f.Schema, fv)
				}
			}
			if s.Default == v {
				return nil, false, dataErr("a union's default sets none of its fields")
			}
			return g.value(s, nil)
		}
		out := &avroJSON{kind: ajObject}
		for _, f := range s.Fields {
			fv, _ := st.Get(f.Name) // Struct.get: the field's default for a null
			n, omit, err := g.value(f.Schema, fv)
			if err != nil {
				return nil, false, err
			}
			if omit {
				continue
			}
			out.keys = append(out.keys, f.Name)
			out.arr = append(out.arr, n)
		}
		return out, false, nil
	}
	return nil, false, dataErr("Couldn't convert value to JSON.")
}

// writePayload writes a fromConnectData tree as the serializer's ObjectMapper writes it
// (writeValueAsBytes: keys in insertion order, Jackson's UTF-8 escaping).
func (v *avroJSON) writePayload(b *bytes.Buffer) { v.writeWith(b, writeJSONString) }

// writeEverit writes a default value as it ends up in the canonical schema string: turned
// by toJsonSchemaValue into a Java value (org.json JSONObject/JSONArray for containers),
// printed by everit's JSONWriter (numbers through JSONObject.numberToString, objects in the
// order of JSONObject's HashMap), then parsed by Jackson (floats as BigDecimal) and written
// again.
func (v *avroJSON) writeEverit(b *bytes.Buffer) error {
	switch v.kind {
	case ajNull:
		b.WriteString("null")
	case ajBool:
		b.WriteString(strconv.FormatBool(v.b))
	case ajInt:
		b.WriteString(v.s)
	case ajFloat:
		s, err := everitNumber(v.s)
		if err != nil {
			return err
		}
		b.WriteString(s)
	case ajText:
		// A BinaryNode inside a container is read into the JSONArray/JSONObject as its
		// base64 text (JsonOrgModule's deserializers: VALUE_EMBEDDED_OBJECT byte[] ->
		// getText()), like one at the top.
		avroStr(b, v.s)
	case ajArray:
		b.WriteByte('[')
		for i, e := range v.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := e.writeEverit(b); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case ajObject:
		vals := make(map[string]*avroJSON, len(v.keys))
		for i, k := range v.keys {
			vals[k] = v.arr[i]
		}
		b.WriteByte('{')
		for i, k := range javaHashOrder(v.keys, 16) {
			if i > 0 {
				b.WriteByte(',')
			}
			avroStr(b, k)
			b.WriteByte(':')
			if err := vals[k].writeEverit(b); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	}
	return nil
}

// everitNumber is a Java float or BigDecimal text after JSONObject.numberToString (trailing
// zeros after a decimal point dropped, with the point if nothing follows it) and a Jackson
// round trip (a fraction or exponent read as a BigDecimal and written by its toString).
func everitNumber(s string) (string, error) {
	switch s {
	case "NaN", "Infinity", "-Infinity":
		return "", errors.New("JSON does not allow non-finite numbers.")
	}
	if strings.Contains(s, ".") && !strings.ContainsAny(s, "eE") {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if !strings.ContainsAny(s, ".eE") {
		if s == "-0" { // read back by Jackson as the int 0
			return "0", nil
		}
		return s, nil
	}
	d, ok := jvalues.ParseBigDecimal(s)
	if !ok {
		return s, nil
	}
	return jvalues.BigDecimalString(d), nil
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
	v, err := c.valueToConnect(s, n)
	if err != nil {
		return nil, nil, dataErr("%s: %v", prefix, err)
	}
	return s, v, nil
}

// valueToConnect is JsonSchemaData.toConnectData: containers here (maps with other than
// string keys are arrays of {"key", "value"} objects; a missing struct field gives its
// default or null), scalars and logical types as JsonConverter reads them.
func (c *JSONSchemaConverter) valueToConnect(s *connector.Schema, n *jsonNode) (any, error) {
	if s == nil {
		return c.json.toConnect(nil, n)
	}
	if n == nil || n.kind == jsonNull || n.kind == jsonMissing {
		switch {
		case s.Default != nil:
			return s.Default, nil
		case n == nil || n.kind == jsonMissing || s.Optional:
			return nil, nil
		}
		return nil, dataErr("Invalid null value for required %s field", s.Type.Upper())
	}
	switch s.Type {
	case connector.TypeArray:
		out := []any{}
		for _, e := range n.elements() {
			v, err := c.valueToConnect(s.ValueSchema, e)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case connector.TypeMap:
		if s.KeySchema.Type == connector.TypeString && !s.KeySchema.Optional {
			if n.kind != jsonObject {
				return nil, dataErr("Maps with string fields should be encoded as JSON objects, but found %s", n.nodeType())
			}
			out := make(map[string]any, len(n.keys))
			for i, k := range n.keys {
				v, err := c.valueToConnect(s.ValueSchema, n.arr[i])
				if err != nil {
					return nil, err
				}
				out[k] = v
			}
			return out, nil
		}
		if n.kind != jsonArray {
			return nil, dataErr("Maps with non-string fields should be encoded as JSON array of objects, but found %s", n.nodeType())
		}
		out := make(map[any]any, len(n.arr))
		for _, e := range n.arr {
			kn, vn := e.get("key"), e.get("value")
			switch {
			case e.kind == jsonArray && len(e.arr) == 2: // Tributary's [key, value] pairs before 2026-11
				kn, vn = e.arr[0], e.arr[1]
			case e.kind != jsonObject:
				return nil, dataErr("Found invalid map entry instead of object: %s", e.nodeType())
			case len(e.keys) != 2:
				return nil, dataErr("Found invalid map entry, expected length 2 but found :%d", len(e.keys))
			}
			k, err := c.valueToConnect(s.KeySchema, kn)
			if err != nil {
				return nil, err
			}
			v, err := c.valueToConnect(s.ValueSchema, vn)
			if err != nil {
				return nil, err
			}
			if !jvalues.Hashable(k) {
				return nil, dataErr("Map keys of type %s are not supported", jvalues.JavaClass(k))
			}
			out[k] = v
		}
		return out, nil
	case connector.TypeStruct:
		if jsIsUnion(s) {
			return c.unionToConnect(s, n)
		}
		if n.kind != jsonObject {
			return nil, dataErr("Structs should be encoded as JSON objects, but found %s", n.nodeType())
		}
		st, err := connector.NewStruct(s)
		if err != nil {
			return nil, err
		}
		for _, f := range s.Fields {
			v, err := c.valueToConnect(f.Schema, n.get(f.Name))
			if err != nil {
				return nil, err
			}
			if v == nil {
				continue
			}
			if err := st.Put(f.Name, v); err != nil {
				return nil, err
			}
		}
		return st, nil
	}
	return c.json.toConnect(s, n)
}

// unionToConnect is toConnectData of a union struct: the value goes into the first field
// whose simple type the JSON node has, else into the struct field sharing the most property
// names with it.
func (c *JSONSchemaConverter) unionToConnect(s *connector.Schema, n *jsonNode) (any, error) {
	simple := func(fs *connector.Schema) bool {
		switch fs.Type {
		case connector.TypeInt8, connector.TypeInt16, connector.TypeInt32, connector.TypeInt64:
			return n.isIntegral()
		case connector.TypeFloat32, connector.TypeFloat64:
			return n.isNumber()
		case connector.TypeBoolean:
			return n.kind == jsonBool
		case connector.TypeString:
			return n.kind == jsonString
		case connector.TypeBytes:
			return n.kind == jsonDecimal // isBinary() || isBigDecimal()
		case connector.TypeArray:
			return n.kind == jsonArray
		case connector.TypeMap:
			return n.kind == jsonObject || n.kind == jsonArray
		}
		return false
	}
	var match *connector.Field
	best := 0
	for i := range s.Fields {
		f := &s.Fields[i]
		if simple(f.Schema) {
			match = f
			break
		}
		if f.Schema.Type == connector.TypeStruct && n.kind == jsonObject {
			k := 0
			for _, sf := range f.Schema.Fields {
				if n.get(sf.Name) != nil {
					k++
				}
			}
			if k > best {
				best, match = k, f
			}
		}
	}
	if match == nil {
		return nil, dataErr("Did not find matching oneof field for data")
	}
	v, err := c.valueToConnect(match.Schema, n)
	if err != nil {
		return nil, err
	}
	st, err := connector.NewStruct(s)
	if err != nil {
		return nil, err
	}
	if v != nil {
		if err := st.Put(match.Name, v); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func (c *JSONSchemaConverter) schemaFor(id int32) (*connector.Schema, error) {
	if s, ok := c.fromJS.get(id); ok {
		return s, nil
	}
	ctx, cancel := c.ctx()
	defer cancel()
	js, err := c.registry.SchemaByID(ctx, id)
	if err != nil {
		return nil, err
	}
	s, err := c.parseJSONSchema(js)
	if err != nil {
		return nil, err
	}
	c.fromJS.put(id, s)
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
		var subs []*jsonNode
		for _, e := range one.arr {
			if jsString(e.get("type")) == "null" {
				optional = true
				continue
			}
			subs = append(subs, e)
			inner = e
		}
		if len(subs) > 1 {
			// A union: a struct named io.confluent.connect.json.OneOf with an optional
			// field io.confluent.connect.json.OneOf.field.<i> per non-null schema.
			s := &connector.Schema{Type: connector.TypeStruct, Name: jsNamespace + ".OneOf", Optional: optional}
			for i, e := range subs {
				fs, err := c.jsToConnect(e)
				if err != nil {
					return nil, err
				}
				fs.Optional = true
				s.Fields = append(s.Fields, connector.Field{Name: fmt.Sprintf("%s.OneOf.field.%d", jsNamespace, i), Index: i, Schema: fs})
			}
			return s, nil
		}
		if inner == nil {
			return nil, fmt.Errorf("oneOf without a non-null schema")
		}
		s, err := c.jsToConnect(inner)
		if err != nil {
			return nil, err
		}
		s.Optional = optional
		if s.Default == nil { // Tributary before 2026-11 put the default on the oneOf
			if err := c.jsDefault(n, s); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
	s := &connector.Schema{}
	ct := jsString(n.get(jsConnectType))
	t := jsString(n.get("type"))
	if e := n.get("enum"); t == "" && e != nil && e.kind == jsonArray {
		// toConnectEnums: a string with io.confluent.connect.json.Enum "" and
		// io.confluent.connect.json.Enum.<symbol> = <symbol> (<NULL> for null).
		s.Type = connector.TypeString
		s.Parameters = map[string]string{jsNamespace + ".Enum": ""}
		for _, v := range e.arr {
			sym := "<NULL>"
			if v.kind != jsonNull {
				sym = v.String()
				if v.kind == jsonString {
					sym = v.s
				}
			}
			s.Parameters[jsNamespace+".Enum."+sym] = sym
		}
		t = "enum"
	}
	switch t {
	case "enum":
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
		if ct == jsConnectMap && items != nil && jsString(items.get("type")) == "object" {
			props := items.get("properties")
			if props == nil || props.get("key") == nil || props.get("value") == nil {
				return nil, fmt.Errorf("a map array schema needs items with key and value properties")
			}
			k, err := c.jsToConnect(props.get("key"))
			if err != nil {
				return nil, err
			}
			v, err := c.jsToConnect(props.get("value"))
			if err != nil {
				return nil, err
			}
			s.Type, s.KeySchema, s.ValueSchema = connector.TypeMap, k, v
			break
		}
		if ct == jsConnectMap && items != nil && items.get("items") != nil && items.get("items").kind == jsonArray && len(items.get("items").arr) == 2 {
			// Tributary's [key, value] pair form before 2026-11.
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
		if s.Parameters == nil {
			s.Parameters = map[string]string{}
		}
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
	v, err := c.valueToConnect(s, d)
	if err != nil {
		return fmt.Errorf("invalid default: %w", err)
	}
	s.Default = v
	return nil
}

// javaStringHash is Java's String.hashCode (over UTF-16 code units).
func javaStringHash(s string) int32 {
	var h int32
	for _, r := range s {
		if r > 0xFFFF {
			r1, r2 := utf16.EncodeRune(r)
			h = 31*h + r1
			h = 31*h + r2
			continue
		}
		h = 31*h + r
	}
	return h
}

// javaHashOrder returns keys, inserted in this order into a java.util.HashMap whose table
// starts with initialCap buckets (a power of two: 16 for new HashMap(), tableSizeFor(n)
// for new HashMap(n)), in the order the map iterates them: by bucket (the spread hash
// modulo the final table size, which doubles whenever the size passes 3/4 of it), and in
// insertion order within a bucket. (Tree bins, for 8 or more collisions in one bucket of a
// table of 64 or more, are not modelled.)
func javaHashOrder(keys []string, initialCap int) []string {
	n := initialCap
	if n < 1 {
		n = 1
	}
	for len(keys) > n*3/4 {
		n *= 2
	}
	bucket := func(k string) uint32 {
		h := uint32(javaStringHash(k))
		return (h ^ h>>16) & uint32(n-1)
	}
	out := slices.Clone(keys)
	sort.SliceStable(out, func(i, j int) bool { return bucket(out[i]) < bucket(out[j]) })
	return out
}

// tableSizeFor is HashMap.tableSizeFor: the smallest power of two not below n (at least 1).
func tableSizeFor(n int) int {
	c := 1
	for c < n {
		c *= 2
	}
	return c
}
