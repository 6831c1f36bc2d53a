package converters

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tributary-connect/tributary/connector"
)

// ProtobufClass is Confluent's Protobuf converter class name.
const ProtobufClass = "io.confluent.connect.protobuf.ProtobufConverter"

// Names and parameters of Confluent's ProtobufData.
const (
	pbDefaultName     = "ConnectDefault"
	pbTagParam        = "io.confluent.connect.protobuf.Tag"
	pbTypeParam       = "io.confluent.connect.protobuf.Type"
	pbEnumParam       = "io.confluent.connect.protobuf.Enum"
	pbConnectType     = "connect.type"
	pbPrecisionProp   = "precision"
	pbScaleProp       = "scale"
	pbConnectPrecProp = "connect.decimal.precision"
	pbMetaImport      = "confluent/meta.proto"
	pbDecimalType     = "confluent.type.Decimal"
	pbDateType        = "google.type.Date"
	pbTimeType        = "google.type.TimeOfDay"
	pbTimestampType   = "google.protobuf.Timestamp"
	pbWrappersImport  = "google/protobuf/wrappers.proto"
)

// pbImports maps the well-known message types ProtobufData uses to their import paths.
var pbImports = map[string]string{
	pbDecimalType:   "confluent/type/decimal.proto",
	pbDateType:      "google/type/date.proto",
	pbTimeType:      "google/type/timeofday.proto",
	pbTimestampType: "google/protobuf/timestamp.proto",
}

// pbWrappers are the messages of google/protobuf/wrappers.proto, in the file's order (a
// root primitive is written as one of them, with its index as the message index).
var pbWrappers = []struct {
	name string
	kind pbKind
}{
	{"DoubleValue", pbDouble}, {"FloatValue", pbFloat}, {"Int64Value", pbInt64}, {"UInt64Value", pbUint64},
	{"Int32Value", pbInt32}, {"UInt32Value", pbUint32}, {"BoolValue", pbBool}, {"StringValue", pbString},
	{"BytesValue", pbBytes},
}

var protobufConfigDef = &connector.ConfigDef{Keys: slices.Concat([]connector.ConfigKey{converterTypeKey}, srConfigKeys)}

// ProtobufConverter is io.confluent.connect.protobuf.ProtobufConverter: Connect data in the
// Confluent wire format (magic 0, 4-byte big-endian schema id, the message-index path as
// zigzag varints — the single byte 0x00 for the first top-level message — then the protobuf
// binary message), with a proto3 schema registered (schemaType "PROTOBUF").
//
// The schema follows ProtobufData.fromConnectSchema with its default settings
// (optional.for.nullables=false, wrapper.for.nullables=false, scrub.invalid.names=false,
// enhanced.protobuf.schema.support=false):
//   - a struct is a message named after the last part of the schema name, in the package of
//     the rest (ConnectDefault1, ConnectDefault2, … for unnamed structs and maps, numbered in
//     the order ProtobufData visits them); nested structs are nested messages (a message whose
//     name equals its field's gets the suffix "Message"); field numbers follow the field order
//     unless a field schema carries the io.confluent.connect.protobuf.Tag parameter;
//   - INT8 and INT16 are int32 with (confluent.field_meta) params connect.type=int8/int16
//     (ProtobufSchema's printout does not import confluent/meta.proto); INT32 int32 and INT64 int64 (or the protobuf type in
//     the io.confluent.connect.protobuf.Type parameter); FLOAT32 float, FLOAT64 double,
//     BOOLEAN bool, STRING string, BYTES bytes;
//   - optional Connect schemas get no label: proto3 fields without presence, so a null is not
//     written and reads back as the type's zero value, as with Confluent's defaults;
//   - ARRAY is a repeated field (packed for numeric scalars); arrays of arrays are refused as
//     in ProtobufData; empty arrays are not written;
//   - MAP is a repeated nested message <Name>Entry {key = 1; value = 2;} (ProtobufData never
//     emits the map<k, v> syntax; the wire bytes are the same);
//   - Decimal is confluent.type.Decimal (import confluent/type/decimal.proto) with the scale
//     (and connect.decimal.precision) in (confluent.field_meta) params; Date is
//     google.type.Date, Time google.type.TimeOfDay and Timestamp google.protobuf.Timestamp;
//   - a root primitive is the google.protobuf wrapper message of its type (the schema is
//     google/protobuf/wrappers.proto and the message index that of the wrapper); a root array
//     or map is refused, as in ProtobufData;
//   - the text is as Wire prints it (checked against Confluent's own ProtobufData, see
//     protobuf_java_golden_test.go): imports in first-use order, no blank line between
//     messages, one before nested ones; names that are not identifiers are refused.
//
// Not supported: Confluent's enum and union (oneof) parameters, the wrapper.for.nullables
// and optional.for.nullables settings, and field defaults (proto3 has none).
//
// ToConnect follows ProtobufData.toConnectData with the defaults: the message's fields in
// order, every field schema optional and carrying the io.confluent.connect.protobuf.Tag
// parameter, struct names unqualified, scalars absent from the wire read as zero values and
// absent messages as null. It reads proto3 schemas written by this converter and plain
// foreign proto3 schemas (scalars, nested messages, map<k, v>, repeated, optional, the
// types above, google.protobuf wrappers); enums, oneofs, proto2 and imports of other files
// are refused with an error. The subject's version is not looked up (Confluent's converter
// sets it as the Connect schema version).
//
// It is safe for concurrent use once configured.
type ProtobufConverter struct {
	srSerde

	toPB    *schemaCache[*connector.Schema, *pbOut]
	fromPB  *schemaCache[int32, *pbFile]
	readers *schemaCache[pbReaderKey, *pbIn]
}

type pbReaderKey struct {
	id    int32
	index string
}

// pbOut is a generated schema with what FromConnect needs to write values.
type pbOut struct {
	text     string
	fullName string  // the record name: the full name of the message
	index    []byte  // the encoded message-index path
	plan     *pbPlan // nil for a root primitive (wrapper)
	wrapper  pbKind  // the wrapped scalar kind of a root primitive
}

// NewProtobufConverter returns an unconfigured ProtobufConverter; Configure must be called.
func NewProtobufConverter() *ProtobufConverter { return &ProtobufConverter{} }

// NewProtobufConverterWithRegistry returns a ProtobufConverter over the given registry
// client (e.g. a fake in tests), configured from cfg except for the registry URL.
func NewProtobufConverterWithRegistry(reg SchemaRegistry, cfg connector.Config) (*ProtobufConverter, error) {
	c := &ProtobufConverter{}
	if err := withRegistry(cfg, c.Configure, &c.srSerde, reg); err != nil {
		return nil, err
	}
	return c, nil
}

// ConfigDef returns the converter's keys, converter.type first.
func (c *ProtobufConverter) ConfigDef() *connector.ConfigDef { return protobufConfigDef }

// Configure applies the converter's config (prefix stripped, converter.type set).
func (c *ProtobufConverter) Configure(cfg connector.Config) error {
	v, err := protobufConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	if err := c.configure(v, "PROTOBUF"); err != nil {
		return err
	}
	c.toPB = newSchemaCache[*connector.Schema, *pbOut](c.cacheMax)
	c.fromPB = newSchemaCache[int32, *pbFile](c.cacheMax)
	c.readers = newSchemaCache[pbReaderKey, *pbIn](c.cacheMax)
	return nil
}

// FromConnect is fromConnectData: nil for a null value (a tombstone), else the wire bytes.
func (c *ProtobufConverter) FromConnect(topic string, _ connector.Headers, s *connector.Schema, v any) ([]byte, error) {
	if v == nil {
		return nil, nil // ProtobufData.fromConnectData gives null for a null value
	}
	prefix := fmt.Sprintf("Failed to serialize Protobuf data from topic %s", topic)
	if s == nil {
		return nil, dataErr("%s: schemaless data (a null Connect schema) is not supported", prefix)
	}
	out, err := c.protoSchema(s)
	if err != nil {
		return nil, dataErr("%s: %v", prefix, err)
	}
	subject, err := c.subject(topic, out.fullName)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 5, 64)
	buf = append(buf, out.index...)
	if out.plan != nil {
		st, ok := v.(*connector.Struct)
		if !ok {
			return nil, dataErr("%s: Invalid type for STRUCT: %T", prefix, v)
		}
		buf, err = out.plan.appendStruct(buf, st)
	} else {
		buf, err = appendPBScalar(buf, 1, out.wrapper, v, false)
	}
	if err != nil {
		return nil, dataErr("%s: %v", prefix, err)
	}
	id, err := c.schemaID(subject, out.text)
	if err != nil {
		return nil, registryErr(prefix, subject, "Protobuf", err)
	}
	binary.BigEndian.PutUint32(buf[1:5], uint32(id))
	return buf, nil
}

func (c *ProtobufConverter) protoSchema(s *connector.Schema) (*pbOut, error) {
	if out, ok := c.toPB.get(s); ok {
		return out, nil
	}
	out, err := protobufOut(s)
	if err != nil {
		return nil, err
	}
	c.toPB.put(s, out)
	return out, nil
}

// ProtobufSchemaOf returns the proto3 schema text the converter registers for s.
func ProtobufSchemaOf(s *connector.Schema) (string, error) {
	out, err := protobufOut(s)
	if err != nil {
		return "", err
	}
	return out.text, nil
}

func protobufOut(s *connector.Schema) (*pbOut, error) {
	if s.Type != connector.TypeStruct {
		for i, w := range pbWrappers {
			if pbRootWrapper(s.Type) == w.kind {
				return &pbOut{text: pbWrappersText(), fullName: "google.protobuf." + w.name,
					index: appendPBIndexes(nil, []int{i}), wrapper: w.kind}, nil
			}
		}
		return nil, fmt.Errorf("Unsupported root schema of type %v", s.Type)
	}
	g := &pbGen{imports: map[string]bool{}}
	full := g.nameOrDefault(s.Name)
	ns, name := "", full
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		ns, name = full[:i], full[i+1:]
	}
	msg, err := g.message(name, s)
	if err != nil {
		return nil, err
	}
	plan, err := newPBPlan(s)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\n")
	if ns != "" {
		b.WriteString("package " + ns + ";\n")
	}
	b.WriteByte('\n')
	if len(g.importOrder) > 0 {
		for _, imp := range g.importOrder {
			b.WriteString("import \"" + imp + "\";\n")
		}
		b.WriteByte('\n')
	}
	msg.write(&b, "")
	return &pbOut{text: b.String(), fullName: full, index: []byte{0}, plan: plan}, nil
}

func pbRootWrapper(t connector.Type) pbKind {
	switch t {
	case connector.TypeInt8, connector.TypeInt16, connector.TypeInt32:
		return pbInt32
	case connector.TypeInt64:
		return pbInt64
	case connector.TypeFloat32:
		return pbFloat
	case connector.TypeFloat64:
		return pbDouble
	case connector.TypeBoolean:
		return pbBool
	case connector.TypeString:
		return pbString
	case connector.TypeBytes:
		return pbBytes
	}
	return pbInvalid
}

// pbWrappersText is google/protobuf/wrappers.proto as far as the schema is concerned: the
// package and the nine wrapper messages, in order.
func pbWrappersText() string {
	// ProtobufSchema's printout of google/protobuf/wrappers.proto (WrappersProto's
	// descriptor, as Wire prints it).
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\npackage google.protobuf;\n\n" +
		"option java_package = \"com.google.protobuf\";\n" +
		"option java_outer_classname = \"WrappersProto\";\n" +
		"option java_multiple_files = true;\n" +
		"option go_package = \"google.golang.org/protobuf/types/known/wrapperspb\";\n" +
		"option cc_enable_arenas = true;\n" +
		"option objc_class_prefix = \"GPB\";\n" +
		"option csharp_namespace = \"Google.Protobuf.WellKnownTypes\";\n\n")
	for _, w := range pbWrappers {
		fmt.Fprintf(&b, "message %s {\n  %s value = 1 [json_name = \"value\"];\n}\n", w.name, w.kind)
	}
	return b.String()
}

// appendPBIndexes writes a message-index path: [0] as the single byte 0, else the count
// and the indexes as zigzag varints (Kafka's ByteUtils.writeVarint).
func appendPBIndexes(b []byte, idx []int) []byte {
	if len(idx) == 1 && idx[0] == 0 {
		return append(b, 0)
	}
	b = binary.AppendVarint(b, int64(len(idx)))
	for _, i := range idx {
		b = binary.AppendVarint(b, int64(i))
	}
	return b
}

// --- schema text generation (ProtobufData.fromConnectSchema) ---

type pbGen struct {
	nameIndex int
	imports   map[string]bool
	// importOrder is the order the well-known imports are first used in: the order of the
	// FileDescriptor's dependencies, which ProtobufSchema prints (confluent/meta.proto, the
	// (confluent.field_meta) option's file, is not among them).
	importOrder []string
}

type pbMsgDef struct {
	name   string
	fields []pbFieldDef
	nested []*pbMsgDef
	names  map[string]bool
}

type pbFieldDef struct {
	label, typ, name string
	num              int
	params           [][2]string
}

func (g *pbGen) nameOrDefault(name string) string {
	if name != "" {
		return name
	}
	g.nameIndex++
	return pbDefaultName + strconv.Itoa(g.nameIndex)
}

func (g *pbGen) unqualified(name string) string {
	full := g.nameOrDefault(name)
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[i+1:]
	}
	return full
}

// pbFieldNumber is the field's number: the Tag parameter, or the next of the running index.
func pbFieldNumber(fs *connector.Schema, index *int) (int, error) {
	if t, ok := fs.Parameters[pbTagParam]; ok {
		n, err := strconv.Atoi(t)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("invalid %s parameter %q", pbTagParam, t)
		}
		return n, nil
	}
	n := *index
	*index++
	return n, nil
}

// pbIdent reports whether s is a protobuf identifier (letter or underscore, then letters,
// digits, underscores): the check of the descriptor ProtobufData builds, which fails with
// "Invalid protobuf schema definition: <name>: \"<id>\" is not a valid identifier.".
func pbIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return true
}

func (g *pbGen) message(name string, s *connector.Schema) (*pbMsgDef, error) {
	if !pbIdent(name) {
		return nil, fmt.Errorf("Invalid protobuf schema definition: %q is not a valid identifier.", name)
	}
	for _, f := range s.Fields {
		if !pbIdent(f.Name) {
			return nil, fmt.Errorf("Invalid protobuf schema definition: %s.%s: %q is not a valid identifier.", name, f.Name, f.Name)
		}
	}
	m := &pbMsgDef{name: name, names: map[string]bool{}}
	index := 1
	for _, f := range s.Fields {
		num, err := pbFieldNumber(f.Schema, &index)
		if err != nil {
			return nil, err
		}
		if err := g.field(m, f.Schema, f.Name, num); err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
	}
	return m, nil
}

func (g *pbGen) field(m *pbMsgDef, fs *connector.Schema, name string, num int) error {
	label := ""
	if fs.Type == connector.TypeArray || fs.Type == connector.TypeMap {
		label = "repeated"
	}
	if fs.Type == connector.TypeArray {
		if fs.ValueSchema == nil {
			return fmt.Errorf("array schema without a value schema")
		}
		fs = fs.ValueSchema
	}
	fd := pbFieldDef{label: label, name: name, num: num}
	typ, err := g.dataType(fs, name, &fd.params)
	if err != nil {
		return err
	}
	fd.typ = typ
	switch {
	case fs.Type == connector.TypeStruct && !pbIsLogical(fs):
		if typ != m.name && !m.names[typ] {
			m.names[typ] = true
			nested, err := g.message(typ, fs)
			if err != nil {
				return err
			}
			m.nested = append(m.nested, nested)
		}
	case fs.Type == connector.TypeMap:
		entry := &pbMsgDef{name: typ, names: map[string]bool{}}
		if err := g.field(entry, fs.KeySchema, "key", 1); err != nil {
			return err
		}
		if err := g.field(entry, fs.ValueSchema, "value", 2); err != nil {
			return err
		}
		m.nested = append(m.nested, entry)
	default:
		if imp, ok := pbImports[typ]; ok && !g.imports[imp] {
			g.imports[imp] = true
			g.importOrder = append(g.importOrder, imp)
		}
	}
	if len(fd.params) > 0 {
		g.imports[pbMetaImport] = true
	}
	m.fields = append(m.fields, fd)
	return nil
}

func pbIsLogical(s *connector.Schema) bool {
	switch s.Name {
	case connector.DecimalName, connector.DateName, connector.TimeName, connector.TimestampName:
		return true
	}
	return false
}

func (g *pbGen) dataType(s *connector.Schema, fieldName string, params *[][2]string) (string, error) {
	switch s.Name {
	case connector.DecimalName:
		if p, ok := s.Parameters[pbConnectPrecProp]; ok {
			*params = append(*params, [2]string{pbPrecisionProp, p})
		}
		if p, ok := s.Parameters[connector.DecimalScaleParam]; ok {
			*params = append(*params, [2]string{pbScaleProp, p})
		}
		return pbDecimalType, nil
	case connector.DateName:
		return pbDateType, nil
	case connector.TimeName:
		return pbTimeType, nil
	case connector.TimestampName:
		return pbTimestampType, nil
	}
	if _, ok := s.Parameters[pbEnumParam]; ok {
		return "", fmt.Errorf("protobuf enum schemas (%s) are not supported", pbEnumParam)
	}
	switch s.Type {
	case connector.TypeInt8:
		*params = append(*params, [2]string{pbConnectType, "int8"})
		return "int32", nil
	case connector.TypeInt16:
		*params = append(*params, [2]string{pbConnectType, "int16"})
		return "int32", nil
	case connector.TypeInt32, connector.TypeInt64:
		if t, ok := s.Parameters[pbTypeParam]; ok {
			k := pbKindByName[t]
			if k == pbInvalid || k == pbMessage || (s.Type == connector.TypeInt32) != pbIs32(k) {
				return "", fmt.Errorf("invalid %s parameter %q for %v", pbTypeParam, t, s.Type)
			}
			return t, nil
		}
		if s.Type == connector.TypeInt32 {
			return "int32", nil
		}
		return "int64", nil
	case connector.TypeFloat32:
		return "float", nil
	case connector.TypeFloat64:
		return "double", nil
	case connector.TypeBoolean:
		return "bool", nil
	case connector.TypeString:
		return "string", nil
	case connector.TypeBytes:
		return "bytes", nil
	case connector.TypeArray:
		return "", fmt.Errorf("Array cannot be nested")
	case connector.TypeMap:
		if s.KeySchema == nil || s.ValueSchema == nil {
			return "", fmt.Errorf("map schema without key or value schema")
		}
		return pbToMapEntry(g.unqualified(s.Name)), nil
	case connector.TypeStruct:
		name := g.unqualified(s.Name)
		if name == fieldName {
			name += "Message"
		}
		return name, nil
	}
	return "", fmt.Errorf("Unknown schema type: %v", s.Type)
}

// pbIs32 reports whether a scalar kind is read into Connect's INT32 (ProtobufData:
// int32/sint32/sfixed32; the unsigned 32-bit kinds are INT64).
func pbIs32(k pbKind) bool { return k == pbInt32 || k == pbSint32 || k == pbSfixed32 }

// pbToMapEntry is ProtobufSchema.toMapEntry: lower_underscore names become UpperCamel, then
// the suffix "Entry".
func pbToMapEntry(s string) string {
	if strings.Contains(s, "_") {
		var b strings.Builder
		for _, w := range strings.Split(s, "_") {
			if w == "" {
				continue
			}
			b.WriteString(strings.ToUpper(w[:1]) + strings.ToLower(w[1:]))
		}
		s = b.String()
	}
	return s + "Entry"
}

// pbToMapField is ProtobufSchema.toMapField: the entry name without "Entry", UpperCamel to
// lower_underscore.
func pbToMapField(s string) string {
	if !strings.HasSuffix(s, "Entry") {
		return s
	}
	s = strings.TrimSuffix(s, "Entry")
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (m *pbMsgDef) write(b *strings.Builder, indent string) {
	if len(m.fields) == 0 && len(m.nested) == 0 {
		b.WriteString(indent + "message " + m.name + " {}\n")
		return
	}
	b.WriteString(indent + "message " + m.name + " {\n")
	in := indent + "  "
	for _, f := range m.fields {
		b.WriteString(in)
		if f.label != "" {
			b.WriteString(f.label + " ")
		}
		fmt.Fprintf(b, "%s %s = %d", f.typ, f.name, f.num)
		if len(f.params) > 0 {
			b.WriteString(" [(confluent.field_meta) = {\n" + in + "  params: [\n")
			for i, p := range f.params {
				k, v := "key: "+strconv.Quote(p[0]), "value: "+strconv.Quote(p[1])
				if f.typ == pbDecimalType {
					// Java prints a Decimal's precision/scale entries value first (as
					// Confluent's ProtobufData 8.5 gives them: see the Protobuf goldens),
					// connect.type entries key first.
					k, v = v, k
				}
				b.WriteString(in + "    {\n" + in + "      " + k + ",\n" + in + "      " + v + "\n" + in + "    }")
				if i < len(f.params)-1 {
					b.WriteByte(',')
				}
				b.WriteByte('\n')
			}
			b.WriteString(in + "  ]\n" + in + "}]")
		}
		b.WriteString(";\n")
	}
	// Wire's MessageElement.toSchema: one blank line before the nested types, none between
	// them; appendIndented indents that blank line too.
	if len(m.nested) > 0 {
		b.WriteString(indent + "\n")
	}
	for _, n := range m.nested {
		n.write(b, in)
	}
	b.WriteString(indent + "}\n")
}

// --- the protobuf binary encoding of Connect values ---

type pbKind uint8

const (
	pbInvalid pbKind = iota
	pbDouble
	pbFloat
	pbInt64
	pbUint64
	pbInt32
	pbFixed64
	pbFixed32
	pbBool
	pbString
	pbBytes
	pbUint32
	pbSfixed32
	pbSfixed64
	pbSint32
	pbSint64
	pbMessage
)

var pbKindNames = [...]string{"invalid", "double", "float", "int64", "uint64", "int32", "fixed64", "fixed32",
	"bool", "string", "bytes", "uint32", "sfixed32", "sfixed64", "sint32", "sint64", "message"}

func (k pbKind) String() string { return pbKindNames[k] }

var pbKindByName = func() map[string]pbKind {
	m := map[string]pbKind{}
	for i, n := range pbKindNames[1 : len(pbKindNames)-1] {
		m[n] = pbKind(i + 1)
	}
	return m
}()

// pbLogical says how a message-typed field is written and read.
type pbLogical uint8

const (
	pbLScalar pbLogical = iota
	pbLStruct
	pbLMap
	pbLDecimal
	pbLDate
	pbLTime
	pbLTimestamp
	pbLWrapper // a google.protobuf wrapper (read side only)
)

// pbPlan writes the fields of one Connect struct schema.
type pbPlan struct {
	schema *connector.Schema
	fields []pbPlanField
}

type pbPlanField struct {
	name     string
	num      protowire.Number
	repeated bool // an ARRAY
	logical  pbLogical
	kind     pbKind
	msg      *pbPlan      // pbLStruct
	key, val *pbPlanField // pbLMap
}

func newPBPlan(s *connector.Schema) (*pbPlan, error) {
	p := &pbPlan{schema: s}
	index := 1
	for _, f := range s.Fields {
		num, err := pbFieldNumber(f.Schema, &index)
		if err != nil {
			return nil, err
		}
		pf, err := newPBPlanField(f.Name, protowire.Number(num), f.Schema)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		p.fields = append(p.fields, *pf)
	}
	return p, nil
}

func newPBPlanField(name string, num protowire.Number, s *connector.Schema) (*pbPlanField, error) {
	f := &pbPlanField{name: name, num: num}
	if s.Type == connector.TypeArray {
		f.repeated = true
		s = s.ValueSchema
		if s == nil || s.Type == connector.TypeArray {
			return nil, fmt.Errorf("Array cannot be nested")
		}
	}
	switch s.Name {
	case connector.DecimalName:
		f.logical = pbLDecimal
		return f, nil
	case connector.DateName:
		f.logical = pbLDate
		return f, nil
	case connector.TimeName:
		f.logical = pbLTime
		return f, nil
	case connector.TimestampName:
		f.logical = pbLTimestamp
		return f, nil
	}
	switch s.Type {
	case connector.TypeStruct:
		f.logical = pbLStruct
		m, err := newPBPlan(s)
		if err != nil {
			return nil, err
		}
		f.msg = m
	case connector.TypeMap:
		f.logical = pbLMap
		var err error
		if f.key, err = newPBPlanField("key", 1, s.KeySchema); err != nil {
			return nil, err
		}
		if f.val, err = newPBPlanField("value", 2, s.ValueSchema); err != nil {
			return nil, err
		}
	case connector.TypeInt8, connector.TypeInt16:
		f.kind = pbInt32
	case connector.TypeInt32:
		f.kind = pbInt32
		if t, ok := s.Parameters[pbTypeParam]; ok {
			f.kind = pbKindByName[t]
		}
	case connector.TypeInt64:
		f.kind = pbInt64
		if t, ok := s.Parameters[pbTypeParam]; ok {
			f.kind = pbKindByName[t]
		}
	case connector.TypeFloat32:
		f.kind = pbFloat
	case connector.TypeFloat64:
		f.kind = pbDouble
	case connector.TypeBoolean:
		f.kind = pbBool
	case connector.TypeString:
		f.kind = pbString
	case connector.TypeBytes:
		f.kind = pbBytes
	default:
		return nil, fmt.Errorf("Unknown schema type: %v", s.Type)
	}
	return f, nil
}

func (p *pbPlan) appendStruct(b []byte, st *connector.Struct) ([]byte, error) {
	if st.Schema() != p.schema && !st.Schema().Equal(p.schema) {
		return nil, fmt.Errorf("Mismatching struct schema")
	}
	for i := range p.fields {
		f := &p.fields[i]
		v, err := st.Get(f.name)
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue // ProtobufData: missing values are not set
		}
		if b, err = f.append(b, v); err != nil {
			return nil, fmt.Errorf("field %s: %w", f.name, err)
		}
	}
	return b, nil
}

func (f *pbPlanField) append(b []byte, v any) ([]byte, error) {
	if f.repeated {
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("Invalid type for ARRAY: %T", v)
		}
		if len(list) == 0 {
			return b, nil
		}
		if f.logical == pbLScalar && f.kind != pbString && f.kind != pbBytes {
			// proto3 packs repeated numeric scalars.
			b = protowire.AppendTag(b, f.num, protowire.BytesType)
			start := len(b)
			b = append(b, 0)
			for _, e := range list {
				if e == nil {
					return nil, fmt.Errorf("null element in an array")
				}
				var err error
				if b, err = appendPBScalarValue(b, f.kind, e); err != nil {
					return nil, err
				}
			}
			return pbEndLen(b, start), nil
		}
		for _, e := range list {
			if e == nil {
				return nil, fmt.Errorf("null element in an array")
			}
			var err error
			if b, err = f.appendOne(b, e, true); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	if f.logical == pbLMap {
		return b, eachPBMapEntry(v, func(k, e any) error {
			b = protowire.AppendTag(b, f.num, protowire.BytesType)
			start := len(b)
			b = append(b, 0)
			var err error
			if k != nil {
				if b, err = f.key.appendOne(b, k, false); err != nil {
					return err
				}
			}
			if e != nil {
				if b, err = f.val.appendOne(b, e, false); err != nil {
					return err
				}
			}
			b = pbEndLen(b, start)
			return nil
		})
	}
	return f.appendOne(b, v, false)
}

// eachPBMapEntry visits a map value's entries: string keys sorted, so that equal maps give
// equal bytes; other keys in Go's map order (Java's HashMap has an order of its own).
func eachPBMapEntry(v any, fn func(k, e any) error) error {
	switch m := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if err := fn(k, m[k]); err != nil {
				return err
			}
		}
	case map[any]any:
		for k, e := range m {
			if err := fn(k, e); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("Invalid type for MAP: %T", v)
	}
	return nil
}

// pbEndLen fills in the length of a nested message begun at b[start] (one byte reserved).
func pbEndLen(b []byte, start int) []byte {
	n := len(b) - start - 1
	if n < 0x80 {
		b[start] = byte(n)
		return b
	}
	sz := protowire.SizeVarint(uint64(n))
	b = append(b, make([]byte, sz-1)...)
	copy(b[start+sz:], b[start+1:start+1+n])
	protowire.AppendVarint(b[start:start], uint64(n))
	return b
}

// appendOne writes one value of the field; force writes scalar zero values too (repeated
// elements). Messages are always written, even when empty.
func (f *pbPlanField) appendOne(b []byte, v any, force bool) ([]byte, error) {
	if f.logical == pbLScalar {
		return appendPBScalar(b, f.num, f.kind, v, force)
	}
	b = protowire.AppendTag(b, f.num, protowire.BytesType)
	start := len(b)
	b = append(b, 0)
	var err error
	switch f.logical {
	case pbLStruct:
		st, ok := v.(*connector.Struct)
		if !ok {
			return nil, fmt.Errorf("Invalid type for STRUCT: %T", v)
		}
		b, err = f.msg.appendStruct(b, st)
	case pbLDecimal:
		d, ok := v.(connector.Decimal)
		if !ok {
			return nil, fmt.Errorf("Invalid type for Decimal, expected Decimal but was %T", v)
		}
		b = appendPBDecimal(b, d)
	case pbLDate:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("Invalid type for Date, expected Date but was %T", v)
		}
		if _, err := dateFromLogical(t); err != nil {
			return nil, err
		}
		t = t.UTC()
		b = appendPBInt(b, 1, int64(t.Year()))
		b = appendPBInt(b, 2, int64(t.Month()))
		b = appendPBInt(b, 3, int64(t.Day()))
	case pbLTime:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("Invalid type for Time, expected Date but was %T", v)
		}
		ms := t.UnixMilli()
		if ms < 0 || ms > 86400000 {
			return nil, fmt.Errorf("Time values must use number of millis greater than 0 and less than 86400000")
		}
		b = appendPBInt(b, 1, ms/3600000%24)
		b = appendPBInt(b, 2, ms/60000%60)
		b = appendPBInt(b, 3, ms/1000%60)
		b = appendPBInt(b, 4, ms%1000*1000000)
	case pbLTimestamp:
		t, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("Invalid type for Timestamp, expected Date but was %T", v)
		}
		ms := t.UnixMilli()
		sec, rem := ms/1000, ms%1000
		if rem < 0 {
			sec, rem = sec-1, rem+1000
		}
		b = appendPBInt(b, 1, sec)
		b = appendPBInt(b, 2, rem*1000000)
	}
	if err != nil {
		return nil, err
	}
	return pbEndLen(b, start), nil
}

// appendPBInt writes a non-zero varint field (int32/int64 semantics).
func appendPBInt(b []byte, num protowire.Number, v int64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}

// appendPBDecimal is DecimalUtils.fromBigDecimal: value (two's complement big-endian
// unscaled), precision (digits of the unscaled value) and scale.
func appendPBDecimal(b []byte, d connector.Decimal) []byte {
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendBytes(b, decimalBytes(d))
	prec := 1
	if d.Unscaled != nil && d.Unscaled.Sign() != 0 {
		prec = len(new(big.Int).Abs(d.Unscaled).String())
	}
	b = appendPBInt(b, 2, int64(prec))
	return appendPBInt(b, 3, int64(d.Scale))
}

func appendPBScalar(b []byte, num protowire.Number, k pbKind, v any, force bool) ([]byte, error) {
	if !force && pbIsZero(v) {
		if _, err := appendPBScalarValue(nil, k, v); err != nil {
			return nil, err
		}
		return b, nil
	}
	var wt protowire.Type
	switch k {
	case pbDouble, pbFixed64, pbSfixed64:
		wt = protowire.Fixed64Type
	case pbFloat, pbFixed32, pbSfixed32:
		wt = protowire.Fixed32Type
	case pbString, pbBytes:
		wt = protowire.BytesType
	default:
		wt = protowire.VarintType
	}
	b = protowire.AppendTag(b, num, wt)
	return appendPBScalarValue(b, k, v)
}

func pbIsZero(v any) bool {
	switch x := v.(type) {
	case int8:
		return x == 0
	case int16:
		return x == 0
	case int32:
		return x == 0
	case int64:
		return x == 0
	case float32:
		return x == 0 && !math.Signbit(float64(x))
	case float64:
		return x == 0 && !math.Signbit(x)
	case bool:
		return !x
	case string:
		return x == ""
	case []byte:
		return len(x) == 0
	}
	return false
}

func pbInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case int:
		return int64(x), true
	}
	return 0, false
}

func pbFloatOf(v any) (float64, bool) {
	switch x := v.(type) {
	case float32:
		return float64(x), true
	case float64:
		return x, true
	}
	if i, ok := pbInt(v); ok {
		return float64(i), true
	}
	return 0, false
}

// appendPBScalarValue writes the value of a scalar (no tag).
func appendPBScalarValue(b []byte, k pbKind, v any) ([]byte, error) {
	switch k {
	case pbDouble, pbFloat:
		f, ok := pbFloatOf(v)
		if !ok {
			return nil, fmt.Errorf("Invalid type for %s: %T", k, v)
		}
		if k == pbFloat {
			return protowire.AppendFixed32(b, math.Float32bits(float32(f))), nil
		}
		return protowire.AppendFixed64(b, math.Float64bits(f)), nil
	case pbBool:
		x, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("Invalid type for BOOLEAN: %T", v)
		}
		return protowire.AppendVarint(b, protowire.EncodeBool(x)), nil
	case pbString:
		x, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("Invalid type for STRING: %T", v)
		}
		return protowire.AppendString(b, x), nil
	case pbBytes:
		x, ok := v.([]byte)
		if !ok {
			return nil, fmt.Errorf("Invalid type for BYTES: %T", v)
		}
		return protowire.AppendBytes(b, x), nil
	}
	i, ok := pbInt(v)
	if !ok {
		return nil, fmt.Errorf("Invalid type for %s: %T", k, v)
	}
	switch k {
	case pbInt32, pbInt64, pbUint64:
		if k == pbInt32 {
			i = int64(int32(i))
		}
		return protowire.AppendVarint(b, uint64(i)), nil
	case pbUint32:
		return protowire.AppendVarint(b, uint64(uint32(i))), nil
	case pbSint32, pbSint64:
		return protowire.AppendVarint(b, protowire.EncodeZigZag(i)), nil
	case pbFixed32, pbSfixed32:
		return protowire.AppendFixed32(b, uint32(i)), nil
	case pbFixed64, pbSfixed64:
		return protowire.AppendFixed64(b, uint64(i)), nil
	}
	return nil, fmt.Errorf("unsupported protobuf type %s", k)
}

// --- ToConnect ---

// ToConnect is toConnectData: nil bytes give a null schema and value.
func (c *ProtobufConverter) ToConnect(topic string, _ connector.Headers, b []byte) (*connector.Schema, any, error) {
	if b == nil {
		return nil, nil, nil
	}
	prefix := fmt.Sprintf("Failed to deserialize data for topic %s to Protobuf", topic)
	if len(b) < 5 || b[0] != 0 {
		return nil, nil, dataErr("%s: Unknown magic byte!", prefix)
	}
	id := int32(binary.BigEndian.Uint32(b[1:5]))
	idx, n, err := readPBIndexes(b[5:])
	if err != nil {
		return nil, nil, dataErr("%s: %v", prefix, err)
	}
	r, err := c.readerFor(id, idx)
	if err != nil {
		if connector.IsRetriable(err) {
			return nil, nil, connector.Retriable(fmt.Errorf("%s: Error retrieving Protobuf schema for id %d: %w", prefix, id, err))
		}
		return nil, nil, dataErr("%s: Error retrieving Protobuf schema for id %d: %v", prefix, id, err)
	}
	v, err := r.decode(b[5+n:])
	if err != nil {
		return nil, nil, dataErr("%s: %v", prefix, err)
	}
	return r.schema, v, nil
}

// readPBIndexes reads the message-index path: a zigzag count (0 means [0]) and the indexes.
func readPBIndexes(b []byte) ([]int, int, error) {
	cnt, n := binary.Varint(b)
	if n <= 0 || cnt < 0 || cnt > 64 {
		return nil, 0, fmt.Errorf("invalid message indexes")
	}
	if cnt == 0 {
		return []int{0}, n, nil
	}
	idx := make([]int, cnt)
	for i := range idx {
		x, m := binary.Varint(b[n:])
		if m <= 0 || x < 0 {
			return nil, 0, fmt.Errorf("invalid message indexes")
		}
		idx[i], n = int(x), n+m
	}
	return idx, n, nil
}

func (c *ProtobufConverter) readerFor(id int32, idx []int) (*pbIn, error) {
	key := pbReaderKey{id: id, index: fmt.Sprint(idx)}
	if r, ok := c.readers.get(key); ok {
		return r, nil
	}
	f, ok := c.fromPB.get(id)
	if !ok {
		ctx, cancel := c.ctx()
		defer cancel()
		text, err := c.registry.SchemaByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if f, err = parseProto(text); err != nil {
			return nil, err
		}
	}
	m, err := f.messageAt(idx)
	if err != nil {
		return nil, err
	}
	r, err := newPBIn(m, map[*pbMsgNode]bool{})
	if err != nil {
		return nil, err
	}
	r.root = true
	if r.wrapped != pbInvalid {
		r.schema = pbPrimitiveSchema(r.wrapped).build(false)
	}
	c.fromPB.put(id, f)
	c.readers.put(key, r)
	return r, nil
}

// pbIn reads one message type into Connect data.
type pbIn struct {
	schema  *connector.Schema
	fields  []*pbInField
	byNum   map[protowire.Number]*pbInField
	root    bool
	wrapped pbKind // a google.protobuf wrapper: the kind of its value
	logical pbLogical
}

type pbInField struct {
	index    int
	name     string
	num      protowire.Number
	kind     pbKind
	logical  pbLogical
	repeated bool
	presence bool // proto3 optional
	connect  connector.Type
	msg      *pbIn
	schema   *connector.Schema // the field's Connect schema
	elem     *connector.Schema // the element schema of a repeated non-map field
	unsigned bool              // uint32/fixed32 read into INT64
}

func newPBIn(m *pbMsgNode, seen map[*pbMsgNode]bool) (*pbIn, error) {
	r := &pbIn{byNum: map[protowire.Number]*pbInField{}}
	if m.wellKnown != "" {
		switch m.wellKnown {
		case pbDecimalType:
			r.logical = pbLDecimal
		case pbDateType:
			r.logical = pbLDate
		case pbTimeType:
			r.logical = pbLTime
		case pbTimestampType:
			r.logical = pbLTimestamp
		default:
			for _, w := range pbWrappers {
				if m.wellKnown == "google.protobuf."+w.name {
					r.logical, r.wrapped = pbLWrapper, w.kind
				}
			}
		}
		return r, nil
	}
	if m.full != "" {
		for _, w := range pbWrappers {
			if m.full == "google.protobuf."+w.name && len(m.fields) == 1 && m.fields[0].num == 1 {
				r.wrapped = pbKindByName[m.fields[0].typ]
			}
		}
	}
	if seen[m] {
		return nil, fmt.Errorf("recursive message %s is not supported", m.full)
	}
	seen[m] = true
	defer delete(seen, m)
	if m.oneofs > 0 {
		return nil, fmt.Errorf("message %s: oneof is not supported", m.full)
	}
	sb := connector.StructBuilder().SetName(m.name)
	for i, fd := range m.fields {
		f, err := newPBInField(fd, seen)
		if err != nil {
			return nil, fmt.Errorf("message %s: field %s: %w", m.full, fd.name, err)
		}
		f.index = i
		sb.Field(fd.name, f.schema)
		r.fields = append(r.fields, f)
		r.byNum[f.num] = f
	}
	s, err := sb.Build()
	if err != nil {
		return nil, err
	}
	r.schema = s
	return r, nil
}

type pbSchemaSpec struct {
	t      connector.Type
	params map[string]string
}

func pbPrimitiveSchema(k pbKind) pbSchemaSpec {
	switch k {
	case pbInt32, pbSint32, pbSfixed32:
		return pbSchemaSpec{t: connector.TypeInt32}
	case pbUint32, pbFixed32, pbInt64, pbUint64, pbSint64, pbFixed64, pbSfixed64:
		return pbSchemaSpec{t: connector.TypeInt64}
	case pbFloat:
		return pbSchemaSpec{t: connector.TypeFloat32}
	case pbDouble:
		return pbSchemaSpec{t: connector.TypeFloat64}
	case pbBool:
		return pbSchemaSpec{t: connector.TypeBoolean}
	case pbString:
		return pbSchemaSpec{t: connector.TypeString}
	}
	return pbSchemaSpec{t: connector.TypeBytes}
}

func (p pbSchemaSpec) build(optional bool) *connector.Schema {
	sb := connector.NewSchemaBuilder(p.t)
	for k, v := range p.params {
		sb.SetParameter(k, v)
	}
	if optional {
		sb.Optional()
	}
	return sb.MustBuild()
}

func newPBInField(fd *pbFieldNode, seen map[*pbMsgNode]bool) (*pbInField, error) {
	f := &pbInField{name: fd.name, num: protowire.Number(fd.num), repeated: fd.label == "repeated", presence: fd.label == "optional"}
	var sb *connector.SchemaBuilder
	if fd.msg == nil {
		f.kind = pbKindByName[fd.typ]
		if f.kind == pbInvalid {
			return nil, fmt.Errorf("unsupported type %s", fd.typ)
		}
		spec := pbPrimitiveSchema(f.kind)
		sb = connector.NewSchemaBuilder(spec.t)
		switch {
		case spec.t == connector.TypeInt32 && fd.params[pbConnectType] == "int8":
			sb = connector.NewSchemaBuilder(connector.TypeInt8)
		case spec.t == connector.TypeInt32 && fd.params[pbConnectType] == "int16":
			sb = connector.NewSchemaBuilder(connector.TypeInt16)
		case (spec.t == connector.TypeInt32 && f.kind != pbInt32) || (spec.t == connector.TypeInt64 && f.kind != pbInt64):
			sb.SetParameter(pbTypeParam, f.kind.String())
		}
		f.unsigned = f.kind == pbUint32 || f.kind == pbFixed32
		f.connect = sb.MustBuild().Type
	} else {
		f.kind = pbMessage
		r, err := newPBIn(fd.msg, seen)
		if err != nil {
			return nil, err
		}
		f.msg = r
		f.logical = r.logical
		switch {
		case r.logical == pbLDecimal:
			scale, _ := strconv.Atoi(fd.params[pbScaleProp])
			sb = connector.DecimalSchema(int32(scale))
			if p, ok := fd.params[pbPrecisionProp]; ok {
				if _, err := strconv.Atoi(p); err == nil {
					sb.SetParameter(pbConnectPrecProp, p)
				}
			}
		case r.logical == pbLDate:
			sb = connector.DateSchema()
		case r.logical == pbLTime:
			sb = connector.TimeSchema()
		case r.logical == pbLTimestamp:
			sb = connector.TimestampSchema()
		case r.logical == pbLWrapper:
			// wrapper.for.nullables=false: a wrapper is a struct with one field "value".
			f.logical = pbLStruct
			vs := pbPrimitiveSchema(r.wrapped).build(true)
			name := fd.msg.name
			st := connector.StructBuilder().SetName(name).Field("value", connector.NewSchemaBuilder(vs.Type).Optional().SetParameter(pbTagParam, "1").MustBuild())
			r.schema = st.MustBuild()
			r.fields = []*pbInField{{name: "value", num: 1, kind: r.wrapped, connect: vs.Type, schema: r.schema.Fields[0].Schema}}
			r.byNum = map[protowire.Number]*pbInField{1: r.fields[0]}
			r.logical = pbLStruct
			sb = pbBuilderOf(r.schema)
		case f.repeated && fd.msg.isMapEntry():
			f.logical = pbLMap
			f.repeated = false
			k, v := r.fields[0].schema, r.fields[1].schema
			sb = connector.MapBuilder(k, v).SetName(pbToMapField(fd.msg.name))
		default:
			f.logical = pbLStruct
			sb = pbBuilderOf(r.schema)
		}
	}
	if f.repeated {
		elem := sb.Optional().MustBuild()
		f.elem = elem
		sb = connector.ArrayBuilder(elem)
	}
	sb.Optional()
	sb.SetParameter(pbTagParam, strconv.Itoa(fd.num))
	s, err := sb.Build()
	if err != nil {
		return nil, err
	}
	f.schema = s
	if f.logical == pbLStruct {
		// ProtobufData builds a nested Struct with the field's own schema.
		f.msg.schema = s
		if f.repeated {
			f.msg.schema = f.elem
		}
	}
	return f, nil
}

// pbBuilderOf returns a builder holding a copy of a built struct schema.
func pbBuilderOf(s *connector.Schema) *connector.SchemaBuilder {
	sb := connector.StructBuilder().SetName(s.Name)
	for _, f := range s.Fields {
		sb.Field(f.Name, f.Schema)
	}
	return sb
}

// decode reads a message's bytes into its Connect value.
func (r *pbIn) decode(b []byte) (any, error) {
	if r.root && r.wrapped != pbInvalid {
		v := pbZero(r.wrapped, pbPrimitiveSchema(r.wrapped).t)
		for len(b) > 0 {
			num, typ, n := protowire.ConsumeTag(b)
			if n < 0 {
				return nil, protowire.ParseError(n)
			}
			b = b[n:]
			if num == 1 {
				x, m, err := pbReadScalar(b, typ, r.wrapped, pbPrimitiveSchema(r.wrapped).t, false)
				if err != nil {
					return nil, err
				}
				v, b = x, b[m:]
				continue
			}
			m := protowire.ConsumeFieldValue(num, typ, b)
			if m < 0 {
				return nil, protowire.ParseError(m)
			}
			b = b[m:]
		}
		return v, nil
	}
	switch r.logical {
	case pbLDecimal, pbLDate, pbLTime, pbLTimestamp:
		return r.decodeLogical(b)
	}
	vals := make([]any, len(r.fields))
	set := make([]bool, len(r.fields))
	var msgBytes map[int][]byte
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, protowire.ParseError(n)
		}
		b = b[n:]
		f := r.byNum[num]
		if f == nil {
			m := protowire.ConsumeFieldValue(num, typ, b)
			if m < 0 {
				return nil, protowire.ParseError(m)
			}
			b = b[m:]
			continue
		}
		if f.kind == pbMessage {
			if typ != protowire.BytesType {
				return nil, fmt.Errorf("field %s: wire type %d for a message", f.name, typ)
			}
			data, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return nil, protowire.ParseError(m)
			}
			b = b[m:]
			if f.repeated || f.logical == pbLMap {
				v, err := f.decodeElement(data)
				if err != nil {
					return nil, err
				}
				vals[f.index] = pbAppendElem(vals[f.index], f, v)
			} else {
				if msgBytes == nil {
					msgBytes = map[int][]byte{}
				}
				msgBytes[f.index] = append(msgBytes[f.index], data...) // messages merge
			}
			set[f.index] = true
			continue
		}
		if f.repeated && typ == protowire.BytesType && f.kind != pbString && f.kind != pbBytes {
			data, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return nil, protowire.ParseError(m)
			}
			b = b[m:]
			wt := protowire.VarintType
			switch f.kind {
			case pbDouble, pbFixed64, pbSfixed64:
				wt = protowire.Fixed64Type
			case pbFloat, pbFixed32, pbSfixed32:
				wt = protowire.Fixed32Type
			}
			for len(data) > 0 {
				x, k, err := pbReadScalar(data, wt, f.kind, f.elem.Type, f.unsigned)
				if err != nil {
					return nil, fmt.Errorf("field %s: %w", f.name, err)
				}
				data = data[k:]
				vals[f.index] = pbAppendElem(vals[f.index], f, x)
			}
			set[f.index] = true
			continue
		}
		x, m, err := pbReadScalar(b, typ, f.kind, f.connect, f.unsigned)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.name, err)
		}
		b = b[m:]
		if f.repeated {
			vals[f.index] = pbAppendElem(vals[f.index], f, x)
		} else {
			vals[f.index] = x
		}
		set[f.index] = true
	}
	st, err := connector.NewStruct(r.schema)
	if err != nil {
		return nil, err
	}
	for _, f := range r.fields {
		v := vals[f.index]
		if data, ok := msgBytes[f.index]; ok {
			if v, err = f.msg.decode(data); err != nil {
				return nil, fmt.Errorf("field %s: %w", f.name, err)
			}
		}
		if !set[f.index] {
			// setStructField: scalars and repeated fields without presence read as their
			// defaults; absent messages and unset optional fields stay null.
			switch {
			case f.presence:
				continue
			case f.logical == pbLMap:
				if f.schema.KeySchema.Type == connector.TypeString {
					v = map[string]any{}
				} else {
					v = map[any]any{}
				}
			case f.repeated:
				v = []any{}
			case f.kind == pbMessage:
				continue
			default:
				v = pbZero(f.kind, f.connect)
			}
		}
		if err := st.Put(f.name, v); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// decodeElement reads one repeated message: a map entry ([key, value]) or a struct.
func (f *pbInField) decodeElement(data []byte) (any, error) {
	if f.logical != pbLMap {
		return f.msg.decode(data)
	}
	v, err := f.msg.decode(data)
	if err != nil {
		return nil, err
	}
	st := v.(*connector.Struct)
	k, _ := st.Get("key")
	e, _ := st.Get("value")
	return [2]any{k, e}, nil
}

func pbAppendElem(cur any, f *pbInField, v any) any {
	if f.logical == pbLMap {
		kv := v.([2]any)
		if f.schema.KeySchema.Type == connector.TypeString {
			m, _ := cur.(map[string]any)
			if m == nil {
				m = map[string]any{}
			}
			k, _ := kv[0].(string)
			m[k] = kv[1]
			return m
		}
		m, _ := cur.(map[any]any)
		if m == nil {
			m = map[any]any{}
		}
		m[kv[0]] = kv[1]
		return m
	}
	l, _ := cur.([]any)
	return append(l, v)
}

func (r *pbIn) decodeLogical(b []byte) (any, error) {
	var ints [5]int64
	var value []byte
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, protowire.ParseError(n)
		}
		b = b[n:]
		switch {
		case r.logical == pbLDecimal && num == 1 && typ == protowire.BytesType:
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return nil, protowire.ParseError(m)
			}
			value, b = v, b[m:]
		case num >= 1 && num <= 4 && typ == protowire.VarintType:
			v, m := protowire.ConsumeVarint(b)
			if m < 0 {
				return nil, protowire.ParseError(m)
			}
			ints[num] = int64(v)
			if r.logical != pbLTimestamp || num != 1 {
				ints[num] = int64(int32(v))
			}
			b = b[m:]
		default:
			m := protowire.ConsumeFieldValue(num, typ, b)
			if m < 0 {
				return nil, protowire.ParseError(m)
			}
			b = b[m:]
		}
	}
	switch r.logical {
	case pbLDecimal:
		return decimalFromBytes(value, int32(ints[3])), nil
	case pbLDate:
		y, mo, d := int(ints[1]), int(ints[2]), int(ints[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if mo < 1 || mo > 12 || d < 1 || t.Day() != d {
			return nil, fmt.Errorf("invalid date %04d-%02d-%02d", y, mo, d)
		}
		return t, nil
	case pbLTime:
		h, mi, s, ns := ints[1], ints[2], ints[3], ints[4]
		if h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || ns < 0 || ns > 999999999 {
			return nil, fmt.Errorf("invalid time of day %02d:%02d:%02d.%09d", h, mi, s, ns)
		}
		return time.UnixMilli(((h*60+mi)*60+s)*1000 + ns/1000000).UTC(), nil
	default:
		return time.UnixMilli(ints[1]*1000 + ints[2]/1000000).UTC(), nil
	}
}

func pbZero(k pbKind, t connector.Type) any {
	switch k {
	case pbString:
		return ""
	case pbBytes:
		return []byte{}
	case pbBool:
		return false
	}
	v, _ := pbConvert(0, 0, t)
	return v
}

func pbConvert(i int64, f float64, t connector.Type) (any, error) {
	switch t {
	case connector.TypeInt8:
		return int8(i), nil
	case connector.TypeInt16:
		return int16(i), nil
	case connector.TypeInt32:
		return int32(i), nil
	case connector.TypeInt64:
		return i, nil
	case connector.TypeFloat32:
		return float32(f), nil
	case connector.TypeFloat64:
		return f, nil
	}
	return nil, fmt.Errorf("no numeric Connect type %v", t)
}

// pbReadScalar reads one scalar value of kind k, giving the Go value of Connect type t.
func pbReadScalar(b []byte, typ protowire.Type, k pbKind, t connector.Type, unsigned bool) (any, int, error) {
	switch typ {
	case protowire.VarintType:
		v, n := protowire.ConsumeVarint(b)
		if n < 0 {
			return nil, 0, protowire.ParseError(n)
		}
		var i int64
		switch k {
		case pbBool:
			return v != 0, n, nil
		case pbSint32, pbSint64:
			i = protowire.DecodeZigZag(v)
			if k == pbSint32 {
				i = int64(int32(i))
			}
		case pbInt32:
			i = int64(int32(v))
		case pbUint32:
			i = int64(uint32(v))
		case pbInt64, pbUint64:
			i = int64(v)
		default:
			return nil, 0, fmt.Errorf("wire type varint for %s", k)
		}
		x, err := pbConvert(i, 0, t)
		return x, n, err
	case protowire.Fixed32Type:
		v, n := protowire.ConsumeFixed32(b)
		if n < 0 {
			return nil, 0, protowire.ParseError(n)
		}
		switch k {
		case pbFloat:
			x, err := pbConvert(0, float64(math.Float32frombits(v)), t)
			return x, n, err
		case pbFixed32:
			x, err := pbConvert(int64(v), 0, t)
			return x, n, err
		case pbSfixed32:
			x, err := pbConvert(int64(int32(v)), 0, t)
			return x, n, err
		}
		return nil, 0, fmt.Errorf("wire type fixed32 for %s", k)
	case protowire.Fixed64Type:
		v, n := protowire.ConsumeFixed64(b)
		if n < 0 {
			return nil, 0, protowire.ParseError(n)
		}
		switch k {
		case pbDouble:
			x, err := pbConvert(0, math.Float64frombits(v), t)
			return x, n, err
		case pbFixed64, pbSfixed64:
			x, err := pbConvert(int64(v), 0, t)
			return x, n, err
		}
		return nil, 0, fmt.Errorf("wire type fixed64 for %s", k)
	case protowire.BytesType:
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return nil, 0, protowire.ParseError(n)
		}
		switch k {
		case pbString:
			return string(v), n, nil
		case pbBytes:
			return slices.Clone(v), n, nil
		}
		return nil, 0, fmt.Errorf("wire type bytes for %s", k)
	}
	_ = unsigned
	return nil, 0, fmt.Errorf("unsupported wire type %d for %s", typ, k)
}
