package transforms

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/converters"
)

// The golden conformance harness: testdata/corpus.json holds input records (key, value and
// headers as JsonConverter envelopes) and cases (an SMT or predicate class, its config, a
// record); testdata/golden/<id>.json holds what Apache Kafka Connect 4.1.2's own class did
// with the case, written by testdata/java/SmtGoldenGen.java (see testdata/java/README.md).
// TestGoldenConformance runs Tributary's class of the same name on the same record, decoded
// and re-encoded by Tributary's JsonConverter, and compares the output byte for byte.

const (
	goldenCorpusPath = "testdata/corpus.json"
	goldenDir        = "testdata/golden"
	goldenRegenHint  = "regenerate with transforms/testdata/java/regen.sh"
)

type goldenCorpus struct {
	Records []goldenInputRecord `json:"records"`
	Cases   []goldenCorpusCase  `json:"cases"`
}

type goldenInputRecord struct {
	Name      string          `json:"name"`
	Topic     string          `json:"topic"`
	Partition *int32          `json:"partition"`
	Timestamp *int64          `json:"timestamp"`
	Key       json.RawMessage `json:"key"`
	Value     json.RawMessage `json:"value"`
	Headers   []struct {
		Key   string          `json:"key"`
		Value json.RawMessage `json:"value"`
	} `json:"headers"`
}

type goldenCorpusCase struct {
	ID        string            `json:"id"`
	Class     string            `json:"class,omitempty"`
	Predicate string            `json:"predicate,omitempty"`
	Record    string            `json:"record"`
	Topic     *string           `json:"topic,omitempty"`
	Config    map[string]string `json:"config"`
}

// goldenCase is golden/<id>.json: the case as the generator read it, and Java's result.
type goldenCase struct {
	goldenCorpusCase
	Result goldenResult `json:"result"`
}

// goldenRecord is golden/records/<name>.json: the record decoded and re-encoded untouched.
type goldenRecord struct {
	Name   string       `json:"name"`
	Result goldenResult `json:"result"`
}

// goldenResult is one of: an output record (Topic set), {"dropped": true}, {"test": bool}
// or {"error": …}.
type goldenResult struct {
	Topic          *string         `json:"topic"`
	KafkaPartition *int32          `json:"kafkaPartition"`
	Timestamp      *int64          `json:"timestamp"`
	Key            json.RawMessage `json:"key"`
	Value          json.RawMessage `json:"value"`
	Headers        []goldenHeader  `json:"headers"`
	Dropped        bool            `json:"dropped"`
	Test           *bool           `json:"test"`
	Error          *goldenError    `json:"error"`
}

type goldenHeader struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

type goldenError struct {
	Stage    string  `json:"stage"` // configure, apply or encode
	Part     string  `json:"part"`  // encode: key, value or "header <name>"
	Class    string  `json:"class"` // the Java exception class
	Message  *string `json:"message"`
	Rendered string  `json:"rendered"` // encode: the failing part's schema and value, by describe
}

// goldenOutcome is what Tributary did with a case, in the shape of goldenResult.
type goldenOutcome struct {
	record    bool
	dropped   bool
	test      *bool
	topic     string
	partition *int32
	timestamp *int64
	key       []byte
	value     []byte
	headers   []goldenOutHeader
	errStage  string
	errPart   string
	err       error
	rendered  string
}

type goldenOutHeader struct {
	key   string
	value []byte
}

// ---------------------------------------------------------------- the test

func TestGoldenConformance(t *testing.T) {
	var c goldenCorpus
	goldenReadJSON(t, goldenCorpusPath, &c)
	if len(c.Records) == 0 || len(c.Cases) == 0 {
		t.Fatalf("%s has no records or no cases", goldenCorpusPath)
	}
	records := map[string]goldenInputRecord{}
	for _, r := range c.Records {
		if _, dup := records[r.Name]; dup {
			t.Fatalf("%s: record %q twice", goldenCorpusPath, r.Name)
		}
		records[r.Name] = r
	}

	// The converter layer first: a record that does not survive Tributary's JsonConverter
	// untouched would make every case that uses it fail for reasons that are not the SMT's.
	badRecord := map[string]bool{}
	for _, r := range c.Records {
		t.Run("record:"+r.Name, func(t *testing.T) {
			var g goldenRecord
			if !goldenReadFile(t, filepath.Join(goldenDir, "records", r.Name+".json"), &g) {
				badRecord[r.Name] = true
				return
			}
			got := goldenRoundTrip(r)
			if diffs := goldenCompare(g.Result, got); len(diffs) > 0 {
				badRecord[r.Name] = true
				t.Errorf("record %s does not survive Tributary's JsonConverter as it survives Java's (converters, not transforms, are at fault):\n%s",
					r.Name, strings.Join(diffs, "\n"))
			}
		})
	}

	transforms, preds := Transformations(), Predicates()
	type tally struct{ cases, passed, notImpl int }
	tallies := map[string]*tally{}
	var families []string
	var mismatched []string
	seen := map[string]bool{}
	covered := map[string]bool{}
	for _, cc := range c.Cases {
		if seen[cc.ID] {
			t.Errorf("%s: case %q twice", goldenCorpusPath, cc.ID)
			continue
		}
		seen[cc.ID] = true
		class := cc.Class
		if cc.Predicate != "" {
			class = cc.Predicate
		}
		covered[class] = true
		fam := goldenFamily(class)
		if tallies[fam] == nil {
			tallies[fam] = &tally{}
			families = append(families, fam)
		}
		tl := tallies[fam]
		tl.cases++
		_, isT := transforms[class]
		_, isP := preds[class]
		implemented := (cc.Predicate == "" && isT) || (cc.Predicate != "" && isP)
		ran := false
		passed := t.Run(cc.ID, func(t *testing.T) {
			ran = true
			var g goldenCase
			if !goldenReadFile(t, filepath.Join(goldenDir, cc.ID+".json"), &g) {
				return
			}
			if !goldenSameCase(g.goldenCorpusCase, cc) {
				t.Fatalf("golden/%s.json was written for another version of the case; %s", cc.ID, goldenRegenHint)
			}
			rec, ok := records[cc.Record]
			if !ok {
				t.Fatalf("case %s names record %q, which the corpus does not have", cc.ID, cc.Record)
			}
			if !implemented {
				t.Fatalf("not implemented: %s is not registered in %s()", class, map[bool]string{true: "Predicates", false: "Transformations"}[cc.Predicate != ""])
			}
			var got goldenOutcome
			if cc.Predicate != "" {
				got = goldenRunPredicate(preds[class], cc, rec)
			} else {
				got = goldenRunTransformation(transforms[class], cc, rec)
			}
			diffs := goldenCompare(g.Result, got)
			if len(diffs) == 0 {
				return
			}
			note := ""
			if badRecord[cc.Record] {
				note = fmt.Sprintf("\n(record %s itself does not round-trip through Tributary's JsonConverter; see record:%s)", cc.Record, cc.Record)
			}
			t.Errorf("%s on record %s, config %s:\n%s%s", class, cc.Record, goldenConfigString(cc.Config), strings.Join(diffs, "\n"), note)
		})
		switch {
		case !ran: // filtered out by -run
			tl.cases--
		case passed:
			tl.passed++
		case !implemented:
			tl.notImpl++
		default:
			mismatched = append(mismatched, cc.ID)
		}
	}

	// Every golden file belongs to a case, and every built-in class registered has cases.
	if entries, err := os.ReadDir(goldenDir); err == nil {
		for _, e := range entries {
			if id, ok := strings.CutSuffix(e.Name(), ".json"); ok && !e.IsDir() && !seen[id] {
				t.Errorf("golden/%s has no case in %s; %s", e.Name(), goldenCorpusPath, goldenRegenHint)
			}
		}
	}
	if entries, err := os.ReadDir(filepath.Join(goldenDir, "records")); err == nil {
		for _, e := range entries {
			if name, ok := strings.CutSuffix(e.Name(), ".json"); ok && !e.IsDir() {
				if _, known := records[name]; !known {
					t.Errorf("golden/records/%s has no record in %s; %s", e.Name(), goldenCorpusPath, goldenRegenHint)
				}
			}
		}
	}
	var uncovered []string
	for class := range transforms {
		if strings.HasPrefix(class, javaPackage) && !covered[class] {
			uncovered = append(uncovered, class)
		}
	}
	for class := range preds {
		if strings.HasPrefix(class, javaPredicatePackage) && !covered[class] {
			uncovered = append(uncovered, class)
		}
	}
	sort.Strings(uncovered)
	for _, class := range uncovered {
		t.Errorf("%s is registered but %s has no case for it", class, goldenCorpusPath)
	}

	families = slices.DeleteFunc(families, func(f string) bool { return tallies[f].cases == 0 })
	sort.Strings(families)
	var b strings.Builder
	fmt.Fprintf(&b, "golden conformance against Apache Kafka Connect 4.1.2 (%s):\n", goldenCorpusPath)
	fmt.Fprintf(&b, "  %-20s %6s %7s %9s %9s\n", "family", "cases", "passed", "mismatch", "not impl")
	var total tally
	for _, f := range families {
		tl := tallies[f]
		fmt.Fprintf(&b, "  %-20s %6d %7d %9d %9d\n", f, tl.cases, tl.passed, tl.cases-tl.passed-tl.notImpl, tl.notImpl)
		total.cases += tl.cases
		total.passed += tl.passed
		total.notImpl += tl.notImpl
	}
	fmt.Fprintf(&b, "  %-20s %6d %7d %9d %9d", "total", total.cases, total.passed, total.cases-total.passed-total.notImpl, total.notImpl)
	if len(mismatched) > 0 {
		fmt.Fprintf(&b, "\nmismatching cases (run one with -run 'TestGoldenConformance/<id>$'):\n  %s", strings.Join(mismatched, "\n  "))
	}
	t.Log(b.String())
}

// goldenFamily is the table row of a class: its simple name without $Key / $Value.
func goldenFamily(class string) string {
	name := class[strings.LastIndexByte(class, '.')+1:]
	if i := strings.IndexByte(name, '$'); i >= 0 {
		name = name[:i]
	}
	return name
}

func goldenSameCase(a, b goldenCorpusCase) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if len(a.Config) == 0 && len(b.Config) == 0 { // {} and an absent config are the same
		a.Config, b.Config = nil, nil
		ja, _ = json.Marshal(a)
		jb, _ = json.Marshal(b)
	}
	return bytes.Equal(ja, jb)
}

func goldenConfigString(cfg map[string]string) string {
	if len(cfg) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(cfg) // encoding/json sorts the keys
	return string(b)
}

func goldenReadJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func goldenReadFile(t *testing.T, path string, v any) bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s is missing; %s", path, goldenRegenHint)
		return false
	}
	if err != nil {
		t.Error(err)
		return false
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Errorf("%s: %v", path, err)
		return false
	}
	return true
}

// ---------------------------------------------------------------- running a case

// goldenConverter is the JsonConverter the generator uses: envelopes, nulls kept as nulls (so a
// null in a field with a default stays visible), converter.type key, value or header.
func goldenConverter(typ string) *converters.JSONConverter {
	c := converters.NewJSONConverter()
	if err := c.Configure(connector.Config{
		"converter.type": typ, "schemas.enable": "true", "replace.null.with.default": "false",
	}); err != nil {
		panic(err)
	}
	return c
}

// goldenEnvelope is the converter input of a corpus envelope: JSON null or absent means none.
func goldenEnvelope(m json.RawMessage) []byte {
	if len(m) == 0 || string(m) == "null" {
		return nil
	}
	return m
}

// goldenBuildRecord decodes a corpus record as SmtGoldenGen.buildRecord does.
func goldenBuildRecord(r goldenInputRecord, topic *string) (*connector.Record, error) {
	rec := &connector.Record{Topic: r.Topic, Partition: r.Partition}
	if topic != nil {
		rec.Topic = *topic
	}
	if r.Timestamp != nil {
		rec.Timestamp = time.UnixMilli(*r.Timestamp).UTC()
	}
	var err error
	if rec.KeySchema, rec.Key, err = goldenConverter("key").ToConnect(rec.Topic, nil, goldenEnvelope(r.Key)); err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	if rec.ValueSchema, rec.Value, err = goldenConverter("value").ToConnect(rec.Topic, nil, goldenEnvelope(r.Value)); err != nil {
		return nil, fmt.Errorf("value: %w", err)
	}
	hc := goldenConverter("header")
	for _, h := range r.Headers {
		s, v, err := hc.ToConnectHeader(rec.Topic, h.Key, goldenEnvelope(h.Value))
		if err != nil {
			return nil, fmt.Errorf("header %s: %w", h.Key, err)
		}
		rec.Headers.Add(h.Key, s, v)
	}
	return rec, nil
}

// goldenEncodeRecord encodes an output record as SmtGoldenGen.encodeRecord does: headers, then
// key, then value (the runtime's order); the first failure is the outcome.
func goldenEncodeRecord(r *connector.Record) goldenOutcome {
	kc, vc, hc := goldenConverter("key"), goldenConverter("value"), goldenConverter("header")
	o := goldenOutcome{record: true, topic: r.Topic, partition: r.Partition}
	if !r.Timestamp.IsZero() {
		ms := r.Timestamp.UnixMilli()
		o.timestamp = &ms
	}
	for _, h := range r.Headers {
		b, err := hc.FromConnectHeader(r.Topic, h.Key, h.Schema, h.Value)
		if err != nil {
			return goldenEncodeFailure("header "+h.Key, err, h.Schema, h.Value)
		}
		o.headers = append(o.headers, goldenOutHeader{h.Key, b})
	}
	var err error
	if o.key, err = kc.FromConnect(r.Topic, r.Headers, r.KeySchema, r.Key); err != nil {
		return goldenEncodeFailure("key", err, r.KeySchema, r.Key)
	}
	if o.value, err = vc.FromConnect(r.Topic, r.Headers, r.ValueSchema, r.Value); err != nil {
		return goldenEncodeFailure("value", err, r.ValueSchema, r.Value)
	}
	return o
}

func goldenEncodeFailure(part string, err error, s *connector.Schema, v any) goldenOutcome {
	return goldenOutcome{errStage: "encode", errPart: part, err: err, rendered: goldenDescribeSchema(s) + " " + goldenDescribe(v)}
}

func goldenRoundTrip(r goldenInputRecord) goldenOutcome {
	rec, err := goldenBuildRecord(r, nil)
	if err != nil {
		return goldenOutcome{errStage: "decode input", err: err}
	}
	return goldenSafeEncode(rec)
}

// goldenGuard runs f, turning a panic into an error.
func goldenGuard(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return f()
}

func goldenRunTransformation(newFn func() connector.Transformation, c goldenCorpusCase, r goldenInputRecord) goldenOutcome {
	tr := newFn()
	if err := goldenGuard(func() error { return tr.Configure(connector.Config(goldenCloneConfig(c.Config))) }); err != nil {
		return goldenOutcome{errStage: "configure", err: err}
	}
	in, err := goldenBuildRecord(r, c.Topic)
	if err != nil {
		return goldenOutcome{errStage: "decode input", err: err}
	}
	before := goldenSafeEncode(in)
	var out *connector.Record
	if err := goldenGuard(func() (err error) { out, err = tr.Apply(in); return err }); err != nil {
		return goldenOutcome{errStage: "apply", err: err}
	}
	// Apply must not modify its input (Transformation's contract).
	if before.err == nil {
		if d := goldenCompareOutcomes(before, goldenSafeEncode(in)); len(d) > 0 {
			return goldenOutcome{errStage: "apply", err: fmt.Errorf("Apply modified its input record:\n%s", strings.Join(d, "\n"))}
		}
	}
	if out == nil {
		return goldenOutcome{dropped: true}
	}
	return goldenSafeEncode(out)
}

// goldenSafeEncode is goldenEncodeRecord with a panic turned into an encode failure.
func goldenSafeEncode(r *connector.Record) goldenOutcome {
	var o goldenOutcome
	if err := goldenGuard(func() error { o = goldenEncodeRecord(r); return nil }); err != nil {
		return goldenOutcome{errStage: "encode", err: err}
	}
	return o
}

func goldenRunPredicate(newFn func() connector.Predicate, c goldenCorpusCase, r goldenInputRecord) goldenOutcome {
	p := newFn()
	if err := goldenGuard(func() error { return p.Configure(connector.Config(goldenCloneConfig(c.Config))) }); err != nil {
		return goldenOutcome{errStage: "configure", err: err}
	}
	in, err := goldenBuildRecord(r, c.Topic)
	if err != nil {
		return goldenOutcome{errStage: "decode input", err: err}
	}
	var res bool
	if err := goldenGuard(func() (err error) { res, err = p.Test(in); return err }); err != nil {
		return goldenOutcome{errStage: "apply", err: err}
	}
	return goldenOutcome{test: &res}
}

func goldenCloneConfig(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// ---------------------------------------------------------------- comparing

// goldenCompare lists every difference between Java's result and Tributary's outcome.
func goldenCompare(want goldenResult, got goldenOutcome) []string {
	switch {
	case want.Error != nil:
		return goldenCompareError(*want.Error, got)
	case got.err != nil:
		return []string{fmt.Sprintf("Java succeeded, Tributary failed at %s: %s (%T)", goldenStageName(got), got.err, got.err)}
	case want.Dropped:
		if !got.dropped {
			return []string{"Java dropped the record (returned null); Tributary " + goldenDescribeOutcome(got)}
		}
		return nil
	case want.Test != nil:
		if got.test == nil || *got.test != *want.Test {
			return []string{fmt.Sprintf("test: Java %t, Tributary %s", *want.Test, goldenDescribeOutcome(got))}
		}
		return nil
	case want.Topic == nil:
		return []string{"golden result has no topic, dropped, test or error; " + goldenRegenHint}
	}
	if !got.record {
		return []string{"Java returned a record; Tributary " + goldenDescribeOutcome(got)}
	}
	return goldenCompareOutcomes(goldenOutcomeOf(want), got)
}

// goldenOutcomeOf turns a golden output record into an outcome.
func goldenOutcomeOf(g goldenResult) goldenOutcome {
	o := goldenOutcome{record: true, topic: *g.Topic, partition: g.KafkaPartition, timestamp: g.Timestamp,
		key: goldenEnvelope(g.Key), value: goldenEnvelope(g.Value)}
	for _, h := range g.Headers {
		o.headers = append(o.headers, goldenOutHeader{h.Key, goldenEnvelope(h.Value)})
	}
	return o
}

func goldenCompareOutcomes(want, got goldenOutcome) []string {
	if want.err != nil || got.err != nil {
		return []string{fmt.Sprintf("encoding failed: %v / %v", want.err, got.err)}
	}
	var d []string
	if want.topic != got.topic {
		d = append(d, fmt.Sprintf("topic: want %q, got %q", want.topic, got.topic))
	}
	if p := goldenPtr(want.partition); p != goldenPtr(got.partition) {
		d = append(d, fmt.Sprintf("kafkaPartition: want %s, got %s", p, goldenPtr(got.partition)))
	}
	if ts := goldenPtr(want.timestamp); ts != goldenPtr(got.timestamp) {
		d = append(d, fmt.Sprintf("timestamp: want %s, got %s", ts, goldenPtr(got.timestamp)))
	}
	d = append(d, goldenDiffBytes("key", want.key, got.key)...)
	d = append(d, goldenDiffBytes("value", want.value, got.value)...)
	if len(want.headers) != len(got.headers) {
		d = append(d, fmt.Sprintf("headers: want %d, got %d:\n  want %s\n  got  %s", len(want.headers), len(got.headers), goldenHeaderList(want.headers), goldenHeaderList(got.headers)))
	} else {
		for i := range want.headers {
			w, g := want.headers[i], got.headers[i]
			if w.key != g.key {
				d = append(d, fmt.Sprintf("header %d: key want %q, got %q", i, w.key, g.key))
			}
			d = append(d, goldenDiffBytes(fmt.Sprintf("header %d (%s)", i, w.key), w.value, g.value)...)
		}
	}
	return d
}

func goldenHeaderList(hs []goldenOutHeader) string {
	var parts []string
	for _, h := range hs {
		parts = append(parts, fmt.Sprintf("%q=%s", h.key, goldenBytes(h.value)))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func goldenPtr[T any](p *T) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

func goldenBytes(b []byte) string {
	if b == nil {
		return "null"
	}
	return string(b)
}

// ConfigException and DataException have Go counterparts that the runtime tells apart; any
// other Java exception may be any error. The message must be the same, except for a
// NullPointerException's, which the JVM writes from the bytecode.
func goldenCompareError(want goldenError, got goldenOutcome) []string {
	if got.err == nil {
		return []string{fmt.Sprintf("Java failed at %s with %s: %s\nTributary %s", want.Stage, want.Class, goldenMsg(want.Message), goldenDescribeOutcome(got))}
	}
	var d []string
	if got.errStage != want.Stage || got.errPart != want.Part {
		d = append(d, fmt.Sprintf("stage: Java failed at %s, Tributary at %s", goldenJoinStage(want.Stage, want.Part), goldenStageName(got)))
	}
	if kind := goldenWantKind(want.Class); kind != "" && !goldenHasKind(got.err, kind) {
		d = append(d, fmt.Sprintf("error type: Java threw %s, so Tributary should return a %s; it returned %T", want.Class, kind, got.err))
	}
	if want.Class != "java.lang.NullPointerException" {
		if gm := goldenNormalizeMessage(got.err.Error()); want.Message == nil || gm != *want.Message {
			d = append(d, "message differs"+goldenWhere(goldenMsg(want.Message), gm)+":\n"+goldenLineDiff(goldenMsg(want.Message), gm))
		}
	}
	if want.Rendered != "" && want.Rendered != got.rendered {
		d = append(d, "failing "+want.Part+" differs (describe):\n"+goldenLineDiff(want.Rendered, got.rendered))
	}
	if len(d) > 0 {
		d = append([]string{fmt.Sprintf("Java %s at %s: %s\nTributary %T: %s", want.Class, goldenJoinStage(want.Stage, want.Part), goldenMsg(want.Message), got.err, got.err)}, d...)
	}
	return d
}

func goldenWantKind(javaClass string) string {
	switch javaClass {
	case "org.apache.kafka.common.config.ConfigException":
		return "*connector.ConfigError"
	case "org.apache.kafka.connect.errors.DataException":
		return "*connector.DataError"
	case "org.apache.kafka.connect.errors.SchemaBuilderException":
		return "*connector.SchemaBuilderError or *connector.DataError"
	}
	return ""
}

func goldenHasKind(err error, kind string) bool {
	var ce *connector.ConfigError
	var de *connector.DataError
	var se *connector.SchemaBuilderError
	switch kind {
	case "*connector.ConfigError":
		return errors.As(err, &ce)
	case "*connector.DataError":
		return errors.As(err, &de)
	default:
		return errors.As(err, &se) || errors.As(err, &de)
	}
}

var goldenIdentityHash = regexp.MustCompile(`(\[+(?:[BCDFIJSZ]|L[A-Za-z0-9_$.]+;)|\b(?:[A-Za-z_][A-Za-z0-9_$]*\.)+[A-Za-z_][A-Za-z0-9_$]*)@[0-9a-f]{1,8}\b`)

// goldenNormalizeMessage is SmtGoldenGen.normalizeMessage: Object.toString() identity hashes
// become "@<hash>".
func goldenNormalizeMessage(m string) string {
	return goldenIdentityHash.ReplaceAllString(m, "$1@<hash>")
}

func goldenMsg(m *string) string {
	if m == nil {
		return "<null message>"
	}
	return *m
}

func goldenJoinStage(stage, part string) string {
	if part == "" {
		return stage
	}
	return stage + " (" + part + ")"
}

func goldenStageName(o goldenOutcome) string { return goldenJoinStage(o.errStage, o.errPart) }

func goldenDescribeOutcome(o goldenOutcome) string {
	switch {
	case o.err != nil:
		return fmt.Sprintf("failed at %s: %s (%T)", goldenStageName(o), o.err, o.err)
	case o.dropped:
		return "dropped the record"
	case o.test != nil:
		return fmt.Sprintf("returned %t", *o.test)
	case o.record:
		return fmt.Sprintf("returned a record (topic %q, value %s)", o.topic, goldenBytes(o.value))
	}
	return "did nothing recognisable"
}

// goldenWhere points at the first difference of two long one-line texts: " from byte N
// (Java …‸…, Tributary …‸…)".
func goldenWhere(want, got string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	if len(want) < 80 && len(got) < 80 {
		return ""
	}
	window := func(s string) string {
		lo, hi := max(0, i-30), min(len(s), i+30)
		return strings.ToValidUTF8("…"+s[lo:i]+"‸"+s[i:hi]+"…", "")
	}
	return fmt.Sprintf(" from byte %d (Java %s, Tributary %s)", i, window(want), window(got))
}

// goldenDiffBytes reports where two converter outputs differ: the first differing byte, then a
// line diff of the two pretty-printed (json.Indent keeps key order and number text).
func goldenDiffBytes(what string, want, got []byte) []string {
	if bytes.Equal(want, got) && (want == nil) == (got == nil) {
		return nil
	}
	if want == nil || got == nil {
		return []string{fmt.Sprintf("%s: want %s\n%s:  got %s", what, goldenBytes(want), what, goldenBytes(got))}
	}
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	lo := max(0, i-40)
	return []string{fmt.Sprintf("%s differs from byte %d (…%s‸):\n%s", what, i, want[lo:i], goldenLineDiff(goldenIndent(want), goldenIndent(got)))}
}

func goldenIndent(b []byte) string {
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return string(b)
	}
	return out.String()
}

// goldenLineDiff is a unified-style diff ("-" Java, "+" Tributary) with two lines of context.
func goldenLineDiff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	// Longest common subsequence, O(len(a)·len(b)): the texts are small.
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		op   byte
		text string
	}
	var lines []line
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			lines = append(lines, line{' ', a[i]})
			i++
			j++
		case j < len(b) && (i == len(a) || lcs[i][j+1] > lcs[i+1][j]):
			lines = append(lines, line{'+', b[j]})
			j++
		default:
			lines = append(lines, line{'-', a[i]})
			i++
		}
	}
	const context = 2
	show := make([]bool, len(lines))
	for k, l := range lines {
		if l.op != ' ' {
			for m := max(0, k-context); m <= min(len(lines)-1, k+context); m++ {
				show[m] = true
			}
		}
	}
	var sb strings.Builder
	sb.WriteString("    --- Java\n    +++ Tributary\n")
	skipped := false
	for k, l := range lines {
		if !show[k] {
			skipped = true
			continue
		}
		if skipped {
			sb.WriteString("    …\n")
			skipped = false
		}
		fmt.Fprintf(&sb, "    %c %s\n", l.op, l.text)
	}
	return strings.TrimRight(sb.String(), "\n")
}

// ---------------------------------------------------------------- describe (SmtGoldenGen's, from converters/testdata/java/GoldenGen.java)

func goldenQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, u := range utf16.Encode([]rune(s)) {
		switch {
		case u == '"' || u == '\\':
			b.WriteByte('\\')
			b.WriteByte(byte(u))
		case u < 0x20 || u > 0x7e:
			fmt.Fprintf(&b, "\\u%04x", u)
		default:
			b.WriteByte(byte(u))
		}
	}
	b.WriteByte('"')
	return b.String()
}

func goldenDescribeSchema(s *connector.Schema) string {
	if s == nil {
		return "null"
	}
	var b strings.Builder
	b.WriteString(s.Type.String())
	switch s.Type {
	case connector.TypeArray:
		b.WriteString("<" + goldenDescribeSchema(s.ValueSchema) + ">")
	case connector.TypeMap:
		b.WriteString("<" + goldenDescribeSchema(s.KeySchema) + "," + goldenDescribeSchema(s.ValueSchema) + ">")
	case connector.TypeStruct:
		var parts []string
		for _, f := range s.Fields {
			parts = append(parts, f.Name+":"+goldenDescribeSchema(f.Schema))
		}
		b.WriteString("{" + strings.Join(parts, ",") + "}")
	}
	if s.Optional {
		b.WriteByte('?')
	}
	if s.Name != "" {
		b.WriteString(" name=" + s.Name)
	}
	if s.Version != nil {
		b.WriteString(" version=" + strconv.Itoa(int(*s.Version)))
	}
	if s.Doc != "" {
		b.WriteString(" doc=" + goldenQuote(s.Doc))
	}
	if len(s.Parameters) > 0 {
		var keys []string
		for k := range s.Parameters {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, k+"="+s.Parameters[k])
		}
		b.WriteString(" params={" + strings.Join(parts, ", ") + "}")
	}
	if s.Default != nil {
		b.WriteString(" default=" + goldenDescribe(s.Default))
	}
	return "(" + b.String() + ")"
}

func goldenDescribe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case int8:
		return fmt.Sprintf("i8:%d", x)
	case int16:
		return fmt.Sprintf("i16:%d", x)
	case int32:
		return fmt.Sprintf("i32:%d", x)
	case int64:
		return fmt.Sprintf("i64:%d", x)
	case float32:
		return fmt.Sprintf("f32:%x", math.Float32bits(x))
	case float64:
		return fmt.Sprintf("f64:%x", math.Float64bits(x))
	case bool:
		return strconv.FormatBool(x)
	case string:
		return "s:" + goldenQuote(x)
	case []byte:
		return "b:" + base64.StdEncoding.EncodeToString(x)
	case connector.Decimal:
		return fmt.Sprintf("dec:%s/%d", x.Unscaled, x.Scale)
	case time.Time:
		return fmt.Sprintf("date:%d", x.UnixMilli())
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = goldenDescribe(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case map[string]any:
		return goldenDescribeMap(len(x), func(yield func(k, v any)) {
			for k, v := range x {
				yield(k, v)
			}
		})
	case map[any]any:
		return goldenDescribeMap(len(x), func(yield func(k, v any)) {
			for k, v := range x {
				yield(k, v)
			}
		})
	case *connector.Struct:
		var parts []string
		for _, f := range x.Schema().Fields {
			fv, _ := x.GetWithoutDefault(f.Name)
			parts = append(parts, f.Name+"="+goldenDescribe(fv))
		}
		return "struct{" + strings.Join(parts, ",") + "}"
	}
	return fmt.Sprintf("?%T", v)
}

// goldenDescribeMap sorts entries by their described key, as Java's TreeMap<String,String> does.
func goldenDescribeMap(n int, each func(yield func(k, v any))) string {
	type kv struct{ k, v string }
	entries := make([]kv, 0, n)
	each(func(k, v any) { entries = append(entries, kv{goldenDescribe(k), goldenDescribe(v)}) })
	sort.Slice(entries, func(i, j int) bool { return entries[i].k < entries[j].k })
	parts := make([]string, len(entries))
	for i, e := range entries {
		parts[i] = e.k + "=" + e.v
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// ---------------------------------------------------------------- the harness checks itself

// goldenInputMutator breaks Transformation's contract by changing the record it was given.
type goldenInputMutator struct{}

func (goldenInputMutator) ConfigDef() *connector.ConfigDef  { return &connector.ConfigDef{} }
func (goldenInputMutator) Configure(connector.Config) error { return nil }
func (goldenInputMutator) Apply(r *connector.Record) (*connector.Record, error) {
	r.Headers.Add("sneaky", nil, nil)
	return r, nil
}

// TestGoldenHarnessSelfCheck makes sure the harness does not pass what it should not.
func TestGoldenHarnessSelfCheck(t *testing.T) {
	rec := goldenInputRecord{Name: "r", Topic: "t", Value: json.RawMessage(`{"schema":null,"payload":{"a":1}}`)}
	got := goldenRunTransformation(func() connector.Transformation { return goldenInputMutator{} }, goldenCorpusCase{ID: "c"}, rec)
	if got.err == nil || !strings.Contains(got.err.Error(), "modified its input") {
		t.Errorf("a transformation that modifies its input was not reported: %+v", got)
	}

	m := "x"
	plain := goldenOutcome{errStage: "apply", err: errors.New("x")}
	if d := goldenCompareError(goldenError{Stage: "apply", Class: "org.apache.kafka.connect.errors.DataException", Message: &m}, plain); len(d) == 0 {
		t.Error("a plain error passed for a DataException")
	}
	if d := goldenCompareError(goldenError{Stage: "apply", Class: "java.lang.IllegalArgumentException", Message: &m}, plain); len(d) != 0 {
		t.Errorf("an error with the same message failed for an IllegalArgumentException: %q", d)
	}
	if d := goldenCompareError(goldenError{Stage: "configure", Class: "java.lang.IllegalArgumentException", Message: &m}, plain); len(d) == 0 {
		t.Error("an error at the wrong stage passed")
	}
	dataErr := goldenOutcome{errStage: "apply", err: connector.DataErrorf("y")}
	if d := goldenCompareError(goldenError{Stage: "apply", Class: "org.apache.kafka.connect.errors.DataException", Message: &m}, dataErr); len(d) == 0 {
		t.Error("a DataError with another message passed")
	}

	want := goldenResult{Topic: &rec.Topic, Value: json.RawMessage(`{"schema":null,"payload":{"a":1}}`)}
	if d := goldenCompare(want, goldenOutcome{record: true, topic: "t", value: []byte(`{"schema":null,"payload":{"a":2}}`)}); len(d) == 0 {
		t.Error("a different value passed")
	}
	if d := goldenCompare(want, goldenOutcome{record: true, topic: "t", value: []byte(`{"schema":null,"payload":{"a":1}}`), headers: []goldenOutHeader{{"h", nil}}}); len(d) == 0 {
		t.Error("an extra header passed")
	}
	if d := goldenCompare(want, goldenOutcome{dropped: true}); len(d) == 0 {
		t.Error("a dropped record passed for a record")
	}
	if d := goldenCompare(goldenResult{Dropped: true}, goldenOutcome{record: true, topic: "t"}); len(d) == 0 {
		t.Error("a record passed for a dropped one")
	}

	for in, want := range map[string]string{
		"No value specified for static field: org.apache.kafka.connect.transforms.InsertField$InsertionSpec@4470fbd6": "No value specified for static field: org.apache.kafka.connect.transforms.InsertField$InsertionSpec@<hash>",
		"value=Struct{a=1,c=[B@4c432866}": "value=Struct{a=1,c=[B@<hash>}",
		"mail user@beef or a@b":           "mail user@beef or a@b",
	} {
		if got := goldenNormalizeMessage(in); got != want {
			t.Errorf("normalizeMessage(%q) = %q, want %q", in, got, want)
		}
	}
}
