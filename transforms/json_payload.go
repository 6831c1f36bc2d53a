package transforms

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// JsonPayload (io.tributary.transforms.JsonPayload$Value, $Key) parses a JSON payload (the
// key or value as bytes or a string, such as the MQTT connector's BYTES value) into Connect
// data, so that field-level SMTs (InsertField, ReplaceField, ExtractField, RouteByField,
// MqttTopicSegments …) and schema-aware converters (Avro) can work on it.
//
// With schemas.enable=true (the default) the schema is inferred from the document, record
// by record:
//   - an object becomes a Struct whose fields are the object's members in document order
//     (a repeated member keeps its first position and its last value); schema.name names the
//     top-level struct;
//   - a number is INT64 when written as an integer (no fraction, no exponent) that fits in
//     64 bits, else FLOAT64; a string is STRING, true/false BOOLEAN;
//   - a member or element that is null makes its field (or element schema) optional; a
//     member that is only ever null is an optional STRING;
//   - an array's element schema is the common schema of its elements: equal types, INT64
//     and FLOAT64 together widen to FLOAT64, objects merge into one struct holding every
//     member seen (members missing from some elements are optional), arrays merge their
//     elements likewise; an empty array has optional STRING elements. When the elements have
//     no common schema (say [1, "a"]), mixed.arrays decides: fail (the default) fails the
//     record with a DataError, string keeps that array as its JSON text in a STRING;
//   - a top-level scalar or array gives that schema and value; a top-level null, or an empty
//     payload, gives a null value with no schema.
//
// With schemas.enable=false the result is schemaless: objects are map[string]any, arrays
// []any, numbers int64 or float64 by the same rule.
//
// A null key or value passes unchanged. Malformed JSON, or a key or value that is neither
// bytes nor a string, fails the record with a DataError, so errors.tolerance=all skips it.
type jsonPayload struct {
	side        side
	schemas     bool
	schemaName  string
	mixedString bool
}

var jsonPayloadConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: "schemas.enable", Type: connector.ConfigBoolean, Default: "true", Importance: connector.High,
		Doc: "Whether to infer a schema: true gives a Struct (objects) or a typed scalar or array, with a schema inferred from each document; false gives schemaless maps, lists and scalars."},
	{Name: "schema.name", Type: connector.ConfigString, Default: nil, Importance: connector.Medium,
		Doc: "Name of the inferred schema of a top-level JSON object (for example com.example.Telemetry). Without it the struct is unnamed (Avro registers unnamed structs as ConnectDefault)."},
	{Name: "mixed.arrays", Type: connector.ConfigString, Default: "fail", Validate: javaValidStringIn("fail", "string"), Importance: connector.Medium,
		Doc: "What to do with an array whose elements have no common schema (such as [1, \"a\"]), when schemas.enable is true: <code>fail</code> fails the record with a DataError (so errors.tolerance applies), <code>string</code> keeps the array as its JSON text in a STRING field."},
}}

func init() {
	newFn := func(s side) func() connector.Transformation {
		return func() connector.Transformation { return &jsonPayload{side: s} }
	}
	registerTransformation("io.tributary.transforms.JsonPayload$Key", newFn(keySide))
	registerTransformation("io.tributary.transforms.JsonPayload$Value", newFn(valueSide))
}

func (t *jsonPayload) ConfigDef() *connector.ConfigDef { return jsonPayloadConfigDef }

func (t *jsonPayload) Configure(cfg connector.Config) error {
	v, err := jsonPayloadConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	t.schemas = v.Bool("schemas.enable")
	t.schemaName = v.String("schema.name")
	t.mixedString = v.String("mixed.arrays") == "string"
	return nil
}

func (t *jsonPayload) what() string {
	if t.side == keySide {
		return "key"
	}
	return "value"
}

func (t *jsonPayload) Apply(r *connector.Record) (*connector.Record, error) {
	_, value := t.side.operating(r)
	var data []byte
	switch x := value.(type) {
	case nil:
		return r, nil
	case []byte:
		data = x
	case string:
		data = []byte(x)
	default:
		return nil, connector.DataErrorf("JsonPayload: the record %s must be bytes or a string, found: %s", t.what(), jvalues.JavaClassName(value))
	}
	if len(data) == 0 {
		return t.side.newRecord(r, nil, nil), nil
	}
	root, err := parseJSONNode(data)
	if err != nil {
		return nil, connector.DataErrorf("JsonPayload: the record %s is not valid JSON: %v", t.what(), err)
	}
	if !t.schemas {
		return t.side.newRecord(r, nil, root.schemaless()), nil
	}
	if root.kind == jsonNull {
		return t.side.newRecord(r, nil, nil), nil
	}
	inf := &jsonInference{mixedString: t.mixedString}
	schema, err := inf.infer(root, "$")
	if err != nil {
		return nil, err
	}
	schema = jsonFinalize(schema)
	if t.schemaName != "" && schema.Type == connector.TypeStruct {
		named := *schema
		named.Name = t.schemaName
		schema = &named
	}
	v, err := jsonBuild(root, schema)
	if err != nil {
		return nil, err
	}
	return t.side.newRecord(r, schema, v), nil
}

// jsonNode is a parsed JSON value that keeps the order of object members and the text of
// numbers.
type jsonNode struct {
	kind    jsonKind
	str     string // jsonString; the literal for jsonNumber
	boolean bool
	keys    []string    // jsonObject, in order of first appearance
	members []*jsonNode // jsonObject (last value of a repeated key), jsonArray
}

type jsonKind int

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

func parseJSONNode(data []byte) (*jsonNode, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := jsonReadNode(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil {
			return nil, errJSONTrailing
		}
		return nil, err
	}
	return n, nil
}

var errJSONTrailing = &javaRuntimeError{msg: "unexpected data after the top-level value"}

func jsonReadNode(dec *json.Decoder) (*jsonNode, error) {
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch x := tok.(type) {
	case nil:
		return &jsonNode{kind: jsonNull}, nil
	case bool:
		return &jsonNode{kind: jsonBool, boolean: x}, nil
	case json.Number:
		return &jsonNode{kind: jsonNumber, str: string(x)}, nil
	case string:
		return &jsonNode{kind: jsonString, str: x}, nil
	case json.Delim:
		if x == '[' {
			n := &jsonNode{kind: jsonArray}
			for dec.More() {
				e, err := jsonReadNode(dec)
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, e)
			}
			_, err := dec.Token() // ]
			return n, err
		}
		n := &jsonNode{kind: jsonObject}
		index := map[string]int{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key := kt.(string)
			v, err := jsonReadNode(dec)
			if err != nil {
				return nil, err
			}
			if i, dup := index[key]; dup {
				n.members[i] = v
				continue
			}
			index[key] = len(n.keys)
			n.keys = append(n.keys, key)
			n.members = append(n.members, v)
		}
		_, err := dec.Token() // }
		return n, err
	}
	return nil, errJSONTrailing
}

// integer reports whether a number is written as an integer that fits in an int64.
func (n *jsonNode) integer() (int64, bool) {
	if strings.ContainsAny(n.str, ".eE") {
		return 0, false
	}
	i, err := strconv.ParseInt(n.str, 10, 64)
	return i, err == nil
}

func (n *jsonNode) float() float64 {
	f, _ := strconv.ParseFloat(n.str, 64) // out of range: ±Inf, as Java's Double.parseDouble
	return f
}

func (n *jsonNode) schemaless() any {
	switch n.kind {
	case jsonBool:
		return n.boolean
	case jsonNumber:
		if i, ok := n.integer(); ok {
			return i
		}
		return n.float()
	case jsonString:
		return n.str
	case jsonArray:
		out := make([]any, len(n.members))
		for i, e := range n.members {
			out[i] = e.schemaless()
		}
		return out
	case jsonObject:
		out := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			out[k] = n.members[i].schemaless()
		}
		return out
	}
	return nil
}

// text renders the node as compact JSON (members in order, numbers as written).
func (n *jsonNode) text(b *strings.Builder) {
	switch n.kind {
	case jsonNull:
		b.WriteString("null")
	case jsonBool:
		b.WriteString(strconv.FormatBool(n.boolean))
	case jsonNumber:
		b.WriteString(n.str)
	case jsonString:
		s, _ := json.Marshal(n.str)
		b.Write(s)
	case jsonArray:
		b.WriteByte('[')
		for i, e := range n.members {
			if i > 0 {
				b.WriteByte(',')
			}
			e.text(b)
		}
		b.WriteByte(']')
	case jsonObject:
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			s, _ := json.Marshal(k)
			b.Write(s)
			b.WriteByte(':')
			n.members[i].text(b)
		}
		b.WriteByte('}')
	}
}

// jsonUnknown stands, during inference, for the schema of a value seen only as null (or the
// elements of an empty array): it unifies with anything, and ends as an optional STRING.
var jsonUnknown = &connector.Schema{Type: connector.TypeString, Optional: true}

// jsonNoElement is, during inference, the element schema of an empty array: it unifies with
// anything without making it optional, and ends as an optional STRING.
var jsonNoElement = &connector.Schema{Type: connector.TypeString, Optional: true}

type jsonInference struct{ mixedString bool }

func (inf *jsonInference) infer(n *jsonNode, path string) (*connector.Schema, error) {
	switch n.kind {
	case jsonNull:
		return jsonUnknown, nil
	case jsonBool:
		return connector.BooleanSchema, nil
	case jsonNumber:
		if _, ok := n.integer(); ok {
			return connector.Int64Schema, nil
		}
		return connector.Float64Schema, nil
	case jsonString:
		return connector.StringSchema, nil
	case jsonObject:
		s := &connector.Schema{Type: connector.TypeStruct, Fields: make([]connector.Field, len(n.keys))}
		for i, k := range n.keys {
			fs, err := inf.infer(n.members[i], path+"."+k)
			if err != nil {
				return nil, err
			}
			s.Fields[i] = connector.Field{Name: k, Index: i, Schema: fs}
		}
		return s, nil
	}
	var elem *connector.Schema // nil: no element yet
	for i, e := range n.members {
		es, err := inf.infer(e, path+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		if elem == nil {
			elem = es
			continue
		}
		merged, ok := jsonUnify(elem, es)
		if !ok {
			if inf.mixedString {
				return connector.StringSchema, nil
			}
			return nil, connector.DataErrorf("JsonPayload: the array at %s mixes elements of types %s and %s (set mixed.arrays=string to keep such arrays as JSON text)",
				path, jsonTypeName(elem), jsonTypeName(es))
		}
		elem = merged
	}
	if elem == nil {
		elem = jsonNoElement
	}
	return &connector.Schema{Type: connector.TypeArray, ValueSchema: elem}, nil
}

func jsonTypeName(s *connector.Schema) string {
	if s.Type == connector.TypeArray {
		return "array"
	}
	return s.Type.Upper()
}

func jsonOptional(s *connector.Schema) *connector.Schema {
	if s.Optional {
		return s
	}
	c := *s
	c.Optional = true
	return &c
}

// jsonUnify returns the schema covering values of both a and b.
func jsonUnify(a, b *connector.Schema) (*connector.Schema, bool) {
	switch {
	case a == jsonNoElement:
		return b, true
	case b == jsonNoElement:
		return a, true
	case a == jsonUnknown:
		if b == jsonUnknown {
			return b, true
		}
		return jsonOptional(b), true
	case b == jsonUnknown:
		return jsonOptional(a), true
	}
	optional := a.Optional || b.Optional
	withOptional := func(s *connector.Schema) (*connector.Schema, bool) {
		if optional {
			return jsonOptional(s), true
		}
		return s, true
	}
	if a.Type != b.Type {
		if (a.Type == connector.TypeInt64 || a.Type == connector.TypeFloat64) && (b.Type == connector.TypeInt64 || b.Type == connector.TypeFloat64) {
			return withOptional(connector.Float64Schema)
		}
		return nil, false
	}
	switch a.Type {
	case connector.TypeArray:
		elem, ok := jsonUnify(a.ValueSchema, b.ValueSchema)
		if !ok {
			return nil, false
		}
		return withOptional(&connector.Schema{Type: connector.TypeArray, ValueSchema: elem})
	case connector.TypeStruct:
		s := &connector.Schema{Type: connector.TypeStruct}
		for _, f := range a.Fields {
			fs := f.Schema
			if g, ok := b.Field(f.Name); ok {
				if fs, ok = jsonUnify(f.Schema, g.Schema); !ok {
					return nil, false
				}
			} else if fs != jsonUnknown {
				fs = jsonOptional(fs)
			}
			s.Fields = append(s.Fields, connector.Field{Name: f.Name, Index: len(s.Fields), Schema: fs})
		}
		for _, g := range b.Fields {
			if _, ok := a.Field(g.Name); !ok {
				fs := g.Schema
				if fs != jsonUnknown {
					fs = jsonOptional(fs)
				}
				s.Fields = append(s.Fields, connector.Field{Name: g.Name, Index: len(s.Fields), Schema: fs})
			}
		}
		return withOptional(s)
	}
	return withOptional(a)
}

// jsonFinalize replaces the placeholders for unknown types by optional STRING.
func jsonFinalize(s *connector.Schema) *connector.Schema {
	switch {
	case s == jsonUnknown, s == jsonNoElement:
		return connector.OptionalStringSchema
	case s.Type == connector.TypeArray:
		c := *s
		c.ValueSchema = jsonFinalize(s.ValueSchema)
		return &c
	case s.Type == connector.TypeStruct:
		c := *s
		c.Fields = make([]connector.Field, len(s.Fields))
		for i, f := range s.Fields {
			c.Fields[i] = connector.Field{Name: f.Name, Index: i, Schema: jsonFinalize(f.Schema)}
		}
		return &c
	}
	return s
}

// jsonBuild converts a node to the Go value of schema s (which infer and unify made to fit).
func jsonBuild(n *jsonNode, s *connector.Schema) (any, error) {
	if n.kind == jsonNull {
		return nil, nil
	}
	switch s.Type {
	case connector.TypeBoolean:
		return n.boolean, nil
	case connector.TypeInt64:
		i, _ := n.integer()
		return i, nil
	case connector.TypeFloat64:
		f := n.float()
		if math.IsInf(f, 0) {
			return nil, connector.DataErrorf("JsonPayload: the number %s is out of the range of a 64-bit float", n.str)
		}
		return f, nil
	case connector.TypeString:
		if n.kind == jsonString {
			return n.str, nil
		}
		var b strings.Builder // an array kept as JSON text (mixed.arrays=string)
		n.text(&b)
		return b.String(), nil
	case connector.TypeArray:
		out := make([]any, len(n.members))
		for i, e := range n.members {
			v, err := jsonBuild(e, s.ValueSchema)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case connector.TypeStruct:
		st, err := connector.NewStruct(s)
		if err != nil {
			return nil, err
		}
		for i, k := range n.keys {
			f, _ := s.Field(k)
			v, err := jsonBuild(n.members[i], f.Schema)
			if err != nil {
				return nil, err
			}
			if err := st.Put(k, v); err != nil {
				return nil, err
			}
		}
		return st, nil
	}
	return nil, connector.DataErrorf("JsonPayload: cannot build a %s value", s.Type.Upper())
}
