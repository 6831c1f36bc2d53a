package storage

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
)

// syncBuffer is a bytes.Buffer safe for the log forwarder and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestUnreachableKafka starts a store against a closed port: Start fails when its context ends,
// librdkafka's complaints arrive through hclog at Debug, and Stop still cleans up.
func TestUnreachableKafka(t *testing.T) {
	var out syncBuffer
	lg := hclog.New(&hclog.LoggerOptions{Output: &out, Level: hclog.Debug})
	s := NewConfigStore(LogConfig{
		Client:   map[string]string{"bootstrap.servers": "127.0.0.1:1", "reconnect.backoff.max.ms": "100"},
		Topic:    "connect-configs",
		ClientID: "g-configs",
		Logger:   lg,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.Start(ctx)
	if err == nil {
		t.Fatal("Start succeeded without a broker")
	}
	if !strings.Contains(err.Error(), "connect-configs") {
		t.Fatalf("error does not name the topic: %v", err)
	}
	t.Logf("Start: %v", err)
	s.Stop()
	s.Stop() // idempotent
	if !strings.Contains(out.String(), "config-store.librdkafka") || !strings.Contains(out.String(), "[DEBUG]") {
		t.Fatalf("librdkafka logs were not forwarded to hclog:\n%s", out.String())
	}
	if err := s.ReadToEnd(context.Background()); !errors.Is(err, ErrStopped) {
		t.Fatalf("ReadToEnd after Stop: %v", err)
	}
	if err := s.PutTargetState(context.Background(), "c", TargetPaused); !errors.Is(err, ErrStopped) {
		t.Fatalf("write after Stop: %v", err)
	}
	if err := s.PutTargetState(context.Background(), "c", "RUNNING"); err == nil {
		t.Fatal("an invalid target state was accepted")
	}
}
