package main

import (
	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/connector/file"
	"github.com/tributary-connect/tributary/connector/mqtt"
	"github.com/tributary-connect/tributary/converters"
	"github.com/tributary-connect/tributary/examples/sequence"
	"github.com/tributary-connect/tributary/runtime"
	"github.com/tributary-connect/tributary/transforms"
)

// newPlugins registers every plugin Tributary ships under its Java class name. This is the
// only place plugins meet the runtime.
func newPlugins() *runtime.Plugins {
	p := runtime.NewPlugins()
	p.Register(runtime.Plugin{Class: file.SourceConnectorClass, Kind: runtime.KindSource, Version: file.Version, NewConnector: file.NewSourceConnector})
	p.Register(runtime.Plugin{Class: mqtt.ConnectorClass, Kind: runtime.KindSource, Version: mqtt.Version, NewConnector: mqtt.NewSourceConnector})
	p.Register(runtime.Plugin{
		Class: mqtt.ConfluentConnectorClass, Kind: runtime.KindSource, Version: mqtt.Version,
		NewConnector: mqtt.NewConfluentSourceConnector, ClassNameOnly: true,
	})
	p.Register(runtime.Plugin{Class: sequence.ConnectorClass, Kind: runtime.KindSource, Version: sequence.Version, NewConnector: sequence.NewSourceConnector})

	for class, newFn := range map[string]func() connector.Converter{
		converters.StringConverterClass:    func() connector.Converter { return converters.NewStringConverter() },
		converters.ByteArrayConverterClass: func() connector.Converter { return converters.NewByteArrayConverter() },
		converters.ShortConverterClass:     func() connector.Converter { return converters.NewShortConverter() },
		converters.IntegerConverterClass:   func() connector.Converter { return converters.NewIntegerConverter() },
		converters.LongConverterClass:      func() connector.Converter { return converters.NewLongConverter() },
		converters.FloatConverterClass:     func() connector.Converter { return converters.NewFloatConverter() },
		converters.DoubleConverterClass:    func() connector.Converter { return converters.NewDoubleConverter() },
		converters.BooleanConverterClass:   func() connector.Converter { return converters.NewBooleanConverter() },
		converters.JSONConverterClass:      func() connector.Converter { return converters.NewJSONConverter() },
		converters.AvroConverterClass:      func() connector.Converter { return converters.NewAvroConverter() },
		converters.JSONSchemaClass:         func() connector.Converter { return converters.NewJSONSchemaConverter() },
		converters.ProtobufClass:           func() connector.Converter { return converters.NewProtobufConverter() },
	} {
		p.Register(converterPlugin(class, newFn))
	}
	for class, newFn := range transforms.Transformations() {
		p.Register(runtime.Plugin{Class: class, Kind: runtime.KindTransformation, Version: transforms.Version(class), NewTransformation: newFn})
	}
	for class, newFn := range transforms.Predicates() {
		p.Register(runtime.Plugin{Class: class, Kind: runtime.KindPredicate, Version: transforms.Version(class), NewPredicate: newFn})
	}
	p.Register(runtime.Plugin{
		Class: converters.SimpleHeaderConverterClass, Kind: runtime.KindHeaderConverter, Version: converters.Version,
		NewHeaderConverter: func() connector.HeaderConverter { return converters.NewSimpleHeaderConverter() },
	})
	return p
}

// converterPlugin registers a converter, and as a header converter too when it is one
// (as Kafka's StringConverter, ByteArrayConverter, JsonConverter … are). The ports of
// Kafka's converters report the Kafka version they follow, as the Java classes do.
func converterPlugin(class string, newFn func() connector.Converter) runtime.Plugin {
	pl := runtime.Plugin{Class: class, Kind: runtime.KindConverter, Version: converters.Version, NewConverter: newFn}
	if _, ok := newFn().(connector.HeaderConverter); ok {
		pl.NewHeaderConverter = func() connector.HeaderConverter { return newFn().(connector.HeaderConverter) }
	}
	return pl
}
