package converters

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// A small reader of proto3 schema text: enough for the schemas ProtobufConverter writes and
// for plain foreign proto3 schemas (messages, nested messages, scalar/message/map fields,
// repeated and optional labels, field options with confluent.field_meta params). Enums,
// oneofs, proto2, services and types of imported files other than the well-known ones
// ProtobufData uses are refused.

type pbFile struct {
	pkg  string
	msgs []*pbMsgNode
}

type pbMsgNode struct {
	name, full string
	fields     []*pbFieldNode
	nested     []*pbMsgNode
	parent     *pbMsgNode
	oneofs     int
	wellKnown  string // the full name of a well-known type (no fields known)
}

type pbFieldNode struct {
	label, typ, name string
	num              int
	params           map[string]string // confluent.field_meta params
	msg              *pbMsgNode        // resolved message type, nil for scalars
}

func (m *pbMsgNode) isMapEntry() bool {
	return strings.HasSuffix(m.name, "Entry") && len(m.fields) == 2 &&
		m.fields[0].name == "key" && m.fields[1].name == "value" &&
		m.fields[0].label != "repeated" && m.fields[1].label != "repeated"
}

// messageAt follows a message-index path.
func (f *pbFile) messageAt(idx []int) (*pbMsgNode, error) {
	list := f.msgs
	var m *pbMsgNode
	for _, i := range idx {
		if i < 0 || i >= len(list) {
			return nil, fmt.Errorf("message index %v not in the schema", idx)
		}
		m = list[i]
		list = m.nested
	}
	if m == nil {
		return nil, fmt.Errorf("schema without messages")
	}
	return m, nil
}

type pbLexer struct {
	s   string
	pos int
}

func (l *pbLexer) skipSpace() {
	for l.pos < len(l.s) {
		c := l.s[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.pos++
		case strings.HasPrefix(l.s[l.pos:], "//"):
			if i := strings.IndexByte(l.s[l.pos:], '\n'); i >= 0 {
				l.pos += i + 1
			} else {
				l.pos = len(l.s)
			}
		case strings.HasPrefix(l.s[l.pos:], "/*"):
			if i := strings.Index(l.s[l.pos+2:], "*/"); i >= 0 {
				l.pos += i + 4
			} else {
				l.pos = len(l.s)
			}
		default:
			return
		}
	}
}

// next returns the next token: an identifier (dots included), a number, a quoted string
// (with quotes) or one punctuation character; "" at the end.
func (l *pbLexer) next() string {
	l.skipSpace()
	if l.pos >= len(l.s) {
		return ""
	}
	start := l.pos
	c := l.s[l.pos]
	switch {
	case c == '"' || c == '\'':
		l.pos++
		for l.pos < len(l.s) && l.s[l.pos] != c {
			if l.s[l.pos] == '\\' {
				l.pos++
			}
			l.pos++
		}
		l.pos++
		if l.pos > len(l.s) {
			l.pos = len(l.s)
		}
	case c == '_' || c == '.' || c == '-' || c == '+' || unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)):
		for l.pos < len(l.s) {
			c := l.s[l.pos]
			if c == '_' || c == '.' || c == '-' || c == '+' || unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)) {
				l.pos++
				continue
			}
			break
		}
	default:
		l.pos++
	}
	return l.s[start:l.pos]
}

func (l *pbLexer) peek() string {
	p := l.pos
	t := l.next()
	l.pos = p
	return t
}

func (l *pbLexer) expect(want string) error {
	if t := l.next(); t != want {
		return fmt.Errorf("expected %q at offset %d, found %q", want, l.pos, t)
	}
	return nil
}

// skipStatement skips to the end of a statement (';' at depth 0, or a balanced block).
func (l *pbLexer) skipStatement() error {
	depth := 0
	for {
		t := l.next()
		switch t {
		case "":
			return fmt.Errorf("unexpected end of schema")
		case "{", "[", "(":
			depth++
		case "}", "]", ")":
			depth--
			if depth == 0 && t == "}" {
				if l.peek() == ";" {
					l.next()
				}
				return nil
			}
		case ";":
			if depth == 0 {
				return nil
			}
		}
	}
}

func pbUnquote(t string) (string, error) {
	if len(t) < 2 || (t[0] != '"' && t[0] != '\'') {
		return "", fmt.Errorf("expected a string, found %q", t)
	}
	if t[0] == '\'' {
		t = `"` + strings.ReplaceAll(t[1:len(t)-1], `"`, `\"`) + `"`
	}
	return strconv.Unquote(t)
}

// parseProto parses a proto3 schema and resolves its message types.
func parseProto(text string) (*pbFile, error) {
	l := &pbLexer{s: text}
	f := &pbFile{}
	syntax := "proto2"
	for {
		t := l.next()
		switch t {
		case "":
			if syntax != "proto3" {
				return nil, fmt.Errorf("only proto3 schemas are supported (syntax %q)", syntax)
			}
			if err := f.resolve(); err != nil {
				return nil, err
			}
			return f, nil
		case "syntax", "edition":
			if err := l.expect("="); err != nil {
				return nil, err
			}
			s, err := pbUnquote(l.next())
			if err != nil {
				return nil, err
			}
			if t == "edition" {
				s = "editions"
			}
			syntax = s
			if err := l.expect(";"); err != nil {
				return nil, err
			}
		case "package":
			f.pkg = l.next()
			if err := l.expect(";"); err != nil {
				return nil, err
			}
		case "import", "option":
			if err := l.skipStatement(); err != nil {
				return nil, err
			}
		case "message":
			m, err := parsePBMessage(l, nil, f.pkg)
			if err != nil {
				return nil, err
			}
			f.msgs = append(f.msgs, m)
		case "enum":
			return nil, fmt.Errorf("protobuf enums are not supported")
		case "service", "extend":
			if err := l.skipStatement(); err != nil {
				return nil, err
			}
		case ";":
		default:
			return nil, fmt.Errorf("unexpected %q in the schema", t)
		}
	}
}

func parsePBMessage(l *pbLexer, parent *pbMsgNode, scope string) (*pbMsgNode, error) {
	m := &pbMsgNode{name: l.next(), parent: parent}
	m.full = m.name
	if scope != "" {
		m.full = scope + "." + m.name
	}
	if err := l.expect("{"); err != nil {
		return nil, err
	}
	for {
		t := l.next()
		switch t {
		case "":
			return nil, fmt.Errorf("message %s: unexpected end of schema", m.full)
		case "}":
			return m, nil
		case ";":
		case "message":
			n, err := parsePBMessage(l, m, m.full)
			if err != nil {
				return nil, err
			}
			m.nested = append(m.nested, n)
		case "enum":
			return nil, fmt.Errorf("message %s: protobuf enums are not supported", m.full)
		case "oneof":
			m.oneofs++
			if err := l.skipStatement(); err != nil {
				return nil, err
			}
		case "option", "reserved", "extensions", "extend":
			if err := l.skipStatement(); err != nil {
				return nil, err
			}
		case "map":
			// map<K, V> name = n [opts]; — the same as a repeated <Name>Entry message.
			if err := l.expect("<"); err != nil {
				return nil, err
			}
			k := l.next()
			if err := l.expect(","); err != nil {
				return nil, err
			}
			v := l.next()
			if err := l.expect(">"); err != nil {
				return nil, err
			}
			fd, err := parsePBFieldRest(l, "repeated", "")
			if err != nil {
				return nil, err
			}
			entry := &pbMsgNode{name: pbCamel(fd.name) + "Entry", parent: m}
			entry.full = m.full + "." + entry.name
			entry.fields = []*pbFieldNode{{typ: k, name: "key", num: 1}, {typ: v, name: "value", num: 2}}
			m.nested = append(m.nested, entry)
			fd.typ = entry.name
			m.fields = append(m.fields, fd)
		default:
			label := ""
			if t == "optional" || t == "repeated" || t == "required" {
				if t == "required" {
					return nil, fmt.Errorf("message %s: required fields are not proto3", m.full)
				}
				label, t = t, l.next()
			}
			fd, err := parsePBFieldRest(l, label, t)
			if err != nil {
				return nil, fmt.Errorf("message %s: %w", m.full, err)
			}
			m.fields = append(m.fields, fd)
		}
	}
}

// parsePBFieldRest parses "name = number [options];" of a field of type typ.
func parsePBFieldRest(l *pbLexer, label, typ string) (*pbFieldNode, error) {
	fd := &pbFieldNode{label: label, typ: typ, name: l.next()}
	if err := l.expect("="); err != nil {
		return nil, err
	}
	num, err := strconv.Atoi(l.next())
	if err != nil || num <= 0 {
		return nil, fmt.Errorf("field %s: invalid number", fd.name)
	}
	fd.num = num
	t := l.next()
	if t == "[" {
		if err := parsePBFieldOptions(l, fd); err != nil {
			return nil, fmt.Errorf("field %s: %w", fd.name, err)
		}
		t = l.next()
	}
	if t != ";" {
		return nil, fmt.Errorf("field %s: expected ';', found %q", fd.name, t)
	}
	return fd, nil
}

// parsePBFieldOptions reads "opt = value, (confluent.field_meta) = {…}]" and keeps the
// params of confluent.field_meta.
func parsePBFieldOptions(l *pbLexer, fd *pbFieldNode) error {
	for {
		t := l.next()
		switch t {
		case "]":
			return nil
		case ",":
			continue
		case "":
			return fmt.Errorf("unexpected end of options")
		}
		name := t
		if t == "(" {
			name = l.next()
			if err := l.expect(")"); err != nil {
				return err
			}
			for strings.HasPrefix(l.peek(), ".") { // (a.b).c
				name += l.next()
			}
		}
		if err := l.expect("="); err != nil {
			return err
		}
		if l.peek() == "{" {
			l.next()
			v, err := parsePBText(l)
			if err != nil {
				return err
			}
			if name == "confluent.field_meta" {
				fd.params = pbMetaParams(v)
			}
			continue
		}
		l.next() // a scalar option value
	}
}

// parsePBText reads a text-format message body after '{' up to its '}': a map of field
// name to values (each a string, a nested map, or for lists several of them).
func parsePBText(l *pbLexer) (map[string][]any, error) {
	out := map[string][]any{}
	for {
		t := l.next()
		switch t {
		case "}":
			return out, nil
		case ",", ";":
			continue
		case "":
			return nil, fmt.Errorf("unexpected end of option value")
		}
		name := t
		if l.peek() == ":" {
			l.next()
		}
		vals, err := parsePBTextValue(l)
		if err != nil {
			return nil, err
		}
		out[name] = append(out[name], vals...)
	}
}

func parsePBTextValue(l *pbLexer) ([]any, error) {
	t := l.next()
	switch t {
	case "{":
		m, err := parsePBText(l)
		return []any{m}, err
	case "[":
		var vals []any
		for {
			if l.peek() == "]" {
				l.next()
				return vals, nil
			}
			if l.peek() == "," {
				l.next()
				continue
			}
			v, err := parsePBTextValue(l)
			if err != nil {
				return nil, err
			}
			vals = append(vals, v...)
		}
	case "":
		return nil, fmt.Errorf("unexpected end of option value")
	}
	if t[0] == '"' || t[0] == '\'' {
		s, err := pbUnquote(t)
		// adjacent strings concatenate
		for err == nil && (strings.HasPrefix(l.peek(), `"`) || strings.HasPrefix(l.peek(), "'")) {
			var more string
			more, err = pbUnquote(l.next())
			s += more
		}
		return []any{s}, err
	}
	return []any{t}, nil
}

func pbMetaParams(v map[string][]any) map[string]string {
	params := map[string]string{}
	for _, p := range v["params"] {
		e, ok := p.(map[string][]any)
		if !ok || len(e["key"]) == 0 || len(e["value"]) == 0 {
			continue
		}
		k, _ := e["key"][0].(string)
		val, _ := e["value"][0].(string)
		params[k] = val
	}
	return params
}

// pbWellKnown are the message types of imports ProtobufData uses, known without their file.
var pbWellKnown = func() map[string]bool {
	m := map[string]bool{pbDecimalType: true, pbDateType: true, pbTimeType: true, pbTimestampType: true}
	for _, w := range pbWrappers {
		m["google.protobuf."+w.name] = true
	}
	return m
}()

func (f *pbFile) resolve() error {
	byName := map[string]*pbMsgNode{}
	var walk func(ms []*pbMsgNode)
	walk = func(ms []*pbMsgNode) {
		for _, m := range ms {
			byName[m.full] = m
			walk(m.nested)
		}
	}
	walk(f.msgs)
	var res func(ms []*pbMsgNode) error
	res = func(ms []*pbMsgNode) error {
		for _, m := range ms {
			for _, fd := range m.fields {
				if pbKindByName[fd.typ] != pbInvalid {
					continue
				}
				t, err := f.lookup(byName, m, fd.typ)
				if err != nil {
					return fmt.Errorf("message %s: field %s: %w", m.full, fd.name, err)
				}
				fd.msg = t
			}
			if err := res(m.nested); err != nil {
				return err
			}
		}
		return nil
	}
	return res(f.msgs)
}

// lookup resolves a type reference the way protoc does: from the innermost scope outwards.
func (f *pbFile) lookup(byName map[string]*pbMsgNode, m *pbMsgNode, ref string) (*pbMsgNode, error) {
	if strings.HasPrefix(ref, ".") {
		full := ref[1:]
		if t := byName[full]; t != nil {
			return t, nil
		}
		if pbWellKnown[full] {
			return &pbMsgNode{name: full[strings.LastIndexByte(full, '.')+1:], full: full, wellKnown: full}, nil
		}
		return nil, fmt.Errorf("unknown type %s", ref)
	}
	for scope := m.full; ; {
		cand := ref
		if scope != "" {
			cand = scope + "." + ref
		}
		if t := byName[cand]; t != nil {
			return t, nil
		}
		if pbWellKnown[cand] {
			return &pbMsgNode{name: cand[strings.LastIndexByte(cand, '.')+1:], full: cand, wellKnown: cand}, nil
		}
		if scope == "" {
			break
		}
		if i := strings.LastIndexByte(scope, '.'); i >= 0 {
			scope = scope[:i]
		} else {
			scope = ""
		}
	}
	return nil, fmt.Errorf("unknown type %s (only the well-known imports confluent/type/decimal.proto, google/type/date.proto, google/type/timeofday.proto and google/protobuf/{timestamp,wrappers}.proto are resolved)", ref)
}

// pbCamel is protoc's map entry naming: the field name in CamelCase.
func pbCamel(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if r == '_' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
