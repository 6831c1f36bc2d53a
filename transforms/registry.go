package transforms

import (
	"maps"
	"strings"

	"github.com/tributary-connect/tributary/connector"
)

// The registries, filled by each SMT's file in init (class name → constructor). cmd
// registers their contents with the runtime; tests look classes up here.
var (
	transformations = map[string]func() connector.Transformation{}
	predicates      = map[string]func() connector.Predicate{}
)

func registerTransformation(class string, newFn func() connector.Transformation) {
	if _, dup := transformations[class]; dup {
		panic("transforms: registered twice: " + class)
	}
	transformations[class] = newFn
}

func registerPredicate(class string, newFn func() connector.Predicate) {
	if _, dup := predicates[class]; dup {
		panic("transforms: registered twice: " + class)
	}
	predicates[class] = newFn
}

// Transformations returns every SMT by Java class name (e.g.
// org.apache.kafka.connect.transforms.InsertField$Value).
func Transformations() map[string]func() connector.Transformation { return maps.Clone(transformations) }

// Predicates returns every predicate by Java class name.
func Predicates() map[string]func() connector.Predicate { return maps.Clone(predicates) }

// keyValue registers the $Key and $Value variants of an SMT named base (e.g. "InsertField").
func keyValue(base string, newFn func(side) connector.Transformation) {
	registerTransformation(javaPackage+base+"$Key", func() connector.Transformation { return newFn(keySide) })
	registerTransformation(javaPackage+base+"$Value", func() connector.Transformation { return newFn(valueSide) })
}

// KafkaVersion is the Apache Kafka release whose SMTs and predicates the ports follow; they
// report it as their version, as the Java classes report AppInfoParser.getVersion().
const KafkaVersion = "4.1.2"

// OwnVersion is the version of Tributary's own transforms (io.tributary.transforms.*).
const OwnVersion = "0.1.0"

// Version returns the version a transform or predicate class reports.
func Version(class string) string {
	if strings.HasPrefix(class, "org.apache.kafka.") {
		return KafkaVersion
	}
	return OwnVersion
}
