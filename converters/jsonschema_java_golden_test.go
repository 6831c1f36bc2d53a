package converters

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

// The JSON Schema goldens: testdata/java/jsonschema_schema.golden.json holds, for each case
// of testdata/java/schema_corpus.json ("cases", then "more_cases") and each of its
// "jsonschema_configs", the string Confluent's own JsonSchemaData.fromConnectSchema gives as
// JsonSchema.canonicalString() prints it, and for the case's "values" the payload
// JsonSchemaConverter writes (fromConnectData, written by the serializer's ObjectMapper),
// written by testdata/java/JsonSchemaGoldenGen.java (see testdata/java/regen-schema.sh and
// README.md). TestJSONSchemaJavaGolden builds the same schemas and values with
// connector.SchemaBuilder and compares Tributary's output byte for byte. No Java runs here.

const jsonSchemaGoldenPath = "testdata/java/jsonschema_schema.golden.json"

// providerCorpusCase is a corpus case as the JSON Schema and Protobuf goldens read it.
type providerCorpusCase struct {
	ID                string              `json:"id"`
	JSONSchemaConfigs []map[string]string `json:"jsonschema_configs"`
	ProtobufConfigs   []map[string]string `json:"protobuf_configs"`
	Schema            json.RawMessage     `json:"schema"`
	Values            []json.RawMessage   `json:"values"`
}

type providerCorpus struct {
	Defs      map[string]json.RawMessage `json:"defs"`
	Cases     []providerCorpusCase       `json:"cases"`
	MoreCases []providerCorpusCase       `json:"more_cases"`
}

func loadProviderCorpus(t *testing.T) []providerCorpusCase {
	t.Helper()
	b, err := os.ReadFile(schemaCorpusPath)
	if err != nil {
		t.Fatal(err)
	}
	var c providerCorpus
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	providerDefs = c.Defs
	return append(c.Cases, c.MoreCases...)
}

// providerDefs are the corpus defs of the last loadProviderCorpus.
var providerDefs map[string]json.RawMessage

type payloadGolden struct {
	Value json.RawMessage `json:"value"`
	JSON  *string         `json:"json"`
	Error *string         `json:"error"`
}

type providerGolden struct {
	goldenKey
	Schema   *string         `json:"schema"`
	Error    *string         `json:"error"`
	Payloads []payloadGolden `json:"payloads"`
}

func TestJSONSchemaJavaGolden(t *testing.T) {
	cases := loadProviderCorpus(t)
	var golden []providerGolden
	loadGoldenJSON(t, jsonSchemaGoldenPath, &golden)
	caseAt := func(i int) (string, []map[string]string) { return cases[i].ID, cases[i].JSONSchemaConfigs }
	forEachGolden(t, golden, len(cases), caseAt, func(t *testing.T, ci int, cfg map[string]string, g providerGolden) {
		c := cases[ci]
		cb := &corpusBuilder{defs: providerDefs, built: map[string]*connector.Schema{}}
		s, err := cb.schema(c.Schema)
		if err != nil {
			t.Fatalf("building the schema: %v", err)
		}
		gen := jsGen{additionalProps: true}
		for k, v := range cfg {
			switch k {
			case JSONSchemaAdditionalPropertiesConfig:
				gen.additionalProps = v == "true"
			case DecimalFormatConfig:
				gen.numeric = strings.EqualFold(v, DecimalFormatNumeric)
			default:
				t.Fatalf("config %s is not emulated", k)
			}
		}
		var out bytes.Buffer
		err = gen.schema(&out, s, -1, false)
		if diff := javaDiff(t, g.Error, g.Schema, out.String(), err); diff != "" {
			t.Error(diff)
		}
		if len(cfg) == 0 && err == nil {
			if s2, err2 := JSONSchemaOf(s); err2 != nil || s2 != out.String() {
				t.Errorf("JSONSchemaOf differs from the generator: %v", err2)
			}
		}
		if len(g.Payloads) != len(c.Values) && g.Error == nil {
			t.Fatalf("%d golden payloads for %d corpus values: regenerate", len(g.Payloads), len(c.Values))
		}
		for _, p := range g.Payloads {
			dj, err := decodeJSON(p.Value)
			if err != nil {
				t.Fatal(err)
			}
			v, err := corpusValue(s, dj)
			if err != nil {
				t.Fatalf("value %s: %v", p.Value, err)
			}
			node, omit, err := gen.value(s, v)
			var got bytes.Buffer
			if err == nil && !omit {
				node.writePayload(&got)
			}
			switch {
			case p.Error != nil && err == nil:
				t.Errorf("value %s: Java failed with %s; Tributary gave %s (omit %v)", p.Value, *p.Error, got.String(), omit)
			case p.Error != nil:
				t.Logf("value %s: both fail: Java %s; Tributary %v", p.Value, *p.Error, err)
			case err != nil:
				t.Errorf("value %s: Tributary failed: %v", p.Value, err)
			case p.JSON == nil && !omit:
				t.Errorf("value %s: Java gives no node (a tombstone); Tributary gave %s", p.Value, got.String())
			case p.JSON != nil && omit:
				t.Errorf("value %s: Tributary gives no node; Java gave %s", p.Value, *p.JSON)
			case p.JSON != nil && got.String() != *p.JSON:
				t.Errorf("value %s: payload differs from Java's\n got: %s\nwant: %s", p.Value, got.String(), *p.JSON)
			}
		}
	})
}
