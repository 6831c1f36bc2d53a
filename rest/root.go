package rest

import (
	"bytes"
	"net/http"
	"strconv"
)

// ServerInfo is GET /'s body (rest/entities/ServerInfo).
type ServerInfo struct {
	Version        string `json:"version"`
	Commit         string `json:"commit"`
	KafkaClusterID string `json:"kafka_cluster_id"`
}

func (s *Server) serverInfo(*http.Request) (int, any, error) {
	return http.StatusOK, ServerInfo{Version: s.cfg.Version, Commit: s.cfg.Commit, KafkaClusterID: s.cfg.Herder.KafkaClusterID()}, nil
}

// WorkerStatus is GET /health's body (rest/entities/WorkerStatus, KIP-1017).
type WorkerStatus struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// health answers 200 "healthy" once the herder is ready and 503 "starting" before, with
// Connect's messages. (Connect also answers 500 "unhealthy" when its tick thread does not
// answer within 10 s after startup; the Herder has no such probe yet.)
func (s *Server) health(*http.Request) (int, any, error) {
	if !s.cfg.Herder.Ready() {
		return http.StatusServiceUnavailable, WorkerStatus{Status: "starting", Message: "Worker is still starting up."}, nil
	}
	return http.StatusOK, WorkerStatus{Status: "healthy", Message: "Worker has completed startup and is ready to handle requests."}, nil
}

// metricsContentType is the Prometheus text exposition format, version 0.0.4.
const metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

// metrics serves the worker's metrics in Prometheus text format (a Tributary addition;
// Connect exposes the same metric groups over JMX).
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := s.cfg.Metrics.WriteText(&buf); err != nil {
		s.write(w, r, 0, nil, err)
		return
	}
	w.Header().Set("Content-Type", metricsContentType)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(buf.Bytes()); err != nil {
		s.log.Debug("writing response", "path", r.URL.Path, "error", err)
	}
}
