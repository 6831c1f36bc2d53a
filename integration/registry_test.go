//go:build integration

package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/tributary-connect/tributary/internal/testenv"
)

func httpJSON(t *testing.T, method, url string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	}
	resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: status %d, body %q: %v", method, url, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}

// TestSchemaRegistryRegisterAndFetch registers an Avro schema through Apicurio's
// Confluent-compatible API and fetches it back by id and by subject version.
func TestSchemaRegistryRegisterAndFetch(t *testing.T) {
	base := testenv.Get(t, testenv.SchemaRegistry)
	subject := fmt.Sprintf("it-%d-value", time.Now().UnixNano())
	schema := `{"type":"record","name":"Reading","namespace":"io.tributary.it","fields":[{"name":"temp","type":"double"}]}`

	var reg struct {
		ID int `json:"id"`
	}
	if code := httpJSON(t, http.MethodPost, base+"/subjects/"+subject+"/versions", map[string]string{"schema": schema}, &reg); code != http.StatusOK {
		t.Fatalf("register: status %d", code)
	}
	if reg.ID <= 0 {
		t.Fatalf("register returned id %d", reg.ID)
	}

	var byID struct {
		Schema string `json:"schema"`
	}
	if code := httpJSON(t, http.MethodGet, base+"/schemas/ids/"+strconv.Itoa(reg.ID), nil, &byID); code != http.StatusOK {
		t.Fatalf("get by id: status %d", code)
	}
	assertSameJSON(t, byID.Schema, schema)

	var latest struct {
		Subject string `json:"subject"`
		ID      int    `json:"id"`
		Version int    `json:"version"`
		Schema  string `json:"schema"`
	}
	if code := httpJSON(t, http.MethodGet, base+"/subjects/"+subject+"/versions/latest", nil, &latest); code != http.StatusOK {
		t.Fatalf("get latest: status %d", code)
	}
	if latest.Subject != subject || latest.ID != reg.ID || latest.Version < 1 {
		t.Fatalf("latest = %+v, want subject %s id %d", latest, subject, reg.ID)
	}
	assertSameJSON(t, latest.Schema, schema)

	// Registering the same schema again is idempotent: the same id comes back.
	var again struct {
		ID int `json:"id"`
	}
	httpJSON(t, http.MethodPost, base+"/subjects/"+subject+"/versions", map[string]string{"schema": schema}, &again)
	if again.ID != reg.ID {
		t.Fatalf("re-registration gave id %d, want %d", again.ID, reg.ID)
	}
}

func assertSameJSON(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("schema %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Fatalf("schema %s, want %s", gb, wb)
	}
}
