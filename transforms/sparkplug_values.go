package transforms

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tributary-connect/tributary/connector"
)

// This file holds SparkplugB's complex values (DataSet, Template) and the per-metric
// records of explode=true. See the doc comment of sparkplugB.

// spbMaxDepth bounds the nesting of Templates (a Template's metric holding a Template …),
// so that a hostile payload cannot exhaust the stack.
const spbMaxDepth = 32

var (
	spbDataSetSchema = connector.StructBuilder().SetName("io.tributary.sparkplug.DataSet").Optional().
				Field("num_of_columns", connector.OptionalInt64Schema).
				Field("columns", connector.ArrayBuilder(connector.StringSchema).MustBuild()).
				Field("types", connector.ArrayBuilder(connector.StringSchema).MustBuild()).
				Field("rows", connector.ArrayBuilder(connector.ArrayBuilder(connector.OptionalStringSchema).MustBuild()).MustBuild()).
				MustBuild()
	spbParameterSchema = connector.StructBuilder().SetName("io.tributary.sparkplug.Parameter").
				Field("name", connector.OptionalStringSchema).
				Field("type", connector.OptionalStringSchema).
				Field("value", connector.OptionalStringSchema).MustBuild()
	spbTemplateMetricSchema = connector.StructBuilder().SetName("io.tributary.sparkplug.TemplateMetric").
				Field("name", connector.OptionalStringSchema).
				Field("alias", connector.OptionalInt64Schema).
				Field("timestamp", spbTimestampSchema).
				Field("datatype", connector.OptionalStringSchema).
				Field("is_null", connector.BooleanSchema).
				Field("value", connector.OptionalStringSchema).MustBuild()
	spbTemplateSchema = connector.StructBuilder().SetName("io.tributary.sparkplug.Template").Optional().
				Field("version", connector.OptionalStringSchema).
				Field("template_ref", connector.OptionalStringSchema).
				Field("is_definition", connector.OptionalBooleanSchema).
				Field("parameters", connector.ArrayBuilder(spbParameterSchema).MustBuild()).
				Field("metrics", connector.ArrayBuilder(spbTemplateMetricSchema).MustBuild()).MustBuild()
)

// spbScalar is one value of a oneof whose alternatives are the same in Metric, DataSetValue,
// Template.Parameter and PropertyValue, only numbered differently.
type spbScalar struct {
	kind spbKind
	u    uint64 // varint, or the bits of a float or double
	b    []byte // string or bytes
}

type spbKind uint8

const (
	spbNone  spbKind = iota
	spbKInt          // uint32 int_value
	spbKLong         // uint64 long_value
	spbKFloat
	spbKDouble
	spbKBool
	spbKString
	spbKBytes
	spbKExtension // an extension value: not decoded
)

// spbScalarKinds are the alternatives of the value oneof in DataSetValue (fields 1 to 7) and
// Template.Parameter (fields 3 to 9), in field order (their wire types: spbDataSetValueWire,
// spbParamWire).
var spbScalarKinds = [...]spbKind{spbKInt, spbKLong, spbKFloat, spbKDouble, spbKBool, spbKString, spbKExtension}

// spbScalarOf is the value of a field of the value oneof whose first field is first.
func spbScalarOf(f spbField, first protowire.Number) spbScalar {
	return spbScalar{kind: spbScalarKinds[f.num-first], u: f.u, b: f.b}
}

// spbJSON is the value as JSON-ready Go value, read by the data type (dt) when it says how,
// else by the wire kind: numbers as json.Number (exact), DateTime as an ISO-8601 UTC
// string, Bytes and File as base64, nil for none or an extension.
func (s spbScalar) spbJSON(dt uint32) any {
	num := func(x string) any { return json.Number(x) }
	switch s.kind {
	case spbNone, spbKExtension:
		return nil
	case spbKInt, spbKLong:
		switch dt {
		case spbInt8:
			return num(strconv.FormatInt(int64(int8(s.u)), 10))
		case spbInt16:
			return num(strconv.FormatInt(int64(int16(s.u)), 10))
		case spbInt32:
			return num(strconv.FormatInt(int64(int32(s.u)), 10))
		case spbInt64:
			return num(strconv.FormatInt(int64(s.u), 10))
		case spbUInt8:
			return num(strconv.FormatUint(uint64(uint8(s.u)), 10))
		case spbUInt16:
			return num(strconv.FormatUint(uint64(uint16(s.u)), 10))
		case spbUInt32:
			return num(strconv.FormatUint(uint64(uint32(s.u)), 10))
		case spbDateTime:
			return time.UnixMilli(int64(s.u)).UTC().Format("2006-01-02T15:04:05.000Z")
		case spbBoolean:
			return s.u != 0
		}
		if s.kind == spbKInt {
			return num(strconv.FormatUint(uint64(uint32(s.u)), 10))
		}
		return num(strconv.FormatUint(s.u, 10))
	case spbKFloat:
		f := math.Float32frombits(uint32(s.u))
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			return strconv.FormatFloat(float64(f), 'g', -1, 32)
		}
		return num(strconv.FormatFloat(float64(f), 'g', -1, 32))
	case spbKDouble:
		f := math.Float64frombits(s.u)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
		return num(strconv.FormatFloat(f, 'g', -1, 64))
	case spbKBool:
		return s.u != 0
	case spbKString:
		return string(s.b)
	case spbKBytes:
		return base64.StdEncoding.EncodeToString(s.b)
	}
	return nil
}

// spbAsText renders a JSON-ready value as text: strings as they are, the rest as JSON.
func spbAsText(v any) *string {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return &x
	case json.Number:
		s := string(x)
		return &s
	}
	b, err := json.Marshal(v)
	if err != nil {
		s := fmt.Sprint(v)
		return &s
	}
	s := string(b)
	return &s
}

// spbDS is a decoded DataSet: 1 num_of_columns uint64, 2 columns repeated string,
// 3 types repeated uint32, 4 rows repeated Row {1 elements repeated DataSetValue {1 int_value
// uint32, 2 long_value uint64, 3 float_value float, 4 double_value double, 5 boolean_value
// bool, 6 string_value string, 7 extension_value}}.
type spbDS struct {
	numColumns *uint64
	columns    []string
	types      []uint32
	rows       [][]spbScalar
}

var (
	spbDataSetWire      = spbWire{1: spbV, 2: spbB, 3: spbV | spbB, 4: spbB}
	spbRowWire          = spbWire{1: spbB}
	spbDataSetValueWire = spbWire{1: spbV, 2: spbV, 3: spbF32, 4: spbF64, 5: spbV, 6: spbB, 7: spbB}
)

func decodeSpbDataSet(b []byte) (*spbDS, error) {
	d := &spbDS{}
	err := spbFields(b, spbDataSetWire, func(f spbField) error {
		switch {
		case f.num == 1:
			d.numColumns = &f.u
		case f.num == 2:
			d.columns = append(d.columns, string(f.b))
		case f.num == 3 && f.typ == protowire.VarintType:
			d.types = append(d.types, uint32(f.u))
		case f.num == 3: // packed
			for v := f.b; len(v) > 0; {
				x, n := protowire.ConsumeVarint(v)
				if n < 0 {
					return protowire.ParseError(n)
				}
				d.types, v = append(d.types, uint32(x)), v[n:]
			}
		case f.num == 4:
			row, err := decodeSpbRow(f.b)
			if err != nil {
				return fmt.Errorf("row %d: %w", len(d.rows), err)
			}
			d.rows = append(d.rows, row)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func decodeSpbRow(b []byte) ([]spbScalar, error) {
	row := []spbScalar{}
	err := spbFields(b, spbRowWire, func(f spbField) error {
		var el spbScalar
		err := spbFields(f.b, spbDataSetValueWire, func(v spbField) error {
			el = spbScalarOf(v, 1)
			return nil
		})
		row = append(row, el)
		return err
	})
	if err != nil {
		return nil, err
	}
	return row, nil
}

// structOf builds the io.tributary.sparkplug.DataSet Struct: the types by name, every cell
// rendered as text by its column's type (null when it has no value).
func (d *spbDS) structOf() (*connector.Struct, error) {
	st, _ := connector.NewStruct(spbDataSetSchema)
	cols := make([]any, len(d.columns))
	for i, c := range d.columns {
		cols[i] = c
	}
	types := make([]any, len(d.types))
	for i, t := range d.types {
		types[i] = spbTypeName(t)
	}
	rows := make([]any, len(d.rows))
	for i, r := range d.rows {
		cells := make([]any, len(r))
		for j, c := range r {
			if s := spbAsText(c.spbJSON(d.typeOf(j))); s != nil {
				cells[j] = *s
			}
		}
		rows[i] = cells
	}
	var err error
	if d.numColumns != nil {
		if *d.numColumns > math.MaxInt64 {
			return nil, fmt.Errorf("num_of_columns %d is out of range", *d.numColumns)
		}
		err = st.Put("num_of_columns", int64(*d.numColumns))
	}
	for _, kv := range []struct {
		k string
		v []any
	}{{"columns", cols}, {"types", types}, {"rows", rows}} {
		if err == nil {
			err = st.Put(kv.k, kv.v)
		}
	}
	return st, err
}

func (d *spbDS) typeOf(col int) uint32 {
	if col < len(d.types) {
		return d.types[col]
	}
	return spbUnknown
}

// jsonOf is the DataSet as JSON-ready value (for a DataSet inside a Template).
func (d *spbDS) jsonOf() map[string]any {
	types := make([]string, len(d.types))
	for i, t := range d.types {
		types[i] = spbTypeName(t)
	}
	rows := make([][]any, len(d.rows))
	for i, r := range d.rows {
		rows[i] = make([]any, len(r))
		for j, c := range r {
			rows[i][j] = c.spbJSON(d.typeOf(j))
		}
	}
	out := map[string]any{"columns": append([]string{}, d.columns...), "types": types, "rows": rows}
	if d.numColumns != nil {
		out["num_of_columns"] = *d.numColumns
	}
	return out
}

// spbTmpl is a decoded Template: 1 version string, 2 metrics repeated Metric,
// 3 parameters repeated Parameter {1 name string, 2 type uint32, 3 int_value uint32,
// 4 long_value uint64, 5 float_value float, 6 double_value double, 7 boolean_value bool,
// 8 string_value string, 9 extension_value}, 4 template_ref string, 5 is_definition bool.
type spbTmpl struct {
	version, templateRef *string
	isDefinition         *bool
	metrics              []spbMetric
	params               []spbParam
}

type spbParam struct {
	name  *string
	typ   *uint32
	value spbScalar
}

var (
	spbTemplateWire = spbWire{1: spbB, 2: spbB, 3: spbB, 4: spbB, 5: spbV}
	spbParamWire    = spbWire{1: spbB, 2: spbV, 3: spbV, 4: spbV, 5: spbF32, 6: spbF64, 7: spbV, 8: spbB, 9: spbB}
)

func decodeSpbTemplate(b []byte) (*spbTmpl, error) {
	t := &spbTmpl{}
	err := spbFields(b, spbTemplateWire, func(f spbField) error {
		switch f.num {
		case 1:
			s := string(f.b)
			t.version = &s
		case 2:
			m, err := decodeSpbMetric(f.b)
			if err != nil {
				return fmt.Errorf("template metric %d: %w", len(t.metrics), err)
			}
			t.metrics = append(t.metrics, m)
		case 3:
			p, err := decodeSpbParam(f.b)
			if err != nil {
				return fmt.Errorf("template parameter %d: %w", len(t.params), err)
			}
			t.params = append(t.params, p)
		case 4:
			s := string(f.b)
			t.templateRef = &s
		case 5:
			d := f.u != 0
			t.isDefinition = &d
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func decodeSpbParam(b []byte) (spbParam, error) {
	var p spbParam
	err := spbFields(b, spbParamWire, func(f spbField) error {
		switch f.num {
		case 1:
			s := string(f.b)
			p.name = &s
		case 2:
			d := uint32(f.u)
			p.typ = &d
		default:
			p.value = spbScalarOf(f, 3)
		}
		return nil
	})
	return p, err
}

// structOf builds the io.tributary.sparkplug.Template Struct; the values of its parameters
// and metrics are rendered as text (a DataSet or Template inside as JSON).
func (t *spbTmpl) structOf(depth int) (*connector.Struct, error) {
	st, _ := connector.NewStruct(spbTemplateSchema)
	params := make([]any, len(t.params))
	for i, p := range t.params {
		ps, _ := connector.NewStruct(spbParameterSchema)
		var dt uint32
		if p.name != nil {
			_ = ps.Put("name", *p.name)
		}
		if p.typ != nil {
			dt = *p.typ
			_ = ps.Put("type", spbTypeName(dt))
		}
		if s := spbAsText(p.value.spbJSON(dt)); s != nil {
			_ = ps.Put("value", *s)
		}
		params[i] = ps
	}
	metrics := make([]any, len(t.metrics))
	for i := range t.metrics {
		m := &t.metrics[i]
		ms, _ := connector.NewStruct(spbTemplateMetricSchema)
		if m.name != nil {
			_ = ms.Put("name", *m.name)
		}
		if m.alias != nil && *m.alias <= math.MaxInt64 {
			_ = ms.Put("alias", int64(*m.alias))
		}
		if m.timestamp != nil {
			_ = ms.Put("timestamp", time.UnixMilli(int64(*m.timestamp)).UTC())
		}
		if m.datatype != nil {
			_ = ms.Put("datatype", spbTypeName(*m.datatype))
		}
		_ = ms.Put("is_null", m.isNull)
		if !m.isNull {
			v, err := m.spbJSON(depth + 1)
			if err != nil {
				return nil, err
			}
			if s := spbAsText(v); s != nil {
				_ = ms.Put("value", *s)
			}
		}
		metrics[i] = ms
	}
	var err error
	put := func(k string, v any) {
		if err == nil {
			err = st.Put(k, v)
		}
	}
	if t.version != nil {
		put("version", *t.version)
	}
	if t.templateRef != nil {
		put("template_ref", *t.templateRef)
	}
	if t.isDefinition != nil {
		put("is_definition", *t.isDefinition)
	}
	put("parameters", params)
	put("metrics", metrics)
	return st, err
}

// jsonOf is the Template as JSON-ready value (for a Template inside a Template).
func (t *spbTmpl) jsonOf(depth int) (map[string]any, error) {
	out := map[string]any{}
	if t.version != nil {
		out["version"] = *t.version
	}
	if t.templateRef != nil {
		out["template_ref"] = *t.templateRef
	}
	if t.isDefinition != nil {
		out["is_definition"] = *t.isDefinition
	}
	params := []any{}
	for _, p := range t.params {
		j := map[string]any{}
		var dt uint32
		if p.name != nil {
			j["name"] = *p.name
		}
		if p.typ != nil {
			dt = *p.typ
			j["type"] = spbTypeName(dt)
		}
		j["value"] = p.value.spbJSON(dt)
		params = append(params, j)
	}
	metrics := []any{}
	for i := range t.metrics {
		m := &t.metrics[i]
		j := map[string]any{"is_null": m.isNull}
		if m.name != nil {
			j["name"] = *m.name
		}
		if m.alias != nil {
			j["alias"] = *m.alias
		}
		if m.datatype != nil {
			j["datatype"] = spbTypeName(*m.datatype)
		}
		if m.timestamp != nil {
			j["timestamp"] = *m.timestamp
		}
		var v any
		if !m.isNull {
			var err error
			if v, err = m.spbJSON(depth + 1); err != nil {
				return nil, err
			}
		}
		j["value"] = v
		metrics = append(metrics, j)
	}
	out["parameters"], out["metrics"] = params, metrics
	return out, nil
}

// spbMetricKinds are the kinds of Metric's scalar value fields, by field number (17 and 18,
// DataSet and Template, are not scalars).
var spbMetricKinds = map[protowire.Number]spbKind{10: spbKInt, 11: spbKLong, 12: spbKFloat, 13: spbKDouble,
	14: spbKBool, 15: spbKString, 16: spbKBytes, 19: spbKExtension}

// scalar is the metric's value as an spbScalar (its DataSet and Template are not scalars).
func (m *spbMetric) scalar() spbScalar {
	switch k := spbMetricKinds[m.valueField]; k {
	case spbNone, spbKExtension:
		return spbScalar{kind: k}
	case spbKString, spbKBytes:
		return spbScalar{kind: k, b: m.bytes}
	case spbKFloat, spbKDouble:
		return spbScalar{kind: k, u: m.fixed}
	default:
		return spbScalar{kind: k, u: m.varint}
	}
}

// spbJSON is a (Template member) metric's value as JSON-ready value.
func (m *spbMetric) spbJSON(depth int) (any, error) {
	if depth > spbMaxDepth {
		return nil, fmt.Errorf("templates nested deeper than %d", spbMaxDepth)
	}
	switch m.valueField {
	case 17:
		d, err := decodeSpbDataSet(m.bytes)
		if err != nil {
			return nil, fmt.Errorf("dataset_value: %w", err)
		}
		return d.jsonOf(), nil
	case 18:
		t, err := decodeSpbTemplate(m.bytes)
		if err != nil {
			return nil, fmt.Errorf("template_value: %w", err)
		}
		return t.jsonOf(depth)
	}
	return m.scalar().spbJSON(m.datatypeOr0()), nil
}

// complexStruct decodes a DataSet (field 17) or Template (field 18) value into its Struct.
func (m *spbMetric) complexStruct() (*connector.Struct, error) {
	switch m.valueField {
	case 17:
		d, err := decodeSpbDataSet(m.bytes)
		if err != nil {
			return nil, fmt.Errorf("dataset_value: %w", err)
		}
		return d.structOf()
	case 18:
		t, err := decodeSpbTemplate(m.bytes)
		if err != nil {
			return nil, fmt.Errorf("template_value: %w", err)
		}
		return t.structOf(1)
	}
	return nil, nil
}

func spbIsArray(dt uint32) bool { return dt >= 22 && dt <= 34 }

// explode=true: one record per metric.

// spbExplodeSchemas caches the per-metric value schemas by name (they are immutable).
var spbExplodeSchemas sync.Map // string → *connector.Schema

const spbExplodeNamespace = "io.tributary.sparkplug.metric."

// spbExplodeSchema returns the per-metric schema io.tributary.sparkplug.metric.<suffix>
// whose value field has schema value.
func spbExplodeSchema(suffix string, value *connector.Schema) *connector.Schema {
	name := spbExplodeNamespace + suffix
	if s, ok := spbExplodeSchemas.Load(name); ok {
		return s.(*connector.Schema)
	}
	s := spbEnvelope(connector.StructBuilder().SetName(name)).
		Field("name", connector.OptionalStringSchema).
		Field("alias", connector.OptionalInt64Schema).
		Field("datatype", connector.OptionalStringSchema).
		Field("is_historical", connector.BooleanSchema).
		Field("is_transient", connector.BooleanSchema).
		Field("is_null", connector.BooleanSchema).
		Field("value", value).MustBuild()
	actual, _ := spbExplodeSchemas.LoadOrStore(name, s)
	return actual.(*connector.Schema)
}

var spbOptionalTimestampValue = connector.TimestampSchema().Optional().MustBuild()

// spbWireKindNames name the per-metric schemas of a metric whose data type does not say
// how to read it (Unknown: an unresolved alias with unknown.birth=passthrough;
// PropertySet, PropertySetList and numbers Tahu does not define), by the wire field.
var spbWireKindNames = map[protowire.Number]string{0: "None", 10: "Int", 11: "Long", 12: "Float", 13: "Double",
	14: "Boolean", 15: "String", 16: "Bytes", 17: "DataSet", 18: "Template", 19: "Extension"}

// spbExplodeValue returns the schema suffix, the value schema and the value (nil when
// is_null or absent) of a metric, by its data type.
func spbExplodeValue(m *spbMetric, name string) (string, *connector.Schema, any, error) {
	dt := m.datatypeOr0()
	has := !m.isNull && m.valueField != 0
	wrong := func() error {
		return fmt.Errorf("metric %q of type %s has its value in field %d", name, spbTypeName(dt), m.valueField)
	}
	intField := m.valueField == 10 || m.valueField == 11
	typed := func(s *connector.Schema, ok bool, v func() (any, error)) (string, *connector.Schema, any, error) {
		if !has {
			return spbTypeName(dt), s, nil, nil
		}
		if !ok {
			return "", nil, nil, wrong()
		}
		x, err := v()
		if err != nil {
			return "", nil, nil, err
		}
		return spbTypeName(dt), s, x, nil
	}
	u := m.varint
	switch dt {
	case spbInt8:
		return typed(connector.OptionalInt8Schema, intField, func() (any, error) { return int8(u), nil })
	case spbInt16:
		return typed(connector.OptionalInt16Schema, intField, func() (any, error) { return int16(u), nil })
	case spbUInt8:
		return typed(connector.OptionalInt16Schema, intField, func() (any, error) { return int16(uint8(u)), nil })
	case spbInt32:
		return typed(connector.OptionalInt32Schema, intField, func() (any, error) { return int32(u), nil })
	case spbUInt16:
		return typed(connector.OptionalInt32Schema, intField, func() (any, error) { return int32(uint16(u)), nil })
	case spbInt64:
		return typed(connector.OptionalInt64Schema, intField, func() (any, error) { return int64(u), nil })
	case spbUInt32:
		return typed(connector.OptionalInt64Schema, intField, func() (any, error) { return int64(uint32(u)), nil })
	case spbUInt64:
		return typed(connector.OptionalInt64Schema, intField, func() (any, error) {
			if u > math.MaxInt64 {
				return nil, fmt.Errorf("metric %q: the UInt64 value %d does not fit in an INT64", name, u)
			}
			return int64(u), nil
		})
	case spbFloat:
		return typed(connector.OptionalFloat32Schema, m.valueField == 12, func() (any, error) { return math.Float32frombits(uint32(m.fixed)), nil })
	case spbDouble:
		return typed(connector.OptionalFloat64Schema, m.valueField == 13, func() (any, error) { return math.Float64frombits(m.fixed), nil })
	case spbBoolean:
		return typed(connector.OptionalBooleanSchema, m.valueField == 14, func() (any, error) { return u != 0, nil })
	case spbString, spbText, spbUUID:
		return typed(connector.OptionalStringSchema, m.valueField == 15, func() (any, error) { return string(m.bytes), nil })
	case spbDateTime:
		return typed(spbOptionalTimestampValue, intField, func() (any, error) { return time.UnixMilli(int64(u)).UTC(), nil })
	case spbBytes, spbFile:
		return typed(connector.OptionalBytesSchema, m.valueField == 16, func() (any, error) { return append([]byte(nil), m.bytes...), nil })
	case spbDataSet:
		return typed(spbDataSetSchema, m.valueField == 17, func() (any, error) { return m.complexStruct() })
	case spbTemplate:
		return typed(spbTemplateSchema, m.valueField == 18, func() (any, error) { return m.complexStruct() })
	}
	if spbIsArray(dt) {
		// Sparkplug 3.0 arrays travel packed (little-endian) in bytes_value: kept as they are.
		return typed(connector.OptionalBytesSchema, m.valueField == 16, func() (any, error) { return append([]byte(nil), m.bytes...), nil })
	}
	// No data type to go by: the wire field decides (and names the schema).
	suffix := spbTypeName(dt) + "As" + spbWireKindNames[m.valueField]
	var s *connector.Schema
	var v any
	switch m.valueField {
	case 10, 11:
		s, v = connector.OptionalInt64Schema, int64(u)
	case 12:
		s, v = connector.OptionalFloat32Schema, math.Float32frombits(uint32(m.fixed))
	case 13:
		s, v = connector.OptionalFloat64Schema, math.Float64frombits(m.fixed)
	case 14:
		s, v = connector.OptionalBooleanSchema, u != 0
	case 15:
		s, v = connector.OptionalStringSchema, string(m.bytes)
	case 16:
		s, v = connector.OptionalBytesSchema, append([]byte(nil), m.bytes...)
	case 17:
		st, err := m.complexStruct()
		if err != nil {
			return "", nil, nil, err
		}
		s, v = spbDataSetSchema, st
	case 18:
		st, err := m.complexStruct()
		if err != nil {
			return "", nil, nil, err
		}
		s, v = spbTemplateSchema, st
	default: // none, or an extension value: nothing decodable
		s, v = connector.OptionalStringSchema, nil
	}
	if m.isNull {
		v = nil
	}
	return suffix, s, v, nil
}
