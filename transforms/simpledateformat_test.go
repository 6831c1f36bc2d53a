package transforms

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// sdfJavaCases were produced by java.text.SimpleDateFormat on JDK 17 (the JVM of the reference
// Connect worker) with the time zone set to UTC and set2DigitYearStart(-730000000000), i.e.
// 1946-11-14T22:26:40Z. F rows format epoch milliseconds, P rows parse text (PARSEFAIL is a
// ParseException), EXC is the constructor's IllegalArgumentException.
var sdfJavaCases = []struct{ op, pattern, in, want string }{
	{"F", "yyyy-MM-dd'T'HH:mm:ss.SSSZ", "1700000000123", "2023-11-14T22:13:20.123+0000"},
	{"F", "yyyy-MM-dd'T'HH:mm:ss.SSSZ", "-1", "1969-12-31T23:59:59.999+0000"},
	{"F", "yyyy-MM-dd'T'HH:mm:ss.SSSZ", "0", "1970-01-01T00:00:00.000+0000"},
	{"F", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "-62135596800001", "0001-01-02T23:59:59.999Z"},
	{"F", "G yyyy-MM-dd HH:mm:ss.SSS", "-62135596800001", "AD 0001-01-02 23:59:59.999"},
	{"F", "G yyyy-MM-dd", "-12219292800000", "AD 1582-10-15"},
	{"F", "G yyyy-MM-dd", "-12219292800001", "AD 1582-10-04"},
	{"F", "G y Y M L w W D d F E u a H k K h m s S z Z X", "1700000000123", "AD 2023 2023 11 11 46 3 318 14 2 Tue 2 PM 22 22 10 10 13 20 123 UTC +0000 Z"},
	{"F", "G y Y M L w W D d F E u a H k K h m s S z Z X", "-62167219200000", "BC 1 0 1 1 1 1 3 3 1 Sat 6 AM 0 24 0 12 0 0 0 UTC +0000 Z"},
	{"F", "GGGG yy yyy yyyyy YY YYYYY MMM MMMM LLL LLLL EEE EEEE zzzz XX XXX", "1700000000123", "AD 23 2023 02023 23 02023 Nov November Nov November Tue Tuesday Coordinated Universal Time Z Z"},
	{"F", "SSSS S SS kk hh KK", "1700000000007", "0007 7 07 22 10 10"},
	{"F", "'quote''s' '' 'it''s'", "0", "quote's ' it's"},
	{"F", "YYYY-'W'ww-u", "1609372800000", "2021-W01-4"},
	{"F", "YYYY-'W'ww-u", "1609459200000", "2021-W01-5"},
	{"F", "YYYY-'W'ww-u", "1640995200000", "2022-W01-6"},
	{"F", "dd/MM/yy hh:mm a", "1700000000123", "14/11/23 10:13 PM"},
	{"F", "yyyyMMddHHmmssSSS", "253402300799999", "99991231235959999"},
	{"F", "yyyy", "9223372036854775807", "292278994"},
	{"F", "yyyy G", "-9223372036854775808", "292269055 BC"},
	{"F", "\u00e9t\u00e9 yyyy", "0", "EXC IllegalArgumentException: Illegal pattern character 't'"},
	{"F", "yyyy-MM-dd'T", "0", "EXC IllegalArgumentException: Unterminated quote"},
	{"F", "XXXX", "0", "EXC IllegalArgumentException: invalid ISO 8601 format: length=4"},
	{"F", "yyyy b", "0", "EXC IllegalArgumentException: Illegal pattern character 'b'"},
	{"P", "yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2023-11-14T22:13:20.123+0000", "1700000000123"},
	{"P", "yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2001-07-04T12:08:56.235-0700", "994273736235"},
	{"P", "yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2001-07-04T12:08:56.235-07:00", "PARSEFAIL"},
	{"P", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2001-07-04T12:08:56.235-07:00", "994273736235"},
	{"P", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2001-07-04T12:08:56.235Z", "994248536235"},
	{"P", "yyyy-MM-dd'T'HH:mm:ssX", "2001-07-04T12:08:56+05", "994230536000"},
	{"P", "yyyy-MM-dd", "2024-13-45", "1739491200000"},
	{"P", "yyyy-MM-dd", "2024-02-30", "1709251200000"},
	{"P", "yyyy-MM-dd", " 2024-1-1", "1704067200000"},
	{"P", "yyyy-MM-dd", "2024-01-01T10:00", "1704067200000"},
	{"P", "yyyy-MM-dd", "2024/01/01", "PARSEFAIL"},
	{"P", "yyyy-MM-dd", "", "PARSEFAIL"},
	{"P", "yyyy-MM-dd", "-5-01-01", "-62325158400000"},
	{"P", "yyyy-MM-dd", "1E3-01-01", "-30609792000000"},
	{"P", "yyyy-MM-dd", "2024-1.5-01", "PARSEFAIL"},
	{"P", "yyyy-MM-dd", "1582-10-10", "-12218860800000"},
	{"P", "yyyy-MM-dd", "1582-10-04", "-12219379200000"},
	{"P", "yyyy-MM-dd", "0000-01-01", "-62167392000000"},
	{"P", "yyyy-MM-dd HH:mm:ss", "2024-01-01 25:61:61", "1704160921000"},
	{"P", "yyyyMMdd", "20240101", "1704067200000"},
	{"P", "yyyyMMdd", "2024011", "1704067200000"},
	{"P", "yyMMdd", "240101", "1704067200000"},
	{"P", "dd/MM/yy", "01/01/46", "2398377600000"},
	{"P", "dd/MM/yy", "01/01/47", "-725846400000"},
	{"P", "dd/MM/yy", "14/11/46", "-729993600000"},
	{"P", "dd/MM/yy", "15/11/46", "-729907200000"},
	{"P", "yy", "123", "-58285785600000"},
	{"P", "MMM d, yyyy h:mm a", "sep 3, 2024 12:05 am", "1725321900000"},
	{"P", "MMM d, yyyy h:mm a", "SEPTEMBER 3, 2024 12:05 PM", "1725365100000"},
	{"P", "EEE, d MMM yyyy HH:mm:ss Z", "Thu, 4 Jul 2024 08:00:00 GMT+02:00", "1720072800000"},
	{"P", "EEE, d MMM yyyy HH:mm:ss Z", "Thu, 4 Jul 2024 08:00:00 UTC", "1720080000000"},
	{"P", "EEE, d MMM yyyy HH:mm:ss Z", "Thu, 4 Jul 2024 08:00:00 GMT", "1720080000000"},
	{"P", "yyyy-MM-dd zzzz", "2024-07-04 Coordinated Universal Time", "1720051200000"},
	{"P", "G yyyy MM dd", "BC 0044 03 15", "-63517996800000"},
	{"P", "YYYY-'W'ww-u", "2021-W01-1", "1609113600000"},
	{"P", "YYYY ww u", "2020 53 9", "1609804800000"},
	{"P", "yyyy DDD", "2024 366", "1735603200000"},
	{"P", "yyyy DDD", "2023 -1", "1672358400000"},
	{"P", "yyyy MM F E", "2024 05 -1 Mon", "1716768000000"},
	{"P", "yyyy MM W E", "2024 05 2 Wed", "1715126400000"},
	{"P", "kk:mm", "24:30", "1800000"},
	{"P", "hh:mm a", "12:30 PM", "45000000"},
	{"P", "HH:mm:ss.SSS", "10:20:30.5", "37230005"},
	{"P", "ss.SSS", "1.5", "1005"},
	{"P", "yyyy", "NaN", "-62167392000000"},
	{"P", "yyyy", "99999999999", "1471883220702496768"},
	{"P", "yyyy", "+5", "PARSEFAIL"},
	{"P", "yyyy", "\u0661\u0662\u0663\u0664", "-23225270400000"},
	{"P", "'x'", "y", "PARSEFAIL"},
	{"P", "", "abc", "PARSEFAIL"},
}

func sdfTestFormat(t *testing.T, pattern string) (*javaDateFormat, error) {
	t.Helper()
	f, err := newJavaDateFormat(pattern, time.Now())
	if err != nil {
		return nil, err
	}
	f.centuryStart = -730000000000
	f.centuryStartYear = sdfFields(f.centuryStart).year
	return f, nil
}

func TestSimpleDateFormatMatchesJava(t *testing.T) {
	for _, c := range sdfJavaCases {
		var got string
		f, err := sdfTestFormat(t, c.pattern)
		switch {
		case err != nil:
			got = "EXC IllegalArgumentException: " + err.Error()
		case c.op == "F":
			ms, _ := strconv.ParseInt(c.in, 10, 64)
			got = f.format(ms)
		default:
			if ms, ok := f.parse(c.in); ok {
				got = strconv.FormatInt(ms, 10)
			} else {
				got = "PARSEFAIL"
			}
		}
		if got != c.want {
			t.Errorf("%s %q %q: got %q, Java %q", c.op, c.pattern, c.in, got, c.want)
		}
	}
}

// Formatting then parsing gives the instant back for patterns that carry every field down to
// the millisecond, across the calendar (BC dates, the Julian/Gregorian cutover, negative
// epochs, far future).
func TestSimpleDateFormatRoundTrip(t *testing.T) {
	patterns := []string{
		"yyyy-MM-dd'T'HH:mm:ss.SSSZ", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "G yyyy-MM-dd HH:mm:ss.SSS", "yyyyMMddHHmmssSSS",
		"EEE, d MMM G yyyy hh:mm:ss.SSS a zzzz", "G yyyy DDD HH:mm:ss.SSS X", "dd MMMM G yyyy kk:mm:ss.SSS z", "G yyyy LLL dd KK:mm:ss:SSS a",
	}
	instants := []int64{0, -1, 1, 1700000000123, -1700000000123, 951782400000, 4102444799999, 253402300799999,
		-12219292800000, -12219292800001, -12219292800000 - 10*msPerDay, -62135596800000, -62135596800001,
		-62167219200000, -100000000000000, 86399999, -86400000}
	for _, p := range patterns {
		f, err := sdfTestFormat(t, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, ms := range instants {
			if ms < -62135769600000 && !strings.Contains(p, "G") {
				continue // a BC year without the era names an AD year
			}
			s := f.format(ms)
			back, ok := f.parse(s)
			if !ok || back != ms {
				t.Errorf("%q: %d formats as %q, parses back as %d (%v)", p, ms, s, back, ok)
			}
		}
	}
}

// Two-digit years fall in the 100 years starting 80 years before the formatter was made;
// the year of the window's start is ambiguous and resolved by the full date.
func TestSimpleDateFormatTwoDigitYears(t *testing.T) {
	f, err := newJavaDateFormat("dd/MM/yy", time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"01/01/46": "2046-01-01", "24/11/46": "2046-11-24", "26/11/46": "1946-11-26", "01/01/47": "1947-01-01",
		"01/01/00": "2000-01-01", "31/12/99": "1999-12-31", "01/01/2046": "2046-01-01", "01/01/146": "0146-01-01",
	}
	for in, want := range cases {
		ms, ok := f.parse(in)
		got := time.UnixMilli(ms).UTC().Format("2006-01-02")
		if in == "01/01/146" {
			got = f.format(ms)[6:] // a Julian date: compare the year only
			want = "46"
		}
		if !ok || got != want {
			t.Errorf("%q: got %s (%v), want %s", in, got, ok, want)
		}
	}
	// The window starts on the same day 80 years back; 29 February pins to the 28th.
	g, _ := newJavaDateFormat("yy", time.Date(2180, 2, 29, 0, 0, 0, 0, time.UTC))
	if got := time.UnixMilli(g.centuryStart).UTC(); got != time.Date(2100, 2, 28, 0, 0, 0, 0, time.UTC) {
		t.Errorf("century start %v", got)
	}
}

func TestSimpleDateFormatPatternErrors(t *testing.T) {
	for p, want := range map[string]string{
		"yyyy-MM-dd'T": "Unterminated quote", "XXXX": "invalid ISO 8601 format: length=4", "yyyy b": "Illegal pattern character 'b'",
		"été": "Illegal pattern character 't'", "q": "Illegal pattern character 'q'",
	} {
		if _, err := newJavaDateFormat(p, time.Now()); err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %s", p, err, want)
		}
	}
	for _, p := range []string{"", "''", "'yyyy'", "GyMdkHmsSEDFwWahKzZYuXL", "XXX", "é 'ok'", "yyyy年MM月dd日"} {
		if _, err := newJavaDateFormat(p, time.Now()); err != nil {
			t.Errorf("%q: %v", p, err)
		}
	}
	f, _ := newJavaDateFormat("yyyy年MM月dd日", time.Now())
	if got := f.format(1700000000123); got != "2023年11月14日" {
		t.Errorf("got %q", got)
	}
	if ms, ok := f.parse("2023年11月14日"); !ok || ms != 1699920000000 {
		t.Errorf("got %d %v", ms, ok)
	}
}
