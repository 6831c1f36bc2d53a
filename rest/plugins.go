package rest

import (
	"net/http"
	"strings"

	"github.com/tributary-connect/tributary/runtime"
)

// The handlers of Connect's ConnectorPluginsResource.

// listPlugins is GET /connector-plugins; connectorsOnly defaults to true.
func (s *Server) listPlugins(r *http.Request) (int, any, error) {
	return http.StatusOK, orEmpty(s.cfg.Herder.Plugins(boolQuery(r, "connectorsOnly", true))), nil
}

// getPluginConfig is GET /connector-plugins/{p}/config (KIP-769). Connect 4.1 also takes a
// version range (?version=, KIP-891); with one version per plugin it is ignored here.
func (s *Server) getPluginConfig(r *http.Request) (int, any, error) {
	keys, err := s.cfg.Herder.PluginConfig(pathParam(r, "plugin"))
	if err != nil {
		return 0, nil, err
	}
	out := make([]runtime.ConfigKeyInfo, len(keys))
	for i, k := range keys {
		k.Dependents = orEmpty(k.Dependents)
		out[i] = k
	}
	return http.StatusOK, out, nil
}

// normalizedPluginName strips a trailing "Connector", so that full class names, simple names
// and aliases compare by their tail.
func normalizedPluginName(name string) string {
	if strings.HasSuffix(name, "Connector") && len(name) > len("Connector") {
		return strings.TrimSuffix(name, "Connector")
	}
	return name
}

// validateConfig is PUT /connector-plugins/{p}/config/validate. The path only has to agree
// with connector.class (by tail, after normalisation); validation uses connector.class.
// Connect waits for the herder's validation on a future without unwrapping the failure, so
// any herder error, even a bad request, is a 500 carrying the exception's class and message.
func (s *Server) validateConfig(r *http.Request) (int, any, error) {
	plugin := pathParam(r, "plugin")
	body, err := readBody(r)
	if err != nil {
		return 0, nil, err
	}
	cfg, err := decodeConfig(body)
	if err != nil {
		return 0, nil, err
	}
	if cfg == nil {
		return 0, nil, nullPointer(`Cannot invoke "java.util.Map.get(Object)" because "connectorConfig" is null`)
	}
	if class, _ := cfg.get("connector.class"); class != nil && !strings.HasSuffix(normalizedPluginName(*class), normalizedPluginName(plugin)) {
		return 0, nil, &Error{Code: http.StatusBadRequest, Message: "Included connector type " + *class + " does not match request type " + plugin}
	}
	if msg := noConnectorType(cfg); msg != "" {
		return 0, nil, asyncExceptionMessage(runtime.Errorf(runtime.KindBadRequest, "%s", msg))
	}
	infos, err := s.cfg.Herder.ValidateConnectorConfig(r.Context(), cfg.stringMap())
	if err != nil {
		return 0, nil, asyncExceptionMessage(err)
	}
	return http.StatusOK, normConfigInfos(infos), nil
}

func normConfigInfos(in *runtime.ConfigInfos) *runtime.ConfigInfos {
	if in == nil {
		return nil
	}
	out := *in
	out.Groups = orEmpty(out.Groups)
	out.Configs = make([]runtime.ConfigInfo, len(in.Configs))
	for i, c := range in.Configs {
		if c.Definition != nil {
			d := *c.Definition
			d.Dependents = orEmpty(d.Dependents)
			c.Definition = &d
		}
		c.Value.RecommendedValues = orEmpty(c.Value.RecommendedValues)
		c.Value.Errors = orEmpty(c.Value.Errors)
		out.Configs[i] = c
	}
	return &out
}
