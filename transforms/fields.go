package transforms

// Helpers shared by InsertField, ReplaceField, MaskField, ValueToKey, HoistField and
// ExtractField: Java-exact config parsing, Java HashMap iteration order, schemaless map
// access for both Go map kinds, a per-instance schema cache, and SingleFieldPath (the
// KIP-821 field paths of ExtractField).

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"

	"github.com/tributary-connect/tributary/connector"
)

// Doc string shared by every SMT of the group that has replace.null.with.default.
const fldReplaceNullWithDefaultDoc = "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used."

// ---------------------------------------------------------------- config parsing

// fldParseConfig parses cfg against def as Java's ConfigDef.parse does (keys in definition
// order, first error wins), with Java's exact wording:
//   - STRING values are trimmed with String.trim (every char <= U+0020);
//   - LIST values are trimmed, then split on the regex \s*,\s* keeping trailing empty items;
//   - BOOLEAN is true/false in any case, after trimming;
//   - a validator's error prints the *parsed* value, as ConfigException(name, value, msg)
//     does: a list as [a, b], a string trimmed, null as null.
//
// Types other than STRING, LIST and BOOLEAN go through connector.ParseValue.
func fldParseConfig(def *connector.ConfigDef, cfg connector.Config) (connector.Values, error) {
	out := make(connector.Values, len(def.Keys))
	for _, k := range def.Keys {
		raw, present := cfg[k.Name]
		var v any
		switch {
		case present:
			var err error
			if v, err = fldParseValue(k.Type, raw); err != nil {
				return nil, fldInvalid(k.Name, raw, err.Error())
			}
		case k.Required:
			return nil, &connector.ConfigError{Key: k.Name, Message: fmt.Sprintf(
				"Missing required configuration \"%s\" which has no default value.", k.Name)}
		case k.Default != nil:
			// Java keeps the default as an object; parsing its properties form gives the same.
			var err error
			if v, err = fldParseValue(k.Type, fmt.Sprint(k.Default)); err != nil {
				return nil, fldInvalid(k.Name, fmt.Sprint(k.Default), err.Error())
			}
		}
		if k.Validate != nil {
			if err := k.Validate(v); err != nil {
				return nil, fldInvalid(k.Name, fldConfigValueString(v), err.Error())
			}
		}
		out[k.Name] = v
	}
	return out, nil
}

func fldInvalid(name, value, msg string) *connector.ConfigError {
	return &connector.ConfigError{Key: name, Message: fmt.Sprintf("Invalid value %s for configuration %s: %s", value, name, msg)}
}

// fldParseValue is ConfigDef.parseType for a String input.
func fldParseValue(t connector.ConfigType, raw string) (any, error) {
	s := fldJavaTrim(raw)
	switch t {
	case connector.ConfigString:
		return s, nil
	case connector.ConfigBoolean:
		switch {
		case strings.EqualFold(s, "true"):
			return true, nil
		case strings.EqualFold(s, "false"):
			return false, nil
		}
		return nil, errors.New("Expected value to be either true or false")
	case connector.ConfigList:
		if s == "" {
			return []string{}, nil
		}
		parts := strings.Split(s, ",")
		for i := range parts {
			if i > 0 {
				parts[i] = strings.TrimLeft(parts[i], fldRegexSpace)
			}
			if i < len(parts)-1 {
				parts[i] = strings.TrimRight(parts[i], fldRegexSpace)
			}
		}
		return parts, nil
	}
	return connector.ParseValue(t, raw)
}

// fldRegexSpace is the character class of Java's regex \s.
const fldRegexSpace = " \t\n\x0B\f\r"

// fldJavaTrim is Java's String.trim: it strips every char <= U+0020 from both ends.
func fldJavaTrim(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] <= ' ' {
		i++
	}
	for j > i && s[j-1] <= ' ' {
		j--
	}
	return s[i:j]
}

// fldConfigValueString renders a parsed config value as Java's String.valueOf does.
func fldConfigValueString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// fldNonEmptyString is ConfigDef.NonEmptyString: null passes, "" does not.
func fldNonEmptyString(v any) error {
	if s, ok := v.(string); ok && s == "" {
		return errors.New("String must be non-empty")
	}
	return nil
}

// fldNonEmptyList is NonEmptyListValidator: null and [] fail.
func fldNonEmptyList(v any) error {
	if l, ok := v.([]string); !ok || len(l) == 0 {
		return errors.New("Empty list")
	}
	return nil
}

// ---------------------------------------------------------------- Java HashMap order

// fldJavaHash is Object.hashCode for the key types a schemaless map may carry (String,
// the boxed integers and Boolean); other types hash to 0.
func fldJavaHash(k any) int32 {
	switch x := k.(type) {
	case string:
		var h int32
		for _, r := range x { // over UTF-16 code units
			if r1, r2 := utf16.EncodeRune(r); r1 != unicode.ReplacementChar || r2 != unicode.ReplacementChar {
				h = 31*(31*h+r1) + r2
			} else {
				h = 31*h + r
			}
		}
		return h
	case int8:
		return int32(x)
	case int16:
		return int32(x)
	case int32:
		return x
	case int64:
		return int32(x ^ int64(uint64(x)>>32))
	case bool:
		if x {
			return 1231
		}
		return 1237
	}
	return 0
}

// fldJavaBucket is the table index HashMap gives a key in a table of capacity n.
func fldJavaBucket(k any, n int) int {
	h := fldJavaHash(k)
	h ^= int32(uint32(h) >> 16)
	return int(h) & (n - 1)
}

// fldJavaHashOrder sorts keys, given in insertion order, into the order a java.util.HashMap
// (or HashSet) with table capacity n iterates them: by bucket, then by insertion order.
func fldJavaHashOrder[K any](keys []K, n int) []K {
	out := append([]K(nil), keys...)
	sort.SliceStable(out, func(i, j int) bool { return fldJavaBucket(out[i], n) < fldJavaBucket(out[j], n) })
	return out
}

// fldGrownCapacity is the table capacity of a HashMap built with new HashMap<>() and then
// given size distinct keys.
func fldGrownCapacity(size int) int {
	n := 16
	for size > n*3/4 {
		n *= 2
	}
	return n
}

// fldCopiedCapacity is the table capacity of new HashSet<>(collection) for a collection of
// the given size (duplicates included).
func fldCopiedCapacity(size int) int {
	initial := int(float32(size)/0.75) + 1
	if initial < 16 {
		initial = 16
	}
	n := 1
	for n < initial {
		n *= 2
	}
	return n
}

// ---------------------------------------------------------------- schemaless maps

// fldMap is a schemaless value: Java accepts any Map, Go carries map[string]any or
// map[any]any.
type fldMap struct {
	s map[string]any
	a map[any]any
}

// fldRequireMap is Requirements.requireMap for both Go map kinds.
func fldRequireMap(v any, purpose string) (fldMap, error) {
	switch m := v.(type) {
	case map[string]any:
		if m == nil {
			m = map[string]any{}
		}
		return fldMap{s: m}, nil
	case map[any]any:
		if m == nil {
			m = map[any]any{}
		}
		return fldMap{a: m}, nil
	}
	_, err := requireMap(v, purpose)
	return fldMap{}, err
}

// get is Map.get with a String key.
func (m fldMap) get(k string) any {
	if m.s != nil {
		return m.s[k]
	}
	return m.a[k]
}

// clone is new HashMap<>(m), keeping the Go map kind.
func (m fldMap) clone() fldMap {
	if m.s != nil {
		out := make(map[string]any, len(m.s)+4)
		for k, v := range m.s {
			out[k] = v
		}
		return fldMap{s: out}
	}
	out := make(map[any]any, len(m.a)+4)
	for k, v := range m.a {
		out[k] = v
	}
	return fldMap{a: out}
}

// put is Map.put with a String key.
func (m fldMap) put(k string, v any) {
	if m.s != nil {
		m.s[k] = v
		return
	}
	m.a[k] = v
}

// value returns the Go map.
func (m fldMap) value() any {
	if m.s != nil {
		return m.s
	}
	return m.a
}

// ---------------------------------------------------------------- schema cache

// fldSchemaCache remembers the output schema per input schema, as Java's LRU caches of 16
// do; it only saves work. Keys are schema pointers (schemas are immutable).
type fldSchemaCache struct {
	mu sync.Mutex
	m  map[*connector.Schema]*connector.Schema
}

// reset empties the cache (on Configure).
func (c *fldSchemaCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
}

func (c *fldSchemaCache) get(in *connector.Schema) *connector.Schema {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[in]
}

func (c *fldSchemaCache) put(in, out *connector.Schema) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= 16 {
		c.m = make(map[*connector.Schema]*connector.Schema, 16)
	}
	c.m[in] = out
}

// fldSchemaField is ConnectSchema.field: it fails on a non-struct schema.
func fldSchemaField(s *connector.Schema, name string) (connector.Field, bool, error) {
	if s.Type != connector.TypeStruct {
		return connector.Field{}, false, connector.DataErrorf("Cannot look up fields on non-struct type")
	}
	f, ok := s.Field(name)
	return f, ok, nil
}

// fldFieldValue reads a struct field, with or without its default (replace.null.with.default).
func fldFieldValue(st *connector.Struct, name string, withDefault bool) (any, error) {
	if withDefault {
		return st.Get(name)
	}
	return st.GetWithoutDefault(name)
}

// ---------------------------------------------------------------- SingleFieldPath

// fldSyntaxVersion config key, doc and default (FieldSyntaxVersion).
const (
	fldSyntaxVersionConfig = "field.syntax.version"
	fldSyntaxVersionDoc    = "Defines the version of the syntax to access fields. " +
		"If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. " +
		"If set to `V2`, the syntax will support accessing nested elements. " +
		"To access nested elements, dotted notation is used. " +
		"If dots are already included in the field name, " +
		"then backtick pairs can be used to wrap field names containing dots. " +
		"E.g. to access the subfield `baz` from a field named \"foo.bar\" in a struct/map " +
		"the following format can be used to access its elements: \"`foo.bar`.baz\"."
)

// fldPath is a field path (SingleFieldPath): one step in V1, dot-separated steps with
// backtick quoting in V2. A V2 path built from "" has no steps at all; using it fails as
// Java's subList does.
type fldPath struct {
	steps []string
}

// fldNewPath parses a path of the given syntax version ("V1" or "V2", any case).
func fldNewPath(text, version string) (fldPath, error) {
	if strings.EqualFold(version, "V2") {
		steps, err := fldParsePathV2(text)
		return fldPath{steps: steps}, err
	}
	return fldPath{steps: []string{text}}, nil
}

func fldParsePathV2(path string) ([]string, error) {
	steps := []string{}
	idx := 0
	for idx < len(path) && idx >= 0 {
		if path[idx] != '`' {
			start := idx
			if i := strings.IndexByte(path[idx:], '.'); i >= 0 {
				idx += i
				steps = append(steps, path[start:idx])
				idx++
			} else {
				idx = -1
				steps = append(steps, path[start:])
			}
			continue
		}
		backtickAt := idx
		idx++
		var field strings.Builder
		start := idx
		for {
			i := strings.IndexByte(path[idx:], '`')
			if i < 0 {
				return nil, fldIncompleteBacktick(path, backtickAt)
			}
			idx += i
			escaped := path[idx-1] == '\\'
			if idx >= len(path)-1 { // the backtick ends the path
				if escaped {
					return nil, fldIncompleteBacktick(path, backtickAt)
				}
				field.WriteString(path[start:idx])
				steps = append(steps, field.String())
				idx++
				break
			}
			if path[idx+1] != '.' { // part of the name; look for the next one
				idx++
				continue
			}
			if escaped { // \` before a dot: a literal backtick
				field.WriteString(path[start : idx-1])
				field.WriteByte('`')
				idx++
				start = idx
				continue
			}
			field.WriteString(path[start:idx])
			steps = append(steps, field.String())
			idx += 2
			break
		}
	}
	if path != "" && path[len(path)-1] == '.' {
		steps = append(steps, "")
	}
	return steps, nil
}

func fldIncompleteBacktick(path string, backtickAt int) error {
	// Java reports a UTF-16 index.
	pos := len(utf16.Encode([]rune(path[:backtickAt])))
	return &connector.ConfigError{Message: fmt.Sprintf("Incomplete backtick pair in path: [%s], consider adding a backslash before backtick at position %d to escape it", path, pos)}
}

// errFldEmptyPath is what Java's List.subList throws for a path without steps.
var errFldEmptyPath = errors.New("fromIndex(0) > toIndex(-1)")

func (p fldPath) split() ([]string, string, error) {
	if len(p.steps) == 0 {
		return nil, "", errFldEmptyPath
	}
	return p.steps[:len(p.steps)-1], p.steps[len(p.steps)-1], nil
}

// fieldFrom resolves the path in a schema (nil when not found or schema is nil).
func (p fldPath) fieldFrom(s *connector.Schema) (*connector.Field, error) {
	if s == nil {
		return nil, nil
	}
	parents, last, err := p.split()
	if err != nil {
		return nil, err
	}
	cur := s
	for _, step := range parents {
		f, ok, err := fldSchemaField(cur, step)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, nil
		}
		cur = f.Schema
	}
	f, ok, err := fldSchemaField(cur, last)
	if err != nil || !ok {
		return nil, err
	}
	return &f, nil
}

// structValue reads the path in a struct; intermediate steps use defaults, the last one
// only when withDefault.
func (p fldPath) structValue(st *connector.Struct, withDefault bool) (any, error) {
	if st == nil {
		return nil, nil
	}
	parents, last, err := p.split()
	if err != nil {
		return nil, err
	}
	cur := st
	for _, step := range parents {
		if _, ok := cur.Schema().Field(step); !ok {
			return nil, nil
		}
		sub, err := cur.Get(step)
		if err != nil {
			return nil, err
		}
		if cur, err = requireStructOrNull(sub, "nested field access"); err != nil {
			return nil, err
		}
		if cur == nil {
			return nil, nil
		}
	}
	if _, ok := cur.Schema().Field(last); !ok {
		return nil, nil
	}
	return fldFieldValue(cur, last, withDefault)
}

// mapValue reads the path in a schemaless map.
func (p fldPath) mapValue(m fldMap) (any, error) {
	parents, last, err := p.split()
	if err != nil {
		return nil, err
	}
	cur := m
	for _, step := range parents {
		sub := cur.get(step)
		if sub == nil {
			return nil, nil
		}
		if cur, err = fldRequireMap(sub, "nested field access"); err != nil {
			return nil, err
		}
	}
	return cur.get(last), nil
}
