package jvalues

import (
	"testing"
	"time"
)

func TestCivilCalendar(t *testing.T) {
	// From 1582-10-15 on, days match Go's proleptic Gregorian calendar.
	for _, d := range []time.Time{
		time.Date(1582, 10, 15, 0, 0, 0, 0, time.UTC), time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		days := civilDays(int64(d.Year()), int64(d.Month()), int64(d.Day()))
		if days*MillisPerDay != d.UnixMilli() {
			t.Errorf("%v: %d days", d, days)
		}
	}
	// The day before the cutover is Julian 1582-10-04.
	if y, m, d := civilDate(civilDays(1582, 10, 15) - 1); y != 1582 || m != 10 || d != 4 {
		t.Errorf("day before the cutover: %d-%d-%d", y, m, d)
	}
	for days := int64(-800000); days < 800000; days += 997 {
		y, m, d := civilDate(days)
		if civilDays(y, m, d) != days {
			t.Fatalf("day %d -> %d-%d-%d -> %d", days, y, m, d, civilDays(y, m, d))
		}
	}
}
