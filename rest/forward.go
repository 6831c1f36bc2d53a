package rest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tributary-connect/tributary/runtime"
)

// Forwarding (Kafka's HerderRequestHandler.completeOrForwardRequest): when the herder answers
// a *runtime.RequestTargetError, the request is sent to the target worker. A user's request
// (no "forward" parameter) goes on with forward=true; a forwarded one (forward=true) may go
// one more hop with forward=false; at forward=false the answer is a 409.

// forwardTimeout bounds a forwarded request (Kafka's REST request timeout).
const forwardTimeout = 90 * time.Second

var (
	errConflictingOperation = &Error{Code: http.StatusConflict, Message: "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"}
	errNoLeader             = &Error{Code: http.StatusConflict, Message: "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway."}
)

// forwarded is a response relayed from another worker, written as is.
type forwarded struct {
	status int
	body   []byte
	header http.Header
}

// forward relays r (whose body was read into body) to the worker the error names.
func (s *Server) forward(ctx context.Context, r *http.Request, body []byte, target *runtime.RequestTargetError) (*forwarded, error) {
	q := r.URL.Query()
	next := "true"
	switch q.Get("forward") {
	case "":
	case "true":
		next = "false"
	default:
		return nil, errConflictingOperation
	}
	if target.TargetURL == "" {
		return nil, errNoLeader
	}
	base, err := url.Parse(target.TargetURL)
	if err != nil {
		return nil, fmt.Errorf("bad target URL %q: %w", target.TargetURL, err)
	}
	q.Set("forward", next)
	u := base.ResolveReference(&url.URL{Path: strings.TrimPrefix(r.URL.Path, "/"), RawQuery: q.Encode()})
	ctx, cancel := context.WithTimeout(ctx, forwardTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "kafka-connect")
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	if a := r.Header.Get("Authorization"); a != "" {
		req.Header.Set("Authorization", a) // the only header Connect propagates
	}
	s.log.Debug("forwarding request", "method", r.Method, "url", u.String())
	resp, err := s.forwardClient.Do(req)
	if err != nil {
		return nil, &Error{Code: http.StatusInternalServerError, Message: "IO Error trying to forward REST request: " + err.Error()}
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, &Error{Code: http.StatusInternalServerError, Message: "IO Error trying to forward REST request: " + err.Error()}
	}
	h := http.Header{}
	for _, k := range []string{"Content-Type", "Location"} {
		if v := resp.Header.Get(k); v != "" {
			h.Set(k, v)
		}
	}
	return &forwarded{status: resp.StatusCode, body: b, header: h}, nil
}

// forwardingClient is the HTTP client for worker-to-worker requests: no redirects.
func forwardingClient() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// asTarget extracts a RequestTargetError.
func asTarget(err error) (*runtime.RequestTargetError, bool) {
	var t *runtime.RequestTargetError
	return t, errors.As(err, &t)
}
