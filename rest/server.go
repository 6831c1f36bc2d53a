package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/runtime"
)

// Config is what NewServer needs.
type Config struct {
	Herder runtime.Herder
	// Version and Commit are reported by GET /.
	Version, Commit string
	Logger          hclog.Logger
	// Loggers backs /admin/loggers; nil disables those endpoints (they answer 404, as
	// Connect's do with admin.listeners set to an empty string).
	Loggers *runtime.Loggers
	// Metrics is served at GET /metrics in Prometheus text format; nil: no such endpoint.
	Metrics *runtime.Metrics
}

// Server is the REST API of one worker.
type Server struct {
	cfg           Config
	log           hclog.Logger
	mux           *chi.Mux
	handler       http.Handler
	forwardClient *http.Client
}

// NewServer builds the router: Kafka Connect's paths, methods and answers (reference §1.4),
// plus GET /metrics.
func NewServer(cfg Config) *Server {
	s := &Server{cfg: cfg, log: cfg.Logger.Named("rest"), forwardClient: forwardingClient()}
	r := chi.NewRouter()
	s.mux = r
	// Jersey matches a path with or without a trailing slash and answers HEAD with GET.
	r.Use(middleware.StripSlashes, headAsGet)
	r.NotFound(func(w http.ResponseWriter, req *http.Request) { s.write(w, req, 0, nil, errNoRoute) })
	r.MethodNotAllowed(s.methodNotAllowed)

	// RootResource: produces JSON, consumes anything.
	r.Get("/", s.produces(s.serverInfo))
	r.Get("/health", s.produces(s.health))
	if cfg.Metrics != nil {
		r.Get("/metrics", s.metrics)
	}

	// ConnectorsResource, ConnectorPluginsResource, LoggingResource, InternalConnectResource:
	// consume and produce JSON. Routes are registered flat (no sub-routers) so that Match
	// can tell which methods a path allows.
	const c = "/connectors/{connector}"
	r.Get("/connectors", s.json(s.listConnectors))
	r.Post("/connectors", s.json(s.createConnector))
	r.Get(c, s.json(s.getConnector))
	r.Delete(c, s.json(s.deleteConnector))
	r.Get(c+"/config", s.json(s.getConnectorConfig))
	r.Put(c+"/config", s.json(s.putConnectorConfig))
	r.Patch(c+"/config", s.json(s.patchConnectorConfig))
	r.Get(c+"/status", s.json(s.getConnectorStatus))
	r.Post(c+"/restart", s.json(s.restartConnector))
	r.Put(c+"/pause", s.json(s.pauseConnector))
	r.Put(c+"/resume", s.json(s.resumeConnector))
	r.Put(c+"/stop", s.json(s.stopConnector))
	r.Get(c+"/tasks", s.json(s.getTaskConfigs))
	r.Get(c+"/tasks-config", s.json(s.getTasksConfig))
	r.Get(c+"/tasks/{task}/status", s.json(s.getTaskStatus))
	r.Post(c+"/tasks/{task}/restart", s.json(s.restartTask))
	r.Get(c+"/topics", s.json(s.getActiveTopics))
	r.Put(c+"/topics/reset", s.json(s.resetActiveTopics))
	r.Get(c+"/offsets", s.json(s.getOffsets))
	r.Patch(c+"/offsets", s.json(s.alterOffsets))
	r.Delete(c+"/offsets", s.json(s.resetOffsets))
	// Internal, worker-to-worker endpoints (§1.6); they belong to distributed mode.
	r.Post(c+"/tasks", s.json(s.putTaskConfigs))
	r.Put(c+"/fence", s.json(notImplemented))

	r.Get("/connector-plugins", s.json(s.listPlugins))
	r.Get("/connector-plugins/{plugin}/config", s.json(s.getPluginConfig))
	r.Put("/connector-plugins/{plugin}/config/validate", s.json(s.validateConfig))

	if cfg.Loggers != nil {
		r.Get("/admin/loggers", s.json(s.listLoggers))
		r.Get("/admin/loggers/{logger}", s.json(s.getLogger))
		r.Put("/admin/loggers/{logger}", s.json(s.setLogger))
	}
	s.handler = r
	return s
}

// headAsGet routes HEAD requests to the GET handlers (no route defines HEAD); net/http drops
// the body.
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			chi.RouteContext(r.Context()).RouteMethod = http.MethodGet
		}
		next.ServeHTTP(w, r)
	})
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
// A nil body answers with no body and no Content-Type.
type handlerFunc func(r *http.Request) (int, any, error)

// located is a body answered with a Location header (201 Created).
type located struct {
	location string
	body     any
}

// json wraps a handler of a resource that consumes and produces JSON (Connect's
// @Consumes/@Produces(APPLICATION_JSON)): a request whose Content-Type is not JSON is a 415
// and one whose Accept excludes JSON a 406, before the handler runs, as Jersey answers them.
func (s *Server) json(h handlerFunc) http.HandlerFunc { return s.wrap(h, true) }

// produces wraps a handler of a resource that only produces JSON (RootResource).
func (s *Server) produces(h handlerFunc) http.HandlerFunc { return s.wrap(h, false) }

// wrap turns a handlerFunc into an http.HandlerFunc (Nomad's wrap()).
func (s *Server) wrap(h handlerFunc, consumesJSON bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := negotiate(r, consumesJSON); err != nil {
			s.write(w, r, 0, nil, err)
			return
		}
		// Keep the body: a request the herder says belongs elsewhere is forwarded with it.
		var raw []byte
		if r.Body != nil {
			var err error
			if raw, err = io.ReadAll(r.Body); err != nil {
				s.write(w, r, 0, nil, err)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(raw))
		}
		status, body, err := h(r)
		if target, ok := asTarget(err); ok {
			fw, ferr := s.forward(r.Context(), r, raw, target)
			if ferr != nil {
				s.write(w, r, 0, nil, ferr)
				return
			}
			for k, v := range fw.header {
				w.Header()[k] = v
			}
			w.WriteHeader(fw.status)
			_, _ = w.Write(fw.body)
			return
		}
		s.write(w, r, status, body, err)
	}
}

// negotiate applies Jersey's media-type matching: Content-Type (when present) must be
// application/json for a JSON-consuming resource, and Accept (when present) must admit it.
func negotiate(r *http.Request, consumesJSON bool) error {
	if ct := r.Header.Get("Content-Type"); consumesJSON && ct != "" {
		mt, _, _ := strings.Cut(ct, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
		if !strings.Contains(mt, "/") {
			return errMalformedContentType
		}
		if mt != "application/json" {
			return errUnsupportedMedia
		}
	}
	if accept := r.Header.Get("Accept"); accept != "" && !acceptsJSON(accept) {
		return errNotAcceptable
	}
	return nil
}

// errMalformedContentType is Jetty's answer to a Content-Type it cannot parse: 400, no body.
var errMalformedContentType = &Error{Code: http.StatusBadRequest, bare: true}

func acceptsJSON(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, params, _ := strings.Cut(part, ";")
		switch strings.ToLower(strings.TrimSpace(mt)) {
		case "*/*", "application/*", "application/json", "*":
		default:
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(strings.TrimSpace(params), " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				continue
			}
		}
		return true
	}
	return false
}

// methodNotAllowed answers 405 as Jersey does, except OPTIONS, which Jersey answers itself
// with the methods the path allows.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodOptions {
		s.write(w, r, 0, nil, errMethodNotAllowed)
		return
	}
	path := chi.RouteContext(r.Context()).RoutePath
	if path == "" {
		path = r.URL.Path
	}
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if s.mux.Match(chi.NewRouteContext(), m, path) {
			allowed = append(allowed, m)
			if m == http.MethodGet {
				allowed = append(allowed, http.MethodHead)
			}
		}
	}
	allowed = append(allowed, http.MethodOptions)
	w.Header().Set("Allow", strings.Join(allowed, ","))
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, strings.Join(allowed, ", "))
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
		if isBare(err) {
			w.Header()["Content-Type"] = nil // Jersey's own errors carry no Content-Type
			if em.Message == "" {
				body = nil
			}
		}
	}
	if l, ok := body.(located); ok {
		w.Header().Set("Location", l.location)
		body = l.body
	}
	if body == nil {
		w.WriteHeader(status)
		return
	}
	// Jackson writes compact JSON without escaping <, > and &, and without a final newline.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		s.log.Error("encoding response", "path", r.URL.Path, "error", err)
		status = http.StatusInternalServerError
		buf.Reset()
		_ = enc.Encode(ErrorMessage{ErrorCode: status, Message: err.Error()})
	}
	if _, ok := w.Header()["Content-Type"]; !ok {
		w.Header().Set("Content-Type", "application/json")
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()-1))
	w.WriteHeader(status)
	if _, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))); err != nil {
		s.log.Debug("writing response", "path", r.URL.Path, "error", err)
	}
}

// readBody reads a request entity. Jersey cannot read an entity that has no Content-Type
// (it would be application/octet-stream), so a non-empty body without one is a 415.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	if err != nil {
		return nil, &Error{Code: http.StatusBadRequest, Message: "reading request body: " + err.Error()}
	}
	if len(body) > 0 && r.Header.Get("Content-Type") == "" {
		return nil, errNoEntityReader
	}
	return body, nil
}

// maxBodyBytes bounds a request body (connector configs are small).
const maxBodyBytes = 16 << 20

// notImplemented answers the internal endpoints until distributed mode serves them.
func notImplemented(*http.Request) (int, any, error) {
	return 0, nil, &Error{Code: http.StatusNotImplemented, Message: "not implemented yet"}
}
