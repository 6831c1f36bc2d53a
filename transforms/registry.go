package transforms

import (
	"maps"

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
