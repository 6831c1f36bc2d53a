package mqtt

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"github.com/tributary-connect/tributary/connector"
)

// ackInterval is how often paho.golang sends the acknowledgements released in order
// (EnableManualAcknowledgment batches them).
const ackInterval = 5 * time.Millisecond

// client5 speaks MQTT 5 through paho.golang's autopaho: fail-over across the server URIs,
// reconnect with back-off, resubscribe on every connection, manual acknowledgements.
type client5 struct {
	t *sourceTask
	d dialer

	cm *autopaho.ConnectionManager

	mu      sync.Mutex
	cli     *paho.Client // the connection the current queue belongs to
	queue   *ackQueue
	up      chan struct{} // closed after the first successful subscription
	upOnce  sync.Once
	lastErr error

	wg     sync.WaitGroup // subscription goroutines
	cancel context.CancelFunc
}

func newClient5(t *sourceTask, d dialer) *client5 {
	return &client5{t: t, d: d, queue: newAckQueue(t.window), up: make(chan struct{})}
}

func (c *client5) connect(ctx context.Context) error {
	s := c.t.s
	ctx, c.cancel = context.WithCancel(ctx)
	expiry := s.sessionExpiry
	if s.cleanSession {
		expiry = 0
	}
	receiveMax := s.receiveMaximum
	cfg := autopaho.ClientConfig{
		ServerUrls:                    s.servers,
		KeepAlive:                     s.keepAlive,
		CleanStartOnInitialConnection: s.cleanSession,
		SessionExpiryInterval:         expiry,
		ReconnectBackoff:              backoff(s.maxRetry),
		ConnectTimeout:                s.connectTimeout,
		AttemptConnection: func(ctx context.Context, _ autopaho.ClientConfig, u *url.URL) (net.Conn, error) {
			return c.d.dial(ctx, u)
		},
		OnConnectionUp:   c.connectionUp,
		OnConnectionDown: c.connectionDown,
		OnConnectError:   c.connectError,
		ConnectUsername:  s.username,
		ConnectPassword:  []byte(s.password),
		ConnectPacketBuilder: func(cp *paho.Connect, _ *url.URL) (*paho.Connect, error) {
			if cp.Properties == nil {
				cp.Properties = &paho.ConnectProperties{}
			}
			cp.Properties.ReceiveMaximum = &receiveMax
			cp.Properties.RequestProblemInfo = true
			return cp, nil
		},
		ClientConfig: paho.ClientConfig{
			ClientID:                   s.taskClientID,
			OnPublishReceived:          []func(paho.PublishReceived) (bool, error){c.published(ctx)},
			EnableManualAcknowledgment: true,
			SendAcksInterval:           ackInterval,
			OnServerDisconnect: func(d *paho.Disconnect) {
				c.t.log.Warn("the broker disconnected the client", "reason", reasonText(d.ReasonCode, disconnectReasons), "detail", disconnectDetail(d))
			},
			OnClientError: func(err error) { c.t.log.Debug("MQTT client error", "error", err) },
		},
	}
	cm, err := autopaho.NewConnection(ctx, cfg)
	if err != nil {
		c.cancel()
		return fmt.Errorf("MQTT client %s: %w", s.taskClientID, err)
	}
	c.cm = cm
	return c.awaitFirst(ctx)
}

// awaitFirst waits for the first connection and subscription, a refusal, or
// max.retry.time.ms.
func (c *client5) awaitFirst(ctx context.Context) error {
	deadline := time.NewTimer(c.t.s.maxRetry)
	defer deadline.Stop()
	select {
	case <-c.up:
		return nil
	case err := <-c.t.fatal:
		c.disconnect(ctx)
		return err
	case <-ctx.Done():
		c.disconnect(ctx)
		return ctx.Err()
	case <-deadline.C:
		c.mu.Lock()
		last := c.lastErr
		c.mu.Unlock()
		c.disconnect(ctx)
		if last == nil {
			last = errors.New("connected, but the subscription did not complete")
		}
		return fmt.Errorf("MQTT client %s could not connect to %s within %s (%s): last error: %w",
			c.t.s.taskClientID, serverList(c.t.s.servers), c.t.s.maxRetry, MaxRetryTimeConfig, last)
	}
}

func (c *client5) connectionUp(cm *autopaho.ConnectionManager, ca *paho.Connack) {
	c.t.log.Info("connected", "client_id", c.t.s.taskClientID, "session_present", ca.SessionPresent)
	if ca.SessionPresent {
		// The session holds the subscriptions already. The broker may be resending a large
		// backlog that fills the buffer before the SUBACK can be read: let the task start
		// polling now rather than after the subscription completes.
		c.upOnce.Do(func() { close(c.up) })
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if err := c.subscribe(cm); err != nil {
			c.t.fail(err)
			return
		}
		c.upOnce.Do(func() { close(c.up) })
	}()
}

// subscribe subscribes to this task's filters, then removes the subscriptions the session may
// hold from an earlier task layout. In that order: with the stale one removed first, a message
// published in between would match no subscription and the broker would discard it.
func (c *client5) subscribe(cm *autopaho.ConnectionManager) error {
	s := c.t.s
	ctx, cancel := context.WithTimeout(context.Background(), s.connectTimeout)
	defer cancel()
	if len(s.taskSubscribe) > 0 {
		sub := &paho.Subscribe{}
		for _, f := range s.taskSubscribe {
			o := paho.SubscribeOptions{Topic: f, QoS: s.qos}
			if s.retainedPolicy == RetainedSkipOnResubscribe {
				o.RetainHandling = 1
			}
			sub.Subscriptions = append(sub.Subscriptions, o)
		}
		sa, err := cm.Subscribe(ctx, sub)
		if sa != nil {
			for i, rc := range sa.Reasons {
				if rc >= 0x80 && i < len(s.taskSubscribe) {
					return fmt.Errorf("MQTT client %s: the broker refused the subscription to %q: %s",
						s.taskClientID, s.taskSubscribe[i], reasonText(rc, subackReasons))
				}
			}
		}
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, paho.ErrInvalidArguments) {
				return fmt.Errorf("MQTT client %s: subscribing to %v: %w", s.taskClientID, s.taskSubscribe, err)
			}
			c.t.log.Warn("subscribing failed; retrying on the next connection", "error", err)
			return nil
		}
		c.t.log.Info("subscribed", "filters", fmt.Sprint(s.taskSubscribe), "qos", s.qos)
	}
	if len(s.taskUnsubscribe) > 0 {
		if _, err := cm.Unsubscribe(ctx, &paho.Unsubscribe{Topics: s.taskUnsubscribe}); err != nil {
			c.t.log.Warn("unsubscribing from filters of an earlier task layout failed", "filters", fmt.Sprint(s.taskUnsubscribe), "error", err)
		}
	}
	return nil
}

func (c *client5) connectionDown() bool {
	c.mu.Lock()
	q := c.queue
	c.queue, c.cli = newAckQueue(c.t.window), nil
	c.mu.Unlock()
	c.t.log.Warn("connection to the MQTT broker lost; reconnecting", "unacknowledged", q.pending())
	q.close()
	return true
}

func (c *client5) connectError(err error) {
	c.mu.Lock()
	c.lastErr = err
	c.mu.Unlock()
	if fatal := fatalConnectError(err); fatal != nil {
		c.t.fail(fmt.Errorf("MQTT client %s: %w", c.t.s.taskClientID, fatal))
		return
	}
	c.t.log.Warn("connecting to the MQTT broker failed; retrying", "error", err)
}

// published is the PUBLISH handler; paho.golang calls it from one goroutine per connection.
func (c *client5) published(ctx context.Context) func(paho.PublishReceived) (bool, error) {
	return func(pr paho.PublishReceived) (bool, error) {
		p := pr.Packet
		c.mu.Lock()
		if c.cli != pr.Client {
			// The first message of a new connection (it may come before OnConnectionUp).
			c.queue.close()
			c.queue, c.cli = newAckQueue(c.t.window), pr.Client
		}
		q := c.queue
		c.mu.Unlock()
		var ack func()
		if p.QoS > 0 {
			cli := pr.Client
			ack = func() { _ = cli.Ack(p) }
		}
		m := message{
			topic: p.Topic, payload: p.Payload, qos: p.QoS, retained: p.Retain, duplicate: p.Duplicate(),
			packetID: p.PacketID,
		}
		if p.Properties != nil {
			m.headers = func(h *connector.Headers) { propertyHeaders(h, p.Properties) }
		}
		c.t.receive(ctx, c.t.own, m, q, ack)
		return true, nil
	}
}

// propertyHeaders adds the MQTT 5 PUBLISH properties: every user property under its own
// name, and the others under mqtt.* names.
func propertyHeaders(h *connector.Headers, p *paho.PublishProperties) {
	for _, u := range p.User {
		h.Add(u.Key, connector.StringSchema, u.Value)
	}
	if p.ContentType != "" {
		h.Add(HeaderContentType, connector.StringSchema, p.ContentType)
	}
	if p.PayloadFormat != nil {
		h.Add(HeaderPayloadFormat, connector.Int32Schema, int32(*p.PayloadFormat))
	}
	if p.CorrelationData != nil {
		h.Add(HeaderCorrelation, connector.BytesSchema, p.CorrelationData)
	}
	if p.ResponseTopic != "" {
		h.Add(HeaderResponseTopic, connector.StringSchema, p.ResponseTopic)
	}
	if p.MessageExpiry != nil {
		h.Add(HeaderExpiry, connector.Int64Schema, int64(*p.MessageExpiry))
	}
}

func (c *client5) disconnect(ctx context.Context) {
	if c.cm != nil {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		_ = c.cm.Disconnect(dctx) // DISCONNECT with reason 0: the session is kept
		cancel()
	}
	if c.cancel != nil {
		c.cancel()
	}
	if c.cm != nil {
		<-c.cm.Done()
	}
	c.wg.Wait()
}

// backoff waits 0 before the first attempt, then 100 ms doubling up to min(5 s, maxRetry).
func backoff(maxRetry time.Duration) func(int) time.Duration {
	ceiling := min(5*time.Second, max(maxRetry, 100*time.Millisecond))
	return func(attempt int) time.Duration {
		if attempt == 0 {
			return 0
		}
		d := 100 * time.Millisecond << min(attempt-1, 16)
		return min(d, ceiling)
	}
}

// fatalConnectError returns a readable error when err is a refusal that retrying cannot fix
// (bad credentials, not authorized, a certificate problem), or nil.
func fatalConnectError(err error) error {
	var ce *autopaho.ConnackError
	if errors.As(err, &ce) {
		switch ce.ReasonCode {
		case 0x84, 0x85, 0x86, 0x87, 0x8A, 0x8C:
			msg := "the broker refused the connection: " + reasonText(ce.ReasonCode, connackReasons)
			if ce.Reason != "" {
				msg += " (" + ce.Reason + ")"
			}
			return errors.New(msg)
		}
		return nil
	}
	return fatalTLSError(err)
}

// fatalTLSError recognises certificate problems on either side of the handshake.
func fatalTLSError(err error) error {
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &unknown), errors.As(err, &invalid), errors.As(err, &host), errors.As(err, &verify):
		return fmt.Errorf("TLS: the broker's certificate is not trusted: %w", err)
	case strings.Contains(err.Error(), "remote error: tls:"):
		return fmt.Errorf("TLS: the broker refused the client certificate: %w", err)
	}
	return nil
}

func serverList(us []*url.URL) string {
	var b []string
	for _, u := range us {
		b = append(b, u.Redacted())
	}
	return strings.Join(b, ",")
}

func reasonText(code byte, names map[byte]string) string {
	if n, ok := names[code]; ok {
		return fmt.Sprintf("reason code 0x%02X %s", code, n)
	}
	return fmt.Sprintf("reason code 0x%02X", code)
}

func disconnectDetail(d *paho.Disconnect) string {
	if d.Properties != nil {
		return d.Properties.ReasonString
	}
	return ""
}

// MQTT 5 reason codes (OASIS MQTT 5.0 §2.4) by packet.
var (
	connackReasons = map[byte]string{
		0x80: "Unspecified error", 0x81: "Malformed Packet", 0x82: "Protocol Error", 0x83: "Implementation specific error",
		0x84: "Unsupported Protocol Version", 0x85: "Client Identifier not valid", 0x86: "Bad User Name or Password",
		0x87: "Not authorized", 0x88: "Server unavailable", 0x89: "Server busy", 0x8A: "Banned",
		0x8C: "Bad authentication method", 0x90: "Topic Name invalid", 0x95: "Packet too large",
		0x97: "Quota exceeded", 0x99: "Payload format invalid", 0x9A: "Retain not supported",
		0x9B: "QoS not supported", 0x9C: "Use another server", 0x9D: "Server moved", 0x9F: "Connection rate exceeded",
	}
	subackReasons = map[byte]string{
		0x80: "Unspecified error", 0x83: "Implementation specific error", 0x87: "Not authorized",
		0x8F: "Topic Filter invalid", 0x91: "Packet Identifier in use", 0x97: "Quota exceeded",
		0x9E: "Shared Subscriptions not supported", 0xA1: "Subscription Identifiers not supported",
		0xA2: "Wildcard Subscriptions not supported",
	}
	disconnectReasons = map[byte]string{
		0x00: "Normal disconnection", 0x80: "Unspecified error", 0x81: "Malformed Packet", 0x82: "Protocol Error",
		0x83: "Implementation specific error", 0x87: "Not authorized", 0x89: "Server busy", 0x8B: "Server shutting down",
		0x8D: "Keep Alive timeout", 0x8E: "Session taken over (another client connected with this client id)",
		0x8F: "Topic Filter invalid", 0x90: "Topic Name invalid", 0x93: "Receive Maximum exceeded",
		0x94: "Topic Alias invalid", 0x95: "Packet too large", 0x96: "Message rate too high", 0x97: "Quota exceeded",
		0x98: "Administrative action", 0x99: "Payload format invalid", 0x9C: "Use another server", 0x9D: "Server moved",
		0x9E: "Shared Subscriptions not supported", 0x9F: "Connection rate exceeded", 0xA0: "Maximum connect time",
	}
)
