package transforms

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"
	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tributary-connect/tributary/internal/mqttconn"
)

// spbRebirth asks edge nodes for a rebirth: it publishes the Sparkplug B NCMD
// "Node Control/Rebirth" = true to spBv1.0/<group>/NCMD/<edge> with its own MQTT 5 client.
//
// request only queues (it never blocks on the network); one goroutine, started with the
// first request, connects and publishes. At most one request per edge node is queued per
// min.interval. Close stops the goroutine and disconnects.
type spbRebirth struct {
	servers     []*url.URL
	username    string
	password    string
	clientID    string
	qos         byte
	minInterval time.Duration
	tls         *tls.Config
	log         hclog.Logger
	now         func() time.Time

	mu      sync.Mutex
	last    map[string]time.Time // group/edge → when its last rebirth was queued
	started bool
	closed  bool
	queue   chan spbNodeID
	stop    context.CancelFunc
	done    chan struct{}

	published atomic.Int64 // NCMDs handed to the broker
	failed    atomic.Int64 // NCMDs given up on (no connection in time, publish error)
}

type spbNodeID struct{ group, edge string }

// spbRebirthQueue bounds the queued requests; beyond it a request is refused (the record
// then carries no sparkplug.rebirth.requested header).
const spbRebirthQueue = 1024

// spbRebirthPublishTimeout bounds waiting for the connection and the publish of one NCMD.
const spbRebirthPublishTimeout = 10 * time.Second

func newSpbRebirth(log hclog.Logger, servers []string, username, password, clientID string, qos byte, minInterval time.Duration, caFile, certFile, keyFile string) (*spbRebirth, error) {
	r := &spbRebirth{username: username, password: password, clientID: clientID, qos: qos, minInterval: minInterval,
		now: time.Now, last: map[string]time.Time{}, log: log}
	if len(servers) == 0 {
		return nil, errors.New("rebirth.mqtt.server.uri is required with rebirth.enabled=true")
	}
	for _, s := range servers {
		u, err := url.Parse(strings.TrimSpace(s))
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("rebirth.mqtt.server.uri: %q is not a URI such as tcp://host:1883", s)
		}
		switch strings.ToLower(u.Scheme) {
		case "tcp", "mqtt", "ssl", "tls", "mqtts":
		default:
			return nil, fmt.Errorf("rebirth.mqtt.server.uri: %q: unsupported scheme (tcp, mqtt, ssl, tls, mqtts)", s)
		}
		r.servers = append(r.servers, u)
	}
	if r.clientID == "" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		r.clientID = "tributary-spb-rebirth-" + hex.EncodeToString(b)
	}
	r.tls = &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("rebirth.mqtt.ssl.ca.file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("rebirth.mqtt.ssl.ca.file: no PEM certificate in %s", caFile)
		}
		r.tls.RootCAs = pool
	}
	if (certFile == "") != (keyFile == "") {
		return nil, errors.New("rebirth.mqtt.ssl.cert.file and rebirth.mqtt.ssl.key.file go together")
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("rebirth.mqtt.ssl.cert.file/key.file: %w", err)
		}
		r.tls.Certificates = []tls.Certificate{cert}
	}
	return r, nil
}

// request queues a rebirth of the edge node unless one was queued within min.interval; it
// reports whether it queued one.
func (r *spbRebirth) request(group, edge string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	key := group + "/" + edge
	now := r.now()
	if t, ok := r.last[key]; ok && now.Sub(t) < r.minInterval {
		return false
	}
	if !r.started {
		r.start()
	}
	select {
	case r.queue <- spbNodeID{group, edge}:
	default:
		return false
	}
	if len(r.last) >= 4096 { // forget nodes whose interval has passed
		for k, t := range r.last {
			if now.Sub(t) >= r.minInterval {
				delete(r.last, k)
			}
		}
	}
	r.last[key] = now
	return true
}

// start starts the publishing goroutine (r.mu held).
func (r *spbRebirth) start() {
	ctx, cancel := context.WithCancel(context.Background())
	r.started, r.stop, r.done = true, cancel, make(chan struct{})
	r.queue = make(chan spbNodeID, spbRebirthQueue)
	go r.run(ctx)
}

func (r *spbRebirth) run(ctx context.Context) {
	defer close(r.done)
	connCtx, connCancel := context.WithCancel(context.Background())
	defer connCancel()
	cfg := autopaho.ClientConfig{
		ServerUrls:                    r.servers,
		KeepAlive:                     30,
		CleanStartOnInitialConnection: true,
		SessionExpiryInterval:         0,
		ConnectTimeout:                spbRebirthPublishTimeout,
		ReconnectBackoff: func(attempt int) time.Duration { // at once, then 0.2 s doubling to 5 s
			if attempt == 0 {
				return 0
			}
			return min(200*time.Millisecond<<min(attempt-1, 8), 5*time.Second)
		},
		AttemptConnection: func(ctx context.Context, _ autopaho.ClientConfig, u *url.URL) (net.Conn, error) {
			return r.dial(ctx, u)
		},
		ConnectUsername: r.username,
		ConnectPassword: []byte(r.password),
		OnConnectError: func(err error) {
			r.log.Warn("cannot connect to publish Sparkplug rebirth requests", "error", err)
		},
		ClientConfig: paho.ClientConfig{ClientID: r.clientID},
	}
	cm, err := autopaho.NewConnection(connCtx, cfg)
	if err != nil {
		r.log.Error("cannot start the MQTT client for Sparkplug rebirth requests", "error", err)
		for {
			select {
			case <-ctx.Done():
				return
			case <-r.queue:
				r.failed.Add(1)
			}
		}
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = cm.Disconnect(dctx)
		connCancel()
		select {
		case <-cm.Done():
		case <-dctx.Done():
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-r.queue:
			r.publish(ctx, cm, n)
		}
	}
}

func (r *spbRebirth) publish(parent context.Context, cm *autopaho.ConnectionManager, n spbNodeID) {
	ctx, cancel := context.WithTimeout(parent, spbRebirthPublishTimeout)
	defer cancel()
	topic := "spBv1.0/" + n.group + "/NCMD/" + n.edge
	fail := func(msg string, err error) {
		r.failed.Add(1)
		if parent.Err() != nil { // Close
			r.log.Debug(msg+" (closing)", "topic", topic, "error", err)
			return
		}
		r.log.Warn(msg, "topic", topic, "error", err)
	}
	if err := cm.AwaitConnection(ctx); err != nil {
		fail("Sparkplug rebirth request not sent: no MQTT connection", err)
		return
	}
	_, err := cm.Publish(ctx, &paho.Publish{Topic: topic, QoS: r.qos, Payload: spbRebirthPayload(r.now())})
	if err != nil {
		fail("Sparkplug rebirth request not sent", err)
		return
	}
	r.published.Add(1)
	r.log.Info("asked a Sparkplug edge node for a rebirth", "topic", topic)
}

// Close stops the goroutine and disconnects; requests still queued are not sent.
func (r *spbRebirth) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	started := r.started
	r.mu.Unlock()
	if started {
		r.stop()
		<-r.done
	}
}

// spbRebirthPayload is the Payload of a rebirth NCMD: 1 timestamp, 2 one Metric {1 name
// "Node Control/Rebirth", 3 timestamp, 4 datatype Boolean (11), 14 boolean_value true}.
func spbRebirthPayload(now time.Time) []byte {
	ts := uint64(now.UnixMilli())
	var m []byte
	m = protowire.AppendTag(m, 1, protowire.BytesType)
	m = protowire.AppendString(m, "Node Control/Rebirth")
	m = protowire.AppendTag(m, 3, protowire.VarintType)
	m = protowire.AppendVarint(m, ts)
	m = protowire.AppendTag(m, 4, protowire.VarintType)
	m = protowire.AppendVarint(m, uint64(spbBoolean))
	m = protowire.AppendTag(m, 14, protowire.VarintType)
	m = protowire.AppendVarint(m, 1)
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, ts)
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	return protowire.AppendBytes(b, m)
}

// dial opens a TCP or TLS connection wrapped so that each MQTT packet is one Write under a
// lock (paho writes a packet in pieces, from several goroutines).
func (r *spbRebirth) dial(ctx context.Context, u *url.URL) (net.Conn, error) {
	host := u.Host
	var conn net.Conn
	var err error
	switch strings.ToLower(u.Scheme) {
	case "ssl", "tls", "mqtts":
		if u.Port() == "" {
			host = net.JoinHostPort(u.Hostname(), "8883")
		}
		cfg := r.tls.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = u.Hostname()
		}
		conn, err = (&tls.Dialer{Config: cfg}).DialContext(ctx, "tcp", host)
	default:
		if u.Port() == "" {
			host = net.JoinHostPort(u.Hostname(), "1883")
		}
		var d net.Dialer
		conn, err = d.DialContext(ctx, "tcp", host)
	}
	if err != nil {
		return nil, err
	}
	return mqttconn.New(conn, 0), nil
}
