package converters

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/sr/srfake"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tributary-connect/tributary/connector"
)

var (
	_ connector.Converter    = (*ProtobufConverter)(nil)
	_ connector.Configurable = (*ProtobufConverter)(nil)
)

// memRegistry is an in-memory SchemaRegistry (the registry_test.go fake refuses non-JSON
// schemas), counting calls, with subjects that can refuse new versions as incompatible.
type memRegistry struct {
	mu           sync.Mutex
	ids          map[string]int32
	schemas      map[int32]string
	subjects     map[string][]int32
	incompatible map[string]bool
	calls        map[string]int
}

func newMemRegistry() *memRegistry {
	return &memRegistry{ids: map[string]int32{}, schemas: map[int32]string{}, subjects: map[string][]int32{},
		incompatible: map[string]bool{}, calls: map[string]int{}}
}

func (r *memRegistry) count(k string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[k]
}

func (r *memRegistry) Register(_ context.Context, subject, schema string) (int32, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls["register "+subject]++
	id, known := r.ids[schema]
	for _, v := range r.subjects[subject] {
		if known && v == id {
			return id, nil
		}
	}
	if r.incompatible[subject] && len(r.subjects[subject]) > 0 {
		return 0, &RegistryError{Status: 409, Code: 409, Message: "Schema being registered is incompatible with an earlier schema for subject \"" + subject + "\""}
	}
	if !known {
		id = int32(len(r.ids) + 1)
		r.ids[schema], r.schemas[id] = id, schema
	}
	r.subjects[subject] = append(r.subjects[subject], id)
	return id, nil
}

func (r *memRegistry) Lookup(_ context.Context, subject, schema string) (int32, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls["lookup "+subject]++
	for _, v := range r.subjects[subject] {
		if r.schemas[v] == schema {
			return v, nil
		}
	}
	return 0, &RegistryError{Status: 404, Code: 40403, Message: "Schema not found"}
}

func (r *memRegistry) Latest(_ context.Context, subject string) (int32, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	vs := r.subjects[subject]
	if len(vs) == 0 {
		return 0, "", &RegistryError{Status: 404, Code: 40401, Message: "Subject '" + subject + "' not found."}
	}
	return vs[len(vs)-1], r.schemas[vs[len(vs)-1]], nil
}

func (r *memRegistry) SchemaByID(_ context.Context, id int32) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls[fmt.Sprintf("byid %d", id)]++
	s, ok := r.schemas[id]
	if !ok {
		return "", &RegistryError{Status: 404, Code: 40403, Message: "Schema not found"}
	}
	return s, nil
}

func newProtobuf(t testing.TB, r *memRegistry, extra ...string) *ProtobufConverter {
	t.Helper()
	cfg := connector.Config{ConverterTypeConfig: TypeValue}
	for i := 0; i+1 < len(extra); i += 2 {
		cfg[extra[i]] = extra[i+1]
	}
	c, err := NewProtobufConverterWithRegistry(NewCachedRegistry(r), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestProtobufSchemaText(t *testing.T) {
	inner := connector.StructBuilder().SetName("com.example.Inner").Field("x", connector.Int32Schema).MustBuild()
	s := connector.StructBuilder().SetName("com.example.Reading").
		Field("i8", connector.Int8Schema).
		Field("i16", connector.OptionalInt16Schema).
		Field("id", connector.Int32Schema).
		Field("n", connector.Int64Schema).
		Field("f", connector.Float32Schema).
		Field("d", connector.OptionalFloat64Schema).
		Field("ok", connector.BooleanSchema).
		Field("s", connector.OptionalStringSchema).
		Field("b", connector.BytesSchema).
		Field("tagged", connector.NewSchemaBuilder(connector.TypeInt64).SetParameter(pbTagParam, "20").SetParameter(pbTypeParam, "sint64").MustBuild()).
		Field("after", connector.Int32Schema).
		Field("arr", connector.ArrayBuilder(connector.StringSchema).MustBuild()).
		Field("tags", connector.MapBuilder(connector.StringSchema, connector.StringSchema).Optional().MustBuild()).
		Field("counts", connector.MapBuilder(connector.Int32Schema, inner).MustBuild()).
		Field("inner", inner).
		Field("inners", connector.ArrayBuilder(inner).MustBuild()).
		Field("anon", connector.StructBuilder().Field("z", connector.BooleanSchema).MustBuild()).
		Field("Same", connector.StructBuilder().SetName("Same").Field("q", connector.StringSchema).MustBuild()).
		Field("dec", connector.DecimalSchema(2).SetParameter(pbConnectPrecProp, "10").MustBuild()).
		Field("date", connector.DateSchema().MustBuild()).
		Field("time", connector.TimeSchema().MustBuild()).
		Field("ts", connector.TimestampSchema().Optional().MustBuild()).
		MustBuild()
	got, err := ProtobufSchemaOf(s)
	if err != nil {
		t.Fatal(err)
	}
	meta := func(in string, kv ...string) string {
		var b strings.Builder
		b.WriteString(" [(confluent.field_meta) = {\n" + in + "  params: [\n")
		for i := 0; i < len(kv); i += 2 {
			b.WriteString(in + "    {\n" + in + "      key: \"" + kv[i] + "\",\n" + in + "      value: \"" + kv[i+1] + "\"\n" + in + "    }")
			if i+2 < len(kv) {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(in + "  ]\n" + in + "}]")
		return b.String()
	}
	// A Decimal's precision/scale entries come value first (see the Protobuf goldens).
	metaValueFirst := func(in string, kv ...string) string {
		var b strings.Builder
		b.WriteString(" [(confluent.field_meta) = {\n" + in + "  params: [\n")
		for i := 0; i < len(kv); i += 2 {
			b.WriteString(in + "    {\n" + in + "      value: \"" + kv[i+1] + "\",\n" + in + "      key: \"" + kv[i] + "\"\n" + in + "    }")
			if i+2 < len(kv) {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(in + "  ]\n" + in + "}]")
		return b.String()
	}
	want := `syntax = "proto3";
package com.example;

import "confluent/type/decimal.proto";
import "google/type/date.proto";
import "google/type/timeofday.proto";
import "google/protobuf/timestamp.proto";

message Reading {
  int32 i8 = 1` + meta("  ", "connect.type", "int8") + `;
  int32 i16 = 2` + meta("  ", "connect.type", "int16") + `;
  int32 id = 3;
  int64 n = 4;
  float f = 5;
  double d = 6;
  bool ok = 7;
  string s = 8;
  bytes b = 9;
  sint64 tagged = 20;
  int32 after = 10;
  repeated string arr = 11;
  repeated ConnectDefault1Entry tags = 12;
  repeated ConnectDefault2Entry counts = 13;
  Inner inner = 14;
  repeated Inner inners = 15;
  ConnectDefault3 anon = 16;
  SameMessage Same = 17;
  confluent.type.Decimal dec = 18` + metaValueFirst("  ", "precision", "10", "scale", "2") + `;
  google.type.Date date = 19;
  google.type.TimeOfDay time = 20;
  google.protobuf.Timestamp ts = 21;

  message ConnectDefault1Entry {
    string key = 1;
    string value = 2;
  }
  message ConnectDefault2Entry {
    int32 key = 1;
    Inner value = 2;
  ` + `
    message Inner {
      int32 x = 1;
    }
  }
  message Inner {
    int32 x = 1;
  }
  message ConnectDefault3 {
    bool z = 1;
  }
  message SameMessage {
    string q = 1;
  }
}
`
	if got != want {
		t.Errorf("schema\n got:\n%s\nwant:\n%s", got, want)
	}
	// The reader understands it: Confluent's toConnectSchema view.
	f, err := parseProto(got)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := f.messageAt([]int{0})
	r, err := newPBIn(m, map[*pbMsgNode]bool{})
	if err != nil {
		t.Fatal(err)
	}
	rs := r.schema
	if rs.Name != "Reading" || len(rs.Fields) != len(s.Fields) {
		t.Fatalf("read schema %+v", rs)
	}
	for _, c := range []struct {
		field string
		typ   connector.Type
		name  string
		tag   string
	}{
		{"i8", connector.TypeInt8, "", "1"}, {"i16", connector.TypeInt16, "", "2"}, {"tagged", connector.TypeInt64, "", "20"},
		{"after", connector.TypeInt32, "", "10"}, {"tags", connector.TypeMap, "connect_default1", "12"},
		{"inner", connector.TypeStruct, "Inner", "14"}, {"dec", connector.TypeBytes, connector.DecimalName, "18"},
		{"ts", connector.TypeInt64, connector.TimestampName, "21"}, {"inners", connector.TypeArray, "", "15"},
	} {
		fs, _ := rs.Field(c.field)
		if fs.Schema == nil || fs.Schema.Type != c.typ || fs.Schema.Name != c.name || !fs.Schema.Optional || fs.Schema.Parameters[pbTagParam] != c.tag {
			t.Errorf("%s: read as %+v", c.field, fs.Schema)
		}
	}
	if fs, _ := rs.Field("tagged"); fs.Schema.Parameters[pbTypeParam] != "sint64" {
		t.Errorf("tagged: %+v", fs.Schema)
	}
	if fs, _ := rs.Field("dec"); fs.Schema.Parameters["scale"] != "2" || fs.Schema.Parameters[pbConnectPrecProp] != "10" {
		t.Errorf("dec: %+v", fs.Schema)
	}
}

func TestProtobufUnnamedRootAndErrors(t *testing.T) {
	s := connector.StructBuilder().Field("m", connector.MapBuilder(connector.StringSchema, connector.Int64Schema).MustBuild()).MustBuild()
	got, err := ProtobufSchemaOf(s)
	if err != nil {
		t.Fatal(err)
	}
	want := "syntax = \"proto3\";\n\nmessage ConnectDefault1 {\n  repeated ConnectDefault2Entry m = 1;\n\n  message ConnectDefault2Entry {\n    string key = 1;\n    int64 value = 2;\n  }\n}\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	for _, bad := range []*connector.Schema{
		connector.ArrayBuilder(connector.Int32Schema).MustBuild(),
		connector.MapBuilder(connector.StringSchema, connector.StringSchema).MustBuild(),
		connector.StructBuilder().Field("a", connector.ArrayBuilder(connector.ArrayBuilder(connector.Int32Schema).MustBuild()).MustBuild()).MustBuild(),
		connector.StructBuilder().Field("a", connector.NewSchemaBuilder(connector.TypeInt32).SetParameter(pbTypeParam, "uint64").MustBuild()).MustBuild(),
	} {
		if _, err := ProtobufSchemaOf(bad); err == nil {
			t.Errorf("%v accepted", bad.Type)
		}
	}
}

func TestProtobufWireBytes(t *testing.T) {
	r := newMemRegistry()
	c := newProtobuf(t, r)
	s := connector.StructBuilder().SetName("R").
		Field("i", connector.Int32Schema).Field("s", connector.OptionalStringSchema).
		Field("z", connector.Int64Schema).Field("neg", connector.Int8Schema).
		Field("l", connector.ArrayBuilder(connector.Int32Schema).MustBuild()).
		Field("m", connector.MapBuilder(connector.StringSchema, connector.Int32Schema).MustBuild()).
		Field("d", connector.DecimalSchema(1).MustBuild()).
		Field("ts", connector.TimestampSchema().MustBuild()).MustBuild()
	st := mustStruct(t, s, "i", int32(150), "s", "ab", "z", int64(0), "neg", int8(-1),
		"l", []any{int32(1), int32(2)}, "m", map[string]any{"k": int32(3)},
		"d", connector.Decimal{Unscaled: big.NewInt(-15), Scale: 1}, "ts", time.UnixMilli(-1500).UTC())
	b, err := c.FromConnect("t", nil, s, st)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0, 0, 0, 0, 1, 0, // magic, id 1, message index [0]
		0x08, 0x96, 0x01, // i = 150
		0x12, 2, 'a', 'b', // s
		// z = 0 is not written (proto3)
		0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, // neg = -1 as int32 (10 bytes)
		0x2a, 2, 1, 2, // l packed
		0x32, 5, 0x0a, 1, 'k', 0x10, 3, // m entry
		0x3a, 7, 0x0a, 1, 0xf1, 0x10, 2, 0x18, 1, // d: value f1 (-15), precision 2, scale 1
		0x42, 13, 0x08, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x10, 0x80, 0xca, 0xb5, 0xee, 0x01, // ts: -2 s + 500 ms
	}
	// ts: seconds -2 (10-byte varint), nanos 500000000
	want = want[:len(want)-19]
	want = append(want, 0x42, 17, 0x08)
	minus2 := int64(-2)
	want = protowire.AppendVarint(want, uint64(minus2))
	want = append(want, 0x10)
	want = protowire.AppendVarint(want, 500000000)
	if !bytes.Equal(b, want) {
		t.Errorf("bytes\n got % x\nwant % x", b, want)
	}
	if r.count("register t-value") != 1 {
		t.Errorf("calls %v", r.calls)
	}
	_, v, err := newProtobuf(t, r).ToConnect("t", nil, b)
	if err != nil {
		t.Fatal(err)
	}
	g := v.(*connector.Struct)
	for name, w := range map[string]any{"i": int32(150), "s": "ab", "z": int64(0), "neg": int8(-1), "l": []any{int32(1), int32(2)},
		"m": map[string]any{"k": int32(3)}, "d": connector.Decimal{Unscaled: big.NewInt(-15), Scale: 1}, "ts": time.UnixMilli(-1500).UTC()} {
		if x, _ := g.Get(name); !valuesEqual(x, w) {
			t.Errorf("%s: got %#v want %#v", name, x, w)
		}
	}
}

func TestProtobufRoundTripEveryType(t *testing.T) {
	r := newMemRegistry()
	c := newProtobuf(t, r)
	s, st := everything(t)
	b, err := c.FromConnect("topic", nil, s, st)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 0 || binary.BigEndian.Uint32(b[1:5]) != 1 || b[5] != 0 {
		t.Fatalf("header % x", b[:6])
	}
	rd := newProtobuf(t, r)
	gs, gv, err := rd.ToConnect("topic", nil, b)
	if err != nil {
		t.Fatal(err)
	}
	if gs.Name != "All" || len(gs.Fields) != len(s.Fields) {
		t.Fatalf("schema %+v", gs)
	}
	got := gv.(*connector.Struct)
	for _, f := range s.Fields {
		w, _ := st.Get(f.Name)
		switch f.Name {
		case "opt": // proto3 without presence: a null string reads back as ""
			w = ""
		case "imap": // a null map value is not written: the entry's value reads as ""
			w = map[any]any{int32(1): "one", int32(2): ""}
		case "arrOfStruct":
			inner := f.Schema.ValueSchema
			w = []any{mustStruct(t, inner, "x", int32(2), "y", ""), mustStruct(t, inner, "x", int32(3), "y", "z")}
		}
		g, _ := got.Get(f.Name)
		if !valuesEqual(g, w) {
			t.Errorf("%s: got %#v want %#v", f.Name, g, w)
		}
		if gf, _ := gs.Field(f.Name); !gf.Schema.Optional || gf.Schema.Parameters[pbTagParam] == "" {
			t.Errorf("%s: read schema %+v", f.Name, gf.Schema)
		}
	}
	if _, _, err := rd.ToConnect("topic", nil, b); err != nil || r.count("byid 1") != 1 {
		t.Errorf("schema by id not cached: %v %v", err, r.calls)
	}
}

func TestProtobufRootPrimitives(t *testing.T) {
	r := newMemRegistry()
	c := newProtobuf(t, r)
	for _, tc := range []struct {
		s     *connector.Schema
		v     any
		index []byte
		back  any
	}{
		{connector.Int32Schema, int32(-7), []byte{2, 8}, int32(-7)},
		{connector.Int8Schema, int8(3), []byte{2, 8}, int32(3)},
		{connector.Int64Schema, int64(1) << 40, []byte{2, 4}, int64(1) << 40},
		{connector.Float64Schema, 2.5, []byte{0}, 2.5},
		{connector.Float32Schema, float32(1.5), []byte{2, 2}, float32(1.5)},
		{connector.BooleanSchema, true, []byte{2, 12}, true},
		{connector.StringSchema, "hi", []byte{2, 14}, "hi"},
		{connector.StringSchema, "", []byte{2, 14}, ""},
		{connector.BytesSchema, []byte{1, 2}, []byte{2, 16}, []byte{1, 2}},
	} {
		b, err := c.FromConnect("p", nil, tc.s, tc.v)
		if err != nil {
			t.Fatalf("%v: %v", tc.s.Type, err)
		}
		if !bytes.Equal(b[5:5+len(tc.index)], tc.index) {
			t.Errorf("%v: message index % x want % x", tc.s.Type, b[5:], tc.index)
		}
		gs, gv, err := newProtobuf(t, r).ToConnect("p", nil, b)
		if err != nil {
			t.Fatalf("%v: %v", tc.s.Type, err)
		}
		if gs.Optional || !valuesEqual(gv, tc.back) {
			t.Errorf("%v: got %+v %#v want %#v", tc.s.Type, gs, gv, tc.back)
		}
	}
	if r.count("register p-value") != 1 { // one schema: google/protobuf/wrappers.proto
		t.Errorf("calls %v", r.calls)
	}
	if len(r.ids) != 1 {
		t.Errorf("the wrappers schema should be registered once, got %d schemas", len(r.ids))
	}
}

func TestProtobufIndexes(t *testing.T) {
	for _, idx := range [][]int{{0}, {1}, {0, 2}, {3, 0, 1}} {
		b := appendPBIndexes(nil, idx)
		got, n, err := readPBIndexes(b)
		if err != nil || n != len(b) || fmt.Sprint(got) != fmt.Sprint(idx) {
			t.Errorf("%v: % x → %v %d %v", idx, b, got, n, err)
		}
	}
	if b := appendPBIndexes(nil, []int{0, 2}); !bytes.Equal(b, []byte{4, 0, 4}) {
		t.Errorf("[0 2] as % x", b)
	}
	if _, _, err := readPBIndexes([]byte{1}); err == nil {
		t.Error("negative count accepted")
	}
}

func TestProtobufForeignSchemas(t *testing.T) {
	r := newMemRegistry()
	schema := `// a hand-written schema
syntax = "proto3";
package acme.v1;

import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

option java_package = "com.acme";

message Other { int32 x = 1; }

message Event {
  reserved 9;
  message Loc { double lat = 1; double lon = 2; }
  string id = 1 [json_name = "ident", deprecated = true];
  optional sint32 delta = 2;
  map<string, int64> counters = 3;
  repeated Loc path = 4;
  .google.protobuf.Timestamp at = 5;
  google.protobuf.Int32Value wrapped = 6;
  fixed32 u = 7;
  optional string unset = 8;
}
`
	id, _ := r.Register(context.Background(), "x", schema)
	var msg []byte
	msg = protowire.AppendTag(msg, 1, protowire.BytesType)
	msg = protowire.AppendString(msg, "e-1")
	msg = protowire.AppendTag(msg, 2, protowire.VarintType)
	msg = protowire.AppendVarint(msg, protowire.EncodeZigZag(-5))
	for _, kv := range []struct {
		k string
		v uint64
	}{{"a", 1}, {"b", 2}} {
		var e []byte
		e = protowire.AppendTag(e, 1, protowire.BytesType)
		e = protowire.AppendString(e, kv.k)
		e = protowire.AppendTag(e, 2, protowire.VarintType)
		e = protowire.AppendVarint(e, kv.v)
		msg = protowire.AppendTag(msg, 3, protowire.BytesType)
		msg = protowire.AppendBytes(msg, e)
	}
	var loc []byte
	loc = protowire.AppendTag(loc, 1, protowire.Fixed64Type)
	loc = protowire.AppendFixed64(loc, 0x4049000000000000) // 50.0
	msg = protowire.AppendTag(msg, 4, protowire.BytesType)
	msg = protowire.AppendBytes(msg, loc)
	var ts []byte
	ts = protowire.AppendTag(ts, 1, protowire.VarintType)
	ts = protowire.AppendVarint(ts, 1700000000)
	msg = protowire.AppendTag(msg, 5, protowire.BytesType)
	msg = protowire.AppendBytes(msg, ts)
	msg = protowire.AppendTag(msg, 6, protowire.BytesType)
	msg = protowire.AppendBytes(msg, []byte{0x08, 0x07})
	msg = protowire.AppendTag(msg, 7, protowire.Fixed32Type)
	msg = protowire.AppendFixed32(msg, 0xffffffff)
	msg = protowire.AppendTag(msg, 99, protowire.VarintType) // unknown: skipped
	msg = protowire.AppendVarint(msg, 1)
	b := append([]byte{0, 0, 0, 0, byte(id)}, appendPBIndexes(nil, []int{1})...)
	b = append(b, msg...)
	s, v, err := newProtobuf(t, r).ToConnect("t", nil, b)
	if err != nil {
		t.Fatal(err)
	}
	st := v.(*connector.Struct)
	if s.Name != "Event" {
		t.Errorf("name %q", s.Name)
	}
	get := func(n string) any { x, _ := st.Get(n); return x }
	if get("id") != "e-1" || get("delta") != int32(-5) || get("u") != int64(0xffffffff) || get("unset") != nil {
		t.Errorf("scalars %v %v %v %v", get("id"), get("delta"), get("u"), get("unset"))
	}
	if m := get("counters").(map[string]any); m["a"] != int64(1) || m["b"] != int64(2) {
		t.Errorf("counters %v", m)
	}
	if p := get("path").([]any); len(p) != 1 || fmt.Sprint(p[0].(*connector.Struct).Get("lat")) != "50 <nil>" {
		t.Errorf("path %v", p)
	}
	if at := get("at").(time.Time); !at.Equal(time.Unix(1700000000, 0)) {
		t.Errorf("at %v", at)
	}
	if w, _ := get("wrapped").(*connector.Struct).Get("value"); w != int32(7) {
		t.Errorf("wrapped %v", w)
	}
	if f, _ := s.Field("u"); f.Schema.Type != connector.TypeInt64 || f.Schema.Parameters[pbTypeParam] != "fixed32" {
		t.Errorf("u schema %+v", f.Schema)
	}
	for _, bad := range []string{
		`syntax = "proto2"; message A { optional int32 x = 1; }`,
		`syntax = "proto3"; enum E { A = 0; } message M { E e = 1; }`,
		`syntax = "proto3"; message M { oneof o { int32 a = 1; string b = 2; } }`,
		`syntax = "proto3"; import "other.proto"; message M { other.T t = 1; }`,
		`syntax = "proto3"; message M { int32 x = 1 `,
	} {
		id, _ := r.Register(context.Background(), "bad", bad)
		_, _, err := newProtobuf(t, r).ToConnect("t", nil, []byte{0, 0, 0, 0, byte(id), 0})
		var de *connector.DataError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), fmt.Sprintf("id %d", id)) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestProtobufErrors(t *testing.T) {
	r := newMemRegistry()
	c := newProtobuf(t, r)
	if b, err := c.FromConnect("t", nil, connector.OptionalStringSchema, nil); b != nil || err != nil {
		t.Errorf("tombstone: %q %v", b, err)
	}
	if s, v, err := c.ToConnect("t", nil, nil); s != nil || v != nil || err != nil {
		t.Errorf("null bytes: %v %v %v", s, v, err)
	}
	var de *connector.DataError
	for _, b := range [][]byte{{1, 0, 0, 0, 1, 0}, {0, 0}} {
		if _, _, err := c.ToConnect("t", nil, b); !errors.As(err, &de) || !strings.Contains(err.Error(), "Unknown magic byte") {
			t.Errorf("% x: %v", b, err)
		}
	}
	if _, _, err := c.ToConnect("t", nil, []byte{0, 0, 0, 0, 9, 0}); !errors.As(err, &de) || !strings.Contains(err.Error(), "id 9") {
		t.Errorf("unknown id: %v", err)
	}
	for name, tc := range map[string]struct {
		s *connector.Schema
		v any
	}{
		"schemaless":   {nil, "x"},
		"wrong type":   {connector.Int32Schema, "x"},
		"root array":   {connector.ArrayBuilder(connector.Int32Schema).MustBuild(), []any{int32(1)}},
		"null element": {connector.StructBuilder().Field("a", connector.ArrayBuilder(connector.OptionalStringSchema).MustBuild()).MustBuild(), nil},
	} {
		v := tc.v
		if name == "null element" {
			v = mustStruct(t, tc.s, "a", []any{"x", nil})
		}
		if _, err := c.FromConnect("t", nil, tc.s, v); !errors.As(err, &de) {
			t.Errorf("%s: %v", name, err)
		}
	}
	s := connector.StructBuilder().SetName("R").Field("a", connector.Int32Schema).MustBuild()
	b, err := c.FromConnect("t", nil, s, mustStruct(t, s, "a", int32(1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ToConnect("t", nil, append(b[:6:6], 0x0a, 5, 1)); !errors.As(err, &de) {
		t.Errorf("truncated message: %v", err)
	}
	if _, _, err := c.ToConnect("t", nil, append(b[:5:5], 2, 6)); !errors.As(err, &de) || !strings.Contains(err.Error(), "index") {
		t.Errorf("message index out of range: %v", err)
	}
	// Incompatible: a DataError, not retriable, with the registry's message.
	r.incompatible["t-value"] = true
	s2 := connector.StructBuilder().SetName("R").Field("a", connector.StringSchema).MustBuild()
	_, err = c.FromConnect("t", nil, s2, mustStruct(t, s2, "a", "x"))
	if err == nil || !errors.As(err, &de) || !strings.Contains(err.Error(), "incompatible") || connector.IsRetriable(err) {
		t.Errorf("incompatible: %v", err)
	}
}

func TestProtobufSubjectsLookupLatest(t *testing.T) {
	r := newMemRegistry()
	s := connector.StructBuilder().SetName("com.example.Rec").Field("a", connector.Int32Schema).MustBuild()
	unnamed := connector.StructBuilder().Field("a", connector.Int32Schema).MustBuild()
	for _, tc := range []struct {
		strategy, convType, subject string
		schema                      *connector.Schema
	}{
		{"", TypeValue, "orders-value", s},
		{"", TypeKey, "orders-key", s},
		{RecordNameStrategy, TypeValue, "com.example.Rec", s},
		{TopicRecordNameStrategy, TypeKey, "orders-com.example.Rec", s},
		{RecordNameStrategy, TypeValue, "ConnectDefault1", unnamed},
	} {
		cfg := []string{ConverterTypeConfig, tc.convType}
		if tc.strategy != "" {
			cfg = append(cfg, tc.convType+".subject.name.strategy", tc.strategy)
		}
		c := newProtobuf(t, r, cfg...)
		for range 3 {
			if _, err := c.FromConnect("orders", nil, tc.schema, mustStruct(t, tc.schema, "a", int32(1))); err != nil {
				t.Fatal(err)
			}
		}
		if n := r.count("register " + tc.subject); n != 1 {
			t.Errorf("%s/%s: %d registrations under %q (calls %v)", tc.strategy, tc.convType, n, tc.subject, r.calls)
		}
	}
	st := mustStruct(t, s, "a", int32(1))
	if _, err := newProtobuf(t, r, AutoRegisterSchemasConfig, "false").FromConnect("other", nil, s, st); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("lookup of an unregistered schema: %v", err)
	}
	b, err := newProtobuf(t, r, AutoRegisterSchemasConfig, "false").FromConnect("orders", nil, s, st)
	if err != nil || binary.BigEndian.Uint32(b[1:5]) != 1 {
		t.Errorf("lookup: % x %v", b, err)
	}
	b, err = newProtobuf(t, r, AutoRegisterSchemasConfig, "false", UseLatestVersionConfig, "true").FromConnect("orders", nil, s, st)
	if err != nil || binary.BigEndian.Uint32(b[1:5]) != 1 {
		t.Errorf("latest: % x %v", b, err)
	}
}

func TestProtobufUnreachableIsRetriable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	c := NewProtobufConverter()
	if err := c.Configure(connector.Config{ConverterTypeConfig: TypeValue, SchemaRegistryURLConfig: addr}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FromConnect("t", nil, connector.Int32Schema, int32(1)); !connector.IsRetriable(err) {
		t.Errorf("FromConnect: %v", err)
	}
	if _, _, err := c.ToConnect("t", nil, []byte{0, 0, 0, 0, 1, 0}); !connector.IsRetriable(err) {
		t.Errorf("ToConnect: %v", err)
	}
	if err := NewProtobufConverter().Configure(connector.Config{ConverterTypeConfig: TypeValue}); err == nil {
		t.Error("missing schema.registry.url accepted")
	}
}

// TestProtobufWithSrfake runs against franz-go's srfake, the registry `tributary dev` embeds.
func TestProtobufWithSrfake(t *testing.T) {
	reg := srfake.New()
	t.Cleanup(reg.Close)
	cfg := connector.Config{ConverterTypeConfig: TypeValue, SchemaRegistryURLConfig: reg.URL()}
	c := NewProtobufConverter()
	if err := c.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	s, st := everything(t)
	b, err := c.FromConnect("dev", nil, s, st)
	if err != nil {
		t.Fatal(err)
	}
	r := NewProtobufConverter()
	if err := r.Configure(cfg); err != nil {
		t.Fatal(err)
	}
	_, gv, err := r.ToConnect("dev", nil, b)
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := gv.(*connector.Struct).Get("str"); g != "héllo" {
		t.Errorf("round trip through srfake: %v", gv)
	}
}

func TestProtobufConcurrent(t *testing.T) {
	roundTripConcurrently(t, newProtobuf(t, newMemRegistry()))
}
