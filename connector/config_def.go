package connector

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Config is a raw configuration exactly as a user supplied it: the flat string map PUT to
// /connectors/{c}/config, or the key/value pairs of a worker properties file.
type Config map[string]string

// ConfigType is the type of a configuration value, as in Kafka's ConfigDef.Type.
type ConfigType int

// The configuration types. Their String forms are the names Kafka Connect's REST API
// reports (BOOLEAN, STRING, …).
const (
	ConfigBoolean ConfigType = iota + 1
	ConfigString
	ConfigInt
	ConfigShort
	ConfigLong
	ConfigDouble
	ConfigList
	ConfigClass
	ConfigPassword
)

func (t ConfigType) String() string {
	switch t {
	case ConfigBoolean:
		return "BOOLEAN"
	case ConfigString:
		return "STRING"
	case ConfigInt:
		return "INT"
	case ConfigShort:
		return "SHORT"
	case ConfigLong:
		return "LONG"
	case ConfigDouble:
		return "DOUBLE"
	case ConfigList:
		return "LIST"
	case ConfigClass:
		return "CLASS"
	case ConfigPassword:
		return "PASSWORD"
	default:
		return "UNKNOWN"
	}
}

// Importance is how much a user should care about a configuration key (Kafka's
// ConfigDef.Importance).
type Importance int

// The importance levels, rendered HIGH, MEDIUM and LOW by the REST API.
const (
	High Importance = iota + 1
	Medium
	Low
)

func (i Importance) String() string {
	switch i {
	case High:
		return "HIGH"
	case Medium:
		return "MEDIUM"
	case Low:
		return "LOW"
	default:
		return "UNKNOWN"
	}
}

// Secret is a parsed PASSWORD value. Its String form is "[hidden]", as for Kafka's Password
// class, so it is safe to log; Value returns the secret itself.
type Secret struct{ value string }

// NewSecret wraps a secret value.
func NewSecret(v string) Secret { return Secret{value: v} }

// Value returns the secret in clear text.
func (s Secret) Value() string { return s.value }

// String returns "[hidden]".
func (s Secret) String() string { return "[hidden]" }

// Validator checks a parsed value (nil for a null value). It returns a message without the
// key name, such as "Value must be at least 1"; ConfigDef wraps it into Kafka's
// "Invalid value … for configuration …: …" form.
type Validator func(v any) error

// ConfigKey declares one configuration key, as Kafka's ConfigDef.define does.
type ConfigKey struct {
	Name string
	Type ConfigType
	// Default is the value used when the key is absent, in its properties-file form
	// ("5000", "true", "a,b"). nil means the default is null. Ignored when Required.
	Default any
	// Required keys have no default; a missing one is an error.
	Required   bool
	Validate   Validator
	Importance Importance
	Doc        string
	Group      string
	// Order is the key's position within its group (1-based; 0 means unordered, -1 in REST).
	Order int
	// Width and DisplayName are UI hints shown by the REST plugin-config answers.
	Width       Width
	DisplayName string
	// Dependents names keys whose meaning depends on this one (shown by /validate).
	Dependents []string
	// MessageName is the key name Validate's "Invalid value … for configuration <name>"
	// messages use, when it differs from Name: a plugin's key embedded under a prefix keeps
	// its own name there, as Kafka's ConfigDef.embed passes validators the unprefixed name.
	MessageName string
}

// Width is a UI hint for the length of a value (Kafka's ConfigDef.Width).
type Width int

// The widths; the zero value is WidthNone.
const (
	WidthNone Width = iota
	WidthShort
	WidthMedium
	WidthLong
)

func (w Width) String() string {
	switch w {
	case WidthShort:
		return "SHORT"
	case WidthMedium:
		return "MEDIUM"
	case WidthLong:
		return "LONG"
	default:
		return "NONE"
	}
}

// ConfigDef is a declarative set of configuration keys. The same definition validates
// configs, parses them into typed Values and renders the REST plugin-config answers.
type ConfigDef struct {
	Keys []ConfigKey
}

// Key returns the declaration of name, if the definition has it.
func (d *ConfigDef) Key(name string) (ConfigKey, bool) {
	for _, k := range d.Keys {
		if k.Name == name {
			return k, true
		}
	}
	return ConfigKey{}, false
}

// ConfigValue is the outcome of validating one key: its raw value and any error messages,
// in the shape of Kafka's ConfigValue (rendered by PUT /connector-plugins/{p}/config/validate).
type ConfigValue struct {
	Name   string
	Value  string
	Errors []string
}

// ConfigError is a configuration problem with one key, worded as Kafka's ConfigException.
type ConfigError struct {
	Key     string
	Message string
}

func (e *ConfigError) Error() string { return e.Message }

// Values are parsed configuration values keyed by name. Getters panic when the key is not
// defined or has another type: that is a programming error, as with Kafka's AbstractConfig.
type Values map[string]any

func (v Values) get(name string) any {
	x, ok := v[name]
	if !ok {
		panic(fmt.Sprintf("connector: configuration %q is not defined", name))
	}
	return x
}

// String returns a STRING or CLASS value ("" for null).
func (v Values) String(name string) string {
	x := v.get(name)
	if x == nil {
		return ""
	}
	return x.(string)
}

// Int returns an INT value.
func (v Values) Int(name string) int32 { return v.get(name).(int32) }

// Short returns a SHORT value.
func (v Values) Short(name string) int16 { return v.get(name).(int16) }

// Long returns a LONG value.
func (v Values) Long(name string) int64 { return v.get(name).(int64) }

// Double returns a DOUBLE value.
func (v Values) Double(name string) float64 { return v.get(name).(float64) }

// Bool returns a BOOLEAN value.
func (v Values) Bool(name string) bool { return v.get(name).(bool) }

// List returns a LIST value (nil for null).
func (v Values) List(name string) []string {
	x := v.get(name)
	if x == nil {
		return nil
	}
	return x.([]string)
}

// Password returns a PASSWORD value.
func (v Values) Password(name string) Secret {
	x := v.get(name)
	if x == nil {
		return Secret{}
	}
	return x.(Secret)
}

// IsNull reports whether the value of name is null.
func (v Values) IsNull(name string) bool { return v.get(name) == nil }

// Parse checks cfg against the definition and returns typed values. It fails on the first
// problem, in definition order, with a *ConfigError worded as Kafka's (for example
// `Missing required configuration "group.id" which has no default value.`). Keys that the
// definition does not declare are ignored; see Unknown.
func (d *ConfigDef) Parse(cfg Config) (Values, error) {
	out := make(Values, len(d.Keys))
	for _, k := range d.Keys {
		v, err := k.parse(cfg)
		if err != nil {
			return nil, err
		}
		out[k.Name] = v
	}
	return out, nil
}

// Validate checks every key and never stops at the first problem: it returns one
// ConfigValue per declared key, with its errors, in definition order.
func (d *ConfigDef) Validate(cfg Config) []ConfigValue {
	out := make([]ConfigValue, 0, len(d.Keys))
	for _, k := range d.Keys {
		cv := ConfigValue{Name: k.Name, Value: cfg[k.Name]}
		// Kafka's parseForValidate: a value that does not parse, or a missing required one,
		// is reported and then validated as null, so the validator may add its message.
		var v any
		raw, present := cfg[k.Name]
		switch {
		case present:
			parsed, err := ParseValue(k.Type, raw)
			if err != nil {
				cv.Errors = append(cv.Errors, invalid(k.Name, raw, err.Error()).Error())
			} else {
				v = parsed
			}
		case k.Required:
			cv.Errors = append(cv.Errors, fmt.Sprintf("Missing required configuration %q which has no default value.", k.Name))
		case k.Default != nil:
			parsed, err := ParseValue(k.Type, fmt.Sprint(k.Default))
			if err != nil {
				cv.Errors = append(cv.Errors, invalid(k.Name, fmt.Sprint(k.Default), err.Error()).Error())
			} else {
				v = parsed
			}
		}
		if _, err := k.validated(v, ""); err != nil {
			cv.Errors = append(cv.Errors, err.Error())
		}
		out = append(out, cv)
	}
	return out
}

// Unknown returns, sorted, the keys of cfg that the definition does not declare and that do
// not start with one of the pass-through prefixes (such as "producer.").
func (d *ConfigDef) Unknown(cfg Config, passThrough ...string) []string {
	known := make(map[string]bool, len(d.Keys))
	for _, k := range d.Keys {
		known[k.Name] = true
	}
	var out []string
outer:
	for name := range cfg {
		if known[name] {
			continue
		}
		for _, p := range passThrough {
			if strings.HasPrefix(name, p) {
				continue outer
			}
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func (k ConfigKey) parse(cfg Config) (any, error) {
	raw, present := cfg[k.Name]
	if !present {
		if k.Required {
			return nil, &ConfigError{Key: k.Name, Message: fmt.Sprintf(
				"Missing required configuration %q which has no default value.", k.Name)}
		}
		if k.Default == nil {
			return k.validated(nil, "null")
		}
		raw = fmt.Sprint(k.Default)
	}
	v, err := ParseValue(k.Type, raw)
	if err != nil {
		return nil, invalid(k.Name, raw, err.Error())
	}
	return k.validated(v, raw)
}

func (k ConfigKey) validated(v any, _ string) (any, error) {
	if k.Validate == nil {
		return v, nil
	}
	if err := k.Validate(v); err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			// A validator that words its whole message (Kafka's ConfigException(message)).
			return nil, &ConfigError{Key: k.Name, Message: ce.Message}
		}
		name := k.Name
		if k.MessageName != "" {
			name = k.MessageName
		}
		return nil, invalid(name, javaString(v), err.Error())
	}
	return v, nil
}

// javaString prints a parsed value as Java's ConfigException does (its toString): lists as
// [a, b], passwords hidden, null as null.
func javaString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	case Secret:
		return x.String()
	default:
		return fmt.Sprint(v)
	}
}

// javaTrim is Java's String.trim: it strips every character up to U+0020, and nothing else.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

// javaWhitespace is the set of Java regex's \s.
const javaWhitespace = " \t\n\x0b\f\r"

func invalid(name, raw, msg string) *ConfigError {
	return &ConfigError{Key: name, Message: fmt.Sprintf("Invalid value %s for configuration %s: %s", raw, name, msg)}
}

// ParseValue parses the properties-file form of a value of type t, with Kafka's rules:
// surrounding whitespace is trimmed, booleans are true/false in any case, lists are
// comma-separated with blanks trimmed (an empty string is the empty list).
func ParseValue(t ConfigType, raw string) (any, error) {
	s := javaTrim(raw)
	switch t {
	case ConfigBoolean:
		switch strings.ToLower(s) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("Expected value to be either true or false")
	case ConfigString, ConfigClass:
		return s, nil
	case ConfigPassword:
		return NewSecret(raw), nil
	case ConfigInt:
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("Not a number of type INT")
		}
		return int32(n), nil
	case ConfigShort:
		n, err := strconv.ParseInt(s, 10, 16)
		if err != nil {
			return nil, fmt.Errorf("Not a number of type SHORT")
		}
		return int16(n), nil
	case ConfigLong:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("Not a number of type LONG")
		}
		return n, nil
	case ConfigDouble:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("Not a number of type DOUBLE")
		}
		return f, nil
	case ConfigList:
		if s == "" {
			return []string{}, nil
		}
		parts := strings.Split(s, ",") // Java: split("\\s*,\\s*", -1) after trim()
		for i := range parts {
			parts[i] = strings.Trim(parts[i], javaWhitespace)
		}
		return parts, nil
	default:
		return nil, fmt.Errorf("unknown type %v", t)
	}
}
