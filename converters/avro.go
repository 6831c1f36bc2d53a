package converters

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// AvroConverterClass is Confluent's Avro converter class name.
const AvroConverterClass = "io.confluent.connect.avro.AvroConverter"

// AvroConverter configuration keys (AbstractKafkaSchemaSerDeConfig, AvroDataConfig).
const (
	SchemaRegistryURLConfig       = "schema.registry.url"
	AutoRegisterSchemasConfig     = "auto.register.schemas"
	UseLatestVersionConfig        = "use.latest.version"
	KeySubjectNameStrategyConfig  = "key.subject.name.strategy"
	ValueSubjectNameStrategyCfg   = "value.subject.name.strategy"
	BasicAuthCredentialsSourceCfg = "basic.auth.credentials.source"
	BasicAuthUserInfoConfig       = "basic.auth.user.info"
	AvroSchemasCacheConfig        = "schemas.cache.config"
	EnhancedAvroSchemaSupportCfg  = "enhanced.avro.schema.support"
	ConnectMetaDataConfig         = "connect.meta.data"
)

// Subject name strategies (io.confluent.kafka.serializers.subject.*).
const (
	TopicNameStrategy       = "io.confluent.kafka.serializers.subject.TopicNameStrategy"
	RecordNameStrategy      = "io.confluent.kafka.serializers.subject.RecordNameStrategy"
	TopicRecordNameStrategy = "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"
)

const (
	avroNamespace         = "io.confluent.connect.avro"
	avroConnectDefault    = "ConnectDefault"
	avroDecimalPrecision  = "connect.decimal.precision"
	avroDefaultPrecision  = 64
	avroFieldDocPrefix    = "io.confluent.connect.avro.field.doc."
	avroRecordDocParam    = "io.confluent.connect.avro.record.doc"
	avroFieldDefaultFlag  = "io.confluent.connect.avro.field.default"
	avroMapEntryName      = "MapEntry"
	avroInternalTypeProp  = "connect.internal.type"
	avroBasicAuthURL      = "URL"
	avroBasicAuthUserInfo = "USER_INFO"
)

var strategies = []string{TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy}

var avroConfigDef = &connector.ConfigDef{Keys: slices.Concat([]connector.ConfigKey{converterTypeKey}, srConfigKeys, []connector.ConfigKey{
	{Name: EnhancedAvroSchemaSupportCfg, Type: connector.ConfigBoolean, Default: "false", Importance: connector.Low,
		Doc: "Toggle for enabling/disabling enhanced avro schema support: Enum symbol preservation and Package Name awareness"},
	{Name: ConnectMetaDataConfig, Type: connector.ConfigBoolean, Default: "true", Importance: connector.Low,
		Doc: "Allow connect converter to add its meta data to the output schema"},
})}

// AvroConverter is io.confluent.connect.avro.AvroConverter: Connect data in the Confluent
// wire format (magic 0, 4-byte big-endian schema id, Avro binary), with the schema
// registered in a Schema Registry. The Avro schema JSON follows AvroData.fromConnectSchema
// (connect.* props, ConnectDefault names, optional as a union with null). The binary
// encoding is Tributary's own, straight from Connect values.
//
// It is safe for concurrent use once configured.
type AvroConverter struct {
	srSerde
	metaData bool

	toAvro   *schemaCache[*connector.Schema, *avroOut]
	fromAvro *schemaCache[int32, *avroIn]
}

type avroOut struct {
	json     string
	fullName string // the record's full name, "" if not a record
}

type avroIn struct {
	node     *avroNode
	schema   *connector.Schema // nil for anything
	anything bool              // AvroData.ANYTHING_SCHEMA: schemaless data
}

// NewAvroConverter returns an unconfigured AvroConverter; Configure must be called.
func NewAvroConverter() *AvroConverter { return &AvroConverter{} }

// NewAvroConverterWithRegistry returns an AvroConverter over the given registry client
// (e.g. a fake in tests), configured from cfg except for the registry URL.
func NewAvroConverterWithRegistry(reg SchemaRegistry, cfg connector.Config) (*AvroConverter, error) {
	c := &AvroConverter{}
	if err := withRegistry(cfg, c.Configure, &c.srSerde, reg); err != nil {
		return nil, err
	}
	return c, nil
}

// ConfigDef returns the converter's keys, converter.type first.
func (c *AvroConverter) ConfigDef() *connector.ConfigDef { return avroConfigDef }

// Configure applies the converter's config (prefix stripped, converter.type set).
func (c *AvroConverter) Configure(cfg connector.Config) error {
	v, err := avroConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	if err := c.configure(v, "AVRO"); err != nil {
		return err
	}
	c.metaData = v.Bool(ConnectMetaDataConfig)
	c.toAvro = newSchemaCache[*connector.Schema, *avroOut](c.cacheMax)
	c.fromAvro = newSchemaCache[int32, *avroIn](c.cacheMax)
	return nil
}

// FromConnect is fromConnectData: the wire bytes, or nil (a tombstone) for a null value
// with a null or optional schema. As AvroData.fromConnectData (validateSchemaValue), a null
// value for a required schema fails, default or not: top-level defaults are not applied.
// Schemaless data (a nil schema) is written as AvroData does, in its Anything record (see
// avroAnythingSchema).
func (c *AvroConverter) FromConnect(topic string, _ connector.Headers, s *connector.Schema, v any) ([]byte, error) {
	if v == nil && (s == nil || s.Optional) {
		return nil, nil
	}
	if s == nil {
		return c.fromSchemaless(topic, v)
	}
	out, err := c.avroSchema(s)
	if err != nil {
		return nil, dataErr("Failed to serialize Avro data from topic %s: %v", topic, err)
	}
	if v == nil {
		return nil, dataErr("Found null value for non-optional schema")
	}
	subject, err := c.subject(topic, out.fullName)
	if err != nil {
		return nil, err
	}
	id, err := c.schemaID(subject, out.json)
	if err != nil {
		return nil, registryErr(fmt.Sprintf("Failed to serialize Avro data from topic %s", topic), subject, "Avro", err)
	}
	buf := make([]byte, 5, 64)
	binary.BigEndian.PutUint32(buf[1:], uint32(id))
	if s.Type == connector.TypeBytes && s.Name == "" && !s.Optional {
		// A plain "bytes" schema: the raw bytes follow the header.
		b, _ := v.([]byte)
		return append(buf, b...), nil
	}
	buf, err = appendAvro(buf, s, v)
	if err != nil {
		return nil, dataErr("Failed to serialize Avro data from topic %s: %v", topic, err)
	}
	return buf, nil
}

// fromSchemaless is fromConnectData for a nil Connect schema: AvroData.fromConnectSchema(null)
// is ANYTHING_SCHEMA, registered under the subject of its full name for the record
// strategies, and the value is converted (which may fail) before the registry is asked, as
// in Java.
func (c *AvroConverter) fromSchemaless(topic string, v any) ([]byte, error) {
	buf, err := appendAnything(make([]byte, 5, 64), v)
	if err != nil {
		return nil, err
	}
	subject, err := c.subject(topic, avroAnythingName)
	if err != nil {
		return nil, err
	}
	id, err := c.schemaID(subject, avroAnythingSchema)
	if err != nil {
		return nil, registryErr(fmt.Sprintf("Failed to serialize Avro data from topic %s", topic), subject, "Avro", err)
	}
	binary.BigEndian.PutUint32(buf[1:5], uint32(id))
	return buf, nil
}

func (c *AvroConverter) avroSchema(s *connector.Schema) (*avroOut, error) {
	if out, ok := c.toAvro.get(s); ok {
		return out, nil
	}
	g := newAvroGen(c.metaData)
	var b bytes.Buffer
	if err := g.schema(&b, s, "", true); err != nil {
		return nil, err
	}
	if g.clash != "" {
		// Java's AvroData registers this schema too, and then writes data its readers
		// misread: refuse it instead.
		return nil, fmt.Errorf("two different types are named %s in this schema; Avro keeps the first definition only, so the data of the second could not be read back", g.clash)
	}
	out := &avroOut{json: b.String(), fullName: g.topName}
	c.toAvro.put(s, out)
	return out, nil
}

// AvroSchemaJSON returns the Avro schema JSON that AvroData.fromConnectSchema gives for s
// (with connect.meta.data=true), as AvroSchema.canonicalString() prints it.
func AvroSchemaJSON(s *connector.Schema) (string, error) {
	g := newAvroGen(true)
	var b bytes.Buffer
	err := g.schema(&b, s, "", true)
	return b.String(), err
}

// avroGen writes the Avro schema JSON for a Connect schema exactly as Avro's
// Schema.toString() prints the schema that AvroData.fromConnectSchema builds (default
// AvroDataConfig: enhanced.avro.schema.support=false, scrub.invalid.names=false,
// allow.optional.map.keys=false, discard.type.doc.default=false):
//
//   - keys: record → type, name, namespace, doc, fields, props; field → name, type, doc,
//     default, props; array → type, items, props; map → type, values, props; a primitive
//     without props is just its name.
//   - props in insertion order (JsonProperties keeps it): Decimal's scale and precision,
//     then connect.doc, connect.version, connect.parameters, connect.default, connect.name,
//     connect.type (all only with connect.meta.data=true), then logicalType, then the
//     parameters whose names start with "avro".
//   - a named type (record) is written in full the first time its full name is met and as
//     a name reference after; "namespace" is left out when it equals the enclosing one (""
//     when the type has none inside one that has), and a reference is written relative to
//     the enclosing namespace.
//   - strings are escaped as Jackson's WriterBasedJsonGenerator escapes them; numbers are
//     printed as Java prints them.
type avroGen struct {
	meta    bool
	counter int               // FromConnectContext.nameIndex: ConnectDefault, ConnectDefault2, …
	structs []avroStructName  // AvroData's schemaMap, for struct schemas: converted → full name
	known   map[string]bool   // full names already written (Avro toString's knownNames)
	shapes  map[string]string // full name → avroShape of its first definition
	clash   string            // a full name defined twice with different wire shapes
	seen    map[string]bool   // FromConnectContext.seenNamedTypes: Connect names of record fields
	topName string            // the full name of a top-level record (AvroSchema.name())
}

type avroStructName struct {
	schema *connector.Schema // non-optional
	full   string
}

func newAvroGen(meta bool) *avroGen {
	return &avroGen{meta: meta, known: map[string]bool{}, seen: map[string]bool{}, shapes: map[string]string{}}
}

// avroStr writes s as a JSON string the way Jackson's WriterBasedJsonGenerator (Avro's
// Schema.toString and ObjectMapper.writeValueAsString) does: like writeJSONString, except
// that characters outside the BMP are written as they are.
func avroStr(b *bytes.Buffer, s string) {
	if !strings.ContainsFunc(s, func(r rune) bool { return r > 0xFFFF }) {
		writeJSONString(b, s)
		return
	}
	var tmp bytes.Buffer
	start := 0
	b.WriteByte('"')
	for i, r := range s {
		if r > 0xFFFF {
			tmp.Reset()
			writeJSONString(&tmp, s[start:i])
			b.Write(tmp.Bytes()[1 : tmp.Len()-1])
			b.WriteRune(r)
			start = i + utf8.RuneLen(r)
		}
	}
	tmp.Reset()
	writeJSONString(&tmp, s[start:])
	b.Write(tmp.Bytes()[1 : tmp.Len()-1])
	b.WriteByte('"')
}

// avroProp is one schema property, its value already JSON.
type avroProp struct {
	key string
	val []byte
}

func textJSON(s string) []byte {
	var b bytes.Buffer
	avroStr(&b, s)
	return b.Bytes()
}

func writeProps(b *bytes.Buffer, props []avroProp) {
	for _, p := range props {
		b.WriteByte(',')
		avroStr(b, p.key)
		b.WriteByte(':')
		b.Write(p.val)
	}
}

// orderedParams returns the keys of a Connect schema's parameters in the order Tributary
// assumes Java's LinkedHashMap had them: Connect keeps insertion order, which a Go map
// loses, so the keys are sorted, except that Decimal's "scale" (set by Decimal.builder
// before anything else) comes first.
func orderedParams(s *connector.Schema) []string {
	keys := make([]string, 0, len(s.Parameters))
	for k := range s.Parameters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if s.Name == connector.DecimalName {
		if i := slices.Index(keys, connector.DecimalScaleParam); i > 0 {
			copy(keys[1:i+1], keys[:i])
			keys[0] = connector.DecimalScaleParam
		}
	}
	return keys
}

// avroParamsJSON is parametersFromConnect: the parameters as an object, without the
// io.confluent.connect.avro.field.default flag; nil when that leaves none.
func avroParamsJSON(s *connector.Schema) []byte {
	var b bytes.Buffer
	n := 0
	for _, k := range orderedParams(s) {
		if k == avroFieldDefaultFlag {
			continue
		}
		if n == 0 {
			b.WriteByte('{')
		} else {
			b.WriteByte(',')
		}
		n++
		avroStr(&b, k)
		b.WriteByte(':')
		avroStr(&b, s.Parameters[k])
	}
	if n == 0 {
		return nil
	}
	b.WriteByte('}')
	return b.Bytes()
}

// props returns the properties fromConnectSchema adds to the Avro schema of s after its
// type-specific parts (first), in their insertion order.
func (g *avroGen) props(s *connector.Schema, first []avroProp, connectType string) ([]avroProp, error) {
	props := first
	if g.meta {
		if s.Doc != "" {
			props = append(props, avroProp{"connect.doc", textJSON(s.Doc)})
		}
		if s.Version != nil {
			props = append(props, avroProp{"connect.version", []byte(strconv.Itoa(int(*s.Version)))})
		}
		if p := avroParamsJSON(s); p != nil {
			props = append(props, avroProp{"connect.parameters", p})
		}
		if s.Default != nil {
			if _, flagged := s.Parameters[avroFieldDefaultFlag]; !flagged {
				d, err := avroDefault(s, s.Default, false)
				if err != nil {
					return nil, err
				}
				props = append(props, avroProp{"connect.default", d.json()})
			}
		}
		if s.Name != "" {
			props = append(props, avroProp{"connect.name", textJSON(s.Name)})
		}
		if connectType != "" {
			props = append(props, avroProp{"connect.type", textJSON(connectType)})
		}
	}
	// The logical types go by the Connect name, compared ignoring case.
	switch {
	case strings.EqualFold(s.Name, connector.DecimalName):
		props = append(props, avroProp{"logicalType", []byte(`"decimal"`)})
	case strings.EqualFold(s.Name, connector.TimeName):
		props = append(props, avroProp{"logicalType", []byte(`"time-millis"`)})
	case strings.EqualFold(s.Name, connector.TimestampName):
		props = append(props, avroProp{"logicalType", []byte(`"timestamp-millis"`)})
	case strings.EqualFold(s.Name, connector.DateName):
		props = append(props, avroProp{"logicalType", []byte(`"date"`)})
	}
	for _, k := range orderedParams(s) {
		if strings.HasPrefix(k, "avro") {
			props = append(props, avroProp{k, textJSON(s.Parameters[k])})
		}
	}
	return props, nil
}

// schema writes the Avro schema of s; ns is the enclosing namespace ("" for none).
func (g *avroGen) schema(b *bytes.Buffer, s *connector.Schema, ns string, top bool) error {
	if !s.Optional {
		return g.nonNull(b, s, ns, top)
	}
	// An optional struct is always ["null", record] (its default, if any, stays on the
	// record as connect.default); any other optional schema is [T, "null"] when it has a
	// default and ["null", T] when not. Props go on T, never on the union.
	if s.Default != nil && s.Type != connector.TypeStruct {
		b.WriteByte('[')
		if err := g.nonNull(b, s, ns, false); err != nil {
			return err
		}
		b.WriteString(`,"null"]`)
		return nil
	}
	b.WriteString(`["null",`)
	if err := g.nonNull(b, s, ns, false); err != nil {
		return err
	}
	b.WriteByte(']')
	return nil
}

// splitName is AvroData.splitName: the name split at dots (trailing empty parts dropped, as
// String.split does), the last part the name and the rest the namespace.
func splitName(full string) (name, ns string) {
	parts := strings.Split(full, ".")
	for len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) == 1 {
		if parts[0] == "" && full != "" {
			return "", ""
		}
		return parts[0], ""
	}
	return parts[len(parts)-1], strings.Join(parts[:len(parts)-1], ".")
}

// validAvroName is Avro's NameValidator.UTF_VALIDATOR.
func validAvroName(name string) error {
	if name == "" {
		return errors.New("Empty name")
	}
	for i, r := range name {
		if i == 0 {
			if !unicode.IsLetter(r) && r != '_' {
				return fmt.Errorf("Illegal initial character: %s", name)
			}
		} else if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			return fmt.Errorf("Illegal character in: %s", name)
		}
	}
	return nil
}

var avroTypeNames = map[string]bool{"record": true, "enum": true, "array": true, "map": true, "union": true,
	"fixed": true, "string": true, "bytes": true, "int": true, "long": true, "float": true, "double": true,
	"boolean": true, "null": true}

// nameRef writes the reference to an already written named type (Name.getQualified).
func nameRef(b *bytes.Buffer, name, space, ns string) {
	if space != "" && space == ns && !avroTypeNames[name] {
		avroStr(b, name)
		return
	}
	avroStr(b, joinName(space, name))
}

// recordHead writes {"type":"record","name":…[,"namespace":…][,"doc":…],"fields":[ .
func recordHead(b *bytes.Buffer, name, space, ns, doc string) {
	b.WriteString(`{"type":"record","name":`)
	avroStr(b, name)
	if space != ns {
		b.WriteString(`,"namespace":`)
		avroStr(b, space)
	}
	if doc != "" {
		b.WriteString(`,"doc":`)
		avroStr(b, doc)
	}
	b.WriteString(`,"fields":[`)
}

// define records that a named type is about to be written; it returns false when its full
// name was written before. Avro 1.12's Schema.toString (knownNames) then prints a name
// reference, whatever the earlier definition was: two different records of one name (two
// MapEntry records of other key/value types, two structs named alike) are not an error.
//
// shape is the wire shape of this definition (avroShape): when a later definition of the
// name has another shape, data written by it would be misread through the reference, so
// the name is kept in clash (the schema string stays Java's; FromConnect refuses the data).
func (g *avroGen) define(full, shape string) bool {
	if g.known[full] {
		if first, ok := g.shapes[full]; ok && first != shape && g.clash == "" {
			g.clash = full
		}
		return false
	}
	g.known[full] = true
	g.shapes[full] = shape
	return true
}

// avroShape renders what decides the Avro binary layout of s: physical types, field names
// and order, unions with null; not names, docs, parameters or defaults.
func avroShape(s *connector.Schema) string {
	var b strings.Builder
	var walk func(s *connector.Schema)
	walk = func(s *connector.Schema) {
		if s == nil {
			b.WriteString("-")
			return
		}
		if s.Optional {
			b.WriteByte('?')
		}
		switch s.Type {
		case connector.TypeInt8, connector.TypeInt16, connector.TypeInt32:
			b.WriteString("int")
		case connector.TypeInt64:
			b.WriteString("long")
		case connector.TypeStruct:
			b.WriteByte('{')
			for _, f := range s.Fields {
				b.WriteString(f.Name)
				b.WriteByte(':')
				walk(f.Schema)
				b.WriteByte(',')
			}
			b.WriteByte('}')
		case connector.TypeArray:
			b.WriteByte('[')
			walk(s.ValueSchema)
			b.WriteByte(']')
		case connector.TypeMap:
			b.WriteByte('<')
			walk(s.KeySchema)
			b.WriteByte(',')
			walk(s.ValueSchema)
			b.WriteByte('>')
		default:
			b.WriteString(s.Type.String())
		}
	}
	walk(s)
	return b.String()
}

// convertOnly runs fn, which writes a named type's definition, for its effects on the
// conversion state only (the ConnectDefault counter, the seen names, the converted
// structs): AvroData converts every type in full, also the one that Avro's toString then
// prints as a name reference, so the nested types it met count, but none of them was written.
func (g *avroGen) convertOnly(fn func(b *bytes.Buffer) error) error {
	saved := maps.Clone(g.known)
	var scratch bytes.Buffer
	err := fn(&scratch)
	g.known = saved
	return err
}

func (g *avroGen) primitive(b *bytes.Buffer, s *connector.Schema, avroType, connectType string) error {
	props, err := g.props(s, nil, connectType)
	if err != nil {
		return err
	}
	if len(props) == 0 {
		avroStr(b, avroType)
		return nil
	}
	b.WriteString(`{"type":`)
	avroStr(b, avroType)
	writeProps(b, props)
	b.WriteByte('}')
	return nil
}

func (g *avroGen) nonNull(b *bytes.Buffer, s *connector.Schema, ns string, top bool) error {
	switch s.Type {
	case connector.TypeInt8:
		return g.primitive(b, s, "int", "int8")
	case connector.TypeInt16:
		return g.primitive(b, s, "int", "int16")
	case connector.TypeInt32:
		return g.primitive(b, s, "int", "")
	case connector.TypeInt64:
		return g.primitive(b, s, "long", "")
	case connector.TypeFloat32:
		return g.primitive(b, s, "float", "")
	case connector.TypeFloat64:
		return g.primitive(b, s, "double", "")
	case connector.TypeBoolean:
		return g.primitive(b, s, "boolean", "")
	case connector.TypeString:
		return g.primitive(b, s, "string", "")
	case connector.TypeBytes:
		var first []avroProp
		if strings.EqualFold(s.Name, connector.DecimalName) {
			// scale and precision are added as props first, whatever their values; an
			// out-of-range scale only keeps Avro's decimal logical type off, but the
			// legacy logicalType prop is written all the same.
			scale, err := strconv.Atoi(s.Parameters[connector.DecimalScaleParam])
			if err != nil {
				return fmt.Errorf("invalid Decimal scale %q", s.Parameters[connector.DecimalScaleParam])
			}
			prec := avroDefaultPrecision
			if p, ok := s.Parameters[avroDecimalPrecision]; ok {
				if prec, err = strconv.Atoi(p); err != nil {
					return fmt.Errorf("invalid %s %q", avroDecimalPrecision, p)
				}
			}
			first = []avroProp{{"scale", []byte(strconv.Itoa(scale))}, {"precision", []byte(strconv.Itoa(prec))}}
		}
		props, err := g.props(s, first, "")
		if err != nil {
			return err
		}
		if len(props) == 0 {
			b.WriteString(`"bytes"`)
			return nil
		}
		b.WriteString(`{"type":"bytes"`)
		writeProps(b, props)
		b.WriteByte('}')
		return nil
	case connector.TypeArray:
		if s.ValueSchema == nil {
			return fmt.Errorf("array schema without a value schema")
		}
		b.WriteString(`{"type":"array","items":`)
		if err := g.schema(b, s.ValueSchema, ns, false); err != nil {
			return err
		}
		props, err := g.props(s, nil, "")
		if err != nil {
			return err
		}
		writeProps(b, props)
		b.WriteByte('}')
		return nil
	case connector.TypeMap:
		if s.KeySchema == nil || s.ValueSchema == nil {
			return fmt.Errorf("map schema without key or value schema")
		}
		if s.KeySchema.Type == connector.TypeString && !s.KeySchema.Optional {
			b.WriteString(`{"type":"map","values":`)
			if err := g.schema(b, s.ValueSchema, ns, false); err != nil {
				return err
			}
		} else {
			// An array of records {key, value}: io.confluent.connect.avro.MapEntry, or the
			// map's own name with the prop connect.internal.type=MapEntry.
			name, space := avroMapEntryName, avroNamespace
			if s.Name != "" {
				name, space = splitName(s.Name)
			}
			if err := validAvroName(name); err != nil {
				return err
			}
			b.WriteString(`{"type":"array","items":`)
			entry := func(b *bytes.Buffer) error {
				recordHead(b, name, space, ns, "")
				if err := g.field(b, "key", s.KeySchema, "", space); err != nil {
					return err
				}
				b.WriteByte(',')
				if err := g.field(b, "value", s.ValueSchema, "", space); err != nil {
					return err
				}
				b.WriteByte(']')
				if s.Name != "" {
					b.WriteString(`,"connect.internal.type":"MapEntry"`)
				}
				b.WriteByte('}')
				return nil
			}
			if g.define(joinName(space, name), avroShape(&connector.Schema{Type: connector.TypeMap, KeySchema: s.KeySchema, ValueSchema: s.ValueSchema})) {
				if err := entry(b); err != nil {
					return err
				}
			} else {
				nameRef(b, name, space, ns)
				if err := g.convertOnly(entry); err != nil {
					return err
				}
			}
		}
		props, err := g.props(s, nil, "")
		if err != nil {
			return err
		}
		writeProps(b, props)
		b.WriteByte('}')
		return nil
	case connector.TypeStruct:
		return g.record(b, s, ns, top)
	}
	return fmt.Errorf("unsupported Connect type %v", s.Type)
}

// record writes a struct as an Avro record (s may be optional: the record is the
// non-optional form of s, whose union the caller writes).
func (g *avroGen) record(b *bytes.Buffer, s *connector.Schema, ns string, top bool) error {
	req := *s
	req.Optional = false
	// AvroData reuses the Avro schema of an equal struct converted before (its schemaMap),
	// without converting it again: the unnamed-struct counter is not advanced.
	var name, space string
	cached := false
	for _, e := range g.structs {
		if e.schema.Equal(&req) {
			name, space = splitName(e.full)
			cached = true
			break
		}
	}
	if !cached {
		if s.Name != "" {
			name, space = splitName(s.Name)
		} else {
			g.counter++
			name, space = avroConnectDefault, avroNamespace
			if g.counter > 1 {
				name += strconv.Itoa(g.counter)
			}
		}
		// Avro's Schema.Name validates the simple name only, not the namespace.
		if err := validAvroName(name); err != nil {
			return err
		}
	}
	full := joinName(space, name)
	if top && !s.Optional {
		g.topName = full
	}
	if !cached {
		g.structs = append(g.structs, avroStructName{schema: &req, full: full})
	}
	body := func(b *bytes.Buffer) error {
		recordHead(b, name, space, ns, s.Parameters[avroRecordDocParam])
		for i, f := range s.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := validAvroName(f.Name); err != nil {
				return err
			}
			if err := g.field(b, f.Name, f.Schema, s.Parameters[avroFieldDocPrefix+f.Name], space); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		props, err := g.props(&req, nil, "")
		if err != nil {
			return err
		}
		writeProps(b, props)
		b.WriteByte('}')
		return nil
	}
	if g.define(full, avroShape(&req)) {
		return body(b)
	}
	nameRef(b, name, space, ns)
	if cached {
		return nil
	}
	return g.convertOnly(body)
}

// field writes a record field (addAvroRecordField): name, type, doc, default, then the
// field-level connect.parameters that AvroData adds when a named record type is met again.
func (g *avroGen) field(b *bytes.Buffer, name string, fs *connector.Schema, doc, ns string) error {
	alreadySeen := false
	if fs.Name != "" {
		alreadySeen = g.seen[fs.Name]
		g.seen[fs.Name] = true
	}
	b.WriteString(`{"name":`)
	avroStr(b, name)
	b.WriteString(`,"type":`)
	if err := g.schema(b, fs, ns, false); err != nil {
		return err
	}
	if doc != "" {
		b.WriteString(`,"doc":`)
		avroStr(b, doc)
	}
	switch {
	case fs.Default != nil:
		// The default goes through JacksonUtils.toObject and back (Avro 1.12 keeps a
		// float a float: the same text as connect.default), and is dropped, as Avro
		// rejects it, when it is not valid for the field's schema.
		d, err := avroDefault(fs, fs.Default, true)
		if err != nil {
			return err
		}
		if validAvroDefault(fs, d) {
			b.WriteString(`,"default":`)
			b.Write(d.json())
		}
	case fs.Optional:
		b.WriteString(`,"default":null`)
	}
	if g.meta && alreadySeen && fs.Type == connector.TypeStruct {
		if p := avroParamsJSON(fs); p != nil {
			b.WriteString(`,"connect.parameters":`)
			b.Write(p)
		}
	}
	b.WriteByte('}')
	return nil
}

func joinName(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "." + name
}

// --- Avro JSON values (defaults) ---

type avroJSONKind int

const (
	ajNull avroJSONKind = iota
	ajBool
	ajInt // IntNode, LongNode
	ajFloat
	ajText
	ajArray
	ajObject
)

// avroJSON is a Jackson JsonNode as AvroData builds it for a default value.
type avroJSON struct {
	kind avroJSONKind
	s    string // number text, or the text
	b    bool
	arr  []*avroJSON // array elements, object values
	keys []string
	wide bool   // an int that only a long holds
	raw  []byte // the bytes of a base64 text (a JSON Schema BinaryNode)
}

func (v *avroJSON) write(b *bytes.Buffer) { v.writeWith(b, avroStr) }

// writeWith writes the tree with str writing its strings and keys (Avro's and Jackson's
// escaping differ).
func (v *avroJSON) writeWith(b *bytes.Buffer, str func(*bytes.Buffer, string)) {
	switch v.kind {
	case ajNull:
		b.WriteString("null")
	case ajBool:
		b.WriteString(strconv.FormatBool(v.b))
	case ajInt:
		b.WriteString(v.s)
	case ajFloat:
		writeJSONNumber(b, v.s)
	case ajText:
		str(b, v.s)
	case ajArray:
		b.WriteByte('[')
		for i, e := range v.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			e.writeWith(b, str)
		}
		b.WriteByte(']')
	case ajObject:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			str(b, k)
			b.WriteByte(':')
			v.arr[i].writeWith(b, str)
		}
		b.WriteByte('}')
	}
}

func (v *avroJSON) json() []byte {
	var b bytes.Buffer
	v.write(&b)
	return b.Bytes()
}

func bytesToAvroJSON(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// avroDefault is AvroData.defaultValueFromConnect. asField asks for the form a record field's
// default takes after JacksonUtils.toObject and toJsonNode: with Avro 1.12 the same (Avro
// 1.11 made floats doubles).
func avroDefault(s *connector.Schema, v any, asField bool) (*avroJSON, error) {
	if v == nil {
		return &avroJSON{kind: ajNull}, nil
	}
	bad := func() (*avroJSON, error) {
		return nil, fmt.Errorf("Invalid type used for default value of %s field: %T", s.Type.Upper(), v)
	}
	integer := func(n int64, wide bool) (*avroJSON, error) {
		return &avroJSON{kind: ajInt, s: strconv.FormatInt(n, 10), wide: wide}, nil
	}
	switch s.Type {
	case connector.TypeInt8:
		x, ok := v.(int8)
		if !ok {
			return bad()
		}
		return integer(int64(x), false)
	case connector.TypeInt16:
		x, ok := v.(int16)
		if !ok {
			return bad()
		}
		return integer(int64(x), false)
	case connector.TypeInt32:
		if t, ok := v.(time.Time); ok {
			var n int32
			var err error
			if s.Name == connector.DateName {
				n, err = dateFromLogical(t)
			} else {
				n, err = timeFromLogical(t)
			}
			if err != nil {
				return nil, err
			}
			return integer(int64(n), false)
		}
		x, ok := v.(int32)
		if !ok {
			return bad()
		}
		return integer(int64(x), false)
	case connector.TypeInt64:
		if t, ok := v.(time.Time); ok {
			n := t.UnixMilli()
			return integer(n, n != int64(int32(n)))
		}
		x, ok := v.(int64)
		if !ok {
			return bad()
		}
		return integer(x, x != int64(int32(x)))
	case connector.TypeFloat32:
		x, ok := v.(float32)
		if !ok {
			return bad()
		}
		return &avroJSON{kind: ajFloat, s: jvalues.FloatString(x)}, nil
	case connector.TypeFloat64:
		x, ok := v.(float64)
		if !ok {
			return bad()
		}
		return &avroJSON{kind: ajFloat, s: jvalues.DoubleString(x)}, nil
	case connector.TypeBoolean:
		x, ok := v.(bool)
		if !ok {
			return bad()
		}
		return &avroJSON{kind: ajBool, b: x}, nil
	case connector.TypeString:
		x, ok := v.(string)
		if !ok {
			return bad()
		}
		return &avroJSON{kind: ajText, s: x}, nil
	case connector.TypeBytes:
		switch x := v.(type) {
		case connector.Decimal:
			return &avroJSON{kind: ajText, s: bytesToAvroJSON(decimalBytes(x))}, nil
		case []byte:
			return &avroJSON{kind: ajText, s: bytesToAvroJSON(x)}, nil
		}
		return bad()
	case connector.TypeArray:
		arr, ok := v.([]any)
		if !ok {
			return bad()
		}
		out := &avroJSON{kind: ajArray, arr: []*avroJSON{}}
		for _, e := range arr {
			d, err := avroDefault(s.ValueSchema, e, asField)
			if err != nil {
				return nil, err
			}
			out.arr = append(out.arr, d)
		}
		return out, nil
	case connector.TypeMap:
		if _, ok := v.(map[string]any); !ok {
			if _, ok := v.(map[any]any); !ok {
				return bad()
			}
		}
		entries := jvalues.MapEntries(v)
		if s.KeySchema.Type == connector.TypeString && !s.KeySchema.Optional {
			// An ObjectNode filled in the map's iteration order: Tributary assumes a
			// java.util.HashMap's.
			keys := make([]string, 0, len(entries))
			vals := map[string]any{}
			for _, e := range entries {
				k, _ := e.Key.(string)
				keys = append(keys, k)
				vals[k] = e.Value
			}
			out := &avroJSON{kind: ajObject}
			for _, k := range javaHashOrder(keys, 16) {
				d, err := avroDefault(s.ValueSchema, vals[k], asField)
				if err != nil {
					return nil, err
				}
				out.keys = append(out.keys, k)
				out.arr = append(out.arr, d)
			}
			return out, nil
		}
		// Any other map: an array of [key, value] arrays.
		out := &avroJSON{kind: ajArray, arr: []*avroJSON{}}
		for _, e := range entries {
			k, err := avroDefault(s.KeySchema, e.Key, asField)
			if err != nil {
				return nil, err
			}
			d, err := avroDefault(s.ValueSchema, e.Value, asField)
			if err != nil {
				return nil, err
			}
			out.arr = append(out.arr, &avroJSON{kind: ajArray, arr: []*avroJSON{k, d}})
		}
		return out, nil
	case connector.TypeStruct:
		st, ok := v.(*connector.Struct)
		if !ok {
			return bad()
		}
		out := &avroJSON{kind: ajObject}
		for _, f := range s.Fields {
			fv, _ := st.Get(f.Name)
			d, err := avroDefault(f.Schema, fv, asField)
			if err != nil {
				return nil, err
			}
			out.keys = append(out.keys, f.Name)
			out.arr = append(out.arr, d)
		}
		return out, nil
	}
	return nil, fmt.Errorf("Unknown schema type:%v", s.Type)
}

// validAvroDefault is Avro's Schema.isValidDefault for the Avro schema of s (a union when s
// is optional: valid when any branch is).
func validAvroDefault(s *connector.Schema, v *avroJSON) bool {
	if v == nil {
		return false
	}
	if s.Optional && v.kind == ajNull {
		return true
	}
	switch s.Type {
	case connector.TypeInt8, connector.TypeInt16, connector.TypeInt32:
		return v.kind == ajInt && !v.wide
	case connector.TypeInt64:
		return v.kind == ajInt
	case connector.TypeFloat32, connector.TypeFloat64:
		return v.kind == ajInt || v.kind == ajFloat
	case connector.TypeBoolean:
		return v.kind == ajBool
	case connector.TypeString, connector.TypeBytes:
		return v.kind == ajText
	case connector.TypeArray:
		if v.kind != ajArray {
			return false
		}
		for _, e := range v.arr {
			if !validAvroDefault(s.ValueSchema, e) {
				return false
			}
		}
		return true
	case connector.TypeMap:
		if s.KeySchema.Type == connector.TypeString && !s.KeySchema.Optional {
			if v.kind != ajObject {
				return false
			}
			for _, e := range v.arr {
				if !validAvroDefault(s.ValueSchema, e) {
					return false
				}
			}
			return true
		}
		// An array of MapEntry records: every element would have to be an object, and
		// the default holds [key, value] arrays.
		return v.kind == ajArray && len(v.arr) == 0
	case connector.TypeStruct:
		if v.kind != ajObject {
			return false
		}
		for _, f := range s.Fields {
			i := slices.Index(v.keys, f.Name)
			if i < 0 {
				return false
			}
			if !validAvroDefault(f.Schema, v.arr[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// decimalBytes is BigInteger.toByteArray of the unscaled value: big-endian two's complement.
func decimalBytes(d connector.Decimal) []byte {
	u := d.Unscaled
	if u == nil {
		return []byte{0}
	}
	if u.Sign() >= 0 {
		b := u.Bytes()
		if len(b) == 0 || b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	// two's complement of a negative number: 2^(8n) + u, with n = bitLength/8 + 1 bytes,
	// where BigInteger.bitLength of a negative u is the bit length of -u-1 (-128 is one byte).
	n := new(big.Int).Sub(new(big.Int).Neg(u), big.NewInt(1)).BitLen()/8 + 1
	m := new(big.Int).Lsh(big.NewInt(1), uint(n*8))
	m.Add(m, u)
	b := m.Bytes()
	for len(b) < n {
		b = append([]byte{0xff}, b...)
	}
	return b
}

func decimalFromBytes(b []byte, scale int32) connector.Decimal {
	u := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		u.Sub(u, new(big.Int).Lsh(big.NewInt(1), uint(len(b)*8)))
	}
	return connector.Decimal{Unscaled: u, Scale: scale}
}

// --- Avro binary encoding ---

func appendLong(b []byte, v int64) []byte {
	return binary.AppendUvarint(b, uint64((v<<1)^(v>>63)))
}

func appendAvroString(b []byte, s string) []byte {
	b = appendLong(b, int64(len(s)))
	return append(b, s...)
}

func appendAvro(b []byte, s *connector.Schema, v any) ([]byte, error) {
	if v == nil {
		v = s.Default
	}
	if s.Optional {
		nullIdx, valIdx := int64(0), int64(1)
		if s.Default != nil && s.Type != connector.TypeStruct { // [T, "null"]
			nullIdx, valIdx = 1, 0
		}
		if v == nil {
			return appendLong(b, nullIdx), nil
		}
		b = appendLong(b, valIdx)
	} else if v == nil {
		return nil, fmt.Errorf("null value for a required %v schema", s.Type)
	}
	switch s.Type {
	case connector.TypeInt8:
		x, ok := v.(int8)
		if !ok {
			return nil, badValue(s, v)
		}
		return appendLong(b, int64(x)), nil
	case connector.TypeInt16:
		x, ok := v.(int16)
		if !ok {
			return nil, badValue(s, v)
		}
		return appendLong(b, int64(x)), nil
	case connector.TypeInt32:
		switch x := v.(type) {
		case int32:
			return appendLong(b, int64(x)), nil
		case time.Time:
			var d int32
			var err error
			if s.Name == connector.DateName {
				d, err = dateFromLogical(x)
			} else {
				d, err = timeFromLogical(x)
			}
			if err != nil {
				return nil, err
			}
			return appendLong(b, int64(d)), nil
		}
		return nil, badValue(s, v)
	case connector.TypeInt64:
		switch x := v.(type) {
		case int64:
			return appendLong(b, x), nil
		case time.Time:
			return appendLong(b, x.UnixMilli()), nil
		}
		return nil, badValue(s, v)
	case connector.TypeFloat32:
		x, ok := v.(float32)
		if !ok {
			return nil, badValue(s, v)
		}
		return binary.LittleEndian.AppendUint32(b, math.Float32bits(x)), nil
	case connector.TypeFloat64:
		x, ok := v.(float64)
		if !ok {
			return nil, badValue(s, v)
		}
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(x)), nil
	case connector.TypeBoolean:
		x, ok := v.(bool)
		if !ok {
			return nil, badValue(s, v)
		}
		if x {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case connector.TypeString:
		x, ok := v.(string)
		if !ok {
			return nil, badValue(s, v)
		}
		return appendAvroString(b, x), nil
	case connector.TypeBytes:
		switch x := v.(type) {
		case []byte:
			b = appendLong(b, int64(len(x)))
			return append(b, x...), nil
		case connector.Decimal:
			d := decimalBytes(x)
			b = appendLong(b, int64(len(d)))
			return append(b, d...), nil
		}
		return nil, badValue(s, v)
	case connector.TypeArray:
		arr, ok := v.([]any)
		if !ok {
			return nil, badValue(s, v)
		}
		if len(arr) > 0 {
			b = appendLong(b, int64(len(arr)))
			for _, e := range arr {
				var err error
				if b, err = appendAvro(b, s.ValueSchema, e); err != nil {
					return nil, err
				}
			}
		}
		return append(b, 0), nil
	case connector.TypeMap:
		stringKeys := s.KeySchema.Type == connector.TypeString && !s.KeySchema.Optional
		n := 0
		switch m := v.(type) {
		case map[string]any:
			n = len(m)
		case map[any]any:
			n = len(m)
		default:
			return nil, badValue(s, v)
		}
		if n > 0 {
			b = appendLong(b, int64(n))
			err := eachMapEntry(v, func(k, e any) error {
				var err error
				if stringKeys {
					ks, ok := k.(string)
					if !ok {
						return badValue(s.KeySchema, k)
					}
					b = appendAvroString(b, ks)
				} else if b, err = appendAvro(b, s.KeySchema, k); err != nil {
					return err
				}
				b, err = appendAvro(b, s.ValueSchema, e)
				return err
			})
			if err != nil {
				return nil, err
			}
		}
		return append(b, 0), nil
	case connector.TypeStruct:
		st, ok := v.(*connector.Struct)
		if !ok {
			return nil, badValue(s, v)
		}
		for _, f := range s.Fields {
			fv, err := st.Get(f.Name)
			if err != nil {
				return nil, err
			}
			if b, err = appendAvro(b, f.Schema, fv); err != nil {
				return nil, fmt.Errorf("field %s: %w", f.Name, err)
			}
		}
		return b, nil
	}
	return nil, fmt.Errorf("unsupported Connect type %v", s.Type)
}

// --- schemaless data: AvroData.ANYTHING_SCHEMA ---

// avroAnythingName is AvroData.AVRO_TYPE_ANYTHING.
const avroAnythingName = avroNamespace + ".Anything"

// avroAnythingSchema is AvroData.ANYTHING_SCHEMA, the Avro schema of schemaless Connect data,
// as Schema.toString() (and AvroSchema.canonicalString()) prints it: a record with one
// optional field per kind of value, exactly one of which is set (none for a null inside a
// list or map); a map is a list of MapEntry{key, value}, both Anything. Checked against Java
// by TestAvroSchemalessJavaGolden.
const avroAnythingSchema = `{"type":"record","name":"Anything","namespace":"io.confluent.connect.avro","fields":[` +
	`{"name":"boolean","type":["null","boolean"],"default":null},` +
	`{"name":"bytes","type":["null","bytes"],"default":null},` +
	`{"name":"double","type":["null","double"],"default":null},` +
	`{"name":"float","type":["null","float"],"default":null},` +
	`{"name":"int","type":["null","int"],"default":null},` +
	`{"name":"long","type":["null","long"],"default":null},` +
	`{"name":"string","type":["null","string"],"default":null},` +
	`{"name":"array","type":["null",{"type":"array","items":"Anything"}],"default":null},` +
	`{"name":"map","type":["null",{"type":"array","items":{"type":"record","name":"MapEntry","fields":[` +
	`{"name":"key","type":"Anything"},{"name":"value","type":"Anything"}]}}],"default":null}]}`

// The fields of the Anything record, in order.
const (
	avroAnyBoolean = iota
	avroAnyBytes
	avroAnyDouble
	avroAnyFloat
	avroAnyInt
	avroAnyLong
	avroAnyString
	avroAnyArray
	avroAnyMap
	avroAnyFields
)

var anythingFieldNames = [avroAnyFields]string{"boolean", "bytes", "double", "float", "int", "long", "string", "array", "map"}

// appendAnything writes schemaless value v as an Anything record, as AvroData.fromConnectData
// with a null schema does (schemaTypeForSchemalessJavaType, maybeWrapSchemaless): int8, int16
// and int32 go to "int". As in Java, byte arrays are refused (the "bytes" field is only
// read), as are structs, decimals, times and any other type. A nil (inside a list or map)
// is the record with no field set. Map entries are written in jvalues.MapEntries order.
func appendAnything(b []byte, v any) ([]byte, error) {
	field := -1
	switch v.(type) {
	case nil:
	case int8, int16, int32:
		field = avroAnyInt
	case int64:
		field = avroAnyLong
	case float32:
		field = avroAnyFloat
	case float64:
		field = avroAnyDouble
	case bool:
		field = avroAnyBoolean
	case string:
		field = avroAnyString
	case []any:
		field = avroAnyArray
	case map[string]any, map[any]any:
		field = avroAnyMap
	default:
		return nil, dataErr("Unknown Java type for schemaless data: %s", jvalues.JavaClass(v))
	}
	for range field {
		b = append(b, 0) // union branch 0: null
	}
	if field >= 0 {
		b = append(b, 2) // union branch 1
		var err error
		switch x := v.(type) {
		case int8:
			b = appendLong(b, int64(x))
		case int16:
			b = appendLong(b, int64(x))
		case int32:
			b = appendLong(b, int64(x))
		case int64:
			b = appendLong(b, x)
		case float32:
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		case float64:
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		case bool:
			if x {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		case string:
			b = appendAvroString(b, x)
		case []any:
			if len(x) > 0 {
				b = appendLong(b, int64(len(x)))
				for _, e := range x {
					if b, err = appendAnything(b, e); err != nil {
						return nil, err
					}
				}
			}
			b = append(b, 0)
		default: // a map
			entries := jvalues.MapEntries(v)
			if len(entries) > 0 {
				b = appendLong(b, int64(len(entries)))
				for _, e := range entries {
					if b, err = appendAnything(b, e.Key); err != nil {
						return nil, err
					}
					if b, err = appendAnything(b, e.Value); err != nil {
						return nil, err
					}
				}
			}
			b = append(b, 0)
		}
	}
	for range avroAnyFields - field - 1 {
		b = append(b, 0)
	}
	return b, nil
}

// isAvroAnything reports whether n is AvroData.ANYTHING_SCHEMA, which Java's toConnectData
// tells by Schema.equals (names, fields, their types and defaults, and props; docs and
// aliases aside): such data reads as schemaless.
func isAvroAnything(n *avroNode) bool {
	if n.kind != "record" || n.fullName != avroAnythingName || len(n.fields) != avroAnyFields || !plainAvro(n) {
		return false
	}
	for i, f := range n.fields {
		u := f.node
		if f.name != anythingFieldNames[i] || !f.hasDef || f.def != nil || u.kind != "union" || len(u.branches) != 2 ||
			u.branches[0].kind != "null" || !plainAvro(u.branches[0]) || !plainAvro(u.branches[1]) {
			return false
		}
		t := u.branches[1]
		switch i {
		case avroAnyArray:
			if t.kind != "array" || t.items != n {
				return false
			}
		case avroAnyMap:
			e := t.items
			if t.kind != "array" || e.kind != "record" || e.fullName != avroNamespace+"."+avroMapEntryName ||
				len(e.fields) != 2 || !plainAvro(e) {
				return false
			}
			for j, ef := range e.fields {
				if ef.name != [2]string{"key", "value"}[j] || ef.hasDef || ef.node != n {
					return false
				}
			}
		default:
			if t.kind != anythingFieldNames[i] {
				return false
			}
		}
	}
	return true
}

// plainAvro reports whether schema n has no props besides the keys that define it.
func plainAvro(n *avroNode) bool {
	for k := range n.props {
		switch k {
		case "type", "name", "namespace", "fields", "doc", "aliases", "items":
		default:
			return false
		}
	}
	return true
}

// anything reads an Anything record as AvroData.toConnectData does for ANYTHING_SCHEMA: the
// value of the first field set (in field order), nil if none; "int" is an int32, "long" an
// int64, "array" a []any and "map" a map[string]any when all its keys are strings, else a
// map[any]any (as jvalues builds maps; keys Go cannot hash, lists, maps and byte arrays,
// which Java's HashMap takes, fail).
func (r *avroReader) anything() (any, error) {
	var out any
	set := false
	for i := range avroAnyFields {
		idx, err := r.long()
		if err != nil {
			return nil, err
		}
		if idx == 0 {
			continue
		}
		if idx != 1 {
			return nil, fmt.Errorf("invalid union index %d", idx)
		}
		var v any
		switch i {
		case avroAnyBoolean:
			var b []byte
			if b, err = r.raw(1); err == nil {
				v = b[0] != 0
			}
		case avroAnyBytes:
			var b []byte
			if b, err = r.bytesVal(); err == nil {
				v = append([]byte(nil), b...)
			}
		case avroAnyDouble:
			var b []byte
			if b, err = r.raw(8); err == nil {
				v = math.Float64frombits(binary.LittleEndian.Uint64(b))
			}
		case avroAnyFloat:
			var b []byte
			if b, err = r.raw(4); err == nil {
				v = math.Float32frombits(binary.LittleEndian.Uint32(b))
			}
		case avroAnyInt:
			var x int64
			if x, err = r.long(); err == nil {
				v = int32(x)
			}
		case avroAnyLong:
			v, err = r.long()
		case avroAnyString:
			var b []byte
			if b, err = r.bytesVal(); err == nil {
				v = string(b)
			}
		case avroAnyArray:
			list := []any{}
			err = r.blocks(func() error {
				e, err := r.anything()
				list = append(list, e)
				return err
			})
			v = list
		case avroAnyMap:
			var keys, vals []any
			allStrings := true
			err = r.blocks(func() error {
				k, err := r.anything()
				if err != nil {
					return err
				}
				if !jvalues.Hashable(k) {
					return fmt.Errorf("schemaless map keys of type %s are not supported", jvalues.JavaClassName(k))
				}
				if _, ok := k.(string); !ok {
					allStrings = false
				}
				e, err := r.anything()
				keys, vals = append(keys, k), append(vals, e)
				return err
			})
			if allStrings {
				m := make(map[string]any, len(keys))
				for j, k := range keys {
					m[k.(string)] = vals[j]
				}
				v = m
			} else {
				m := make(map[any]any, len(keys))
				for j, k := range keys {
					m[k] = vals[j]
				}
				v = m
			}
		}
		if err != nil {
			return nil, err
		}
		if !set {
			out, set = v, true
		}
	}
	return out, nil
}

// avroRecursive reports whether a named type of n contains itself. toConnectSchema would not
// end on such a schema; Tributary reads the recursive Anything record only.
func avroRecursive(n *avroNode, open map[*avroNode]bool) bool {
	if open[n] {
		return true
	}
	open[n] = true
	defer delete(open, n)
	for _, f := range n.fields {
		if avroRecursive(f.node, open) {
			return true
		}
	}
	for _, b := range n.branches {
		if avroRecursive(b, open) {
			return true
		}
	}
	return n.items != nil && avroRecursive(n.items, open)
}

func badValue(s *connector.Schema, v any) error {
	return fmt.Errorf("invalid Java object for schema type %s: %T", s.Type.Upper(), v)
}

// --- reading: Avro schema JSON → Connect schema, Avro binary → Connect value ---

// avroNode is a parsed Avro schema.
type avroNode struct {
	kind     string // null boolean int long float double bytes string record enum array map fixed union
	fullName string
	fields   []avroField
	items    *avroNode // array items, map values
	branches []*avroNode
	symbols  []string
	size     int
	props    map[string]any
}

type avroField struct {
	name   string
	node   *avroNode
	def    any
	hasDef bool
}

type avroParser struct{ names map[string]*avroNode }

func parseAvroSchema(s string) (*avroNode, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var j any
	if err := d.Decode(&j); err != nil {
		return nil, fmt.Errorf("invalid Avro schema: %w", err)
	}
	p := &avroParser{names: map[string]*avroNode{}}
	return p.parse(j, "")
}

func (p *avroParser) parse(j any, ns string) (*avroNode, error) {
	switch x := j.(type) {
	case string:
		switch x {
		case "null", "boolean", "int", "long", "float", "double", "bytes", "string":
			return &avroNode{kind: x}, nil
		}
		full := x
		if !strings.Contains(x, ".") && ns != "" {
			full = ns + "." + x
		}
		if n, ok := p.names[full]; ok {
			return n, nil
		}
		if n, ok := p.names[x]; ok {
			return n, nil
		}
		return nil, fmt.Errorf("unknown Avro type %q", x)
	case []any:
		n := &avroNode{kind: "union"}
		for _, e := range x {
			bn, err := p.parse(e, ns)
			if err != nil {
				return nil, err
			}
			n.branches = append(n.branches, bn)
		}
		return n, nil
	case map[string]any:
		t, _ := x["type"].(string)
		n := &avroNode{kind: t, props: x}
		switch t {
		case "record", "error", "enum", "fixed":
			name, _ := x["name"].(string)
			nsp, hasNS := x["namespace"].(string)
			if strings.Contains(name, ".") {
				n.fullName = name
			} else {
				if !hasNS { // an explicit "" is the null namespace
					nsp = ns
				}
				n.fullName = joinName(nsp, name)
			}
			p.names[n.fullName] = n
			_, childNS := splitName(n.fullName)
			switch t {
			case "record", "error":
				n.kind = "record"
				fs, _ := x["fields"].([]any)
				for _, fj := range fs {
					fm, _ := fj.(map[string]any)
					fname, _ := fm["name"].(string)
					fn, err := p.parse(fm["type"], childNS)
					if err != nil {
						return nil, err
					}
					def, hasDef := fm["default"]
					n.fields = append(n.fields, avroField{name: fname, node: fn, def: def, hasDef: hasDef})
				}
			case "enum":
				syms, _ := x["symbols"].([]any)
				for _, s := range syms {
					str, _ := s.(string)
					n.symbols = append(n.symbols, str)
				}
			case "fixed":
				sz, _ := x["size"].(json.Number)
				i, _ := sz.Int64()
				n.size = int(i)
			}
			return n, nil
		case "array":
			items, err := p.parse(x["items"], ns)
			n.items = items
			return n, err
		case "map":
			vals, err := p.parse(x["values"], ns)
			n.items = vals
			return n, err
		case "null", "boolean", "int", "long", "float", "double", "bytes", "string":
			return n, nil
		}
		return nil, fmt.Errorf("unsupported Avro type %v", x["type"])
	}
	return nil, fmt.Errorf("invalid Avro schema %v", j)
}

func (n *avroNode) prop(k string) string {
	s, _ := n.props[k].(string)
	return s
}

// toConnect is AvroData.toConnectSchema for the schemas fromConnectSchema produces.
func toConnectSchema(n *avroNode, optional bool, fieldDefault any, hasFieldDefault bool) (*connector.Schema, error) {
	if n.kind == "union" {
		var nonNull []*avroNode
		hasNull := false
		for _, b := range n.branches {
			if b.kind == "null" {
				hasNull = true
			} else {
				nonNull = append(nonNull, b)
			}
		}
		if len(nonNull) != 1 {
			return nil, fmt.Errorf("unsupported Avro union with %d non-null branches", len(nonNull))
		}
		return toConnectSchema(nonNull[0], optional || hasNull, fieldDefault, hasFieldDefault)
	}
	var b *connector.SchemaBuilder
	switch n.kind {
	case "boolean":
		b = connector.NewSchemaBuilder(connector.TypeBoolean)
	case "int":
		switch {
		case n.prop("connect.type") == "int8":
			b = connector.NewSchemaBuilder(connector.TypeInt8)
		case n.prop("connect.type") == "int16":
			b = connector.NewSchemaBuilder(connector.TypeInt16)
		case n.prop("logicalType") == "date":
			b = connector.DateSchema()
		case n.prop("logicalType") == "time-millis":
			b = connector.TimeSchema()
		default:
			b = connector.NewSchemaBuilder(connector.TypeInt32)
		}
	case "long":
		if n.prop("logicalType") == "timestamp-millis" {
			b = connector.TimestampSchema()
		} else {
			b = connector.NewSchemaBuilder(connector.TypeInt64)
		}
	case "float":
		b = connector.NewSchemaBuilder(connector.TypeFloat32)
	case "double":
		b = connector.NewSchemaBuilder(connector.TypeFloat64)
	case "string", "enum":
		b = connector.NewSchemaBuilder(connector.TypeString)
	case "bytes", "fixed":
		if n.prop("logicalType") == "decimal" {
			scale, _ := n.props["scale"].(json.Number)
			sc, _ := scale.Int64()
			if scale == "" {
				if ps, ok := n.props["connect.parameters"].(map[string]any); ok {
					s, _ := ps[connector.DecimalScaleParam].(string)
					sc, _ = strconv.ParseInt(s, 10, 32)
				}
			}
			b = connector.DecimalSchema(int32(sc))
			if prec, ok := n.props["precision"].(json.Number); ok && prec.String() != strconv.Itoa(avroDefaultPrecision) {
				b.SetParameter(avroDecimalPrecision, prec.String())
			}
		} else {
			b = connector.NewSchemaBuilder(connector.TypeBytes)
		}
	case "array":
		it := n.items
		if it.kind == "record" && len(it.fields) == 2 && it.fields[0].name == "key" && it.fields[1].name == "value" &&
			(it.fullName == avroNamespace+"."+avroMapEntryName || it.prop(avroInternalTypeProp) == avroMapEntryName) {
			ks, err := toConnectSchema(it.fields[0].node, false, nil, false)
			if err != nil {
				return nil, err
			}
			vs, err := toConnectSchema(it.fields[1].node, false, nil, false)
			if err != nil {
				return nil, err
			}
			b = connector.MapBuilder(ks, vs)
			if it.fullName != avroNamespace+"."+avroMapEntryName {
				b.SetName(it.fullName)
			}
		} else {
			es, err := toConnectSchema(it, false, nil, false)
			if err != nil {
				return nil, err
			}
			b = connector.ArrayBuilder(es)
		}
	case "map":
		vs, err := toConnectSchema(n.items, false, nil, false)
		if err != nil {
			return nil, err
		}
		b = connector.MapBuilder(connector.StringSchema, vs)
	case "record":
		b = connector.StructBuilder()
		if !strings.HasPrefix(n.fullName, avroNamespace+"."+avroConnectDefault) {
			b.SetName(n.fullName)
		}
		for _, f := range n.fields {
			fs, err := toConnectSchema(f.node, false, f.def, f.hasDef)
			if err != nil {
				return nil, err
			}
			b.Field(f.name, fs)
		}
	default:
		return nil, fmt.Errorf("unsupported Avro type %s", n.kind)
	}
	s, err := b.Build()
	if err != nil {
		return nil, err
	}
	s.Optional = optional
	if v, ok := n.props["connect.version"].(json.Number); ok {
		i, _ := v.Int64()
		v32 := int32(i)
		s.Version = &v32
	}
	if d, ok := n.props["connect.doc"].(string); ok {
		s.Doc = d
	}
	if ps, ok := n.props["connect.parameters"].(map[string]any); ok {
		if s.Parameters == nil {
			s.Parameters = map[string]string{}
		}
		for k, pv := range ps {
			if sv, ok := pv.(string); ok {
				s.Parameters[k] = sv
			}
		}
	}
	if nm := n.prop("connect.name"); nm != "" {
		s.Name = nm
	}
	var def any
	if d, ok := n.props["connect.default"]; ok {
		def = d
	} else if hasFieldDefault {
		def = fieldDefault
	}
	if def != nil {
		dv, err := connectFromJSON(s, def)
		if err != nil {
			return nil, fmt.Errorf("invalid default: %w", err)
		}
		s.Default = dv
	}
	return s, nil
}

// connectFromJSON converts an Avro JSON default into the Connect value of schema s.
func connectFromJSON(s *connector.Schema, j any) (any, error) {
	if j == nil {
		return nil, nil
	}
	num := func() (json.Number, error) {
		n, ok := j.(json.Number)
		if !ok {
			return "", fmt.Errorf("expected a number, got %T", j)
		}
		return n, nil
	}
	switch s.Type {
	case connector.TypeInt8, connector.TypeInt16, connector.TypeInt32, connector.TypeInt64:
		n, err := num()
		if err != nil {
			return nil, err
		}
		i, err := n.Int64()
		if err != nil {
			return nil, err
		}
		return avroIntValue(s, i), nil
	case connector.TypeFloat32, connector.TypeFloat64:
		n, err := num()
		if err != nil {
			return nil, err
		}
		f, err := n.Float64()
		if s.Type == connector.TypeFloat32 {
			return float32(f), err
		}
		return f, err
	case connector.TypeBoolean:
		b, ok := j.(bool)
		if !ok {
			return nil, fmt.Errorf("expected a boolean, got %T", j)
		}
		return b, nil
	case connector.TypeString:
		str, ok := j.(string)
		if !ok {
			return nil, fmt.Errorf("expected a string, got %T", j)
		}
		return str, nil
	case connector.TypeBytes:
		str, ok := j.(string)
		if !ok {
			return nil, fmt.Errorf("expected a string, got %T", j)
		}
		rs := []rune(str)
		raw := make([]byte, len(rs))
		for i, r := range rs {
			raw[i] = byte(r)
		}
		if s.Name == connector.DecimalName {
			sc, _ := strconv.Atoi(s.Parameters[connector.DecimalScaleParam])
			return decimalFromBytes(raw, int32(sc)), nil
		}
		return raw, nil
	case connector.TypeArray:
		arr, ok := j.([]any)
		if !ok {
			return nil, fmt.Errorf("expected an array, got %T", j)
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			var err error
			if out[i], err = connectFromJSON(s.ValueSchema, e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case connector.TypeMap:
		if s.KeySchema.Type == connector.TypeString && !s.KeySchema.Optional {
			m, ok := j.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("expected an object, got %T", j)
			}
			out := make(map[string]any, len(m))
			for k, e := range m {
				v, err := connectFromJSON(s.ValueSchema, e)
				if err != nil {
					return nil, err
				}
				out[k] = v
			}
			return out, nil
		}
		arr, ok := j.([]any)
		if !ok {
			return nil, fmt.Errorf("expected an array, got %T", j)
		}
		out := make(map[any]any, len(arr))
		for _, e := range arr {
			m, _ := e.(map[string]any)
			k, err := connectFromJSON(s.KeySchema, m["key"])
			if err != nil {
				return nil, err
			}
			v, err := connectFromJSON(s.ValueSchema, m["value"])
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case connector.TypeStruct:
		m, ok := j.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("expected an object, got %T", j)
		}
		st, err := connector.NewStruct(s)
		if err != nil {
			return nil, err
		}
		for _, f := range s.Fields {
			v, err := connectFromJSON(f.Schema, m[f.Name])
			if err != nil {
				return nil, err
			}
			if err := st.Put(f.Name, v); err != nil {
				return nil, err
			}
		}
		return st, nil
	}
	return nil, fmt.Errorf("unsupported type %v", s.Type)
}

// ToConnect is toConnectData: nil bytes give a null schema and value.
func (c *AvroConverter) ToConnect(topic string, _ connector.Headers, b []byte) (*connector.Schema, any, error) {
	if b == nil {
		return nil, nil, nil
	}
	if len(b) < 5 || b[0] != 0 {
		return nil, nil, dataErr("Failed to deserialize data for topic %s to Avro: Unknown magic byte!", topic)
	}
	id := int32(binary.BigEndian.Uint32(b[1:5]))
	in, err := c.readerFor(id)
	if err != nil {
		if connector.IsRetriable(err) {
			return nil, nil, connector.Retriable(fmt.Errorf("Failed to deserialize data for topic %s to Avro: Error retrieving Avro schema for id %d: %w", topic, id, err))
		}
		return nil, nil, dataErr("Failed to deserialize data for topic %s to Avro: Error retrieving Avro schema for id %d: %v", topic, id, err)
	}
	r := &avroReader{b: b[5:]}
	if in.anything {
		v, err := r.anything()
		if err != nil {
			return nil, nil, dataErr("Failed to deserialize data for topic %s to Avro: %v", topic, err)
		}
		return nil, v, nil
	}
	if in.node.kind == "bytes" && in.schema.Name == "" && !in.schema.Optional {
		return in.schema, append([]byte(nil), b[5:]...), nil
	}
	v, err := r.read(in.node, in.schema)
	if err != nil {
		return nil, nil, dataErr("Failed to deserialize data for topic %s to Avro: %v", topic, err)
	}
	return in.schema, v, nil
}

func (c *AvroConverter) readerFor(id int32) (*avroIn, error) {
	if in, ok := c.fromAvro.get(id); ok {
		return in, nil
	}
	var in *avroIn
	ctx, cancel := c.ctx()
	defer cancel()
	js, err := c.registry.SchemaByID(ctx, id)
	if err != nil {
		return nil, err
	}
	n, err := parseAvroSchema(js)
	if err != nil {
		return nil, err
	}
	if isAvroAnything(n) {
		in = &avroIn{node: n, anything: true}
	} else {
		if avroRecursive(n, map[*avroNode]bool{}) {
			return nil, errors.New("recursive Avro schemas are not supported")
		}
		s, err := toConnectSchema(n, false, nil, false)
		if err != nil {
			return nil, err
		}
		in = &avroIn{node: n, schema: s}
	}
	c.fromAvro.put(id, in)
	return in, nil
}

type avroReader struct {
	b []byte
	i int
}

var errShort = errors.New("truncated Avro data")

func (r *avroReader) long() (int64, error) {
	u, n := binary.Uvarint(r.b[r.i:])
	if n <= 0 {
		return 0, errShort
	}
	r.i += n
	return int64(u>>1) ^ -int64(u&1), nil
}

func (r *avroReader) raw(n int) ([]byte, error) {
	if n < 0 || r.i+n > len(r.b) {
		return nil, errShort
	}
	out := r.b[r.i : r.i+n]
	r.i += n
	return out, nil
}

func (r *avroReader) bytesVal() ([]byte, error) {
	n, err := r.long()
	if err != nil {
		return nil, err
	}
	return r.raw(int(n))
}

// read decodes one value of Avro schema n into the Connect form of s.
func (r *avroReader) read(n *avroNode, s *connector.Schema) (any, error) {
	switch n.kind {
	case "null":
		return nil, nil
	case "union":
		idx, err := r.long()
		if err != nil {
			return nil, err
		}
		if idx < 0 || int(idx) >= len(n.branches) {
			return nil, fmt.Errorf("invalid union index %d", idx)
		}
		return r.read(n.branches[idx], s)
	case "boolean":
		b, err := r.raw(1)
		if err != nil {
			return nil, err
		}
		return b[0] != 0, nil
	case "int", "long":
		v, err := r.long()
		if err != nil {
			return nil, err
		}
		return avroIntValue(s, v), nil
	case "float":
		b, err := r.raw(4)
		if err != nil {
			return nil, err
		}
		return math.Float32frombits(binary.LittleEndian.Uint32(b)), nil
	case "double":
		b, err := r.raw(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), nil
	case "string":
		b, err := r.bytesVal()
		return string(b), err
	case "enum":
		i, err := r.long()
		if err != nil {
			return nil, err
		}
		if i < 0 || int(i) >= len(n.symbols) {
			return nil, fmt.Errorf("invalid enum index %d", i)
		}
		return n.symbols[i], nil
	case "bytes", "fixed":
		var b []byte
		var err error
		if n.kind == "fixed" {
			b, err = r.raw(n.size)
		} else {
			b, err = r.bytesVal()
		}
		if err != nil {
			return nil, err
		}
		if s.Name == connector.DecimalName {
			sc, _ := strconv.Atoi(s.Parameters[connector.DecimalScaleParam])
			return decimalFromBytes(b, int32(sc)), nil
		}
		return append([]byte(nil), b...), nil
	case "array":
		if s.Type == connector.TypeMap { // array of MapEntry
			out := map[any]any{}
			err := r.blocks(func() error {
				k, err := r.read(n.items.fields[0].node, s.KeySchema)
				if err != nil {
					return err
				}
				v, err := r.read(n.items.fields[1].node, s.ValueSchema)
				out[k] = v
				return err
			})
			return out, err
		}
		out := []any{}
		err := r.blocks(func() error {
			v, err := r.read(n.items, s.ValueSchema)
			out = append(out, v)
			return err
		})
		return out, err
	case "map":
		out := map[string]any{}
		err := r.blocks(func() error {
			k, err := r.bytesVal()
			if err != nil {
				return err
			}
			v, err := r.read(n.items, s.ValueSchema)
			out[string(k)] = v
			return err
		})
		return out, err
	case "record":
		st, err := connector.NewStruct(s)
		if err != nil {
			return nil, err
		}
		for i, f := range n.fields {
			v, err := r.read(f.node, s.Fields[i].Schema)
			if err != nil {
				return nil, err
			}
			if err := st.Put(f.name, v); err != nil {
				return nil, err
			}
		}
		return st, nil
	}
	return nil, fmt.Errorf("unsupported Avro type %s", n.kind)
}

func (r *avroReader) blocks(item func() error) error {
	for {
		n, err := r.long()
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if n < 0 {
			n = -n
			if _, err := r.long(); err != nil { // block size in bytes
				return err
			}
		}
		for ; n > 0; n-- {
			if err := item(); err != nil {
				return err
			}
		}
	}
}

// avroIntValue is the Connect value of an Avro int or long read for schema s: the integer
// width of the Connect type, or the time of a Date, Time or Timestamp.
func avroIntValue(s *connector.Schema, v int64) any {
	switch s.Type {
	case connector.TypeInt8:
		return int8(v)
	case connector.TypeInt16:
		return int16(v)
	case connector.TypeInt32:
		switch s.Name {
		case connector.DateName:
			return time.UnixMilli(v * 86400000).UTC()
		case connector.TimeName:
			return time.UnixMilli(v).UTC()
		}
		return int32(v)
	}
	if s.Name == connector.TimestampName {
		return time.UnixMilli(v).UTC()
	}
	return v
}

func eachMapEntry(v any, fn func(k, e any) error) error {
	switch m := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := fn(k, m[k]); err != nil {
				return err
			}
		}
	case map[any]any:
		keys := make([]any, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		for _, k := range keys {
			if err := fn(k, m[k]); err != nil {
				return err
			}
		}
	case nil:
	default:
		return fmt.Errorf("invalid map value %T", v)
	}
	return nil
}
