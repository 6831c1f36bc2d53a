package transforms

import "github.com/tributary-connect/tributary/connector"

// DropHeaders (org.apache.kafka.connect.transforms.DropHeaders) removes one or more headers
// from each record: every header whose key is one of the configured names.
type dropHeaders struct {
	names map[string]bool
}

var dropHeadersConfigDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{Name: "headers", Type: connector.ConfigList, Required: true, Validate: connector.NonEmptyList, Importance: connector.High,
		Doc: "The name of the headers to be removed."},
}}

func init() {
	registerTransformation(javaPackage+"DropHeaders", func() connector.Transformation { return &dropHeaders{} })
}

func (t *dropHeaders) ConfigDef() *connector.ConfigDef { return dropHeadersConfigDef }

func (t *dropHeaders) Configure(cfg connector.Config) error {
	v, err := dropHeadersConfigDef.Parse(cfg)
	if err != nil {
		return err
	}
	t.names = map[string]bool{}
	for _, n := range v.List("headers") {
		t.names[n] = true
	}
	return nil
}

func (t *dropHeaders) Apply(r *connector.Record) (*connector.Record, error) {
	out := r.NewRecord(r.Topic, r.Partition, r.KeySchema, r.Key, r.ValueSchema, r.Value, r.Timestamp)
	kept := make(connector.Headers, 0, len(r.Headers))
	for _, h := range r.Headers {
		if !t.names[h.Key] {
			kept = append(kept, h)
		}
	}
	out.Headers = kept
	return out, nil
}
