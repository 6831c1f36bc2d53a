package transforms

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// This file translates Java regular expressions (java.util.regex.Pattern, flags 0) into Go's
// RE2 syntax, for RegexRouter and TopicNameMatches. The parser is a port of Pattern's
// recursive descent (expr, sequence, atom, escape, clazz, range, family, group0, closure), so
// it accepts and rejects the patterns Java does, with Java's PatternSyntaxException texts.
// Instead of a node tree it emits RE2 syntax in which every construct is explicit: character
// classes (unions, intersections, negations, case-insensitive ranges, \p{…}) are computed as
// sets of code points and written out, so RE2's own flags are never used and the Java flag
// scoping rules apply as Java applies them.
//
// Supported, with Java's meaning:
//   - literals and escapes: \t \n \r \f \a \e \0ooo \xhh \x{h…h} \uhhhh (surrogate pairs
//     joined) \cX, a backslash before any non-letter, \Q…\E quoting;
//   - . (excluding Java's line terminators \n \r \u0085 \u2028 \u2029, only \n with (?d),
//     nothing with (?s));
//   - classes [...], [^...], ranges, nested unions [a[b]], intersections [a-z&&[^b]] (with
//     Java's precedence quirks), predefined \d \D \s \S \w \W \h \H \v \V, and \p{…}/\P{…}:
//     POSIX names (Lower, Upper, ASCII, Alpha, Digit, Alnum, Punct, Graph, Print, Blank, Cntrl,
//     XDigit, Space), general categories (L, Lu, IsL, gc=Lu, LC, LD, L1, all, Cn …), scripts
//     (IsLatin, sc=Greek, script=…), binary properties (IsAlphabetic, IsLetter, IsLowercase,
//     IsUppercase, IsTitlecase, IsWhite_Space, IsDigit, IsPunctuation, IsControl, IsHex_Digit,
//     IsIdeographic, IsJoin_Control, IsNoncharacter_Code_Point, IsAssigned, IsWord …) and the
//     java* methods javaLowerCase, javaUpperCase, javaTitleCase, javaDigit, javaLetter,
//     javaLetterOrDigit, javaAlphabetic, javaIdeographic, javaDefined, javaSpaceChar,
//     javaWhitespace, javaISOControl;
//   - groups (…), (?:…), named (?<name>…), inline flags (?idmsuxU-idmsuxU) and (?flags:…)
//     scoped as in Java; (?i) is ASCII-only case folding unless (?u), as in Java; (?x)
//     comments mode;
//   - quantifiers ? * + {n} {n,} {n,m} and their lazy forms (…?), up to 1000 repetitions;
//   - anchors ^ $ \A \z \Z \b \B, and \G (which, for the single match from the start of the
//     topic that RegexRouter and TopicNameMatches make, is \A).
//
// Back references (\1, \k<name>, case-insensitive under (?i) as in Java) are supported too:
// RE2 has none, so a pattern that uses them runs on a small backtracking matcher over the
// translated syntax tree (jrBacktrack), with Java's (Perl's) preference order; like Java's,
// it can take exponential time on pathological patterns.
//
// Rejected with a config error (RE2 cannot express them): look-ahead and look-behind
// ((?=…) (?!…) (?<=…) (?<!…)), atomic groups (?>…), possessive quantifiers (*+ ++ ?+ {n}+),
// \R, \X, \b{g}, \N{name}, canonical equivalence (?c),
// Unicode blocks (\p{InGreek}, blk=), the Emoji properties and the java* methods not listed
// above, and repetition counts above 1000.
//
// Known differences, none of which can show on a legal Kafka topic name (ASCII letters, digits,
// '.', '_', '-'): Java's $ and \Z (and (?m) ^ and $) also match around the line terminators
// \r, \u0085, \u2028 and \u2029 and before a final line terminator, Go's only at \n and at the
// very end; \b and \B use ASCII word characters (Java 17 also treats non-ASCII letters and
// digits as word characters); Unicode tables are Go's (a newer Unicode version than Java 17's).

// javaRegex is a compiled Java pattern.
type javaRegex struct {
	pattern    string
	whole      *regexp.Regexp // the pattern anchored at both ends: Matcher.matches()
	first      *regexp.Regexp // the pattern unanchored: Matcher.find()
	groupCount int            // Matcher.groupCount()
	groupNames map[string]int
	bt         *jrBacktrack // instead of whole and first, for patterns with back references
}

// javaRegexError is a PatternSyntaxException.
type javaRegexError struct {
	desc    string
	pattern string
	index   int
}

// Error is PatternSyntaxException.getMessage(): the description, " near index N", the pattern
// and a caret under the index.
func (e *javaRegexError) Error() string {
	var b strings.Builder
	b.WriteString(e.desc)
	if e.index >= 0 {
		b.WriteString(" near index ")
		b.WriteString(strconv.Itoa(e.index))
	}
	b.WriteByte('\n')
	b.WriteString(e.pattern)
	units := utf16.Encode([]rune(e.pattern))
	if e.index >= 0 && e.index < len(units) {
		b.WriteByte('\n')
		for i := 0; i < e.index; i++ {
			if units[i] == '\t' {
				b.WriteByte('\t')
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteByte('^')
	}
	return b.String()
}

// compileJavaRegex compiles a Java pattern; the error is a *javaRegexError.
func compileJavaRegex(pattern string) (re *javaRegex, err error) {
	p := &jrParser{pattern: pattern, groups: 1, names: map[string]int{}}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*javaRegexError)
			if !ok {
				panic(r)
			}
			re, err = nil, e
		}
	}()
	expr := p.compile()
	if p.refs > 0 {
		bt, cerr := newJRBacktrack(expr)
		if cerr != nil {
			return nil, &javaRegexError{desc: "Tributary cannot translate this pattern: " + cerr.Error(), pattern: pattern, index: -1}
		}
		return &javaRegex{pattern: pattern, bt: bt, groupCount: p.groups - 1, groupNames: p.names}, nil
	}
	whole, cerr := regexp.Compile(`\A(?:` + expr + `)\z`)
	if cerr == nil {
		var first *regexp.Regexp
		if first, cerr = regexp.Compile(expr); cerr == nil {
			return &javaRegex{pattern: pattern, whole: whole, first: first, groupCount: p.groups - 1, groupNames: p.names}, nil
		}
	}
	return nil, &javaRegexError{desc: "Tributary cannot translate this pattern to Go's RE2: " + cerr.Error(), pattern: pattern, index: -1}
}

// matches is Matcher.matches(): the whole of s matches.
func (j *javaRegex) matches(s string) bool {
	if j.bt != nil {
		return j.bt.matches(s)
	}
	return j.whole.MatchString(s)
}

// javaRegexValidator is Kafka's RegexValidator (with NonEmptyString first when nonEmpty, as
// TopicNameMatches composes them).
func javaRegexValidator(nonEmpty bool) func(any) error {
	return func(v any) error {
		if v == nil {
			// Java's RegexValidator compiles null and reports the NullPointerException.
			return &javaRuntimeError{msg: `Invalid regex: Cannot invoke "String.isEmpty()" because "this.pattern" is null`}
		}
		s, _ := v.(string)
		if nonEmpty && s == "" {
			return &javaRuntimeError{msg: "String must be non-empty"}
		}
		if _, err := compileJavaRegex(s); err != nil {
			return &javaRuntimeError{msg: "Invalid regex: " + err.Error()}
		}
		return nil
	}
}

// javaRuntimeError is an exception other than a DataException (IllegalArgumentException,
// IndexOutOfBoundsException, NullPointerException …), carrying Java's message.
type javaRuntimeError struct{ msg string }

func (e *javaRuntimeError) Error() string { return e.msg }

// javaReplacement is a Matcher replacement string, parsed against a pattern's groups. Java
// reports a bad replacement only when it is used (the topic matched), so err is kept for then.
type javaReplacement struct {
	parts []javaReplacementPart
	err   error
}

type javaReplacementPart struct {
	literal string
	group   int // > 0 or 0 for $0; -1 for a literal
}

// replacement parses repl as Matcher.appendReplacement reads it: \x is x, $n the longest
// group number that exists (the first digit always counts), ${name} a named group.
func (j *javaRegex) replacement(repl string) *javaReplacement {
	out := &javaReplacement{}
	units := utf16.Encode([]rune(repl))
	var lit []uint16
	flush := func() {
		if len(lit) > 0 {
			out.parts = append(out.parts, javaReplacementPart{literal: string(utf16.Decode(lit)), group: -1})
			lit = nil
		}
	}
	fail := func(msg string) *javaReplacement {
		return &javaReplacement{err: &javaRuntimeError{msg: msg}}
	}
	for cursor := 0; cursor < len(units); {
		c := units[cursor]
		switch c {
		case '\\':
			cursor++
			if cursor == len(units) {
				return fail("character to be escaped is missing")
			}
			lit = append(lit, units[cursor])
			cursor++
		case '$':
			cursor++
			if cursor == len(units) {
				return fail("Illegal group reference: group index is missing")
			}
			c = units[cursor]
			var ref int
			if c == '{' {
				cursor++
				begin := cursor
				for cursor < len(units) && jrIsAlnum(rune(units[cursor])) {
					cursor++
				}
				if begin == cursor {
					return fail("named capturing group has 0 length name")
				}
				if cursor == len(units) || units[cursor] != '}' {
					return fail("named capturing group is missing trailing '}'")
				}
				name := string(utf16.Decode(units[begin:cursor]))
				if name[0] >= '0' && name[0] <= '9' {
					return fail("capturing group name {" + name + "} starts with digit character")
				}
				n, ok := j.groupNames[name]
				if !ok {
					return fail("No group with name {" + name + "}")
				}
				ref = n
				cursor++
			} else {
				if c < '0' || c > '9' {
					return fail("Illegal group reference")
				}
				ref = int(c - '0')
				cursor++
				for cursor < len(units) && units[cursor] >= '0' && units[cursor] <= '9' {
					next := ref*10 + int(units[cursor]-'0')
					if j.groupCount < next {
						break
					}
					ref = next
					cursor++
				}
				if ref > j.groupCount {
					return fail("No group " + strconv.Itoa(ref))
				}
			}
			flush()
			out.parts = append(out.parts, javaReplacementPart{group: ref})
		default:
			lit = append(lit, c)
			cursor++
		}
	}
	flush()
	return out
}

// replaceFirst is Matcher.replaceFirst: the first match (found from the start, with Java's
// leftmost, backtracking-order preference, which Go's non-POSIX matcher reproduces) replaced.
func (j *javaRegex) replaceFirst(s string, r *javaReplacement) (string, error) {
	var loc []int
	if j.bt != nil {
		loc = j.bt.find(s)
	} else {
		loc = j.first.FindStringSubmatchIndex(s)
	}
	if loc == nil {
		return s, nil
	}
	if r.err != nil {
		return "", r.err
	}
	var b strings.Builder
	b.WriteString(s[:loc[0]])
	for _, part := range r.parts {
		if part.group < 0 {
			b.WriteString(part.literal)
		} else if start, end := loc[2*part.group], loc[2*part.group+1]; start >= 0 && end >= 0 {
			b.WriteString(s[start:end])
		}
	}
	b.WriteString(s[loc[1]:])
	return b.String(), nil
}

func jrIsAlnum(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Pattern's flags.
const (
	jrCaseInsensitive = 1 << iota
	jrMultiline
	jrDotall
	jrUnixLines
	jrUnicodeCase
	jrComments
	jrUnicodeClass
	jrCanonEq
)

const jrMaxRepeat = 1000 // RE2's limit on a counted repetition

// jrParser is Pattern's parser state: temp holds the code points (after \Q…\E removal)
// followed by two zeros, as in Java.
type jrParser struct {
	pattern string
	temp    []rune
	plen    int
	cursor  int
	flags   int
	groups  int // capturingGroupCount: the next group's number
	names   map[string]int
	refs    int // back references emitted
}

// ref is Pattern.ref: a back reference takes as many digits as name an existing group (the
// first digit always counts).
func (p *jrParser) ref(refNum int) string {
	for {
		ch := p.peek()
		if ch < '0' || ch > '9' {
			break
		}
		next := refNum*10 + int(ch-'0')
		if p.groups-1 < next {
			break
		}
		refNum = next
		p.read()
	}
	return p.backref(refNum)
}

// backref emits a back reference as an empty named group that the backtracking matcher
// (jrBacktrack) interprets: jrbr_<group>_<case mode>_<sequence>.
func (p *jrParser) backref(group int) string {
	mode := 0
	if p.has(jrCaseInsensitive) {
		mode = 1
		if p.has(jrUnicodeCase) {
			mode = 2
		}
	}
	p.refs++
	return fmt.Sprintf("(?P<%s%d_%d_%d>)", jrBackrefPrefix, group, mode, p.refs)
}

const jrBackrefPrefix = "jrbr_"

func (p *jrParser) has(f int) bool { return p.flags&f != 0 }

func (p *jrParser) at(i int) rune {
	if i >= 0 && i < len(p.temp) {
		return p.temp[i]
	}
	return 0
}

func (p *jrParser) fail(desc string) {
	panic(&javaRegexError{desc: desc, pattern: p.pattern, index: p.cursor - 1})
}

// unsupported rejects a construct Java accepts but RE2 cannot express.
func (p *jrParser) unsupported(what string) {
	p.fail(what + " not supported: Tributary runs Java regular expressions on Go's RE2 engine")
}

func (p *jrParser) compile() string {
	p.temp = append([]rune(p.pattern), 0, 0)
	p.plen = len(p.temp) - 2
	p.removeQEQuoting()
	out := p.expr()
	if p.plen != p.cursor {
		if p.peek() == ')' {
			p.fail("Unmatched closing ')'")
		}
		p.fail("Unexpected internal error") // Java 17's text for a trailing backslash too
	}
	return out
}

func (p *jrParser) removeQEQuoting() {
	pLen := p.plen
	i := 0
	for i < pLen-1 {
		if p.temp[i] != '\\' {
			i++
		} else if p.temp[i+1] != 'Q' {
			i += 2
		} else {
			break
		}
	}
	if i >= pLen-1 {
		return
	}
	j := i
	i += 2
	out := make([]rune, j, j+3*(pLen-i)+2)
	copy(out, p.temp[:j])
	inQuote, beginQuote := true, true
	for i < pLen {
		c := p.temp[i]
		i++
		switch {
		case c >= 0x80 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			out = append(out, c)
		case c >= '0' && c <= '9':
			if beginQuote {
				out = append(out, '\\', 'x', '3')
			}
			out = append(out, c)
		case c != '\\':
			if inQuote {
				out = append(out, '\\')
			}
			out = append(out, c)
		case inQuote:
			if p.temp[i] == 'E' {
				i++
				inQuote = false
			} else {
				out = append(out, '\\', '\\')
			}
		default:
			if p.temp[i] == 'Q' {
				i++
				inQuote, beginQuote = true, true
				continue
			}
			out = append(out, c)
			if i != pLen {
				out = append(out, p.temp[i])
				i++
			}
		}
		beginQuote = false
	}
	p.plen = len(out)
	p.temp = append(out, 0, 0)
}

// Cursor primitives, as Pattern's (COMMENTS mode skips white space and # comments).

func (p *jrParser) peek() rune {
	ch := p.at(p.cursor)
	if p.has(jrComments) {
		ch = p.peekPastWhitespace(ch)
	}
	return ch
}

func (p *jrParser) read() rune {
	ch := p.at(p.cursor)
	p.cursor++
	if p.has(jrComments) {
		ch = p.parsePastWhitespace(ch)
	}
	return ch
}

func (p *jrParser) next() rune {
	p.cursor++
	ch := p.at(p.cursor)
	if p.has(jrComments) {
		ch = p.peekPastWhitespace(ch)
	}
	return ch
}

func (p *jrParser) nextEscaped() rune {
	p.cursor++
	return p.at(p.cursor)
}

func (p *jrParser) skip() rune {
	ch := p.at(p.cursor + 1)
	p.cursor += 2
	return ch
}

func (p *jrParser) unread() { p.cursor-- }

func jrIsSpace(ch rune) bool { return ch == ' ' || ch >= '\t' && ch <= '\r' }

func (p *jrParser) peekPastWhitespace(ch rune) rune {
	for jrIsSpace(ch) || ch == '#' {
		for jrIsSpace(ch) {
			p.cursor++
			ch = p.at(p.cursor)
		}
		if ch == '#' {
			ch = p.peekPastLine()
		}
	}
	return ch
}

func (p *jrParser) parsePastWhitespace(ch rune) rune {
	for jrIsSpace(ch) || ch == '#' {
		for jrIsSpace(ch) {
			ch = p.at(p.cursor)
			p.cursor++
		}
		if ch == '#' {
			ch = p.parsePastLine()
		}
	}
	return ch
}

func (p *jrParser) parsePastLine() rune {
	ch := p.at(p.cursor)
	p.cursor++
	for ch != 0 && !p.isLineSeparator(ch) {
		ch = p.at(p.cursor)
		p.cursor++
	}
	if ch == 0 && p.cursor > p.plen {
		p.cursor = p.plen
		ch = p.at(p.cursor)
		p.cursor++
	}
	return ch
}

func (p *jrParser) peekPastLine() rune {
	p.cursor++
	ch := p.at(p.cursor)
	for ch != 0 && !p.isLineSeparator(ch) {
		p.cursor++
		ch = p.at(p.cursor)
	}
	if ch == 0 && p.cursor > p.plen {
		p.cursor = p.plen
		ch = p.at(p.cursor)
	}
	return ch
}

func (p *jrParser) isLineSeparator(ch rune) bool {
	if p.has(jrUnixLines) {
		return ch == '\n'
	}
	return ch == '\n' || ch == '\r' || ch|1 == '\u2029' || ch == '\u0085'
}

func (p *jrParser) accept(ch rune, desc string) {
	test := p.at(p.cursor)
	p.cursor++
	if p.has(jrComments) {
		test = p.parsePastWhitespace(test)
	}
	if ch != test {
		p.fail(desc)
	}
}

// expr parses alternatives.
func (p *jrParser) expr() string {
	var alts []string
	for {
		alts = append(alts, p.sequence())
		if p.peek() != '|' {
			return strings.Join(alts, "|")
		}
		p.next()
	}
}

func (p *jrParser) sequence() string {
	var b strings.Builder
	for {
		ch := p.peek()
		var node string
		switch ch {
		case '(':
			g, ok := p.group0()
			if ok {
				b.WriteString(g)
			}
			continue
		case '[':
			node = p.set(p.clazz(true))
		case '\\':
			ch = p.nextEscaped()
			if ch == 'p' || ch == 'P' {
				oneLetter, comp := true, ch == 'P'
				if p.next() != '{' {
					p.unread()
				} else {
					oneLetter = false
				}
				node = p.set(p.family(oneLetter, comp))
			} else {
				p.unread()
				node = p.atom()
			}
		case '^':
			p.next()
			node = p.caret()
		case '$':
			p.next()
			node = p.dollar(p.has(jrMultiline))
		case '.':
			p.next()
			switch {
			case p.has(jrDotall):
				node = `(?s:.)`
			case p.has(jrUnixLines):
				node = `[^\n]`
			default:
				node = `[^\n\r\x{85}\x{2028}\x{2029}]`
			}
		case '|', ')':
			return b.String()
		case ']', '}':
			node = p.atom()
		case '?', '*', '+':
			p.next()
			p.fail("Dangling meta character '" + string(ch) + "'")
		case 0:
			if p.cursor >= p.plen {
				return b.String()
			}
			node = p.atom()
		default:
			node = p.atom()
		}
		b.WriteString(p.closure(node))
	}
}

func (p *jrParser) caret() string {
	if p.has(jrMultiline) {
		return `(?m:^)`
	}
	return `(?:\A)`
}

func (p *jrParser) dollar(multiline bool) string {
	if multiline {
		return `(?m:$)`
	}
	return `(?:\z)`
}

// atom parses a run of literal characters (Java's Slice) or one escape node. Each character
// is emitted as its own unit, so a following quantifier applies to the last one, as in Java.
func (p *jrParser) atom() string {
	var units []string
	first := 0
	prev := -1
	ch := p.peek()
	for {
		switch ch {
		case '*', '+', '?', '{':
			if first > 1 {
				p.cursor = prev
				first--
				units = units[:len(units)-1]
			}
		case '$', '.', '^', '(', '[', '|', ')':
		case '\\':
			ch = p.nextEscaped()
			if ch == 'p' || ch == 'P' {
				if first > 0 {
					p.unread()
					break
				}
				oneLetter, comp := true, ch == 'P'
				if p.next() != '{' {
					p.unread()
				} else {
					oneLetter = false
				}
				return p.set(p.family(oneLetter, comp))
			}
			p.unread()
			prev = p.cursor
			c, node, _ := p.escape(false, first == 0, false)
			if c >= 0 {
				units = append(units, p.single(c))
				first++
				ch = p.peek()
				continue
			} else if first == 0 {
				return node
			}
			p.cursor = prev
		case 0:
			if p.cursor >= p.plen {
				break
			}
			fallthrough
		default:
			prev = p.cursor
			units = append(units, p.single(ch))
			first++
			ch = p.next()
			continue
		}
		break
	}
	if first == 0 {
		return `(?:)`
	}
	return strings.Join(units, "")
}

// escape parses a backslash escape. It returns the character it denotes (c >= 0), or -1 and
// the node (outside a class) or the set (inside one).
func (p *jrParser) escape(inclass, create, isrange bool) (rune, string, jrSet) {
	ch := p.skip()
	unicodeClass := p.has(jrUnicodeClass)
	predefined := func(s jrSet) (rune, string, jrSet) {
		if !create {
			return -1, "", nil
		}
		if inclass {
			return -1, "", s
		}
		return -1, p.set(s), nil
	}
	anchor := func(node string) (rune, string, jrSet) { return -1, node, nil }
	switch ch {
	case '0':
		return p.octal(), "", nil
	case '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if inclass {
			break
		}
		if create {
			return anchor(p.ref(int(ch - '0')))
		}
		return -1, "", nil
	case 'A':
		if inclass {
			break
		}
		return anchor(`(?:\A)`)
	case 'B':
		if inclass {
			break
		}
		return anchor(`(?:\B)`)
	case 'D':
		return predefined(jrDigit(unicodeClass).negate())
	case 'G':
		if inclass {
			break
		}
		return anchor(`(?:\A)`)
	case 'H':
		return predefined(jrHorizWS.negate())
	case 'N':
		p.unsupported("Named characters (\\N{…}) are")
	case 'R':
		if inclass {
			break
		}
		p.unsupported("The linebreak matcher \\R is")
	case 'S':
		return predefined(jrSpace(unicodeClass).negate())
	case 'V':
		return predefined(jrVertWS.negate())
	case 'W':
		return predefined(jrWord(unicodeClass).negate())
	case 'X':
		if inclass {
			break
		}
		p.unsupported("The grapheme cluster matcher \\X is")
	case 'Z':
		if inclass {
			break
		}
		return anchor(p.dollar(false))
	case 'a':
		return '\a', "", nil
	case 'b':
		if inclass {
			break
		}
		if p.peek() == '{' {
			p.unsupported("Grapheme boundaries (\\b{g}) are")
		}
		return anchor(`(?:\b)`)
	case 'c':
		if p.cursor < p.plen {
			return p.read() ^ 64, "", nil
		}
		p.fail("Illegal control escape sequence")
	case 'd':
		return predefined(jrDigit(unicodeClass))
	case 'e':
		return '\033', "", nil
	case 'f':
		return '\f', "", nil
	case 'h':
		return predefined(jrHorizWS)
	case 'k':
		if inclass {
			break
		}
		if p.read() != '<' {
			p.fail("\\k is not followed by '<' for named capturing group")
		}
		name := p.groupName(p.read())
		n, ok := p.names[name]
		if !ok {
			p.fail("named capturing group <" + name + "> does not exist")
		}
		if create {
			return anchor(p.backref(n))
		}
		return -1, "", nil
	case 'n':
		return '\n', "", nil
	case 'r':
		return '\r', "", nil
	case 's':
		return predefined(jrSpace(unicodeClass))
	case 't':
		return '\t', "", nil
	case 'u':
		return p.unicodeEscape(), "", nil
	case 'v':
		if isrange {
			return '\013', "", nil
		}
		return predefined(jrVertWS)
	case 'w':
		return predefined(jrWord(unicodeClass))
	case 'x':
		return p.hexEscape(), "", nil
	case 'z':
		if inclass {
			break
		}
		return anchor(`(?:\z)`)
	case 'C', 'E', 'F', 'I', 'J', 'K', 'L', 'M', 'O', 'P', 'Q', 'T', 'U', 'Y',
		'g', 'i', 'j', 'l', 'm', 'o', 'p', 'q', 'y':
	default:
		return ch, "", nil
	}
	p.fail("Illegal/unsupported escape sequence")
	return 0, "", nil
}

func jrIsOctal(c rune) bool { return c >= '0' && c <= '7' }

func (p *jrParser) octal() rune {
	n := p.read()
	if jrIsOctal(n) {
		m := p.read()
		if jrIsOctal(m) {
			o := p.read()
			if jrIsOctal(o) && n <= '3' {
				return (n-'0')*64 + (m-'0')*8 + (o - '0')
			}
			p.unread()
			return (n-'0')*8 + (m - '0')
		}
		p.unread()
		return n - '0'
	}
	p.fail("Illegal octal escape sequence")
	return 0
}

func jrHexDigit(c rune) (rune, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (p *jrParser) hexEscape() rune {
	n := p.read()
	if a, ok := jrHexDigit(n); ok {
		if b, ok := jrHexDigit(p.read()); ok {
			return a*16 + b
		}
	} else if _, ok := jrHexDigit(p.peek()); n == '{' && ok {
		var ch rune
		for {
			n = p.read()
			d, ok := jrHexDigit(n)
			if !ok {
				break
			}
			ch = ch<<4 + d
			if ch > unicode.MaxRune {
				p.fail("Hexadecimal codepoint is too big")
			}
		}
		if n != '}' {
			p.fail("Unclosed hexadecimal escape sequence")
		}
		return ch
	}
	p.fail("Illegal hexadecimal escape sequence")
	return 0
}

func (p *jrParser) uxxxx() rune {
	var n rune
	for range 4 {
		d, ok := jrHexDigit(p.read())
		if !ok {
			p.fail("Illegal Unicode escape sequence")
		}
		n = n*16 + d
	}
	return n
}

func (p *jrParser) unicodeEscape() rune {
	n := p.uxxxx()
	if utf16.IsSurrogate(n) && n < 0xDC00 {
		cur := p.cursor
		if p.read() == '\\' && p.read() == 'u' {
			n2 := p.uxxxx()
			if n2 >= 0xDC00 && n2 <= 0xDFFF {
				return utf16.DecodeRune(n, n2)
			}
		}
		p.cursor = cur
	}
	return n
}

// clazz parses a character class (the '[' is at the cursor) into a set, with Java's rules
// for unions, intersections and where the bits of single characters join in.
func (p *jrParser) clazz(consume bool) jrSet {
	var prev, curr jrSet
	bits := &jrBits{}
	isNeg, hasBits := false, false
	ch := p.next()
	if ch == '^' && p.at(p.cursor-1) == '[' {
		ch = p.next()
		isNeg = true
	}
	for {
		switch ch {
		case '[':
			curr = p.clazz(true)
			if prev == nil {
				prev = curr
			} else {
				prev = prev.union(curr)
			}
			ch = p.peek()
			continue
		case '&':
			ch = p.next()
			if ch == '&' {
				ch = p.next()
				var right jrSet
				for ch != ']' && ch != '&' {
					var s jrSet
					if ch == '[' {
						s = p.clazz(true)
					} else {
						p.unread()
						s = p.clazz(false)
					}
					if right == nil {
						right = s
					} else {
						right = right.union(s)
					}
					ch = p.peek()
				}
				if hasBits {
					if prev == nil {
						prev, curr = bits.set, bits.set
					} else {
						prev = prev.union(bits.set)
					}
					hasBits = false
				}
				if right != nil {
					curr = right
				}
				if prev == nil {
					if right == nil {
						p.fail("Bad class syntax")
					}
					prev = right
				} else {
					if curr == nil {
						p.fail("Bad intersection syntax")
					}
					prev = prev.intersect(curr)
				}
			} else {
				p.unread()
				break
			}
			continue
		case 0:
			if p.cursor >= p.plen {
				p.fail("Unclosed character class")
			}
		case ']':
			if prev != nil || hasBits {
				if consume {
					p.next()
				}
				if prev == nil {
					prev = bits.set
				} else if hasBits {
					prev = prev.union(bits.set)
				}
				if prev == nil {
					prev = jrSet{}
				}
				if isNeg {
					return prev.negate()
				}
				return prev
			}
		}
		s, usedBits := p.rangeOrSingle(bits)
		if usedBits {
			hasBits = true
		} else {
			curr = s
			if prev == nil {
				prev = curr
			} else {
				prev = prev.union(curr)
			}
		}
		ch = p.peek()
	}
}

// jrBits is Java's BitClass: the single characters below 256 of a class.
type jrBits struct{ set jrSet }

func (b *jrBits) add(c rune, flags int) {
	if flags&jrCaseInsensitive != 0 {
		if c < 0x80 {
			b.set = b.set.union(jrSetOf(jrASCIIUpper(c), jrASCIIUpper(c))).union(jrSetOf(jrASCIILower(c), jrASCIILower(c)))
		} else if flags&jrUnicodeCase != 0 {
			b.set = b.set.union(jrSetOf(unicode.ToLower(c), unicode.ToLower(c))).union(jrSetOf(unicode.ToUpper(c), unicode.ToUpper(c)))
		}
	}
	b.set = b.set.union(jrSetOf(c, c))
	if b.set == nil {
		b.set = jrSet{}
	}
}

func jrASCIIUpper(c rune) rune {
	if c >= 'a' && c <= 'z' {
		return c - 32
	}
	return c
}

func jrASCIILower(c rune) rune {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}

// rangeOrSingle is Pattern.range: a property, an escape, a range or a single character.
// usedBits reports that the character went into bits (Java returns null then).
func (p *jrParser) rangeOrSingle(bits *jrBits) (jrSet, bool) {
	ch := p.peek()
	if ch == '\\' {
		ch = p.nextEscaped()
		if ch == 'p' || ch == 'P' {
			comp, oneLetter := ch == 'P', true
			if p.next() != '{' {
				p.unread()
			} else {
				oneLetter = false
			}
			return p.family(oneLetter, comp), false
		}
		isrange := p.at(p.cursor+1) == '-'
		p.unread()
		c, _, s := p.escape(true, true, isrange)
		if c == -1 {
			return s, false
		}
		ch = c
	} else {
		p.next()
	}
	if ch >= 0 {
		if p.peek() == '-' {
			endRange := p.at(p.cursor + 1)
			if endRange == '[' {
				return p.bitsOrSingle(bits, ch)
			}
			if endRange != ']' {
				p.next()
				m := p.peek()
				if m == '\\' {
					m, _, _ = p.escape(true, false, true)
				} else {
					p.next()
				}
				if m < ch {
					p.fail("Illegal character range")
				}
				if p.has(jrCaseInsensitive) {
					if p.has(jrUnicodeCase) {
						return jrCIRangeUnicode(ch, m), false
					}
					return jrCIRangeASCII(ch, m), false
				}
				return jrSetOf(ch, m), false
			}
		}
		return p.bitsOrSingle(bits, ch)
	}
	p.fail("Unexpected character '" + string(ch) + "'")
	return nil, false
}

func (p *jrParser) bitsOrSingle(bits *jrBits, ch rune) (jrSet, bool) {
	special := p.has(jrCaseInsensitive) && p.has(jrUnicodeCase) && slices.Contains([]rune{0xff, 0xb5, 0x49, 0x69, 0x53, 0x73, 0x4b, 0x6b, 0xc5, 0xe5}, ch)
	if ch < 256 && !special {
		bits.add(ch, p.flags)
		return nil, true
	}
	return p.singleSet(ch), false
}

// singleSet is Pattern.single: the characters one pattern character matches.
func (p *jrParser) singleSet(ch rune) jrSet {
	if p.has(jrCaseInsensitive) {
		if p.has(jrUnicodeCase) {
			upper := unicode.ToUpper(ch)
			lower := unicode.ToLower(upper)
			if upper != lower {
				s := jrSetOf(lower, lower)
				for _, c := range jrCasedRunes() {
					if unicode.ToLower(unicode.ToUpper(c)) == lower {
						s = s.union(jrSetOf(c, c))
					}
				}
				return s
			}
		} else if ch < 0x80 {
			lower, upper := jrASCIILower(ch), jrASCIIUpper(ch)
			if lower != upper {
				return jrSetOf(lower, lower).union(jrSetOf(upper, upper))
			}
		}
	}
	return jrSetOf(ch, ch)
}

// single emits one pattern character.
func (p *jrParser) single(ch rune) string {
	s := p.singleSet(ch)
	if len(s) == 1 && s[0].lo == s[0].hi {
		return jrLiteral(ch)
	}
	return p.set(s)
}

func jrCIRangeASCII(lo, hi rune) jrSet {
	s := jrSetOf(lo, hi)
	for c := rune(0); c < 0x80; c++ {
		if u, l := jrASCIIUpper(c), jrASCIILower(c); lo <= u && u <= hi || lo <= l && l <= hi {
			s = s.union(jrSetOf(c, c))
		}
	}
	return s
}

func jrCIRangeUnicode(lo, hi rune) jrSet {
	s := jrSetOf(lo, hi)
	for _, c := range jrCasedRunes() {
		up := unicode.ToUpper(c)
		if lo <= up && up <= hi || lo <= unicode.ToLower(up) && unicode.ToLower(up) <= hi {
			s = s.union(jrSetOf(c, c))
		}
	}
	return s
}

var jrCasedRunesOnce = sync.OnceValue(func() []rune {
	var out []rune
	for c := rune(0); c <= 0x1FFFF; c++ {
		if unicode.ToUpper(c) != c || unicode.ToLower(c) != c {
			out = append(out, c)
		}
	}
	return out
})

// jrCasedRunes lists the code points that have an upper or lower case mapping.
func jrCasedRunes() []rune { return jrCasedRunesOnce() }

// family parses \p{…} or \pX (the cursor is before the name).
func (p *jrParser) family(singleLetter, isComplement bool) jrSet {
	p.next()
	var name string
	if singleLetter {
		name = string(p.at(p.cursor))
		p.read()
	} else {
		i := p.cursor
		if p.plen < len(p.temp) {
			p.temp[p.plen] = '}'
		}
		for p.read() != '}' {
		}
		p.temp[p.plen] = 0
		j := p.cursor
		if j > p.plen {
			p.fail("Unclosed character family")
		}
		if i+1 >= j {
			p.fail("Empty character family")
		}
		name = string(p.temp[i : j-1])
	}
	s, known := p.property(name)
	if !known {
		if i := strings.IndexByte(name, '='); i >= 0 {
			p.fail("Unknown Unicode property {name=<" + strings.ToLower(name[:i]) + ">, value=<" + name[i+1:] + ">}")
		}
		p.fail("Unknown character property name {" + name + "}")
	}
	if isComplement {
		s = s.negate()
	}
	return s
}

func (p *jrParser) property(name string) (jrSet, bool) {
	ci := p.has(jrCaseInsensitive)
	if i := strings.IndexByte(name, '='); i >= 0 {
		value := name[i+1:]
		switch strings.ToLower(name[:i]) {
		case "sc", "script":
			return p.script(value)
		case "gc", "general_category":
			return jrJavaProperty(value, ci)
		case "blk", "block":
			p.unsupported("Unicode blocks are")
		}
		return nil, false
	}
	switch {
	case strings.HasPrefix(name, "In"):
		p.unsupported("Unicode blocks (\\p{In…}) are")
	case strings.HasPrefix(name, "Is"):
		short := name[2:]
		if strings.HasPrefix(strings.ToUpper(short), "EMOJI") || strings.EqualFold(short, "Extended_Pictographic") {
			p.unsupported("The Emoji properties are")
		}
		if s, ok := jrUnicodeProperty(strings.ToUpper(short), ci); ok {
			return s, true
		}
		if s, ok := jrJavaProperty(short, ci); ok {
			return s, true
		}
		return p.script(short)
	}
	if p.has(jrUnicodeClass) {
		if s, ok := jrPosixProperty(strings.ToUpper(name), ci); ok {
			return s, true
		}
	}
	switch name {
	case "javaMirrored", "javaJavaIdentifierStart", "javaJavaIdentifierPart", "javaUnicodeIdentifierStart",
		"javaUnicodeIdentifierPart", "javaIdentifierIgnorable":
		p.unsupported("\\p{" + name + "} is")
	}
	return jrJavaProperty(name, ci)
}

// closure parses a quantifier after prev.
func (p *jrParser) closure(prev string) string {
	switch p.peek() {
	case '?':
		return prev + "?" + p.qtype()
	case '*':
		return prev + "*" + p.qtype()
	case '+':
		return prev + "+" + p.qtype()
	case '{':
		ch := p.skip()
		if ch < '0' || ch > '9' {
			p.fail("Illegal repetition")
		}
		const maxInt = 1<<31 - 1
		cmin, cmax := 0, 0
		unbounded := false
		for {
			cmin = cmin*10 + int(ch-'0')
			if cmin > maxInt {
				p.fail("Illegal repetition range")
			}
			ch = p.read()
			if ch < '0' || ch > '9' {
				break
			}
		}
		if ch == ',' {
			ch = p.read()
			if ch == '}' {
				unbounded = true
			} else {
				for ch >= '0' && ch <= '9' {
					cmax = cmax*10 + int(ch-'0')
					if cmax > maxInt {
						p.fail("Illegal repetition range")
					}
					ch = p.read()
				}
			}
		} else {
			cmax = cmin
		}
		if !unbounded {
			if ch != '}' {
				p.fail("Unclosed counted closure")
			}
			if cmax < cmin {
				p.fail("Illegal repetition range")
			}
		}
		p.unread()
		if cmin > jrMaxRepeat || cmax > jrMaxRepeat {
			p.unsupported("Repetition counts above " + strconv.Itoa(jrMaxRepeat) + " are")
		}
		q := "{" + strconv.Itoa(cmin) + "," + strconv.Itoa(cmax) + "}"
		if unbounded {
			q = "{" + strconv.Itoa(cmin) + ",}"
		}
		return prev + q + p.qtype()
	}
	return prev
}

// qtype reads the greedy, lazy (?) or possessive (+) suffix of a quantifier.
func (p *jrParser) qtype() string {
	switch p.next() {
	case '?':
		p.next()
		return "?"
	case '+':
		p.next()
		p.unsupported("Possessive quantifiers are")
	}
	return ""
}

// group0 parses a group; ok is false for a flags-only group such as (?i).
func (p *jrParser) group0() (string, bool) {
	save := p.flags
	var head string
	ch := p.next()
	if ch == '?' {
		ch = p.skip()
		switch ch {
		case ':':
			head = "(?:" + p.expr() + ")"
		case '=', '!':
			p.unsupported("Look-ahead groups are")
		case '>':
			p.unsupported("Atomic groups (?>…) are")
		case '<':
			ch = p.read()
			if ch == '=' || ch == '!' {
				p.unsupported("Look-behind groups are")
			}
			name := p.groupName(ch)
			if _, dup := p.names[name]; dup {
				p.fail("Named capturing group <" + name + "> is already defined")
			}
			p.names[name] = p.groups
			p.groups++
			head = "(?P<" + name + ">" + p.expr() + ")"
		case '$', '@':
			p.fail("Unknown group type")
		default:
			p.unread()
			p.addFlag()
			ch = p.read()
			if ch == ')' {
				return "", false
			}
			if ch != ':' {
				p.fail("Unknown inline modifier")
			}
			head = "(?:" + p.expr() + ")"
		}
	} else {
		p.groups++
		head = "(" + p.expr() + ")"
	}
	p.accept(')', "Unclosed group")
	p.flags = save
	return p.closure(head), true
}

func (p *jrParser) groupName(ch rune) string {
	if (ch < 'a' || ch > 'z') && (ch < 'A' || ch > 'Z') {
		p.fail("capturing group name does not start with a Latin letter")
	}
	var b strings.Builder
	for {
		b.WriteRune(ch)
		ch = p.read()
		if !jrIsAlnum(ch) {
			break
		}
	}
	if ch != '>' {
		p.fail("named capturing group is missing trailing '>'")
	}
	return b.String()
}

var jrFlagBits = map[rune]int{
	'i': jrCaseInsensitive, 'm': jrMultiline, 's': jrDotall, 'd': jrUnixLines, 'u': jrUnicodeCase,
	'c': jrCanonEq, 'x': jrComments, 'U': jrUnicodeClass | jrUnicodeCase,
}

func (p *jrParser) addFlag() {
	ch := p.peek()
	for {
		if ch == '-' {
			p.next()
			p.subFlag()
			return
		}
		f, ok := jrFlagBits[ch]
		if !ok {
			return
		}
		if ch == 'c' {
			p.unsupported("Canonical equivalence (?c) is")
		}
		p.flags |= f
		ch = p.next()
	}
}

func (p *jrParser) subFlag() {
	ch := p.peek()
	for {
		f, ok := jrFlagBits[ch]
		if !ok {
			return
		}
		p.flags &^= f
		ch = p.next()
	}
}

// set emits a class matching exactly the code points of s.
func (p *jrParser) set(s jrSet) string {
	s = s.intersect(jrSet{{0, 0xD7FF}, {0xE000, unicode.MaxRune}}) // Go strings hold no surrogates
	if len(s) == 0 {
		return `[^\x00-\x{10FFFF}]`
	}
	if len(s) == 1 && s[0].lo == 0 && s[0].hi == unicode.MaxRune {
		return `(?s:.)`
	}
	var b strings.Builder
	b.WriteByte('[')
	for _, r := range s {
		b.WriteString(jrClassRune(r.lo))
		if r.hi != r.lo {
			b.WriteByte('-')
			b.WriteString(jrClassRune(r.hi))
		}
	}
	b.WriteByte(']')
	return b.String()
}

func jrClassRune(c rune) string {
	if jrIsAlnum(c) {
		return string(c)
	}
	return fmt.Sprintf(`\x{%X}`, c)
}

// jrLiteral emits one literal character.
func jrLiteral(c rune) string {
	if utf16.IsSurrogate(c) {
		return `[^\x00-\x{10FFFF}]` // a lone surrogate never occurs in a Go string
	}
	if jrIsAlnum(c) || c == '_' || c == '-' || c == ' ' {
		return string(c)
	}
	if c < 0x80 && strings.ContainsRune(`\.+*?()|[]{}^$`, c) {
		return `\` + string(c)
	}
	return fmt.Sprintf(`\x{%X}`, c)
}

// jrSet is a set of code points: sorted, disjoint, non-adjacent ranges.
type jrSet []jrRange

type jrRange struct{ lo, hi rune }

func jrSetOf(lo, hi rune) jrSet { return jrSet{{lo, hi}} }

func jrNormalize(rs []jrRange) jrSet {
	slices.SortFunc(rs, func(a, b jrRange) int { return int(a.lo) - int(b.lo) })
	out := jrSet{}
	for _, r := range rs {
		if n := len(out); n > 0 && r.lo <= out[n-1].hi+1 {
			out[n-1].hi = max(out[n-1].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

func (s jrSet) union(t jrSet) jrSet {
	return jrNormalize(append(slices.Clone(s), t...))
}

func (s jrSet) negate() jrSet {
	out := jrSet{}
	next := rune(0)
	for _, r := range s {
		if r.lo > next {
			out = append(out, jrRange{next, r.lo - 1})
		}
		next = r.hi + 1
	}
	if next <= unicode.MaxRune {
		out = append(out, jrRange{next, unicode.MaxRune})
	}
	return out
}

func (s jrSet) intersect(t jrSet) jrSet {
	return s.negate().union(t.negate()).negate()
}

func jrSetOfTable(tables ...*unicode.RangeTable) jrSet {
	var rs []jrRange
	for _, t := range tables {
		for _, r := range t.R16 {
			rs = jrAppendStride(rs, rune(r.Lo), rune(r.Hi), rune(r.Stride))
		}
		for _, r := range t.R32 {
			rs = jrAppendStride(rs, rune(r.Lo), rune(r.Hi), rune(r.Stride))
		}
	}
	return jrNormalize(rs)
}

func jrAppendStride(rs []jrRange, lo, hi, stride rune) []jrRange {
	if stride == 1 {
		return append(rs, jrRange{lo, hi})
	}
	for c := lo; c <= hi; c += stride {
		rs = append(rs, jrRange{c, c})
	}
	return rs
}

func jrSetOfRunes(rs ...rune) jrSet {
	out := make([]jrRange, len(rs))
	for i, r := range rs {
		out[i] = jrRange{r, r}
	}
	return jrNormalize(out)
}

// The character sets of Java's predefined classes and properties.
var (
	jrASCIIDigit = jrSetOf('0', '9')
	jrASCIISpace = jrSetOfRunes(' ', '\t', '\n', '\v', '\f', '\r')
	jrASCIIWord  = jrSetOf('a', 'z').union(jrSetOf('A', 'Z')).union(jrASCIIDigit).union(jrSetOf('_', '_'))
	jrHorizWS    = jrSetOfRunes('\t', ' ', 0xa0, 0x1680, 0x180e, 0x202f, 0x205f, 0x3000).union(jrSetOf(0x2000, 0x200a))
	jrVertWS     = jrSetOf('\n', '\r').union(jrSetOfRunes(0x85, 0x2028, 0x2029))
	jrAlpha      = jrSetOf('a', 'z').union(jrSetOf('A', 'Z'))
	jrPunct      = jrNormalize([]jrRange{{0x21, 0x2f}, {0x3a, 0x40}, {0x5b, 0x60}, {0x7b, 0x7e}})
	jrXDigit     = jrASCIIDigit.union(jrSetOf('a', 'f')).union(jrSetOf('A', 'F'))
)

// The Unicode sets are computed on first use.
var jrUnicode = sync.OnceValue(func() map[string]jrSet {
	m := map[string]jrSet{}
	for name, t := range unicode.Categories {
		m[name] = jrSetOfTable(t)
	}
	assigned := jrSet{}
	for _, c := range []string{"L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co", "Cs"} {
		assigned = assigned.union(m[c])
	}
	m["Cn"] = assigned.negate()
	m["C"] = m["Cc"].union(m["Cf"]).union(m["Co"]).union(m["Cs"]).union(m["Cn"])
	m["LC"] = m["Lu"].union(m["Ll"]).union(m["Lt"])
	m["LD"] = m["L"].union(m["Nd"])
	m["lower"] = m["Ll"].union(jrSetOfTable(unicode.Other_Lowercase))
	m["upper"] = m["Lu"].union(jrSetOfTable(unicode.Other_Uppercase))
	m["alphabetic"] = m["L"].union(m["Nl"]).union(jrSetOfTable(unicode.Other_Alphabetic))
	m["whitespace"] = m["Z"].union(jrSetOf('\t', '\r')).union(jrSetOf(0x85, 0x85))
	m["hexdigit"] = m["Nd"].union(jrNormalize([]jrRange{{0x30, 0x39}, {0x41, 0x46}, {0x61, 0x66}, {0xFF10, 0xFF19}, {0xFF21, 0xFF26}, {0xFF41, 0xFF46}}))
	m["word"] = m["alphabetic"].union(m["M"]).union(m["Nd"]).union(m["Pc"]).union(jrSetOf(0x200C, 0x200D))
	m["blank"] = m["Zs"].union(jrSetOf('\t', '\t'))
	m["graph"] = m["Z"].union(m["Cc"]).union(m["Cs"]).union(m["Cn"]).negate()
	m["print"] = m["graph"].union(m["blank"]).intersect(m["Cc"].negate())
	return m
})

func jrDigit(unicodeClass bool) jrSet {
	if unicodeClass {
		return jrUnicode()["Nd"]
	}
	return jrASCIIDigit
}

func jrSpace(unicodeClass bool) jrSet {
	if unicodeClass {
		return jrUnicode()["whitespace"]
	}
	return jrASCIISpace
}

func jrWord(unicodeClass bool) jrSet {
	if unicodeClass {
		return jrUnicode()["word"]
	}
	return jrASCIIWord
}

func jrCaseless(ci bool, own string) jrSet {
	u := jrUnicode()
	if ci {
		return u["lower"].union(u["upper"]).union(u["Lt"])
	}
	return u[own]
}

// jrPosixProperty is CharPredicates.getPosixPredicate (the (?U) meaning of the POSIX names).
func jrPosixProperty(name string, ci bool) (jrSet, bool) {
	u := jrUnicode()
	switch name {
	case "ALPHA":
		return u["alphabetic"], true
	case "LOWER":
		return jrCaseless(ci, "lower"), true
	case "UPPER":
		return jrCaseless(ci, "upper"), true
	case "SPACE":
		return u["whitespace"], true
	case "PUNCT":
		return u["P"], true
	case "XDIGIT":
		return u["hexdigit"], true
	case "ALNUM":
		return u["alphabetic"].union(u["Nd"]), true
	case "CNTRL":
		return u["Cc"], true
	case "DIGIT":
		return u["Nd"], true
	case "BLANK":
		return u["blank"], true
	case "GRAPH":
		return u["graph"], true
	case "PRINT":
		return u["print"], true
	}
	return nil, false
}

// jrUnicodeProperty is CharPredicates.forUnicodeProperty (name upper-cased).
func jrUnicodeProperty(name string, ci bool) (jrSet, bool) {
	u := jrUnicode()
	switch name {
	case "ALPHABETIC":
		return u["alphabetic"], true
	case "ASSIGNED":
		return u["Cn"].negate(), true
	case "CONTROL":
		return u["Cc"], true
	case "HEXDIGIT", "HEX_DIGIT":
		return u["hexdigit"], true
	case "IDEOGRAPHIC":
		return jrSetOfTable(unicode.Ideographic), true
	case "JOINCONTROL", "JOIN_CONTROL":
		return jrSetOf(0x200C, 0x200D), true
	case "LETTER":
		return u["L"], true
	case "LOWERCASE":
		return jrCaseless(ci, "lower"), true
	case "NONCHARACTERCODEPOINT", "NONCHARACTER_CODE_POINT":
		return jrSetOfTable(unicode.Noncharacter_Code_Point), true
	case "TITLECASE":
		return jrCaseless(ci, "Lt"), true
	case "PUNCTUATION":
		return u["P"], true
	case "UPPERCASE":
		return jrCaseless(ci, "upper"), true
	case "WHITESPACE", "WHITE_SPACE":
		return u["whitespace"], true
	case "WORD":
		return u["word"], true
	}
	return jrPosixProperty(name, ci)
}

// jrJavaProperty is CharPredicates.forProperty.
func jrJavaProperty(name string, ci bool) (jrSet, bool) {
	u := jrUnicode()
	switch name {
	case "Lu", "Ll", "Lt":
		if ci {
			return u["LC"], true
		}
		return u[name], true
	case "Cn", "Lm", "Lo", "Mn", "Me", "Mc", "Nd", "Nl", "No", "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cs",
		"Pd", "Ps", "Pe", "Pc", "Po", "Sm", "Sc", "Sk", "So", "Pi", "Pf", "L", "M", "N", "Z", "C", "P", "S", "LC", "LD":
		return u[name], true
	case "L1":
		return jrSetOf(0, 0xff), true
	case "all":
		return jrSetOf(0, unicode.MaxRune), true
	case "ASCII":
		return jrSetOf(0, 0x7f), true
	case "Alnum":
		return jrAlpha.union(jrASCIIDigit), true
	case "Alpha":
		return jrAlpha, true
	case "Blank":
		return jrSetOfRunes(' ', '\t'), true
	case "Cntrl":
		return jrSetOf(0, 0x1f).union(jrSetOf(0x7f, 0x7f)), true
	case "Digit":
		return jrASCIIDigit, true
	case "Graph":
		return jrSetOf(0x21, 0x7e), true
	case "Lower":
		if ci {
			return jrAlpha, true
		}
		return jrSetOf('a', 'z'), true
	case "Print":
		return jrSetOf(0x20, 0x7e), true
	case "Punct":
		return jrPunct, true
	case "Space":
		return jrASCIISpace, true
	case "Upper":
		if ci {
			return jrAlpha, true
		}
		return jrSetOf('A', 'Z'), true
	case "XDigit":
		return jrXDigit, true
	case "javaLowerCase":
		return jrCaseless(ci, "lower"), true
	case "javaUpperCase":
		return jrCaseless(ci, "upper"), true
	case "javaTitleCase":
		return jrCaseless(ci, "Lt"), true
	case "javaAlphabetic":
		return u["alphabetic"], true
	case "javaIdeographic":
		return jrSetOfTable(unicode.Ideographic), true
	case "javaDigit":
		return u["Nd"], true
	case "javaDefined":
		return u["Cn"].negate(), true
	case "javaLetter":
		return u["L"], true
	case "javaLetterOrDigit":
		return u["LD"], true
	case "javaSpaceChar":
		return u["Z"], true
	case "javaWhitespace":
		return u["Z"].intersect(jrSetOfRunes(0xa0, 0x2007, 0x202f).negate()).union(jrSetOf('\t', '\r')).union(jrSetOf(0x1c, 0x1f)), true
	case "javaISOControl":
		return jrSetOf(0, 0x1f).union(jrSetOf(0x7f, 0x9f)), true
	}
	return nil, false
}

// script is Character.UnicodeScript.forName for full script names, in any case. Java
// also accepts the four-letter ISO 15924 codes (Latn, Grek …); Go has no table of them, so
// they are rejected as unsupported.
func (p *jrParser) script(name string) (jrSet, bool) {
	for n, t := range unicode.Scripts {
		if strings.EqualFold(n, name) {
			return jrSetOfTable(t), true
		}
	}
	if len(name) == 4 {
		p.unsupported("Script codes (ISO 15924, such as Latn) are")
	}
	return nil, false
}

// jrBacktrack matches a translated pattern that has back references, by backtracking over
// its regexp/syntax tree in Perl's (and Java's) preference order: alternatives left to
// right, greedy quantifiers longest first, lazy ones shortest first, a repetition never
// repeating an empty match. Positions are byte offsets; the capture slots are numbered as
// Java numbers its groups (the back-reference placeholders are not groups).
type jrBacktrack struct {
	root   *syntax.Regexp
	slots  map[int]int // RE2 capture index → Java group number
	groups int
}

type jrBackrefInfo struct {
	group, mode int
}

func newJRBacktrack(expr string) (*jrBacktrack, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, err
	}
	bt := &jrBacktrack{root: re, slots: map[int]int{}}
	var walk func(*syntax.Regexp)
	caps := []int{}
	walk = func(r *syntax.Regexp) {
		if r.Op == syntax.OpCapture && !strings.HasPrefix(r.Name, jrBackrefPrefix) {
			caps = append(caps, r.Cap)
		}
		for _, sub := range r.Sub {
			walk(sub)
		}
	}
	walk(re)
	slices.Sort(caps)
	for i, c := range caps {
		bt.slots[c] = i + 1
	}
	bt.groups = len(caps)
	return bt, nil
}

func jrParseBackref(name string) jrBackrefInfo {
	parts := strings.Split(strings.TrimPrefix(name, jrBackrefPrefix), "_")
	group, _ := strconv.Atoi(parts[0])
	mode, _ := strconv.Atoi(parts[1])
	return jrBackrefInfo{group: group, mode: mode}
}

// jrRun is one match attempt: the input and the capture positions.
type jrRun struct {
	bt   *jrBacktrack
	s    string
	caps []int
}

func (bt *jrBacktrack) newRun(s string) *jrRun {
	caps := make([]int, 2*(bt.groups+1))
	for i := range caps {
		caps[i] = -1
	}
	return &jrRun{bt: bt, s: s, caps: caps}
}

func (bt *jrBacktrack) matches(s string) bool {
	r := bt.newRun(s)
	return r.match(bt.root, 0, func(j int) bool { return j == len(s) })
}

// find returns the first match's positions, as FindStringSubmatchIndex does.
func (bt *jrBacktrack) find(s string) []int {
	for start := 0; start <= len(s); {
		r := bt.newRun(s)
		end := -1
		if r.match(bt.root, start, func(j int) bool { end = j; return true }) {
			r.caps[0], r.caps[1] = start, end
			return r.caps
		}
		if start == len(s) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[start:])
		start += size
	}
	return nil
}

func jrIsWordByte(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (r *jrRun) match(re *syntax.Regexp, i int, k func(int) bool) bool {
	s := r.s
	switch re.Op {
	case syntax.OpNoMatch:
		return false
	case syntax.OpEmptyMatch:
		return k(i)
	case syntax.OpLiteral:
		for _, want := range re.Rune {
			if i >= len(s) {
				return false
			}
			c, size := utf8.DecodeRuneInString(s[i:])
			if c != want && (re.Flags&syntax.FoldCase == 0 || !jrSimpleFoldEqual(c, want)) {
				return false
			}
			i += size
		}
		return k(i)
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		if i >= len(s) {
			return false
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch re.Op {
		case syntax.OpAnyCharNotNL:
			if c == '\n' {
				return false
			}
		case syntax.OpCharClass:
			in := false
			for j := 0; j+1 < len(re.Rune); j += 2 {
				if c >= re.Rune[j] && c <= re.Rune[j+1] {
					in = true
					break
				}
			}
			if !in {
				return false
			}
		}
		return k(i + size)
	case syntax.OpBeginLine:
		return (i == 0 || s[i-1] == '\n') && k(i)
	case syntax.OpEndLine:
		return (i == len(s) || s[i] == '\n') && k(i)
	case syntax.OpBeginText:
		return i == 0 && k(i)
	case syntax.OpEndText:
		return i == len(s) && k(i)
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		boundary := jrIsWordByte(s, i-1) != jrIsWordByte(s, i)
		return boundary == (re.Op == syntax.OpWordBoundary) && k(i)
	case syntax.OpCapture:
		if strings.HasPrefix(re.Name, jrBackrefPrefix) {
			return r.backref(jrParseBackref(re.Name), i, k)
		}
		g := r.bt.slots[re.Cap]
		oldStart, oldEnd := r.caps[2*g], r.caps[2*g+1]
		return r.match(re.Sub[0], i, func(j int) bool {
			prevStart, prevEnd := r.caps[2*g], r.caps[2*g+1]
			r.caps[2*g], r.caps[2*g+1] = i, j
			if k(j) {
				return true
			}
			r.caps[2*g], r.caps[2*g+1] = prevStart, prevEnd
			return false
		}) || r.restore(g, oldStart, oldEnd)
	case syntax.OpConcat:
		return r.concat(re.Sub, i, k)
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if r.match(sub, i, k) {
				return true
			}
		}
		return false
	case syntax.OpStar:
		return r.repeat(re.Sub[0], 0, -1, re.Flags&syntax.NonGreedy == 0, 0, i, k)
	case syntax.OpPlus:
		return r.repeat(re.Sub[0], 1, -1, re.Flags&syntax.NonGreedy == 0, 0, i, k)
	case syntax.OpQuest:
		return r.repeat(re.Sub[0], 0, 1, re.Flags&syntax.NonGreedy == 0, 0, i, k)
	case syntax.OpRepeat:
		return r.repeat(re.Sub[0], re.Min, re.Max, re.Flags&syntax.NonGreedy == 0, 0, i, k)
	}
	return false
}

func (r *jrRun) restore(g, start, end int) bool {
	r.caps[2*g], r.caps[2*g+1] = start, end
	return false
}

func (r *jrRun) concat(subs []*syntax.Regexp, i int, k func(int) bool) bool {
	if len(subs) == 0 {
		return k(i)
	}
	return r.match(subs[0], i, func(j int) bool { return r.concat(subs[1:], j, k) })
}

// repeat matches sub between min and max (-1: unbounded) more times, count done so far.
func (r *jrRun) repeat(sub *syntax.Regexp, minimum, maximum int, greedy bool, count, i int, k func(int) bool) bool {
	more := func() bool {
		return r.match(sub, i, func(j int) bool {
			if j == i && count >= minimum {
				return false // an empty iteration ends the loop
			}
			return r.repeat(sub, minimum, maximum, greedy, count+1, j, k)
		})
	}
	if count < minimum {
		return more()
	}
	canMore := maximum < 0 || count < maximum
	if greedy {
		return canMore && more() || k(i)
	}
	return k(i) || canMore && more()
}

// backref matches the text group captured (Java's BackRef and CIBackRef).
func (r *jrRun) backref(info jrBackrefInfo, i int, k func(int) bool) bool {
	if info.group > r.bt.groups {
		return false
	}
	start, end := r.caps[2*info.group], r.caps[2*info.group+1]
	if start < 0 || end < 0 {
		return false
	}
	want := r.s[start:end]
	j := i
	for _, w := range want {
		if j >= len(r.s) {
			return false
		}
		c, size := utf8.DecodeRuneInString(r.s[j:])
		switch info.mode {
		case 0:
			if c != w {
				return false
			}
		case 1:
			if jrASCIILower(c) != jrASCIILower(w) {
				return false
			}
		default:
			if c != w && unicode.ToLower(unicode.ToUpper(c)) != unicode.ToLower(unicode.ToUpper(w)) {
				return false
			}
		}
		j += size
	}
	return k(j)
}

func jrSimpleFoldEqual(a, b rune) bool {
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}
