package transforms

import (
	"errors"
	"sort"
	"strings"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/jvalues"
)

// ReplaceField (org.apache.kafka.connect.transforms.ReplaceField$Key / $Value) filters and
// renames the top-level fields of a Struct or Map. The deprecated blacklist/whitelist
// aliases were removed in Kafka 4.0 and are not accepted.

const (
	replaceFieldExclude     = "exclude"
	replaceFieldInclude     = "include"
	replaceFieldRenames     = "renames"
	replaceFieldReplaceNull = "replace.null.with.default"
	replaceFieldPurpose     = "field replacement"
)

func replaceFieldConfigDef() *connector.ConfigDef {
	return &connector.ConfigDef{Keys: []connector.ConfigKey{
		{Name: replaceFieldExclude, Type: connector.ConfigList, Default: "", Importance: connector.Medium,
			Doc: "Fields to exclude. This takes precedence over the fields to include."},
		{Name: replaceFieldInclude, Type: connector.ConfigList, Default: "", Importance: connector.Medium,
			Doc: "Fields to include. If specified, only these fields will be used."},
		{Name: replaceFieldRenames, Type: connector.ConfigList, Default: "", Validate: validateRenameMappings,
			Importance: connector.Medium, Doc: "Field rename mappings."},
		{Name: replaceFieldReplaceNull, Type: connector.ConfigBoolean, Default: "true", Importance: connector.Medium,
			Doc: fldReplaceNullWithDefaultDoc},
	}}
}

// javaSplitColon is Java's mapping.split(":"): trailing empty strings are dropped (but a
// string without any colon is returned whole).
func javaSplitColon(s string) []string {
	if !strings.Contains(s, ":") {
		return []string{s}
	}
	parts := strings.Split(s, ":")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

func validateRenameMappings(v any) error {
	l, _ := v.([]string)
	for _, m := range l {
		if len(javaSplitColon(m)) != 2 {
			return errors.New("Invalid rename mapping: " + m)
		}
	}
	return nil
}

type replaceField struct {
	side side

	exclude, include       map[string]bool
	renames, reverse       map[string]string
	replaceNullWithDefault bool

	cache fldSchemaCache
}

func init() {
	keyValue("ReplaceField", func(s side) connector.Transformation { return &replaceField{side: s} })
}

func (t *replaceField) ConfigDef() *connector.ConfigDef { return replaceFieldConfigDef() }

func (t *replaceField) Configure(cfg connector.Config) error {
	v, err := fldParseConfig(replaceFieldConfigDef(), cfg)
	if err != nil {
		return err
	}
	set := func(l []string) map[string]bool {
		m := make(map[string]bool, len(l))
		for _, x := range l {
			m[x] = true
		}
		return m
	}
	t.exclude = set(v.List(replaceFieldExclude))
	t.include = set(v.List(replaceFieldInclude))

	// renames is a HashMap filled in list order (a repeated name keeps its first slot and
	// its last target); the reverse map is filled in the HashMap's iteration order, so when
	// two names are renamed to the same one the last in that order wins.
	t.renames = map[string]string{}
	var order []string
	for _, m := range v.List(replaceFieldRenames) {
		parts := javaSplitColon(m)
		if _, seen := t.renames[parts[0]]; !seen {
			order = append(order, parts[0])
		}
		t.renames[parts[0]] = parts[1]
	}
	t.reverse = make(map[string]string, len(t.renames))
	for _, old := range fldJavaHashOrder(order, fldGrownCapacity(len(order))) {
		t.reverse[t.renames[old]] = old
	}
	t.replaceNullWithDefault = v.Bool(replaceFieldReplaceNull)
	t.cache.reset()
	return nil
}

func (t *replaceField) filter(name string) bool {
	return !t.exclude[name] && (len(t.include) == 0 || t.include[name])
}

func (t *replaceField) renamed(name string) string {
	if n, ok := t.renames[name]; ok {
		return n
	}
	return name
}

func (t *replaceField) reverseRenamed(name string) string {
	if n, ok := t.reverse[name]; ok {
		return n
	}
	return name
}

func (t *replaceField) Apply(r *connector.Record) (*connector.Record, error) {
	schema, value := t.side.operating(r)
	if value == nil {
		return r, nil
	}
	if schema == nil {
		return t.applySchemaless(r, value)
	}
	return t.applyWithSchema(r, value)
}

func (t *replaceField) applySchemaless(r *connector.Record, value any) (*connector.Record, error) {
	m, err := fldRequireMap(value, replaceFieldPurpose)
	if err != nil {
		return nil, err
	}
	if m.s != nil { // fast path: no rename collision, so the order does not matter
		out := make(map[string]any, len(m.s))
		kept := 0
		for k, v := range m.s {
			if t.filter(k) {
				kept++
				out[t.renamed(k)] = v
			}
		}
		if kept == len(out) {
			return t.side.newRecord(r, nil, out), nil
		}
	}
	// Java walks the input HashMap; only the order decides which value a rename collision
	// keeps (and which non-String key fails first). The order is emulated for a HashMap
	// built by plain puts (ties in a bucket, whose insertion order is unknown, are taken in
	// sorted order).
	var keys []any
	if m.s != nil {
		for k := range m.s {
			keys = append(keys, k)
		}
	} else {
		for k := range m.a {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return fldSortKey(keys[i]) < fldSortKey(keys[j]) })
	out := make(map[string]any, len(keys))
	var nullKey []any // a kept null key (Java's cast lets null through)
	for _, k := range fldJavaHashOrder(keys, fldGrownCapacity(len(keys))) {
		if k == nil {
			if len(t.include) == 0 {
				nullKey = []any{m.a[nil]}
			}
			continue
		}
		name, ok := k.(string)
		if !ok {
			// Java's cast of the entry key to String.
			c := jvalues.JavaClassName(k)
			return nil, errors.New("class " + c + " cannot be cast to class java.lang.String (" + c +
				" and java.lang.String are in module java.base of loader 'bootstrap')")
		}
		if t.filter(name) {
			if m.s != nil {
				out[t.renamed(name)] = m.s[name]
			} else {
				out[t.renamed(name)] = m.a[name]
			}
		}
	}
	if nullKey != nil {
		withNull := make(map[any]any, len(out)+1)
		for k, v := range out {
			withNull[k] = v
		}
		withNull[nil] = nullKey[0]
		return t.side.newRecord(r, nil, withNull), nil
	}
	return t.side.newRecord(r, nil, out), nil
}

// fldSortKey orders map keys of any type deterministically.
func fldSortKey(k any) string {
	if s, ok := k.(string); ok {
		return "s" + s
	}
	return "x" + jvalues.JavaClassName(k) + fldConfigValueString(k)
}

func (t *replaceField) applyWithSchema(r *connector.Record, value any) (*connector.Record, error) {
	st, err := requireStruct(value, replaceFieldPurpose)
	if err != nil {
		return nil, err
	}
	updated := t.cache.get(st.Schema())
	if updated == nil {
		b := copySchemaBasics(st.Schema(), connector.TypeStruct)
		for _, f := range st.Schema().Fields {
			if t.filter(f.Name) {
				b.Field(t.renamed(f.Name), f.Schema)
			}
		}
		if updated, err = b.Build(); err != nil {
			return nil, err
		}
		t.cache.put(st.Schema(), updated)
	}
	out, err := connector.NewStruct(updated)
	if err != nil {
		return nil, err
	}
	for _, f := range updated.Fields {
		fv, err := fldFieldValue(st, t.reverseRenamed(f.Name), t.replaceNullWithDefault)
		if err != nil {
			return nil, err
		}
		if err := out.Put(f.Name, fv); err != nil {
			return nil, err
		}
	}
	return t.side.newRecord(r, updated, out), nil
}
