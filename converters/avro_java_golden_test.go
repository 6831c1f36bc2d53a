package converters

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// The Avro schema goldens: testdata/java/schema_corpus.json holds Connect schemas (as
// JsonConverter's schema JSON, plus {"$ref": name} for one shared schema object);
// testdata/java/avro_schema.golden.json holds, for each case and config, the string that
// Confluent's own AvroData.fromConnectSchema gives (as AvroSchema.canonicalString prints it),
// written by testdata/java/SchemaGoldenGen.java (see testdata/java/regen-schema.sh and
// README.md). TestAvroSchemaJavaGolden builds the same schemas with connector.SchemaBuilder
// and compares Tributary's Avro schema JSON byte for byte. No Java runs here.

const (
	schemaCorpusPath     = "testdata/java/schema_corpus.json"
	avroSchemaGoldenPath = "testdata/java/avro_schema.golden.json"
)

type schemaCorpus struct {
	Defs  map[string]json.RawMessage `json:"defs"`
	Cases []struct {
		ID      string              `json:"id"`
		Configs []map[string]string `json:"configs"`
		Schema  json.RawMessage     `json:"schema"`
	} `json:"cases"`
}

type schemaGolden struct {
	goldenKey
	Avro  *string `json:"avro"`
	Error *string `json:"error"`
}

func loadSchemaCorpus(t *testing.T) *schemaCorpus {
	t.Helper()
	b, err := os.ReadFile(schemaCorpusPath)
	if err != nil {
		t.Fatal(err)
	}
	var c schemaCorpus
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

// corpusBuilder builds corpus schemas as SchemaGoldenGen.build does; a "$ref" is built once
// and shared, like Java's one Schema object.
type corpusBuilder struct {
	defs  map[string]json.RawMessage
	built map[string]*connector.Schema
}

func decodeJSON(raw json.RawMessage) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// schema builds one corpus schema with connector.SchemaBuilder.
func (cb *corpusBuilder) schema(raw json.RawMessage) (*connector.Schema, error) {
	var n struct {
		Ref        *string           `json:"$ref"`
		Type       string            `json:"type"`
		Optional   bool              `json:"optional"`
		Name       *string           `json:"name"`
		Version    *int32            `json:"version"`
		Doc        *string           `json:"doc"`
		Parameters map[string]string `json:"parameters"`
		Default    json.RawMessage   `json:"default"`
		Fields     []json.RawMessage `json:"fields"`
		Items      json.RawMessage   `json:"items"`
		Keys       json.RawMessage   `json:"keys"`
		Values     json.RawMessage   `json:"values"`
	}
	if err := json.Unmarshal(raw, &n); err != nil {
		return nil, err
	}
	if n.Ref != nil {
		if s, ok := cb.built[*n.Ref]; ok {
			return s, nil
		}
		def, ok := cb.defs[*n.Ref]
		if !ok {
			return nil, fmt.Errorf("no def %q", *n.Ref)
		}
		s, err := cb.schema(def)
		if err != nil {
			return nil, err
		}
		cb.built[*n.Ref] = s
		return s, nil
	}
	var b *connector.SchemaBuilder
	switch n.Type {
	case "int8":
		b = connector.NewSchemaBuilder(connector.TypeInt8)
	case "int16":
		b = connector.NewSchemaBuilder(connector.TypeInt16)
	case "int32":
		b = connector.NewSchemaBuilder(connector.TypeInt32)
	case "int64":
		b = connector.NewSchemaBuilder(connector.TypeInt64)
	case "float":
		b = connector.NewSchemaBuilder(connector.TypeFloat32)
	case "double":
		b = connector.NewSchemaBuilder(connector.TypeFloat64)
	case "boolean":
		b = connector.NewSchemaBuilder(connector.TypeBoolean)
	case "string":
		b = connector.NewSchemaBuilder(connector.TypeString)
	case "bytes":
		b = connector.NewSchemaBuilder(connector.TypeBytes)
	case "array":
		items, err := cb.schema(n.Items)
		if err != nil {
			return nil, err
		}
		b = connector.ArrayBuilder(items)
	case "map":
		keys, err := cb.schema(n.Keys)
		if err != nil {
			return nil, err
		}
		values, err := cb.schema(n.Values)
		if err != nil {
			return nil, err
		}
		b = connector.MapBuilder(keys, values)
	case "struct":
		b = connector.StructBuilder()
		for _, f := range n.Fields {
			var fn struct {
				Field string `json:"field"`
			}
			if err := json.Unmarshal(f, &fn); err != nil {
				return nil, err
			}
			fs, err := cb.schema(f)
			if err != nil {
				return nil, err
			}
			b.Field(fn.Field, fs)
		}
	default:
		return nil, fmt.Errorf("unknown type %q", n.Type)
	}
	if n.Optional {
		b.Optional()
	}
	if n.Name != nil {
		b.SetName(*n.Name)
	}
	if n.Version != nil {
		b.SetVersion(*n.Version)
	}
	if n.Doc != nil {
		b.SetDoc(*n.Doc)
	}
	for k, v := range n.Parameters {
		b.SetParameter(k, v)
	}
	s, err := b.Build()
	if err != nil || n.Default == nil {
		return s, err
	}
	dj, err := decodeJSON(n.Default)
	if err != nil {
		return nil, err
	}
	d, err := corpusValue(s, dj)
	if err != nil {
		return nil, err
	}
	if s.Type == connector.TypeStruct {
		// As Java's ConnectSchema constructor: SchemaBuilder rejects a Struct default.
		withDefault := *s
		withDefault.Default = d
		return &withDefault, nil
	}
	b.SetDefault(d)
	return b.Build()
}

// corpusValue is SchemaGoldenGen.value: a corpus default as the Go form of a Connect value.
func corpusValue(s *connector.Schema, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	num := func() (json.Number, error) {
		n, ok := v.(json.Number)
		if !ok {
			return "", fmt.Errorf("want a number for %s, got %T", s.Type, v)
		}
		return n, nil
	}
	integer := func() (int64, error) {
		n, err := num()
		if err != nil {
			return 0, err
		}
		return strconv.ParseInt(n.String(), 10, 64)
	}
	float := func(bits int) (float64, error) {
		if str, ok := v.(string); ok {
			switch str {
			case "NaN":
				return math.NaN(), nil
			case "Infinity":
				return math.Inf(1), nil
			case "-Infinity":
				return math.Inf(-1), nil
			}
		}
		n, err := num()
		if err != nil {
			return 0, err
		}
		return strconv.ParseFloat(n.String(), bits)
	}
	switch s.Name {
	case connector.DecimalName:
		str, _ := v.(string)
		scale := 0
		if i := strings.IndexByte(str, '.'); i >= 0 {
			scale = len(str) - i - 1
			str = str[:i] + str[i+1:]
		}
		u, ok := new(big.Int).SetString(str, 10)
		if !ok {
			return nil, fmt.Errorf("bad decimal %q", v)
		}
		return connector.Decimal{Unscaled: u, Scale: int32(scale)}, nil
	case connector.DateName:
		n, err := integer()
		return time.UnixMilli(n * 86400000).UTC(), err
	case connector.TimeName, connector.TimestampName:
		n, err := integer()
		return time.UnixMilli(n).UTC(), err
	}
	switch s.Type {
	case connector.TypeInt8:
		n, err := integer()
		return int8(n), err
	case connector.TypeInt16:
		n, err := integer()
		return int16(n), err
	case connector.TypeInt32:
		n, err := integer()
		return int32(n), err
	case connector.TypeInt64:
		return integer()
	case connector.TypeFloat32:
		f, err := float(32)
		return float32(f), err
	case connector.TypeFloat64:
		return float(64)
	case connector.TypeBoolean:
		return v.(bool), nil
	case connector.TypeString:
		return v.(string), nil
	case connector.TypeBytes:
		return base64.StdEncoding.DecodeString(v.(string))
	case connector.TypeArray:
		out := []any{}
		for _, e := range v.([]any) {
			x, err := corpusValue(s.ValueSchema, e)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	case connector.TypeMap:
		if obj, ok := v.(map[string]any); ok {
			out := map[string]any{}
			for k, e := range obj {
				x, err := corpusValue(s.ValueSchema, e)
				if err != nil {
					return nil, err
				}
				out[k] = x
			}
			return out, nil
		}
		out := map[any]any{}
		for _, e := range v.([]any) {
			kv := e.([]any)
			k, err := corpusValue(s.KeySchema, kv[0])
			if err != nil {
				return nil, err
			}
			x, err := corpusValue(s.ValueSchema, kv[1])
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	case connector.TypeStruct:
		st, err := connector.NewStruct(s)
		if err != nil {
			return nil, err
		}
		for k, e := range v.(map[string]any) {
			f, ok := s.Field(k)
			if !ok {
				return nil, fmt.Errorf("no field %q", k)
			}
			x, err := corpusValue(f.Schema, e)
			if err != nil {
				return nil, err
			}
			if err := st.Put(k, x); err != nil {
				return nil, err
			}
		}
		return st, nil
	}
	return nil, fmt.Errorf("no default for %s", s.Type)
}

func TestAvroSchemaJavaGolden(t *testing.T) {
	corpus := loadSchemaCorpus(t)
	var golden []schemaGolden
	loadGoldenJSON(t, avroSchemaGoldenPath, &golden)
	caseAt := func(i int) (string, []map[string]string) { return corpus.Cases[i].ID, corpus.Cases[i].Configs }
	forEachGolden(t, golden, len(corpus.Cases), caseAt, func(t *testing.T, ci int, cfg map[string]string, g schemaGolden) {
		c := corpus.Cases[ci]
		cb := &corpusBuilder{defs: corpus.Defs, built: map[string]*connector.Schema{}}
		s, err := cb.schema(c.Schema)
		if err != nil {
			t.Fatalf("building the schema: %v", err)
		}
		meta := true
		for k, v := range cfg {
			switch k {
			case ConnectMetaDataConfig:
				meta = v == "true"
			default:
				t.Fatalf("config %s is not emulated", k)
			}
		}
		gen := newAvroGen(meta)
		var out bytes.Buffer
		err = gen.schema(&out, s, "", true)
		if diff := javaDiff(t, g.Error, g.Avro, out.String(), err); diff != "" {
			t.Error(diff)
		}
		if meta && err == nil {
			if s2, err2 := AvroSchemaJSON(s); err2 != nil || s2 != out.String() {
				t.Errorf("AvroSchemaJSON differs from the generator: %v", err2)
			}
		}
	})
}

// The schemaless golden, testdata/java/avro_schemaless.golden.json (written by
// SchemaGoldenGen.writeSchemaless): AvroData.ANYTHING_SCHEMA as Java prints it, its full name,
// and for each value of schemalessValues the Avro binary of AvroData.fromConnectData(null, v)
// (after the wire header) and what toConnectData reads back (describeSchemaless), or Java's
// exception.
const avroSchemalessGoldenPath = "testdata/java/avro_schemaless.golden.json"

// schemalessValues is the twin of SchemaGoldenGen.schemalessValues (maps with more than one
// entry are sorted there, as Tributary writes them).
func schemalessValues() map[string]any {
	st := connector.StructBuilder().Field("a", connector.Int32Schema).MustBuild()
	sv, _ := connector.NewStruct(st)
	_ = sv.Put("a", int32(1))
	return map[string]any{
		"string":        "h\u00e9llo w\u00f6rld",
		"empty_string":  "",
		"int8":          int8(-5),
		"int16":         int16(300),
		"int32":         int32(42),
		"int64":         int64(1234567890123),
		"float32":       float32(1.5),
		"float64":       -2.25,
		"boolean_true":  true,
		"boolean_false": false,
		"list":          []any{"a", int32(1), nil, true},
		"empty_list":    []any{},
		"empty_map":     map[string]any{},
		"nested": map[string]any{
			"a": []any{int64(1), "x", nil, []any{int32(2), int32(3)}},
			"b": nil,
			"c": map[string]any{"d": 2.5, "e": []any{}},
		},
		"int_key":      map[any]any{int32(7): "seven"},
		"null_key":     map[any]any{nil: int64(1)},
		"bytes":        []byte{1, 2, 3},
		"nested_bytes": []any{"a", []byte{1}},
		"struct":       sv,
		"date":         time.UnixMilli(0).UTC(),
		"decimal":      connector.Decimal{Unscaled: big.NewInt(15), Scale: 1},
	}
}

// describeSchemaless is SchemaGoldenGen.describe: a schemaless value with its Java types.
func describeSchemaless(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(x)
		return "String(" + strings.TrimSuffix(b.String(), "\n") + ")"
	case []byte:
		return "Bytes(" + base64.StdEncoding.EncodeToString(x) + ")"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = describeSchemaless(e)
		}
		return "List[" + strings.Join(parts, ", ") + "]"
	case map[string]any, map[any]any:
		var parts []string
		for _, e := range jvalues.MapEntries(x) {
			parts = append(parts, describeSchemaless(e.Key)+"="+describeSchemaless(e.Value))
		}
		sort.Strings(parts)
		return "HashMap{" + strings.Join(parts, ", ") + "}"
	case int8:
		return fmt.Sprintf("Byte(%d)", x)
	case int16:
		return fmt.Sprintf("Short(%d)", x)
	case int32:
		return fmt.Sprintf("Integer(%d)", x)
	case int64:
		return fmt.Sprintf("Long(%d)", x)
	case float32:
		return "Float(" + jvalues.FloatString(x) + ")"
	case float64:
		return "Double(" + jvalues.DoubleString(x) + ")"
	case bool:
		return fmt.Sprintf("Boolean(%t)", x)
	}
	return fmt.Sprintf("%T(%v)", v, v)
}

func TestAvroSchemalessJavaGolden(t *testing.T) {
	var golden struct {
		Schema string `json:"schema"`
		Name   string `json:"name"`
		Values []struct {
			ID    string  `json:"id"`
			Avro  *string `json:"avro"`
			Read  *string `json:"read"`
			Error *string `json:"error"`
		} `json:"values"`
	}
	loadGoldenJSON(t, avroSchemalessGoldenPath, &golden)
	if avroAnythingSchema != golden.Schema {
		t.Errorf("Anything schema:\n got %s\nwant %s", avroAnythingSchema, golden.Schema)
	}
	if avroAnythingName != golden.Name {
		t.Errorf("Anything name %s, Java %s", avroAnythingName, golden.Name)
	}
	n, err := parseAvroSchema(golden.Schema)
	if err != nil || !isAvroAnything(n) {
		t.Errorf("Java's ANYTHING_SCHEMA is not recognised: %v", err)
	}
	values := schemalessValues()
	if len(values) != len(golden.Values) {
		t.Errorf("%d Go values for %d golden values: keep schemalessValues and SchemaGoldenGen.schemalessValues twins", len(values), len(golden.Values))
	}
	f := newFakeRegistry(t)
	c := newAvro(t, f)
	for _, g := range golden.Values {
		t.Run(g.ID, func(t *testing.T) {
			v, ok := values[g.ID]
			if !ok {
				t.Fatalf("no Go twin for golden value %s", g.ID)
			}
			b, err := c.FromConnect("t", nil, nil, v)
			if g.Error != nil {
				var de *connector.DataError
				_, msg, _ := strings.Cut(*g.Error, "DataException: ")
				if err == nil || !errors.As(err, &de) || err.Error() != msg {
					t.Errorf("got %v (%T), Java %s", err, err, *g.Error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want, _ := base64.StdEncoding.DecodeString(*g.Avro)
			if len(b) < 5 || !bytes.Equal(b[5:], want) {
				t.Errorf("bytes\n got % x\nwant % x", b[min(len(b), 5):], want)
			}
			id := int32(binary.BigEndian.Uint32(b[1:5]))
			f.mu.Lock()
			registered := f.schemas[id]
			f.mu.Unlock()
			if registered != golden.Schema {
				t.Errorf("registered %s", registered)
			}
			s, back, err := c.ToConnect("t", nil, b)
			if err != nil || s != nil {
				t.Fatalf("ToConnect: %v %v", s, err)
			}
			if got := describeSchemaless(back); got != *g.Read {
				t.Errorf("read back %s, Java %s", got, *g.Read)
			}
		})
	}
}
