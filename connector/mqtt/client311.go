package mqtt

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sync"
	"time"

	pahov3 "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"
)

// client311 speaks MQTT 3.1.1 through paho.mqtt.golang: auto-ack disabled, messages handed
// over in order, reconnect with back-off and resubscribe on every connection.
type client311 struct {
	t   *sourceTask
	d   dialer
	cli pahov3.Client

	// gen guards the current connection's ack queue: acks of messages from a lost connection
	// are dropped (the broker sends those messages again), so an old packet id never reaches
	// a new connection.
	gen   sync.Mutex
	queue *ackQueue

	up     chan struct{}
	upOnce sync.Once
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
}

func newClient311(t *sourceTask, d dialer) *client311 {
	return &client311{t: t, d: d, queue: newAckQueue(t.window), up: make(chan struct{})}
}

func (c *client311) connect(ctx context.Context) error {
	s := c.t.s
	c.ctx, c.cancel = context.WithCancel(ctx)
	opts := pahov3.NewClientOptions().
		SetProtocolVersion(4).
		SetClientID(s.taskClientID).
		SetCleanSession(s.cleanSession).
		SetUsername(s.username).
		SetPassword(s.password).
		SetKeepAlive(time.Duration(s.keepAlive) * time.Second).
		SetConnectTimeout(s.connectTimeout).
		SetAutoReconnect(true).
		SetMaxReconnectInterval(min(5*time.Second, max(s.maxRetry, 100*time.Millisecond))).
		SetConnectRetry(false).
		SetAutoAckDisabled(true).
		SetOrderMatters(true).
		SetResumeSubs(false).
		SetCustomOpenConnectionFn(func(u *url.URL, _ pahov3.ClientOptions) (net.Conn, error) {
			dctx, cancel := context.WithTimeout(c.ctx, s.connectTimeout)
			defer cancel()
			return c.d.dial(dctx, u)
		}).
		SetOnConnectHandler(c.connected).
		SetConnectionLostHandler(c.lost).
		SetDefaultPublishHandler(c.published)
	for _, u := range s.servers {
		opts.AddBroker(u.String())
	}
	c.cli = pahov3.NewClient(opts)

	// The first connection: retried until max.retry.time.ms, unless refused for good.
	deadline := time.Now().Add(s.maxRetry)
	next := backoff(s.maxRetry)
	for attempt := 0; ; attempt++ {
		tok := c.cli.Connect()
		tok.Wait()
		err := tok.Error()
		if err == nil {
			if ct, ok := tok.(*pahov3.ConnectToken); ok && ct.SessionPresent() {
				// The session holds the subscriptions already (see client5.connectionUp).
				c.upOnce.Do(func() { close(c.up) })
			}
			break
		}
		if fatal := fatalConnectError311(err); fatal != nil {
			c.cancel()
			return fmt.Errorf("MQTT client %s: %w", s.taskClientID, fatal)
		}
		if time.Now().After(deadline) {
			c.cancel()
			return fmt.Errorf("MQTT client %s could not connect to %s within %s (%s): last error: %w",
				s.taskClientID, serverList(s.servers), s.maxRetry, MaxRetryTimeConfig, err)
		}
		c.t.log.Warn("connecting to the MQTT broker failed; retrying", "error", err)
		select {
		case <-time.After(next(attempt + 1)):
		case <-ctx.Done():
			c.cancel()
			return ctx.Err()
		}
	}
	select {
	case <-c.up:
		return nil
	case err := <-c.t.fatal:
		c.disconnect(ctx)
		return err
	case <-ctx.Done():
		c.disconnect(ctx)
		return ctx.Err()
	}
}

// connected runs on every (re)connection: it subscribes, then drops stale subscriptions.
func (c *client311) connected(cl pahov3.Client) {
	s := c.t.s
	c.t.log.Info("connected", "client_id", s.taskClientID)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		filters := make(map[string]byte, len(s.taskSubscribe))
		for _, f := range s.taskSubscribe {
			filters[f] = s.qos
		}
		if len(filters) > 0 {
			tok := cl.SubscribeMultiple(filters, nil)
			if !tok.WaitTimeout(s.connectTimeout) {
				c.t.log.Warn("no SUBACK in time; retrying on the next connection")
				return
			}
			if err := tok.Error(); err != nil {
				c.t.log.Warn("subscribing failed; retrying on the next connection", "error", err)
				return
			}
			if st, ok := tok.(*pahov3.SubscribeToken); ok {
				for f, rc := range st.Result() {
					if rc == 0x80 {
						c.t.fail(fmt.Errorf("MQTT client %s: the broker refused the subscription to %q (SUBACK return code 0x80)", s.taskClientID, f))
						return
					}
				}
			}
			c.t.log.Info("subscribed", "filters", fmt.Sprint(s.taskSubscribe), "qos", s.qos)
		}
		// Stale subscriptions go after the new ones are in place (see client5.subscribe).
		if len(s.taskUnsubscribe) > 0 {
			tok := cl.Unsubscribe(s.taskUnsubscribe...)
			if tok.WaitTimeout(s.connectTimeout) && tok.Error() != nil {
				c.t.log.Warn("unsubscribing from filters of an earlier task layout failed", "error", tok.Error())
			}
		}
		c.upOnce.Do(func() { close(c.up) })
	}()
}

func (c *client311) lost(_ pahov3.Client, err error) {
	c.gen.Lock()
	q := c.queue
	c.queue = newAckQueue(c.t.window)
	c.gen.Unlock()
	c.t.log.Warn("connection to the MQTT broker lost; reconnecting", "error", err, "unacknowledged", q.pending())
	q.close()
}

// published is the PUBLISH handler: with OrderMatters, paho calls it from one goroutine, in
// arrival order.
func (c *client311) published(_ pahov3.Client, msg pahov3.Message) {
	c.gen.Lock()
	q := c.queue
	c.gen.Unlock()
	var ack func()
	if msg.Qos() > 0 {
		ack = msg.Ack
	}
	c.t.receive(c.ctx, c.t.own, message{
		topic: msg.Topic(), payload: msg.Payload(), qos: msg.Qos(), retained: msg.Retained(),
		duplicate: msg.Duplicate(), packetID: msg.MessageID(),
	}, q, ack)
}

func (c *client311) disconnect(context.Context) {
	if c.cancel != nil {
		c.cancel()
	}
	if c.cli != nil {
		c.cli.Disconnect(250)
	}
	c.wg.Wait()
}

// fatalConnectError311 recognises refusals that retrying cannot fix.
func fatalConnectError311(err error) error {
	for _, e := range []error{packets.ErrorRefusedBadUsernameOrPassword, packets.ErrorRefusedNotAuthorised,
		packets.ErrorRefusedIDRejected, packets.ErrorRefusedBadProtocolVersion} {
		if errors.Is(err, e) {
			return fmt.Errorf("the broker refused the connection: %w", err)
		}
	}
	return fatalTLSError(err)
}
