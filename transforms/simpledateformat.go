package transforms

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
)

// A port of java.text.SimpleDateFormat as Kafka Connect uses it: English symbols (the JVM
// locale "en"/"en_US": weeks start on Sunday, the first week of a year needs one day), the
// UTC time zone, lenient parsing, and the hybrid Julian/Gregorian calendar of
// java.util.GregorianCalendar (Gregorian from 1582-10-15). Java strings are UTF-16, so
// patterns and parsed text are handled as UTF-16 code units, as Java indexes them.
//
// Supported pattern letters: G y Y M L w W D d F E u a H k K h m s S z Z X, quoted text
// ('x') and '' for a quote. Any other ASCII letter is an error, as in Java.
//
// Time zone names are parsed for UTC and GMT only ("UTC", "Coordinated Universal Time",
// "GMT", "GMT+hh:mm", "Greenwich Mean Time"); Java also matches every other zone name it
// knows (and then switches the formatter to that zone), which this port does not.

// sdfPatternChars is DateFormatSymbols.patternChars; a letter's index is its pattern index.
const sdfPatternChars = "GyMdkHmsSEDFwWahKzZYuXL"

// The pattern indexes (SimpleDateFormat.PATTERN_*).
const (
	sdfEra = iota
	sdfYear
	sdfMonth
	sdfDayOfMonth
	sdfHourOfDay1
	sdfHourOfDay0
	sdfMinute
	sdfSecond
	sdfMillisecond
	sdfDayOfWeek
	sdfDayOfYear
	sdfDayOfWeekInMonth
	sdfWeekOfYear
	sdfWeekOfMonth
	sdfAmPm
	sdfHour1
	sdfHour0
	sdfZoneName
	sdfZoneValue
	sdfWeekYear
	sdfISODayOfWeek
	sdfISOZone
	sdfMonthStandalone

	// Literal tags of the compiled pattern.
	sdfTagQuoteASCII = 100
	sdfTagQuoteChars = 101
)

// Calendar field numbers (java.util.Calendar), plus CalendarBuilder's pseudo fields.
const (
	calEra = iota
	calYear
	calMonth
	calWeekOfYear
	calWeekOfMonth
	calDayOfMonth
	calDayOfYear
	calDayOfWeek
	calDayOfWeekInMonth
	calAmPm
	calHour
	calHourOfDay
	calMinute
	calSecond
	calMillisecond
	calZoneOffset
	calDSTOffset
	calFieldCount // also CalendarBuilder.WEEK_YEAR

	calWeekYear      = calFieldCount
	calISODayOfWeek  = 1000
	calBuilderFields = calFieldCount + 1
)

var sdfPatternToField = [...]int{
	calEra, calYear, calMonth, calDayOfMonth, calHourOfDay, calHourOfDay, calMinute, calSecond,
	calMillisecond, calDayOfWeek, calDayOfYear, calDayOfWeekInMonth, calWeekOfYear, calWeekOfMonth,
	calAmPm, calHour, calHour, calZoneOffset, calZoneOffset, calWeekYear, calISODayOfWeek,
	calZoneOffset, calMonth,
}

// The English DateFormatSymbols (JDK CLDR data for "en").
var (
	sdfMonths      = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December", ""}
	sdfShortMonths = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", ""}
	sdfWeekdays    = []string{"", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	sdfShortDays   = []string{"", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	sdfEras        = []string{"BC", "AD"}
	sdfAmPmStrings = []string{"AM", "PM"}
	// The zone names tried for 'z' and 'Z' text, with the offset each means. Java's order:
	// the formatter's zone (UTC), then the JVM default zone (UTC assumed), then every zone;
	// GMT's names stand in for the zones that carry them.
	sdfZoneNames = []string{"Coordinated Universal Time", "UTC", "Greenwich Mean Time", "GMT"}
)

const (
	sdfFirstDayOfWeek = 1 // Calendar.SUNDAY
	sdfMinimalDays    = 1

	msPerDay         = 86400000
	sdfEpochOffset   = 719163 // fixed date of 1970-01-01
	sdfCutoverFixed  = 577736 // fixed date of 1582-10-15 (Gregorian)
	sdfCutoverYear   = 1582
	sdfJulianEpoch   = -1 // fixed date of January 1, 1 (Julian)
	sdfDefaultLenYr  = 1970
	sdfMaxHourOfDay  = 23
	sdfLeastMaxHour  = 11
	sdfMinusSign     = '-'
	sdfMillisPerMin  = 60000
	sdfLongMinDigits = "9223372036854775808"
)

// sdfToken is one compiled pattern item: a field (tag = pattern index, count letters) or
// literal text.
type sdfToken struct {
	tag   int
	count int
	lit   []uint16
}

// javaDateFormat is a compiled SimpleDateFormat pattern, in UTC. It is immutable and safe
// for concurrent use.
type javaDateFormat struct {
	pattern string
	tokens  []sdfToken
	// The start of the 100-year window that two-digit years are placed in (now − 80 years).
	centuryStart     int64
	centuryStartYear int
}

// sdfError is the IllegalArgumentException SimpleDateFormat's constructor throws.
type sdfError struct{ msg string }

func (e *sdfError) Error() string { return e.msg }

// newJavaDateFormat compiles pattern as new SimpleDateFormat(pattern) does, with now as the
// time the formatter is created (for the two-digit-year window).
func newJavaDateFormat(pattern string, now time.Time) (*javaDateFormat, error) {
	toks, err := sdfCompile(utf16.Encode([]rune(pattern)))
	if err != nil {
		return nil, err
	}
	f := &javaDateFormat{pattern: pattern, tokens: toks}
	// initializeDefaultCentury: now − 80 years (Calendar.add pins the day to the month's
	// length), in the JVM default zone (UTC assumed).
	n := now.UTC()
	y, m, d := n.Date()
	y -= 80
	if ml := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); d > ml {
		d = ml
	}
	start := time.Date(y, m, d, n.Hour(), n.Minute(), n.Second(), n.Nanosecond(), time.UTC)
	f.centuryStart = start.UnixMilli()
	f.centuryStartYear = sdfFields(f.centuryStart).year
	return f, nil
}

// sdfCompile is SimpleDateFormat.compile.
func sdfCompile(p []uint16) ([]sdfToken, error) {
	var out []sdfToken
	var quoted []uint16
	inQuote := false
	lastTag, count := -1, 0
	flush := func() error {
		if count != 0 {
			if lastTag == sdfISOZone && count >= 4 {
				return &sdfError{"invalid ISO 8601 format: length=" + strconv.Itoa(count)}
			}
			out = append(out, sdfToken{tag: lastTag, count: count})
			lastTag, count = -1, 0
		}
		return nil
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '\'' {
			if i+1 < len(p) && p[i+1] == '\'' {
				i++
				if err := flush(); err != nil {
					return nil, err
				}
				if inQuote {
					quoted = append(quoted, '\'')
				} else {
					out = append(out, sdfToken{tag: sdfTagQuoteASCII, lit: []uint16{'\''}})
				}
				continue
			}
			if !inQuote {
				if err := flush(); err != nil {
					return nil, err
				}
				quoted = quoted[:0]
				inQuote = true
			} else {
				tag := sdfTagQuoteChars
				if len(quoted) == 1 && quoted[0] < 128 {
					tag = sdfTagQuoteASCII
				}
				out = append(out, sdfToken{tag: tag, lit: append([]uint16(nil), quoted...)})
				inQuote = false
			}
			continue
		}
		if inQuote {
			quoted = append(quoted, c)
			continue
		}
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			if err := flush(); err != nil {
				return nil, err
			}
			if c < 128 {
				out = append(out, sdfToken{tag: sdfTagQuoteASCII, lit: []uint16{c}})
				continue
			}
			j := i + 1
			for ; j < len(p); j++ {
				d := p[j]
				if d == '\'' || d >= 'a' && d <= 'z' || d >= 'A' && d <= 'Z' {
					break
				}
			}
			out = append(out, sdfToken{tag: sdfTagQuoteChars, lit: append([]uint16(nil), p[i:j]...)})
			i = j - 1
			continue
		}
		tag := strings.IndexByte(sdfPatternChars, byte(c))
		if tag == -1 {
			return nil, &sdfError{"Illegal pattern character '" + string(rune(c)) + "'"}
		}
		if lastTag == -1 || lastTag == tag {
			lastTag = tag
			count++
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
		lastTag, count = tag, 1
	}
	if inQuote {
		return nil, &sdfError{"Unterminated quote"}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// ---------------------------------------------------------------- calendar arithmetic

func sdfFloorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func sdfFloorMod(a, b int64) int64 { return a - sdfFloorDiv(a, b)*b }

func sdfGregorianLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func sdfJulianLeap(y int64) bool { return sdfFloorMod(y, 4) == 0 }

// sdfGregorianFixed is BaseCalendar.getFixedDate (month 1..12): days since the Gregorian
// January 0 of year 1, year 0 being 1 BC.
func sdfGregorianFixed(y, m, d int64) int64 {
	py := y - 1
	days := d + 365*py + sdfFloorDiv(py, 4) - sdfFloorDiv(py, 100) + sdfFloorDiv(py, 400) + sdfFloorDiv(367*m-362, 12)
	if m > 2 {
		if sdfGregorianLeap(y) {
			days--
		} else {
			days -= 2
		}
	}
	return days
}

// sdfJulianFixed is JulianCalendar.getFixedDate (month 1..12, year 0 being 1 BC).
func sdfJulianFixed(y, m, d int64) int64 {
	days := sdfJulianEpoch - 1 + 365*(y-1) + d + sdfFloorDiv(y-1, 4) + sdfFloorDiv(367*m-362, 12)
	if m > 2 {
		if sdfJulianLeap(y) {
			days--
		} else {
			days -= 2
		}
	}
	return days
}

func sdfGregorianFromFixed(fd int64) (y, m, d int64) {
	d0 := fd - 1
	n400 := sdfFloorDiv(d0, 146097)
	d1 := sdfFloorMod(d0, 146097)
	n100 := d1 / 36524
	d2 := d1 % 36524
	n4 := d2 / 1461
	d3 := d2 % 1461
	n1 := d3 / 365
	y = 400*n400 + 100*n100 + 4*n4 + n1
	if n100 != 4 && n1 != 4 {
		y++
	}
	prior := fd - sdfGregorianFixed(y, 1, 1)
	corr := int64(0)
	if fd >= sdfGregorianFixed(y, 3, 1) {
		if sdfGregorianLeap(y) {
			corr = 1
		} else {
			corr = 2
		}
	}
	m = sdfFloorDiv(12*(prior+corr)+373, 367)
	d = fd - sdfGregorianFixed(y, m, 1) + 1
	return
}

func sdfJulianFromFixed(fd int64) (y, m, d int64) {
	y = sdfFloorDiv(4*(fd-sdfJulianEpoch)+1464, 1461)
	prior := fd - sdfJulianFixed(y, 1, 1)
	corr := int64(0)
	if fd >= sdfJulianFixed(y, 3, 1) {
		if sdfJulianLeap(y) {
			corr = 1
		} else {
			corr = 2
		}
	}
	m = sdfFloorDiv(12*(prior+corr)+373, 367)
	d = fd - sdfJulianFixed(y, m, 1) + 1
	return
}

// sdfDowOf is the Calendar day of week (Sunday = 1) of a fixed date.
func sdfDowOf(fd int64) int { return int(sdfFloorMod(fd, 7)) + 1 }

// sdfDayOfWeekOnOrBefore is BaseCalendar.getDayOfWeekDateOnOrBefore.
func sdfDayOfWeekOnOrBefore(fd int64, dow int64) int64 {
	return fd - sdfFloorMod(fd-(dow-1), 7)
}

// sdfJan1 is the fixed date of January 1 of a (normalized) year in the hybrid calendar.
func sdfJan1(y int64) int64 {
	if y <= sdfCutoverYear {
		return sdfJulianFixed(y, 1, 1)
	}
	return sdfGregorianFixed(y, 1, 1)
}

// sdfWeekNumber is GregorianCalendar.getWeekNumber.
func sdfWeekNumber(day1, fd int64) int {
	first := sdfDayOfWeekOnOrBefore(day1+6, sdfFirstDayOfWeek)
	if first-day1 >= sdfMinimalDays {
		first -= 7
	}
	n := fd - first
	if n >= 0 {
		return int(n/7) + 1
	}
	return int(sdfFloorDiv(n, 7)) + 1
}

// sdfCalFields are the calendar fields of an instant, in UTC (GregorianCalendar.computeFields).
type sdfCalFields struct {
	era, year, month, dayOfMonth, dayOfWeek, dayOfYear, dayOfWeekInMonth int
	weekOfYear, weekOfMonth, hourOfDay, minute, second, millisecond      int
	normYear                                                             int64
	julian                                                               bool
}

func sdfFields(ms int64) sdfCalFields {
	fd := sdfFloorDiv(ms, msPerDay) + sdfEpochOffset
	tod := sdfFloorMod(ms, msPerDay)
	var f sdfCalFields
	var y, m, d int64
	if fd >= sdfCutoverFixed {
		y, m, d = sdfGregorianFromFixed(fd)
	} else {
		y, m, d = sdfJulianFromFixed(fd)
		f.julian = true
	}
	f.normYear = y
	f.era, f.year = 1, int(y)
	if y <= 0 {
		f.era, f.year = 0, int(1-y)
	}
	f.month, f.dayOfMonth = int(m-1), int(d)
	f.dayOfWeek = sdfDowOf(fd)
	f.hourOfDay = int(tod / 3600000)
	f.minute = int(tod % 3600000 / 60000)
	f.second = int(tod % 60000 / 1000)
	f.millisecond = int(tod % 1000)

	jan1 := sdfJan1(y)
	if f.julian {
		jan1 = sdfJulianFixed(y, 1, 1)
	}
	month1 := fd - d + 1
	relDom := d - 1
	if y == sdfCutoverYear {
		jan1 = sdfJulianFixed(y, 1, 1)
		if fd >= sdfCutoverFixed && m == 10 {
			month1 = sdfJulianFixed(y, 10, 1)
		}
		relDom = fd - month1
	}
	f.dayOfYear = int(fd-jan1) + 1
	f.dayOfWeekInMonth = int(relDom/7) + 1
	woy := sdfWeekNumber(jan1, fd)
	if woy == 0 {
		dec31 := jan1 - 1
		prevJan1 := jan1 - 365
		switch {
		case y > sdfCutoverYear+1:
			if sdfGregorianLeap(y - 1) {
				prevJan1--
			}
		case y <= sdfCutoverYear:
			if sdfJulianLeap(y - 1) {
				prevJan1--
			}
		default: // 1583: the previous year is the cutover year, which starts on its Julian January 1
			prevJan1 = sdfJulianFixed(sdfCutoverYear, 1, 1)
		}
		woy = sdfWeekNumber(prevJan1, dec31)
	} else {
		var nextJan1 int64
		check := false
		if y > sdfCutoverYear || y < sdfCutoverYear-1 {
			if woy >= 52 {
				check = true
				nextJan1 = jan1 + 365
				if (f.julian && sdfJulianLeap(y)) || (!f.julian && sdfGregorianLeap(y)) {
					nextJan1++
				}
			}
		} else {
			check = true
			next := y + 1
			if next == sdfCutoverYear || f.julian {
				nextJan1 = sdfJulianFixed(next, 1, 1)
			} else {
				nextJan1 = sdfGregorianFixed(next, 1, 1)
			}
		}
		if check {
			nextFirst := sdfDayOfWeekOnOrBefore(nextJan1+6, sdfFirstDayOfWeek)
			if nextFirst-nextJan1 >= sdfMinimalDays && fd >= nextFirst-7 {
				woy = 1
			}
		}
	}
	f.weekOfYear = woy
	f.weekOfMonth = sdfWeekNumber(month1, fd)
	return f
}

// sdfYearLength is getActualMaximum(DAY_OF_YEAR) of a normalized year.
func sdfYearLength(y int64) int {
	return int(sdfJan1(y+1) - sdfJan1(y))
}

// weekYear is GregorianCalendar.getWeekYear.
func (f sdfCalFields) weekYear() int {
	year := int64(f.year)
	if f.era == 0 {
		year = 1 - year
	}
	if year > sdfCutoverYear+1 {
		if f.month == 0 {
			if f.weekOfYear >= 52 {
				year--
			}
		} else if f.weekOfYear == 1 {
			year++
		}
		return int(year)
	}
	maxDoy := sdfYearLength(year)
	if f.dayOfYear > sdfMinimalDays && f.dayOfYear < maxDoy-6 {
		return int(year)
	}
	delta := sdfFirstDayOfWeek - sdfDowOf(sdfJan1(year))
	if delta < 0 {
		delta += 7
	}
	minDoy := 1 + delta
	if f.dayOfYear < minDoy {
		if minDoy <= sdfMinimalDays {
			year--
		}
		return int(year)
	}
	// cal.set(YEAR, year + 1) keeps the era: in BC that names another year.
	next := year + 1
	if f.era == 0 {
		next = 1 - (year + 1)
	}
	del := sdfFirstDayOfWeek - sdfDowOf(sdfJan1(next))
	if del < 0 {
		del += 7
	}
	minDoy = del
	if minDoy == 0 {
		minDoy = 7
	}
	if minDoy >= sdfMinimalDays {
		if days := maxDoy - f.dayOfYear + 1; days <= 7-minDoy {
			year++
		}
	}
	return int(year)
}

// ---------------------------------------------------------------- formatting

// format is SimpleDateFormat.format of the instant ms (epoch milliseconds), in UTC.
func (f *javaDateFormat) format(ms int64) string {
	c := sdfFields(ms)
	var b []uint16
	for _, t := range f.tokens {
		if t.tag >= sdfTagQuoteASCII {
			b = append(b, t.lit...)
			continue
		}
		b = sdfAppendField(b, c, t.tag, t.count)
	}
	return string(utf16.Decode(b))
}

func sdfAppendString(b []uint16, s string) []uint16 { return append(b, utf16.Encode([]rune(s))...) }

// sdfZeroPad is zeroPaddingNumber: at least minDigits digits, at most maxDigits (the
// low-order ones), a minus sign before negative values.
func sdfZeroPad(b []uint16, value int64, minDigits, maxDigits int) []uint16 {
	neg := value < 0
	if neg {
		b = append(b, '-')
		value = -value
	}
	s := strconv.FormatUint(uint64(value), 10)
	if maxDigits > 0 && len(s) > maxDigits {
		s = s[len(s)-maxDigits:]
	}
	for i := len(s); i < minDigits; i++ {
		b = append(b, '0')
	}
	return sdfAppendString(b, s)
}

func sdfAppendField(b []uint16, c sdfCalFields, tag, count int) []uint16 {
	num := func(v int) []uint16 { return sdfZeroPad(b, int64(v), count, 0) }
	switch tag {
	case sdfEra:
		return sdfAppendString(b, sdfEras[c.era])
	case sdfYear, sdfWeekYear:
		v := c.year
		if tag == sdfWeekYear {
			v = c.weekYear()
		}
		if count == 2 {
			return sdfZeroPad(b, int64(v), 2, 2)
		}
		return num(v)
	case sdfMonth, sdfMonthStandalone:
		switch {
		case count >= 4:
			return sdfAppendString(b, sdfMonths[c.month])
		case count == 3:
			return sdfAppendString(b, sdfShortMonths[c.month])
		}
		return num(c.month + 1)
	case sdfDayOfMonth:
		return num(c.dayOfMonth)
	case sdfHourOfDay1:
		if c.hourOfDay == 0 {
			return num(sdfMaxHourOfDay + 1)
		}
		return num(c.hourOfDay)
	case sdfHourOfDay0:
		return num(c.hourOfDay)
	case sdfMinute:
		return num(c.minute)
	case sdfSecond:
		return num(c.second)
	case sdfMillisecond:
		return num(c.millisecond)
	case sdfDayOfWeek:
		if count >= 4 {
			return sdfAppendString(b, sdfWeekdays[c.dayOfWeek])
		}
		return sdfAppendString(b, sdfShortDays[c.dayOfWeek])
	case sdfDayOfYear:
		return num(c.dayOfYear)
	case sdfDayOfWeekInMonth:
		return num(c.dayOfWeekInMonth)
	case sdfWeekOfYear:
		return num(c.weekOfYear)
	case sdfWeekOfMonth:
		return num(c.weekOfMonth)
	case sdfAmPm:
		return sdfAppendString(b, sdfAmPmStrings[c.hourOfDay/12])
	case sdfHour1:
		if h := c.hourOfDay % 12; h != 0 {
			return num(h)
		}
		return num(sdfLeastMaxHour + 1)
	case sdfHour0:
		return num(c.hourOfDay % 12)
	case sdfZoneName:
		if count < 4 {
			return sdfAppendString(b, "UTC")
		}
		return sdfAppendString(b, "Coordinated Universal Time")
	case sdfZoneValue:
		return sdfAppendString(b, "+0000")
	case sdfISOZone:
		return append(b, 'Z')
	case sdfISODayOfWeek:
		if c.dayOfWeek == 1 {
			return num(7)
		}
		return num(c.dayOfWeek - 1)
	}
	return b
}

// ---------------------------------------------------------------- parsing

// sdfBuilder is java.text.CalendarBuilder: the fields parsed so far, each with the order in
// which it was set (its stamp; 0 means unset).
type sdfBuilder struct {
	stamp [calBuilderFields]int
	value [calBuilderFields]int32
	next  int
}

func (cb *sdfBuilder) set(field int, v int32) {
	if field == calISODayOfWeek {
		field = calDayOfWeek
		v = sdfToCalendarDayOfWeek(v)
	}
	if cb.next == 0 {
		cb.next = 2 // MINIMUM_USER_STAMP
	}
	cb.stamp[field] = cb.next
	cb.next++
	cb.value[field] = v
}

func (cb *sdfBuilder) isSet(field int) bool { return cb.stamp[field] > 0 }

func sdfValidDayOfWeek(d int32) bool { return d > 0 && d <= 7 }

func sdfToCalendarDayOfWeek(iso int32) int32 {
	if !sdfValidDayOfWeek(iso) {
		return iso
	}
	if iso == 7 {
		return 1
	}
	return iso + 1
}

// parse is SimpleDateFormat.parse(String) in lenient mode: the instant the text starts with
// (trailing text is ignored, as Java ignores it), or false where Java throws ParseException.
func (f *javaDateFormat) parse(s string) (int64, bool) {
	text := utf16.Encode([]rune(s))
	var cb sdfBuilder
	ambiguous := false
	start := 0
	for i, t := range f.tokens {
		if t.tag >= sdfTagQuoteASCII {
			for _, ch := range t.lit {
				if start >= len(text) || text[start] != ch {
					return 0, false
				}
				start++
			}
			continue
		}
		obeyCount := false
		if i+1 < len(f.tokens) {
			obeyCount = sdfShouldObeyCount(f.tokens[i+1].tag, f.tokens[i+1].count)
		}
		next, ok := f.subParse(text, start, t.tag, t.count, obeyCount, &ambiguous, &cb)
		if !ok {
			return 0, false
		}
		start = next
	}
	if start == 0 { // DateFormat.parse: nothing parsed is a ParseException
		return 0, false
	}
	ms, ok := cb.establish()
	if !ok {
		return 0, false
	}
	if ambiguous && ms < f.centuryStart {
		cb.value[calYear] += 100
		cb.value[calWeekYear] += 100
		if ms, ok = cb.establish(); !ok {
			return 0, false
		}
	}
	return ms, true
}

func sdfShouldObeyCount(tag, count int) bool {
	switch tag {
	case sdfMonth, sdfMonthStandalone:
		return count <= 2
	case sdfYear, sdfDayOfMonth, sdfHourOfDay1, sdfHourOfDay0, sdfMinute, sdfSecond, sdfMillisecond,
		sdfDayOfYear, sdfDayOfWeekInMonth, sdfWeekOfYear, sdfWeekOfMonth, sdfHour1, sdfHour0, sdfWeekYear,
		sdfISODayOfWeek:
		return true
	}
	return false
}

// sdfDigit is Character.digit(ch, 10): the value of a Unicode decimal digit, or -1.
func sdfDigit(ch uint16) int {
	if ch >= '0' && ch <= '9' {
		return int(ch - '0')
	}
	if ch < 0x80 || !unicode.Is(unicode.Nd, rune(ch)) {
		return -1
	}
	for _, r := range unicode.Nd.R16 {
		if ch >= r.Lo && ch <= r.Hi {
			return int(ch-r.Lo) % 10
		}
	}
	return -1
}

// sdfNumber is a number DecimalFormat parsed: a long, or a double when it does not fit.
type sdfNumber struct {
	isDouble bool
	l        int64
	d        float64
}

// intValue is Number.intValue: the low 32 bits of a long, a saturating cast of a double.
func (n sdfNumber) intValue() int32 {
	if n.isDouble {
		return castD2I(n.d)
	}
	return int32(n.l)
}

// sdfParseNumber is DecimalFormat.parse(text, pos) as SimpleDateFormat configures it
// (integers only, no grouping, English symbols), as JDK 17 does it.
func sdfParseNumber(text []uint16, pos int) (sdfNumber, int, bool) {
	if sdfRegionMatches(text, pos, "NaN", false) {
		return sdfNumber{isDouble: true, d: math.NaN()}, pos + 3, true
	}
	neg := pos < len(text) && text[pos] == sdfMinusSign
	p := pos
	if neg {
		p++
	}
	if p < len(text) && text[p] == 0x221E { // ∞
		d := math.Inf(1)
		if neg {
			d = math.Inf(-1)
		}
		return sdfNumber{isDouble: true, d: d}, p + 1, true
	}
	digits, decimalAt, next, ok := sdfParseDigits(text, p, true)
	if !ok {
		return sdfNumber{}, pos, false
	}
	return sdfDigitsValue(digits, decimalAt, !neg), next, true
}

// sdfParseDigits scans an integer (DecimalFormat.subparse's digit loop): its significant
// digits and decimal exponent. withExponent also takes an "E" exponent.
func sdfParseDigits(text []uint16, p int, withExponent bool) ([]byte, int64, int, bool) {
	var digits []byte
	sawDigit := false
	digitCount := 0
	var exponent int64
	for ; p < len(text); p++ {
		ch := text[p]
		dg := sdfDigit(ch)
		if dg == 0 {
			sawDigit = true
			if len(digits) == 0 {
				continue
			}
			digitCount++
			digits = append(digits, '0')
		} else if dg > 0 {
			sawDigit = true
			digitCount++
			digits = append(digits, byte('0'+dg))
		} else if withExponent && ch == 'E' {
			ePos := p + 1
			eneg := ePos < len(text) && text[ePos] == sdfMinusSign
			if eneg {
				ePos++
			}
			ed, eAt, eNext, eok := sdfParseDigits(text, ePos, false)
			if eok {
				// JDK 17: an exponent that fits into a long is taken (as an int);
				// otherwise the number ends before the "E".
				if n := sdfDigitsValue(ed, eAt, !eneg); !n.isDouble {
					exponent = int64(int32(n.l))
					p = eNext
				}
			}
			break
		} else {
			break
		}
	}
	if !sawDigit && digitCount == 0 {
		return nil, 0, p, false
	}
	decimalAt := int64(int32(int64(digitCount) + exponent))
	return digits, decimalAt, p, true
}

// sdfDigitsValue is DigitList's fitsIntoLong/getLong/getDouble: digits × 10^(decimalAt − len).
func sdfDigitsValue(digits []byte, decimalAt int64, positive bool) sdfNumber {
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	n := int64(len(digits))
	fits := false
	switch {
	case n == 0:
		return sdfNumber{l: 0}
	case decimalAt < n || decimalAt > 19:
	case decimalAt < 19:
		fits = true
	default:
		s := string(digits) + strings.Repeat("0", int(decimalAt-n))
		fits = s < sdfLongMinDigits || (s == sdfLongMinDigits && !positive)
	}
	if fits {
		s := string(digits) + strings.Repeat("0", int(decimalAt-n))
		if !positive {
			s = "-" + s
		}
		l, _ := strconv.ParseInt(s, 10, 64)
		return sdfNumber{l: l}
	}
	d, _ := strconv.ParseFloat("0."+string(digits)+"e"+strconv.FormatInt(decimalAt, 10), 64)
	if !positive {
		d = -d
	}
	return sdfNumber{isDouble: true, d: d}
}

// sdfRegionMatches is String.regionMatches(ignoreCase, offset, other, 0, len(other)).
func sdfRegionMatches(text []uint16, off int, other string, ignoreCase bool) bool {
	o := utf16.Encode([]rune(other))
	if off < 0 || off+len(o) > len(text) {
		return false
	}
	for i, c2 := range o {
		c1 := text[off+i]
		if c1 == c2 {
			continue
		}
		if !ignoreCase {
			return false
		}
		u1, u2 := unicode.ToUpper(rune(c1)), unicode.ToUpper(rune(c2))
		if u1 == u2 || unicode.ToLower(u1) == unicode.ToLower(u2) {
			continue
		}
		return false
	}
	return true
}

// sdfMatchString is matchString over a symbol array: the longest entry the text starts with.
func sdfMatchString(text []uint16, start, field int, data []string, cb *sdfBuilder) (int, bool) {
	i := 0
	if field == calDayOfWeek {
		i = 1
	}
	best, bestLen := -1, 0
	for ; i < len(data); i++ {
		l := len(utf16.Encode([]rune(data[i])))
		if l > bestLen && sdfRegionMatches(text, start, data[i], true) {
			best, bestLen = i, l
		}
	}
	if best >= 0 {
		cb.set(field, int32(best))
		return start + bestLen, true
	}
	return 0, false
}

// subParse is SimpleDateFormat.subParse: it parses one field at start and returns the
// position after it.
func (f *javaDateFormat) subParse(text []uint16, start, tag, count int, obeyCount bool, ambiguous *bool, cb *sdfBuilder) (int, bool) {
	field := sdfPatternToField[tag]
	pos := start
	for {
		if pos >= len(text) {
			return 0, false
		}
		if c := text[pos]; c != ' ' && c != '\t' {
			break
		}
		pos++
	}
	actualStart := pos
	var value int32
	number := func() (bool, bool) {
		src := text
		if obeyCount {
			if start+count > len(text) {
				return false, false
			}
			src = text[:start+count]
		}
		n, next, ok := sdfParseNumber(src, pos)
		if !ok {
			return false, true
		}
		value = n.intValue()
		pos = next
		return true, true
	}
	switch tag {
	case sdfHourOfDay1, sdfHour1, sdfYear, sdfWeekYear:
		if got, _ := number(); !got {
			return 0, false
		}
	case sdfMonth, sdfMonthStandalone:
		if count <= 2 {
			if got, _ := number(); !got {
				return 0, false
			}
		}
	}

	switch tag {
	case sdfEra:
		return sdfMatchString(text, start, calEra, sdfEras, cb)
	case sdfYear, sdfWeekYear:
		if count <= 2 && pos-actualStart == 2 && sdfDigit(text[actualStart]) >= 0 && sdfDigit(text[actualStart+1]) >= 0 {
			amb := int32(f.centuryStartYear % 100)
			*ambiguous = value == amb
			add := int32(f.centuryStartYear/100) * 100
			if value < amb {
				add += 100
			}
			value += add
		}
		cb.set(field, value)
		return pos, true
	case sdfMonth, sdfMonthStandalone:
		if count <= 2 {
			cb.set(calMonth, value-1)
			return pos, true
		}
		if tag == sdfMonthStandalone {
			// getDisplayNamesMap: the long and short names in one map; the longest match wins.
			best, bestLen := -1, 0
			for _, names := range [][]string{sdfMonths, sdfShortMonths} {
				for i, name := range names[:12] {
					if l := len(name); l > bestLen && sdfRegionMatches(text, start, name, true) {
						best, bestLen = i, l
					}
				}
			}
			if best < 0 {
				return 0, false
			}
			cb.set(calMonth, int32(best))
			return start + bestLen, true
		}
		if n, ok := sdfMatchString(text, start, calMonth, sdfMonths, cb); ok {
			return n, true
		}
		return sdfMatchString(text, start, calMonth, sdfShortMonths, cb)
	case sdfHourOfDay1:
		if value == sdfMaxHourOfDay+1 {
			value = 0
		}
		cb.set(calHourOfDay, value)
		return pos, true
	case sdfDayOfWeek:
		if n, ok := sdfMatchString(text, start, calDayOfWeek, sdfWeekdays, cb); ok {
			return n, true
		}
		return sdfMatchString(text, start, calDayOfWeek, sdfShortDays, cb)
	case sdfAmPm:
		return sdfMatchString(text, start, calAmPm, sdfAmPmStrings, cb)
	case sdfHour1:
		if value == sdfLeastMaxHour+1 {
			value = 0
		}
		cb.set(calHour, value)
		return pos, true
	case sdfZoneName, sdfZoneValue:
		if pos >= len(text) {
			return 0, false
		}
		sign := int32(0)
		switch text[pos] {
		case '+':
			sign = 1
		case '-':
			sign = -1
		}
		if sign != 0 {
			return sdfParseNumericZone(text, pos+1, sign, 0, false, cb)
		}
		if c := text[pos]; (c == 'G' || c == 'g') && len(text)-start >= 3 && sdfRegionMatches(text, start, "GMT", true) {
			pos = start + 3
			if pos < len(text) {
				switch text[pos] {
				case '+':
					sign = 1
				case '-':
					sign = -1
				}
			}
			if sign == 0 {
				cb.set(calZoneOffset, 0)
				cb.set(calDSTOffset, 0)
				return pos, true
			}
			return sdfParseNumericZone(text, pos+1, sign, 0, true, cb)
		}
		// subParseZoneString: the UTC and GMT names, whose standard and daylight names
		// are the same, so the calendar's zone (UTC) decides and no field is set.
		for _, name := range sdfZoneNames {
			if sdfRegionMatches(text, pos, name, true) {
				return pos + len(name), true
			}
		}
		return 0, false
	case sdfISOZone:
		if pos >= len(text) {
			return 0, false
		}
		sign := int32(0)
		switch text[pos] {
		case 'Z':
			cb.set(calZoneOffset, 0)
			cb.set(calDSTOffset, 0)
			return pos + 1, true
		case '+':
			sign = 1
		case '-':
			sign = -1
		default:
			return 0, false
		}
		return sdfParseNumericZone(text, pos+1, sign, count, count == 3, cb)
	default:
		if got, _ := number(); !got {
			return 0, false
		}
		cb.set(field, value)
		return pos, true
	}
}

// sdfParseNumericZone is subParseNumericZone: "hh[[:]mm]" after a sign.
func sdfParseNumericZone(text []uint16, index int, sign int32, count int, colon bool, cb *sdfBuilder) (int, bool) {
	isDigit := func(i int) bool { return i < len(text) && text[i] >= '0' && text[i] <= '9' }
	if !isDigit(index) {
		return 0, false
	}
	hours := int32(text[index] - '0')
	index++
	if index >= len(text) {
		return 0, false
	}
	if isDigit(index) {
		hours = hours*10 + int32(text[index]-'0')
		index++
	} else {
		if count > 0 || !colon {
			return 0, false
		}
	}
	if hours > 23 {
		return 0, false
	}
	minutes := int32(0)
	if count != 1 {
		if index >= len(text) {
			return 0, false
		}
		if colon {
			if text[index] != ':' {
				return 0, false
			}
			index++
		}
		if !isDigit(index) {
			return 0, false
		}
		minutes = int32(text[index] - '0')
		index++
		if !isDigit(index) {
			return 0, false
		}
		minutes = minutes*10 + int32(text[index]-'0')
		index++
		if minutes > 59 {
			return 0, false
		}
	}
	minutes += hours * 60
	cb.set(calZoneOffset, minutes*sdfMillisPerMin*sign)
	cb.set(calDSTOffset, 0)
	return index, true
}

// establish is CalendarBuilder.establish followed by Calendar.getTime: the instant the
// parsed fields resolve to, leniently, in UTC. false is Java's IllegalArgumentException.
func (cb *sdfBuilder) establish() (int64, bool) {
	weekDate := cb.isSet(calWeekYear) && cb.stamp[calWeekYear] > cb.stamp[calYear]
	var c sdfCal
	for i := 0; i < calFieldCount; i++ {
		c.stamp[i], c.value[i] = cb.stamp[i], cb.value[i]
	}
	c.next = cb.next
	if weekDate {
		woy := int32(1)
		if cb.isSet(calWeekOfYear) {
			woy = cb.value[calWeekOfYear]
		}
		dow := int32(sdfFirstDayOfWeek)
		if cb.isSet(calDayOfWeek) {
			dow = cb.value[calDayOfWeek]
		}
		if !sdfValidDayOfWeek(dow) {
			if dow >= 8 {
				dow--
				woy += dow / 7
				dow = dow%7 + 1
			} else {
				for dow <= 0 {
					dow += 7
					woy--
				}
			}
			dow = sdfToCalendarDayOfWeek(dow)
		}
		if !c.setWeekDate(cb.value[calWeekYear], woy, dow) {
			return 0, false
		}
	}
	return c.computeTime()
}

// sdfCal is the state of a lenient GregorianCalendar in UTC: field values and stamps.
type sdfCal struct {
	stamp [calFieldCount]int
	value [calFieldCount]int32
	next  int
}

func (c *sdfCal) set(field int, v int32) {
	if c.next < 2 {
		c.next = 2
	}
	c.stamp[field] = c.next
	c.next++
	c.value[field] = v
}

func (c *sdfCal) isSet(field int) bool { return c.stamp[field] > 0 }

// setWeekDate is GregorianCalendar.setWeekDate.
func (c *sdfCal) setWeekDate(weekYear, weekOfYear, dayOfWeek int32) bool {
	if dayOfWeek < 1 || dayOfWeek > 7 {
		return false
	}
	ms, ok := c.computeTime()
	if !ok {
		return false
	}
	era := int32(sdfFields(ms).era)
	var gc sdfCal
	gc.set(calEra, era)
	gc.set(calYear, weekYear)
	gc.set(calWeekOfYear, 1)
	gc.set(calDayOfWeek, sdfFirstDayOfWeek)
	base, ok := gc.computeTime()
	if !ok {
		return false
	}
	days := dayOfWeek - sdfFirstDayOfWeek
	if days < 0 {
		days += 7
	}
	days += 7 * (weekOfYear - 1) // int arithmetic in Java
	r := sdfFields(base + int64(days)*msPerDay)
	c.set(calEra, int32(r.era))
	c.set(calYear, int32(r.year))
	c.set(calMonth, int32(r.month))
	c.set(calDayOfMonth, int32(r.dayOfMonth))
	return true
}

func sdfAggregateStamp(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	return max(a, b)
}

// Field masks (1 << field).
func sdfMask(fields ...int) int {
	m := 0
	for _, f := range fields {
		m |= 1 << f
	}
	return m
}

func sdfHas(mask, field int) bool { return mask&(1<<field) != 0 }

// selectFields is Calendar.selectFields: which fields determine the date and time.
func (c *sdfCal) selectFields() int {
	st := &c.stamp
	mask := sdfMask(calYear)
	if st[calEra] != 0 {
		mask |= sdfMask(calEra)
	}
	dowStamp := st[calDayOfWeek]
	monthStamp := st[calMonth]
	domStamp := st[calDayOfMonth]
	womStamp := sdfAggregateStamp(st[calWeekOfMonth], dowStamp)
	dowimStamp := sdfAggregateStamp(st[calDayOfWeekInMonth], dowStamp)
	doyStamp := st[calDayOfYear]
	woyStamp := sdfAggregateStamp(st[calWeekOfYear], dowStamp)
	best := max(domStamp, womStamp, dowimStamp, doyStamp, woyStamp)
	if best == 0 {
		womStamp = st[calWeekOfMonth]
		dowimStamp = max(st[calDayOfWeekInMonth], dowStamp)
		woyStamp = st[calWeekOfYear]
		best = max(womStamp, dowimStamp, woyStamp)
		if best == 0 {
			best = monthStamp
			domStamp = monthStamp
		}
	}
	if best == domStamp || (best == womStamp && st[calWeekOfMonth] >= st[calWeekOfYear]) ||
		(best == dowimStamp && st[calDayOfWeekInMonth] >= st[calWeekOfYear]) {
		mask |= sdfMask(calMonth)
		if best == domStamp {
			mask |= sdfMask(calDayOfMonth)
		} else {
			if dowStamp != 0 {
				mask |= sdfMask(calDayOfWeek)
			}
			if womStamp == dowimStamp {
				if st[calWeekOfMonth] >= st[calDayOfWeekInMonth] {
					mask |= sdfMask(calWeekOfMonth)
				} else {
					mask |= sdfMask(calDayOfWeekInMonth)
				}
			} else if best == womStamp {
				mask |= sdfMask(calWeekOfMonth)
			} else if st[calDayOfWeekInMonth] != 0 {
				mask |= sdfMask(calDayOfWeekInMonth)
			}
		}
	} else if best == doyStamp {
		mask |= sdfMask(calDayOfYear)
	} else {
		if dowStamp != 0 {
			mask |= sdfMask(calDayOfWeek)
		}
		mask |= sdfMask(calWeekOfYear)
	}
	hourOfDayStamp := st[calHourOfDay]
	hourStamp := sdfAggregateStamp(st[calHour], st[calAmPm])
	best = max(hourStamp, hourOfDayStamp)
	if best == 0 {
		best = max(st[calHour], st[calAmPm])
	}
	if best != 0 {
		if best == hourOfDayStamp {
			mask |= sdfMask(calHourOfDay)
		} else {
			mask |= sdfMask(calHour)
			if st[calAmPm] != 0 {
				mask |= sdfMask(calAmPm)
			}
		}
	}
	for _, f := range []int{calMinute, calSecond, calMillisecond} {
		if st[f] != 0 {
			mask |= sdfMask(f)
		}
	}
	for _, f := range []int{calZoneOffset, calDSTOffset} {
		if st[f] >= 2 {
			mask |= sdfMask(f)
		}
	}
	return mask
}

// computeTime is GregorianCalendar.computeTime in lenient mode, in UTC.
func (c *sdfCal) computeTime() (int64, bool) {
	mask := c.selectFields()
	year := int32(sdfDefaultLenYr)
	if c.isSet(calYear) {
		year = c.value[calYear]
	}
	era := int32(1)
	if c.isSet(calEra) {
		era = c.value[calEra]
	}
	switch era {
	case 0:
		year = 1 - year
	case 1:
	default:
		return 0, false // "Invalid era"
	}
	var tod int64
	if sdfHas(mask, calHourOfDay) {
		tod += int64(c.value[calHourOfDay])
	} else {
		tod += int64(c.value[calHour])
		if sdfHas(mask, calAmPm) {
			tod += int64(12 * c.value[calAmPm])
		}
	}
	tod = tod*60 + int64(c.value[calMinute])
	tod = tod*60 + int64(c.value[calSecond])
	tod = tod*1000 + int64(c.value[calMillisecond])
	fixed := tod / msPerDay
	tod %= msPerDay
	for tod < 0 {
		tod += msPerDay
		fixed--
	}
	var gfd, jfd int64
	switch {
	case year > sdfCutoverYear:
		gfd = fixed + c.fixedDate(false, year, mask)
		if gfd >= sdfCutoverFixed {
			fixed = gfd
			goto done
		}
		jfd = fixed + c.fixedDate(true, year, mask)
	case year < sdfCutoverYear:
		jfd = fixed + c.fixedDate(true, year, mask)
		if jfd < sdfCutoverFixed {
			fixed = jfd
			goto done
		}
		gfd = jfd
	default:
		jfd = fixed + c.fixedDate(true, year, mask)
		gfd = fixed + c.fixedDate(false, year, mask)
	}
	if sdfHas(mask, calDayOfYear) || sdfHas(mask, calWeekOfYear) {
		fixed = jfd
		goto done
	}
	if gfd >= sdfCutoverFixed {
		// Both dates on or after the cutover, or the "overlapping" period, which a fresh
		// calendar resolves to the Gregorian date.
		fixed = gfd
	} else {
		fixed = jfd
	}
done:
	ms := (fixed-sdfEpochOffset)*msPerDay + tod
	var zone, dst int64
	if sdfHas(mask, calZoneOffset) {
		zone = int64(c.value[calZoneOffset])
	}
	if sdfHas(mask, calDSTOffset) {
		dst = int64(c.value[calDSTOffset])
	}
	return ms - (zone + dst), true
}

// sdfMonthLength is GregorianCalendar.monthLength (month 0..11) of the hybrid calendar.
func sdfMonthLength(month, year int32) int64 {
	lengths := [12]int64{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	leap := false
	if year&3 == 0 {
		if year > sdfCutoverYear {
			leap = year%100 != 0 || year%400 == 0
		} else if year < sdfCutoverYear {
			leap = true
		}
	}
	if leap && month == 1 {
		return 29
	}
	return lengths[month]
}

// fixedDate is GregorianCalendar.getFixedDate(cal, year, fieldMask): the fixed date the
// date fields name in the Julian or the Gregorian calendar.
func (c *sdfCal) fixedDate(julian bool, year int32, mask int) int64 {
	month := int32(0)
	if sdfHas(mask, calMonth) {
		month = c.value[calMonth]
		if month > 11 {
			year += month / 12
			month %= 12
		} else if month < 0 {
			year += int32(sdfFloorDiv(int64(month), 12))
			month = int32(sdfFloorMod(int64(month), 12))
		}
	}
	var fd int64
	if julian {
		fd = sdfJulianFixed(int64(year), int64(month)+1, 1)
	} else {
		fd = sdfGregorianFixed(int64(year), int64(month)+1, 1)
	}
	if sdfHas(mask, calMonth) {
		switch {
		case sdfHas(mask, calDayOfMonth):
			if c.isSet(calDayOfMonth) {
				fd += int64(c.value[calDayOfMonth]) - 1
			}
		case sdfHas(mask, calWeekOfMonth):
			first := sdfDayOfWeekOnOrBefore(fd+6, sdfFirstDayOfWeek)
			if first-fd >= sdfMinimalDays {
				first -= 7
			}
			if sdfHas(mask, calDayOfWeek) {
				first = sdfDayOfWeekOnOrBefore(first+6, int64(c.value[calDayOfWeek]))
			}
			fd = first + int64(7*(c.value[calWeekOfMonth]-1)) // int arithmetic in Java
		default:
			dow := int64(sdfFirstDayOfWeek)
			if sdfHas(mask, calDayOfWeek) {
				dow = int64(c.value[calDayOfWeek])
			}
			dowim := int32(1)
			if sdfHas(mask, calDayOfWeekInMonth) {
				dowim = c.value[calDayOfWeekInMonth]
			}
			if dowim >= 0 {
				fd = sdfDayOfWeekOnOrBefore(fd+int64(7*dowim)-1, dow)
			} else {
				last := int32(sdfMonthLength(month, year)) + 7*(dowim+1)
				fd = sdfDayOfWeekOnOrBefore(fd+int64(last)-1, dow)
			}
		}
		return fd
	}
	if sdfHas(mask, calDayOfYear) {
		return fd + int64(c.value[calDayOfYear]) - 1
	}
	first := sdfDayOfWeekOnOrBefore(fd+6, sdfFirstDayOfWeek)
	if first-fd >= sdfMinimalDays {
		first -= 7
	}
	if sdfHas(mask, calDayOfWeek) {
		if dow := c.value[calDayOfWeek]; dow != sdfFirstDayOfWeek {
			first = sdfDayOfWeekOnOrBefore(first+6, int64(dow))
		}
	}
	return first + 7*(int64(c.value[calWeekOfYear])-1)
}
