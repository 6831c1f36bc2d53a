package properties

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	in := `# comment
! another comment
bootstrap.servers=127.0.0.1:9092
  group.id : connect-cluster
plugin.path   /a,/b
listeners=http://:8083
empty=
multi=one,\
      two,\
      three
key\ with\ spaces=v
unicode=caf\u00e9
tab=a\tb
url=http\://x
dup=1
dup=2
trailing.backslash=c:\\dir\\
next=after
`
	got, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"bootstrap.servers":  "127.0.0.1:9092",
		"group.id":           "connect-cluster",
		"plugin.path":        "/a,/b",
		"listeners":          "http://:8083",
		"empty":              "",
		"multi":              "one,two,three",
		"key with spaces":    "v",
		"unicode":            "café",
		"tab":                "a\tb",
		"url":                "http://x",
		"dup":                "2",
		"trailing.backslash": `c:\dir\`,
		"next":               "after",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestParseRejectsBadUnicodeEscape(t *testing.T) {
	if _, err := Parse(strings.NewReader("a=\\u12G4\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("want a line-numbered error, got %v", err)
	}
}
