package rest

import (
	"net/http"
	"strings"

	"github.com/tributary-connect/tributary/runtime"
)

// The handlers of Connect's LoggingResource (/admin/loggers, KIP-495 and KIP-976).

func (s *Server) listLoggers(*http.Request) (int, any, error) {
	return http.StatusOK, s.cfg.Loggers.AllLevels(), nil
}

func (s *Server) getLogger(r *http.Request) (int, any, error) {
	name := pathParam(r, "logger")
	level, ok := s.cfg.Loggers.Level(name)
	if !ok {
		return 0, nil, runtime.Errorf(runtime.KindNotFound, "Logger %s not found.", name)
	}
	return http.StatusOK, level, nil
}

// setLogger is PUT /admin/loggers/{name} with {"level": …}. scope=cluster (any case) answers
// 204; Connect then writes a logger-cluster-<name> record to the config topic that every
// worker applies. Until the config topic carries it, Tributary applies it to this worker only.
// Any other scope, or none, is scope=worker: 200 with the loggers whose level changed.
func (s *Server) setLogger(r *http.Request) (int, any, error) {
	name := pathParam(r, "logger")
	body, err := readBody(r)
	if err != nil {
		return 0, nil, err
	}
	levelMap, err := decodeConfig(body)
	if err != nil {
		return 0, nil, err
	}
	if levelMap == nil {
		return 0, nil, nullPointer(`Cannot invoke "java.util.Map.get(Object)" because "levelMap" is null`)
	}
	level, _ := levelMap.get("level")
	if level == nil {
		return 0, nil, runtime.Errorf(runtime.KindBadRequest, "Desired 'level' parameter was not specified in request.")
	}
	if !runtime.ValidLogLevel(*level) {
		return 0, nil, runtime.Errorf(runtime.KindNotFound, "invalid log level '%s'.", *level)
	}
	scope := r.URL.Query().Get("scope")
	if scope == "" {
		scope = "worker"
	}
	affected, err := s.cfg.Loggers.SetLevel(name, *level)
	if err != nil {
		return 0, nil, err
	}
	if strings.EqualFold(scope, "cluster") {
		return http.StatusNoContent, nil, nil
	}
	if !strings.EqualFold(scope, "worker") {
		s.log.Warn("received invalid scope in request to adjust logging level; defaulting to worker", "scope", scope)
	}
	return http.StatusOK, affected, nil
}
