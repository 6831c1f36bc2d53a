package converters

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tributary-connect/tributary/connector"
)

// SchemaRegistry is the small subset of the Confluent Schema Registry REST API the
// converters use (reference §7). Implementations must be safe for concurrent use.
type SchemaRegistry interface {
	// Register is POST /subjects/{subject}/versions: the schema's id, registering it if new.
	Register(ctx context.Context, subject, schema string) (int32, error)
	// Lookup is POST /subjects/{subject}: the id of an already registered schema.
	Lookup(ctx context.Context, subject, schema string) (int32, error)
	// Latest is GET /subjects/{subject}/versions/latest: the latest id and schema.
	Latest(ctx context.Context, subject string) (int32, string, error)
	// SchemaByID is GET /schemas/ids/{id}.
	SchemaByID(ctx context.Context, id int32) (string, error)
}

// RegistryError is a non-2xx answer of the registry: the HTTP status and the body's
// error_code and message.
type RegistryError struct {
	Status  int
	Code    int
	Message string
}

func (e *RegistryError) Error() string {
	return fmt.Sprintf("%s; error code: %d (HTTP %d)", e.Message, e.Code, e.Status)
}

// Incompatible reports whether the registry refused a schema as incompatible (HTTP 409, or
// error_code 409/40901).
func (e *RegistryError) Incompatible() bool {
	return e.Status == http.StatusConflict || e.Code == 409 || e.Code == 40901
}

// NotFound reports a 40401/40403 answer.
func (e *RegistryError) NotFound() bool { return e.Code == 40401 || e.Code == 40403 }

// RegistryConfig configures the HTTP registry client.
type RegistryConfig struct {
	URLs     []string
	User     string // basic auth, with Password, when User != ""
	Password string
	Timeout  time.Duration // per request; 0 means 30 s
}

// httpRegistry is a plain net/http client of the registry. It tries the URLs in order
// until one answers (any HTTP answer counts; only transport failures move on).
type httpRegistry struct {
	urls     []string
	user     string
	password string
	client   *http.Client
}

// NewHTTPRegistry returns a registry client over HTTP, with no caching (see
// NewCachedRegistry).
func NewHTTPRegistry(c RegistryConfig) (SchemaRegistry, error) {
	r := &httpRegistry{user: c.User, password: c.Password}
	for _, u := range c.URLs {
		u = strings.TrimSpace(u)
		if u == "" {
			continue
		}
		pu, err := url.Parse(u)
		if err != nil || pu.Scheme == "" || pu.Host == "" {
			return nil, fmt.Errorf("invalid schema registry url %q", u)
		}
		if pu.User != nil && r.user == "" { // basic.auth.credentials.source=URL
			r.user = pu.User.Username()
			r.password, _ = pu.User.Password()
			pu.User = nil
		}
		r.urls = append(r.urls, strings.TrimRight(pu.String(), "/"))
	}
	if len(r.urls) == 0 {
		return nil, errors.New("no schema registry url given")
	}
	t := c.Timeout
	if t <= 0 {
		t = 30 * time.Second
	}
	r.client = &http.Client{Timeout: t}
	return r, nil
}

const registryContentType = "application/vnd.schemaregistry.v1+json"

func (r *httpRegistry) do(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return err
		}
	}
	var lastErr error
	for _, base := range r.urls {
		req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(payload))
		if err != nil {
			return err
		}
		req.Header.Set("Accept", registryContentType+", application/json")
		if body != nil {
			req.Header.Set("Content-Type", registryContentType)
		}
		if r.user != "" {
			req.SetBasicAuth(r.user, r.password)
		}
		resp, err := r.client.Do(req)
		if err != nil {
			lastErr = err
			continue
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
		_ = resp.Body.Close()
		if err != nil {
			lastErr = err
			continue
		}
		if resp.StatusCode/100 != 2 {
			re := &RegistryError{Status: resp.StatusCode}
			var eb struct {
				Code    int    `json:"error_code"`
				Message string `json:"message"`
			}
			if json.Unmarshal(data, &eb) == nil && (eb.Code != 0 || eb.Message != "") {
				re.Code, re.Message = eb.Code, eb.Message
			} else {
				re.Code, re.Message = resp.StatusCode, strings.TrimSpace(resp.Status+" "+string(data))
			}
			return re
		}
		if out != nil {
			if err := json.Unmarshal(data, out); err != nil {
				return fmt.Errorf("schema registry %s %s: bad answer: %w", method, path, err)
			}
		}
		return nil
	}
	if ctx.Err() == nil {
		// A registry that cannot be reached is worth retrying (Java: RetriableException on timeouts).
		return connector.Retriable(fmt.Errorf("schema registry unreachable: %w", lastErr))
	}
	return lastErr
}

type schemaBody struct {
	Schema     string `json:"schema"`
	SchemaType string `json:"schemaType,omitempty"`
}

func (r *httpRegistry) Register(ctx context.Context, subject, schema string) (int32, error) {
	var out struct {
		ID int32 `json:"id"`
	}
	err := r.do(ctx, http.MethodPost, "/subjects/"+url.PathEscape(subject)+"/versions", schemaBody{Schema: schema, SchemaType: "AVRO"}, &out)
	return out.ID, err
}

func (r *httpRegistry) Lookup(ctx context.Context, subject, schema string) (int32, error) {
	var out struct {
		ID int32 `json:"id"`
	}
	err := r.do(ctx, http.MethodPost, "/subjects/"+url.PathEscape(subject), schemaBody{Schema: schema, SchemaType: "AVRO"}, &out)
	return out.ID, err
}

func (r *httpRegistry) Latest(ctx context.Context, subject string) (int32, string, error) {
	var out struct {
		ID     int32  `json:"id"`
		Schema string `json:"schema"`
	}
	err := r.do(ctx, http.MethodGet, "/subjects/"+url.PathEscape(subject)+"/versions/latest", nil, &out)
	return out.ID, out.Schema, err
}

func (r *httpRegistry) SchemaByID(ctx context.Context, id int32) (string, error) {
	var out struct {
		Schema string `json:"schema"`
	}
	err := r.do(ctx, http.MethodGet, fmt.Sprintf("/schemas/ids/%d", id), nil, &out)
	return out.Schema, err
}

// cachedRegistry caches Register and Lookup per (subject, schema) and SchemaByID per id,
// so a schema reaches the registry once. Latest is not cached.
type cachedRegistry struct {
	next SchemaRegistry
	mu   sync.RWMutex
	ids  map[[2]string]int32
	byID map[int32]string
}

// NewCachedRegistry wraps a registry with caches of ids and schemas.
func NewCachedRegistry(next SchemaRegistry) SchemaRegistry {
	return &cachedRegistry{next: next, ids: map[[2]string]int32{}, byID: map[int32]string{}}
}

func (c *cachedRegistry) cached(subject, schema string) (int32, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	id, ok := c.ids[[2]string{subject, schema}]
	return id, ok
}

func (c *cachedRegistry) store(subject, schema string, id int32) {
	c.mu.Lock()
	c.ids[[2]string{subject, schema}] = id
	c.byID[id] = schema
	c.mu.Unlock()
}

func (c *cachedRegistry) Register(ctx context.Context, subject, schema string) (int32, error) {
	if id, ok := c.cached(subject, schema); ok {
		return id, nil
	}
	id, err := c.next.Register(ctx, subject, schema)
	if err != nil {
		return 0, err
	}
	c.store(subject, schema, id)
	return id, nil
}

func (c *cachedRegistry) Lookup(ctx context.Context, subject, schema string) (int32, error) {
	if id, ok := c.cached(subject, schema); ok {
		return id, nil
	}
	id, err := c.next.Lookup(ctx, subject, schema)
	if err != nil {
		return 0, err
	}
	c.store(subject, schema, id)
	return id, nil
}

func (c *cachedRegistry) Latest(ctx context.Context, subject string) (int32, string, error) {
	return c.next.Latest(ctx, subject)
}

func (c *cachedRegistry) SchemaByID(ctx context.Context, id int32) (string, error) {
	c.mu.RLock()
	s, ok := c.byID[id]
	c.mu.RUnlock()
	if ok {
		return s, nil
	}
	s, err := c.next.SchemaByID(ctx, id)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.byID[id] = s
	c.mu.Unlock()
	return s, nil
}
