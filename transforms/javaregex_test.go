package transforms

import (
	"strings"
	"testing"
)

// The expectations below were produced by java.util.regex on OpenJDK 17
// (Pattern.compile(p).matcher(s): matches(), then replaceFirst(replacement)). A result
// starting with "!" is the message of the exception replaceFirst threw.
var javaRegexCases = []struct {
	pattern, input, replacement string
	matches                     bool
	result                      string
}{
	{"foo", "foo", "<$0>", true, "<foo>"},
	{"foo", "orig", "<$0>", false, "orig"},
	{"(.*)", "orig", "<$0>", true, "<orig>"},
	{"(.*)-(\\d\\d\\d\\d\\d\\d\\d\\d)", "index-20160117", "<$0>", true, "<index-20160117>"},
	{"my-prefix-.*", "my-prefix-", "<$0>", true, "<my-prefix->"},
	{"my-prefix-.*", "x-my-prefix-foo", "<$0>", false, "x-my-prefix-foo"},
	{"a|ab", "ab", "<$0>", true, "<a>b"},
	{"(a|ab)(c|bcd)(d*)", "abcd", "<$0>", true, "<abcd>"},
	{"(a(?i)b)c", "abC", "<$0>", false, "abC"},
	{"(a(?i)b)c", "aBc", "<$0>", true, "<aBc>"},
	{"a(?i)b|c", "C", "<$0>", true, "<C>"},
	{"[^a[b]]", "b", "<$0>", false, "b"},
	{"[^a[b]]", "c", "<$0>", true, "<c>"},
	{"[]a]", "]", "<$0>", true, "<]>"},
	{"a{2}{3}", "aa", "<$0>", true, "<aa>"},
	{"{2}x", "x", "<$0>", true, "<x>"},
	{"x|{2}", "", "<$0>", true, "<>"},
	{"[a-z&&[^aeiou]]+", "bcd", "<$0>", true, "<bcd>"},
	{"[a-z&&[^aeiou]]+", "bad", "<$0>", false, "bad"},
	{"[a-z&&aeiou]", "a", "<$0>", true, "<a>"},
	{"[&&a]", "a", "<$0>", true, "<a>"},
	{"[a&&]", "a", "<$0>", true, "<a>"},
	{"[a&b]", "&", "<$0>", true, "<&>"},
	{"[a-]", "-", "<$0>", true, "<->"},
	{"[-a]", "-", "<$0>", true, "<->"},
	{"[\\d-z]", "-", "<$0>", true, "<->"},
	{"[\\d-z]", "z", "<$0>", true, "<z>"},
	{"(?i)[a-c]+", "AbC", "<$0>", true, "<AbC>"},
	{"(?i)[^a]", "A", "<$0>", false, "A"},
	{"(?i)é", "É", "<$0>", false, "É"},
	{"(?iu)é", "É", "<$0>", true, "<É>"},
	{"(?iu)k", "K", "<$0>", true, "<K>"},
	{"(?iu)[k]", "K", "<$0>", true, "<K>"},
	{"(?i)ß", "SS", "<$0>", false, "SS"},
	{"(?x) a b # c", "ab", "<$0>", true, "<ab>"},
	{"(?x)[ a]", " ", "<$0>", false, " "},
	{"(?x)a\\ b", "a b", "<$0>", true, "<a b>"},
	{"\\Qa.b\\E+", "a.bb", "<$0>", true, "<a.bb>"},
	{"\\Qa.b", "a.b", "<$0>", true, "<a.b>"},
	{"\\Qa.b", "axb", "<$0>", false, "axb"},
	{"\\Q1\\E2", "12", "<$0>", true, "<12>"},
	{"\\p{Lu}+", "AB", "<$0>", true, "<AB>"},
	{"\\p{Lu}+", "Ab", "<$0>", false, "Ab"},
	{"(?i)\\p{Lu}", "a", "<$0>", true, "<a>"},
	{"\\p{IsLatin}+", "abc", "<$0>", true, "<abc>"},
	{"\\p{L}+", "héllo", "<$0>", true, "<héllo>"},
	{"\\pL+", "héllo", "<$0>", true, "<héllo>"},
	{"\\PL+", "123", "<$0>", true, "<123>"},
	{"\\p{IsAlphabetic}+", "abc", "<$0>", true, "<abc>"},
	{"\\p{Alpha}+", "abc", "<$0>", true, "<abc>"},
	{"\\p{Punct}+", "!-.", "<$0>", true, "<!-.>"},
	{"(?U)\\p{Alpha}+", "héllo", "<$0>", true, "<héllo>"},
	{"\\p{Alpha}+", "héllo", "<$0>", false, "héllo"},
	{"\\w+", "héllo", "<$0>", false, "héllo"},
	{"(?U)\\w+", "héllo", "<$0>", true, "<héllo>"},
	{"\\d+", "١٢", "<$0>", false, "١٢"},
	{"(?U)\\d+", "١٢", "<$0>", true, "<١٢>"},
	{"\\s", "\u000b", "<$0>", true, "<\u000b>"},
	{"\\h", " ", "<$0>", true, "< >"},
	{"\\v", "\u000b", "<$0>", true, "<\u000b>"},
	{"[\\v-z]", "y", "<$0>", true, "<y>"},
	{"a{2,3}", "aaaa", "<$0>", false, "aaaa"},
	{"a{2,}", "aaaaa", "<$0>", true, "<aaaaa>"},
	{"a{2,}?a", "aaa", "<$0>", true, "<aaa>"},
	{"(a+?)(a*)", "aaa", "<$0>", true, "<aaa>"},
	{"(?:a|b)+c", "ababc", "<$0>", true, "<ababc>"},
	{"^a$", "a", "<$0>", true, "<a>"},
	{"^a$\\n", "a", "<$0>", false, "a"},
	{".+", "a.b", "<$0>", true, "<a.b>"},
	{".", "\u000d", "<$0>", false, "\u000d"},
	{"(?s).", "\u000d", "<$0>", true, "<\u000d>"},
	{"(?d).", "\u000d", "<$0>", true, "<\u000d>"},
	{"(?d).", "\u000a", "<$0>", false, "\u000a"},
	{"\\x41\\u0042\\0103", "ABC", "<$0>", true, "<ABC>"},
	{"\\x{1F600}", "😀", "<$0>", true, "<😀>"},
	{"\\uD83D\\uDE00", "😀", "<$0>", true, "<😀>"},
	{"\\ca", "\u0001", "<$0>", false, "\u0001"},
	{"\\t", "\u0009", "<$0>", true, "<\u0009>"},
	{"[\\x41-\\x43]+", "ABC", "<$0>", true, "<ABC>"},
	{"[a-c[x-z]]+", "abxyz", "<$0>", true, "<abxyz>"},
	{"[^\\d\\s]+", "abc", "<$0>", true, "<abc>"},
	{"[^\\d\\s]+", "a1", "<$0>", false, "a1"},
	{"[[^a]&&b]", "b", "<$0>", true, "<b>"},
	{"[\\p{L}&&[^a-z]]+", "ÀÉ", "<$0>", true, "<ÀÉ>"},
	{"(?<year>\\d{4})-(?<month>\\d{2})", "2024-01", "<$0>", true, "<2024-01>"},
	{"(?i:a)b", "Ab", "<$0>", true, "<Ab>"},
	{"(?i:a)b", "AB", "<$0>", false, "AB"},
	{"(?i)a(?-i)b", "AB", "<$0>", false, "AB"},
	{"(?i)a(?-i)b", "Ab", "<$0>", true, "<Ab>"},
	{"\\bfoo\\b", "foo", "<$0>", true, "<foo>"},
	{"\\Afoo\\z", "foo", "<$0>", true, "<foo>"},
	{"foo\\Z", "foo", "<$0>", true, "<foo>"},
	{"\\Gfoo", "foo", "<$0>", true, "<foo>"},
	{"a.*b", "a\\nb", "<$0>", true, "<a\\nb>"},
	{"(.*)", "orig", "$1", true, "orig"},
	{"(.*)", "orig", "prefix-$1", true, "prefix-orig"},
	{"(.*)", "orig", "$1-suffix", true, "orig-suffix"},
	{"(.*)-(\\d+)", "a-12", "$2x$1", true, "12xa"},
	{"(a)", "a", "$2", true, "!No group 2"},
	{"(a)", "a", "$", true, "!Illegal group reference: group index is missing"},
	{"(a)", "a", "\\", true, "!character to be escaped is missing"},
	{"(a)", "a", "$x", true, "!Illegal group reference"},
	{"(?<n>a)", "a", "${n}!", true, "a!"},
	{"(?<n>a)", "a", "${m}", true, "!No group with name {m}"},
	{"(?<n>a)", "a", "${}", true, "!named capturing group has 0 length name"},
	{"(?<n>a)", "a", "${n", true, "!named capturing group is missing trailing '}'"},
	{"(?<n>a)", "a", "${1}", true, "!capturing group name {1} starts with digit character"},
	{"(a)", "a", "$11", true, "a1"},
	{"(a)(b)?", "a", "[$2]", true, "[]"},
	{"a|ab", "ab", "X", true, "Xb"},
	{"(a)((((((((((b))))))))))", "ab", "$11-$12", true, "b-a2"},
	{"foo", "foo", "\\$\\\\", true, "$\\"},
	{"a*", "aaa", "X", true, "X"},
	{"(a*)b?", "aab", "[$1]", true, "[aa]"},
	{"sensors/(\\w+)/(.*)", "sensors/dev1/temp", "telemetry.$1", true, "telemetry.dev1"},
	{"sensors\\.(?<site>[^.]+)\\.(?<dev>.+)", "sensors.s1.d2", "${site}-${dev}", true, "s1-d2"},
	{"(a|b)+", "abab", "$1", true, "b"},
	{"(?:(a)|b)+", "ab", "[$1]", true, "[a]"},
	{"(a)|b", "b", "[$1]", true, "[]"},
	{"x*", "xxx", "-$0-", true, "-xxx-"},
	// Back references (run on the backtracking matcher).
	{"(a)\\1", "aa", "<$0>", true, "<aa>"},
	{"(a)\\1", "ab", "<$0>", false, "ab"},
	{"(a+)\\1", "aaaa", "<$0>", true, "<aaaa>"},
	{"(a*)b\\1", "aaba", "<$0>", false, "aaba"},
	{"(?i)(a)\\1", "aA", "<$0>", true, "<aA>"},
	{"(?iu)(é)\\1", "éÉ", "<$0>", true, "<éÉ>"},
	{"(?i)(é)\\1", "éÉ", "<$0>", false, "éÉ"},
	{"(?<n>\\w+)-\\k<n>", "ab-ab", "<$0>", true, "<ab-ab>"},
	{"(?<n>\\w+)-\\k<n>", "ab-abc", "<$0>", false, "ab-abc"},
	{"(o)rders\\1?", "orders", "<$0>", true, "<orders>"},
	{"(o)rders\\1?", "orderso", "<$0>", true, "<orderso>"},
	{"\\1(a)", "a", "<$0>", false, "a"},
	{"(a)\\2", "a", "<$0>", false, "a"},
	{"(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10", "abcdefghijj", "<$0>", true, "<abcdefghijj>"},
	{"(a)\\10", "aa0", "<$0>", true, "<aa0>"},
	{"(\\w)\\1", "xx", "[$1]", true, "[x]"},
	{"(\\w+?)(\\1)+", "abab", "<$1|$2>", true, "<ab|ab>"},
	{"(a|ab)\\1c", "ababc", "$1", true, "ab"},
	{"(x)?y\\1", "y", "<$0>", false, "y"},
	{"(.)(?:\\1)*", "aaa", "$1", true, "a"},
}

func TestJavaRegexMatchesAndReplaceFirst(t *testing.T) {
	for _, c := range javaRegexCases {
		re, err := compileJavaRegex(c.pattern)
		if err != nil {
			t.Errorf("%q: %v", c.pattern, err)
			continue
		}
		if got := re.matches(c.input); got != c.matches {
			t.Errorf("%q matches %q: got %v, want %v", c.pattern, c.input, got, c.matches)
			continue
		}
		if !c.matches {
			continue
		}
		got, err := re.replaceFirst(c.input, re.replacement(c.replacement))
		if err != nil {
			got = "!" + err.Error()
		}
		if got != c.result {
			t.Errorf("%q replaceFirst(%q) on %q: got %q, want %q", c.pattern, c.replacement, c.input, got, c.result)
		}
	}
}

// Java's PatternSyntaxException messages (OpenJDK 17).
var javaRegexSyntaxErrors = []struct{ pattern, message string }{
	{"[", "Unclosed character class near index 0\u000a[\u000a^"},
	{"*", "Dangling meta character '*' near index 0\u000a*\u000a^"},
	{"(", "Unclosed group near index 1\u000a("},
	{"a{", "Illegal repetition near index 2\u000aa{"},
	{"x)", "Unmatched closing ')' near index 0\u000ax)\u000a^"},
	{"a{2,1}", "Illegal repetition range near index 5\u000aa{2,1}\u000a     ^"},
	{"\\y", "Illegal/unsupported escape sequence near index 1\u000a\\y\u000a ^"},
	{"[z-a]", "Illegal character range near index 3\u000a[z-a]\u000a   ^"},
	{"\\p{Foo}", "Unknown character property name {Foo} near index 6\u000a\\p{Foo}\u000a      ^"},
	{"\\p{L", "Unclosed character family near index 4\u000a\\p{L"},
	{"(?<1a>x)", "capturing group name does not start with a Latin letter near index 3\u000a(?<1a>x)\u000a   ^"},
	{"(?<a>x)(?<a>y)", "Named capturing group <a> is already defined near index 11\u000a(?<a>x)(?<a>y)\u000a           ^"},
	{"(?z)", "Unknown inline modifier near index 2\u000a(?z)\u000a  ^"},
	{"(?i", "Unknown inline modifier near index 3\u000a(?i"},
	{"a{99999999999}", "Illegal repetition range near index 11\u000aa{99999999999}\u000a           ^"},
	{"\\x{110000}", "Hexadecimal codepoint is too big near index 8\u000a\\x{110000}\u000a        ^"},
	{"\\u12", "Illegal Unicode escape sequence near index 4\u000a\\u12"},
	{"\\0", "Illegal octal escape sequence near index 2\u000a\\0"},
	{"\\08", "Illegal octal escape sequence near index 2\u000a\\08\u000a  ^"},
	{"\\c", "Illegal control escape sequence near index 1\u000a\\c\u000a ^"},
	{"a\\", "Unexpected internal error near index 2\u000aa\\"},
	{"+a", "Dangling meta character '+' near index 0\u000a+a\u000a^"},
	{"a**", "Dangling meta character '*' near index 2\u000aa**\u000a  ^"},
	{"a{2}*", "Dangling meta character '*' near index 4\u000aa{2}*\u000a    ^"},
	{"\\p{}", "Empty character family near index 3\u000a\\p{}\u000a   ^"},
	{"[a", "Unclosed character class near index 1\u000a[a\u000a ^"},
	{"[a-\\d]", "Illegal character range near index 4\u000a[a-\\d]\u000a    ^"},
	{"\\x", "Illegal hexadecimal escape sequence near index 2\u000a\\x"},
	{"\\xg1", "Illegal hexadecimal escape sequence near index 2\u000a\\xg1\u000a  ^"},
	{"\\x{12", "Unclosed hexadecimal escape sequence near index 5\u000a\\x{12"},
	{"\\p{gc=Foo}", "Unknown Unicode property {name=<gc>, value=<Foo>} near index 9\u000a\\p{gc=Foo}\u000a         ^"},
	{"(?$)", "Unknown group type near index 2\u000a(?$)\u000a  ^"},
}

func TestJavaRegexSyntaxErrors(t *testing.T) {
	for _, c := range javaRegexSyntaxErrors {
		_, err := compileJavaRegex(c.pattern)
		if err == nil {
			t.Errorf("%q: compiled, want %q", c.pattern, c.message)
			continue
		}
		if err.Error() != c.message {
			t.Errorf("%q:\n got %q\nwant %q", c.pattern, err.Error(), c.message)
		}
	}
}

func TestJavaRegexUnsupported(t *testing.T) {
	for _, p := range []string{
		`(?=a)a`, `(?!a)b`, `(?<=a)b`, `(?<!a)b`, `(?>a)`, `a*+`, `a++`, `a?+`, `a{2}+`,
		`\R`, `\X`, `\b{g}`, `\N{LATIN SMALL LETTER A}`, `(?c)a`,
		`\p{InBasicLatin}`, `\p{blk=BasicLatin}`, `\p{IsEmoji}`, `\p{javaMirrored}`, `\p{IsLatn}`, `a{1001}`, `a{2,5000}`,
	} {
		_, err := compileJavaRegex(p)
		if err == nil || !strings.Contains(err.Error(), "not supported: Tributary runs Java regular expressions on Go's RE2 engine") {
			t.Errorf("%q: got %v, want a not-supported error", p, err)
		}
	}
	_, err := compileJavaRegex(`ab(?=c)`)
	if want := "Look-ahead groups are not supported: Tributary runs Java regular expressions on Go's RE2 engine near index 4\nab(?=c)\n    ^"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

// matches() is a whole-string match, never a search; find() (replaceFirst) is a search.
func TestJavaRegexWholeStringMatch(t *testing.T) {
	re, err := compileJavaRegex(`sensor`)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"sensors", "my-sensor", "sensor\n"} {
		if re.matches(s) {
			t.Errorf("%q matched %q", re.pattern, s)
		}
	}
	if !re.matches("sensor") {
		t.Error("no whole match")
	}
	// The flags of a group end with it; an alternation cannot escape the anchoring.
	re, _ = compileJavaRegex(`a|b(?m)`)
	if re.matches("ab") || !re.matches("b") {
		t.Error("alternation broke out of the anchors")
	}
}

func TestJavaRegexCaseFolding(t *testing.T) {
	for _, c := range []struct {
		pattern, input string
		want           bool
	}{
		{`(?i)[k-m]`, "K", true},
		{`(?i)[k-m]`, "\u212a", false}, // ASCII-only folding without (?u)
		{`(?iu)[k-m]`, "\u212a", true}, // Kelvin sign folds to k
		{`(?iu)k`, "\u212a", true},
		{`(?iu)[à-å]`, "Å", true},
		{`(?i)[à-å]`, "Å", false},
		{`(?i)\p{Lower}`, "Q", true},
		{`\p{Lower}`, "Q", false},
		{`(?i)[^k]`, "K", false},
		{`(?iu)σ`, "ς", true},
	} {
		re, err := compileJavaRegex(c.pattern)
		if err != nil {
			t.Fatalf("%q: %v", c.pattern, err)
		}
		if got := re.matches(c.input); got != c.want {
			t.Errorf("%q on %q: got %v, want %v", c.pattern, c.input, got, c.want)
		}
	}
}

func TestJavaRegexBackrefErrors(t *testing.T) {
	for p, msg := range map[string]string{
		`(?<n>a)\k<m>`: "named capturing group <m> does not exist near index 11\n(?<n>a)\\k<m>\n           ^",
		`(a)\kn`:       "\\k is not followed by '<' for named capturing group near index 5\n(a)\\kn\n     ^",
	} {
		_, err := compileJavaRegex(p)
		if err == nil || err.Error() != msg {
			t.Errorf("%q: got %v, want %q", p, err, msg)
		}
	}
}
