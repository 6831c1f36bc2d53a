package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/runtime"
)

// Config is what NewServer needs.
type Config struct {
	Herder runtime.Herder
	// Version and Commit are reported by GET /.
	Version, Commit string
	Logger          hclog.Logger
}

// Server is the REST API of one worker.
type Server struct {
	cfg     Config
	log     hclog.Logger
	handler http.Handler
}

// NewServer builds the router.
func NewServer(cfg Config) *Server {
	s := &Server{cfg: cfg, log: cfg.Logger.Named("rest")}
	r := chi.NewRouter()
	r.NotFound(func(w http.ResponseWriter, req *http.Request) {
		s.write(w, req, 0, nil, &Error{Code: http.StatusNotFound, Message: "HTTP 404 Not Found"})
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) {
		s.write(w, req, 0, nil, &Error{Code: http.StatusMethodNotAllowed, Message: "HTTP 405 Method Not Allowed"})
	})
	r.Get("/", s.wrap(s.serverInfo))
	s.handler = r
	return s
}

// Handler returns the router, for tests.
func (s *Server) Handler() http.Handler { return s.handler }

// Listen binds every listener of a worker's listeners key, before anything else starts, so
// that a port in use is reported at once. The error names the listener ("REST listener
// http://127.0.0.1:8083: bind: address already in use") and nothing stays bound.
func Listen(listeners []runtime.Listener) ([]net.Listener, error) {
	var bound []net.Listener
	fail := func(err error) ([]net.Listener, error) {
		for _, ln := range bound {
			_ = ln.Close()
		}
		return nil, err
	}
	for _, l := range listeners {
		if l.Scheme != "http" {
			return fail(fmt.Errorf("REST listener %s: only http listeners are supported so far", l))
		}
		ln, err := net.Listen("tcp", l.Addr())
		if err != nil {
			var op *net.OpError
			if errors.As(err, &op) && op.Err != nil {
				err = op.Err // "bind: address already in use" without repeating the address
			}
			return fail(fmt.Errorf("REST listener %s: %w", l, err))
		}
		bound = append(bound, ln)
	}
	return bound, nil
}

// Serve answers requests on the bound listeners until ctx ends, then shuts down
// gracefully, waiting up to 10 s for requests in flight. It closes the listeners and
// returns after every goroutine it started has exited.
func (s *Server) Serve(ctx context.Context, listeners []net.Listener) error {
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 30 * time.Second}
	errs := make(chan error, len(listeners))
	var wg sync.WaitGroup
	for _, ln := range listeners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs <- err
			}
		}()
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdownCtx); serr != nil && err == nil {
		err = serr
	}
	wg.Wait()
	return err
}

// handlerFunc is the shape of every handler: a status and a body to encode, or an error.
type handlerFunc func(r *http.Request) (int, any, error)

// wrap turns a handlerFunc into an http.HandlerFunc (Nomad's wrap()).
func (s *Server) wrap(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, body, err := h(r)
		s.write(w, r, status, body, err)
	}
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, status int, body any, err error) {
	if err != nil {
		em := toErrorMessage(err)
		if em.ErrorCode >= 500 {
			s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "status", em.ErrorCode, "error", em.Message)
		} else {
			s.log.Debug("request rejected", "method", r.Method, "path", r.URL.Path, "status", em.ErrorCode, "error", em.Message)
		}
		status, body = em.ErrorCode, em
	}
	if body == nil {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(body); err != nil {
		s.log.Debug("writing response", "path", r.URL.Path, "error", err)
	}
}

// ServerInfo is GET /'s body (rest/entities/ServerInfo).
type ServerInfo struct {
	Version        string `json:"version"`
	Commit         string `json:"commit"`
	KafkaClusterID string `json:"kafka_cluster_id"`
}

func (s *Server) serverInfo(*http.Request) (int, any, error) {
	return http.StatusOK, ServerInfo{Version: s.cfg.Version, Commit: s.cfg.Commit, KafkaClusterID: s.cfg.Herder.KafkaClusterID()}, nil
}
