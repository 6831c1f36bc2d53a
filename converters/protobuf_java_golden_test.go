package converters

import (
	"fmt"
	"testing"

	"github.com/tributary-connect/tributary/connector"
)

// The Protobuf goldens: testdata/java/protobuf_schema.golden.json holds, for each case of
// testdata/java/schema_corpus.json ("cases", then "more_cases") and each of its
// "protobuf_configs", the schema string Confluent's own ProtobufData.fromConnectSchema gives
// (ProtobufSchema.canonicalString(), printed by Square's Wire) and its record name
// (ProtobufSchema.name()), written by testdata/java/ProtobufSchemaGoldenGen.java (see
// testdata/java/regen-schema.sh and README.md). TestProtobufSchemaJavaGolden builds the same
// schemas with connector.SchemaBuilder and compares Tributary's schema text byte for byte.
// No Java runs here.

const protobufSchemaGoldenPath = "testdata/java/protobuf_schema.golden.json"

// pbKnownDifferences are the corpus cases where Tributary knowingly differs from Java, with
// the reason; the test fails if one of them starts to match (then drop it from here).
var pbKnownDifferences = map[string]string{
	// A string with the org.apache.kafka.connect.data.Enum parameter is a protobuf enum in
	// ProtobufData (here one without symbols, which Java refuses); Tributary does not
	// write protobuf enums (see ProtobufConverter).
	"js_enum_fields": "protobuf enums are not supported",
}

type protobufGolden struct {
	goldenKey
	Schema *string `json:"schema"`
	Name   *string `json:"name"`
	Error  *string `json:"error"`
}

func TestProtobufSchemaJavaGolden(t *testing.T) {
	cases := loadProviderCorpus(t)
	var golden []protobufGolden
	loadGoldenJSON(t, protobufSchemaGoldenPath, &golden)
	caseAt := func(i int) (string, []map[string]string) { return cases[i].ID, cases[i].ProtobufConfigs }
	forEachGolden(t, golden, len(cases), caseAt, func(t *testing.T, ci int, cfg map[string]string, g protobufGolden) {
		c := cases[ci]
		if len(cfg) > 0 {
			t.Fatalf("config %v is not emulated", cfg)
		}
		cb := &corpusBuilder{defs: providerDefs, built: map[string]*connector.Schema{}}
		s, err := cb.schema(c.Schema)
		if err != nil {
			t.Fatalf("building the schema: %v", err)
		}
		out, err := protobufOut(s)
		var text string
		if out != nil {
			text = out.text
		}
		diff := javaDiff(t, g.Error, g.Schema, text, err)
		if diff == "" && err == nil && g.Name != nil && out.fullName != *g.Name {
			diff = fmt.Sprintf("record name %q, Java's %q", out.fullName, *g.Name)
		}
		why, known := pbKnownDifferences[c.ID]
		switch {
		case known && diff == "":
			t.Errorf("known difference (%s) no longer differs: drop it from pbKnownDifferences", why)
		case known:
			t.Logf("known difference (%s): %s", why, diff)
		case diff != "":
			t.Error(diff)
		}
	})
}
