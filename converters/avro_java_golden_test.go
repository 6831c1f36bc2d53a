package converters

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/connector"
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
