package connector

import (
	"errors"
	"fmt"
	"strings"
)

// Kafka's validator messages are user-facing and capitalised; they are kept verbatim so
// Tributary's errors read like Apache Kafka Connect's.

// AtLeast accepts INT, SHORT and LONG values ≥ min (Kafka's Range.atLeast); null is refused.
func AtLeast(minimum int64) Validator {
	return func(v any) error {
		if v == nil {
			return errors.New("Value must be non-null")
		}
		n, ok := asInt64(v)
		if ok && n < minimum {
			return fmt.Errorf("Value must be at least %d", minimum)
		}
		return nil
	}
}

// Between accepts INT, SHORT and LONG values in [min, max] (Kafka's Range.between).
func Between(minimum, maximum int64) Validator {
	return func(v any) error {
		if v == nil {
			return errors.New("Value must be non-null")
		}
		n, ok := asInt64(v)
		switch {
		case !ok:
			return nil
		case n < minimum:
			return fmt.Errorf("Value must be at least %d", minimum)
		case n > maximum:
			return fmt.Errorf("Value must be no more than %d", maximum)
		}
		return nil
	}
}

// OneOf accepts a STRING equal to one of the given values, ignoring case as Kafka's
// CaseInsensitiveValidString does. Null passes.
func OneOf(values ...string) Validator {
	return func(v any) error {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		for _, x := range values {
			if strings.EqualFold(s, x) {
				return nil
			}
		}
		return fmt.Errorf("String must be one of (case insensitive): %s", strings.Join(values, ", "))
	}
}

// NonEmptyString rejects an empty STRING; null passes (Kafka's NonEmptyString).
func NonEmptyString(v any) error {
	if s, ok := v.(string); ok && s == "" {
		return errors.New("String must be non-empty")
	}
	return nil
}

// NonEmptyList rejects a null or empty LIST.
func NonEmptyList(v any) error {
	if l, ok := v.([]string); !ok || len(l) == 0 {
		return errors.New("Empty list")
	}
	return nil
}

func asInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	}
	return 0, false
}

// Optional lets null through to v: for keys whose default is null (Kafka cannot combine a
// Range with a null default; Tributary checks such values only when they are set).
func Optional(v Validator) Validator {
	return func(x any) error {
		if x == nil {
			return nil
		}
		return v(x)
	}
}
