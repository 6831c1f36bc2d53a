package transforms

import "github.com/tributary-connect/tributary/connector"

// Filter (org.apache.kafka.connect.transforms.Filter) drops all records, filtering them from
// subsequent transformations in the chain. It is intended to be used conditionally, with a
// predicate, to filter out records matching (or, with negate, not matching) it. It has no
// configuration.
type filter struct{}

var filterConfigDef = &connector.ConfigDef{}

func init() {
	registerTransformation(javaPackage+"Filter", func() connector.Transformation { return filter{} })
}

func (filter) ConfigDef() *connector.ConfigDef { return filterConfigDef }

func (filter) Configure(connector.Config) error { return nil }

func (filter) Apply(*connector.Record) (*connector.Record, error) { return nil, nil }
