package mqtt

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/paho"
	pahov3 "github.com/eclipse/paho.mqtt.golang"

	"github.com/tributary-connect/tributary/connector"
)

// drainIdle is how long a drained session must stay quiet, with every message it delivered
// acknowledged, before it is considered empty. The broker sends queued messages as soon as
// acknowledgements free its in-flight window, so a quiet second after the last ack means the
// queue is empty.
const drainIdle = time.Second

// removedSessions, detachRemoved and drainRemoved run on task 0. When tasks.max was lowered, the sessions of the removed tasks
// (client ids <prefix>-N … with N the new task count) are still on the broker: they hold the
// messages queued while their task was away, and as members of the shared subscription (or
// subscribers of a filter now dealt to another task) they keep receiving messages that no one
// would read until the session expires. Before it subscribes, task 0 connects as each of
// them and unsubscribes it from every filter, so no new message is routed there; once
// running, it connects as each in turn again, forwards the queued messages to Kafka like its
// own (under that client id's source partition), and ends the session once it is empty and
// every message is acknowledged.
//
// The removed client ids are those below the task count task 0's last committed offset
// recorded, and any further id that has a committed offset.
func (t *sourceTask) removedSessions(ctx context.Context) ([]*origin, error) {
	prefix := strings.TrimSuffix(t.s.taskClientID, "-"+strconv.Itoa(t.s.taskIndex))
	var removed []*origin
	for k := t.s.taskCount; ctx.Err() == nil; k++ {
		o, err := t.origin(ctx, prefix+"-"+strconv.Itoa(k))
		if err != nil {
			return nil, fmt.Errorf("reading the offsets of removed tasks: %w", err)
		}
		if int64(k) >= t.own.tasks && o.messages.Load() == 0 {
			break
		}
		removed = append(removed, o)
	}
	return removed, nil
}

// detachRemoved takes every removed session out of the subscriptions. Task 0 runs it before
// it subscribes itself, so no removed session queues a share of a message that task 0 also
// receives. It returns the sessions to drain (those it could detach).
func (t *sourceTask) detachRemoved(ctx context.Context, d dialer) []*origin {
	removed, err := t.removedSessions(ctx)
	if err != nil {
		t.log.Warn("the sessions of removed tasks are not drained", "error", err)
		return nil
	}
	var out []*origin
	for _, o := range removed {
		if t.s.version == Version311 {
			err = t.detach311(ctx, d, o)
		} else {
			err = t.detach5(ctx, d, o)
		}
		if err != nil {
			t.log.Warn("unsubscribing the session of a removed task failed; it is retried when this task restarts",
				"client_id", o.clientID, "error", err)
			continue
		}
		out = append(out, o)
	}
	return out
}

// drainRemoved forwards what the detached sessions hold, one after the other, and ends them.
func (t *sourceTask) drainRemoved(ctx context.Context, d dialer, removed []*origin) {
	for _, o := range removed {
		start := time.Now()
		var n int64
		var err error
		if t.s.version == Version311 {
			n, err = t.drain311(ctx, d, o)
		} else {
			n, err = t.drain5(ctx, d, o)
		}
		if err != nil {
			if ctx.Err() == nil {
				t.log.Warn("draining the session of a removed task failed; it is retried when this task restarts",
					"client_id", o.clientID, "error", err)
			}
			return
		}
		t.log.Info("drained the session of a removed task", "client_id", o.clientID, "messages", n, "took", time.Since(start))
	}
}

// allFilterForms is every form of every configured filter (plain and, on MQTT 5, shared),
// which a removed task's session may hold.
func (t *sourceTask) allFilterForms() []string {
	var out []string
	for _, f := range t.s.topics {
		f = strings.TrimSpace(f)
		out = append(out, f)
		if t.s.version == Version5 && !strings.HasPrefix(f, "$share/") {
			out = append(out, "$share/"+t.s.sharedGroup+"/"+f)
		}
	}
	return out
}

// awaitDrained waits until the session was quiet for drainIdle with nothing unacknowledged.
func awaitDrained(ctx context.Context, q *ackQueue, last *atomic.Int64) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			if q.pending() == 0 && time.Since(time.Unix(0, last.Load())) >= drainIdle {
				// Let the last acknowledgements go out before the session ends.
				select {
				case <-time.After(4 * ackInterval):
				case <-ctx.Done():
					return ctx.Err()
				}
				return nil
			}
		}
	}
}

// connect5 connects as a removed task's client id, resuming its session (Clean Start 0) with
// the given Session Expiry, trying the servers in order.
func (t *sourceTask) connect5(ctx context.Context, d dialer, o *origin, expiry uint32, handler func(paho.PublishReceived) (bool, error)) (*paho.Client, *paho.Connack, error) {
	s := t.s
	var lastErr error
	for _, u := range s.servers {
		cctx, cancel := context.WithTimeout(ctx, s.connectTimeout)
		conn, err := d.dial(cctx, u)
		cancel()
		if err != nil {
			lastErr = err
			continue
		}
		cli := paho.NewClient(paho.ClientConfig{
			ClientID:                   o.clientID,
			Conn:                       conn,
			EnableManualAcknowledgment: true,
			SendAcksInterval:           ackInterval,
			OnPublishReceived:          []func(paho.PublishReceived) (bool, error){handler},
		})
		receiveMax := s.receiveMaximum
		cp := &paho.Connect{
			ClientID: o.clientID, KeepAlive: s.keepAlive, CleanStart: false,
			Properties: &paho.ConnectProperties{SessionExpiryInterval: &expiry, ReceiveMaximum: &receiveMax},
		}
		if s.username != "" {
			cp.UsernameFlag, cp.Username = true, s.username
		}
		if s.password != "" {
			cp.PasswordFlag, cp.Password = true, []byte(s.password)
		}
		cctx, cancel = context.WithTimeout(ctx, s.connectTimeout)
		ca, err := cli.Connect(cctx, cp)
		cancel()
		if err != nil {
			lastErr = err
			_ = conn.Close()
			continue
		}
		return cli, ca, nil
	}
	return nil, nil, fmt.Errorf("no broker reachable: %w", lastErr)
}

// detach5 unsubscribes a removed session from every filter and leaves it, with its queue,
// for drain5. Messages the broker sends meanwhile are not acknowledged: they come again.
func (t *sourceTask) detach5(ctx context.Context, d dialer, o *origin) error {
	cli, ca, err := t.connect5(ctx, d, o, max(t.s.sessionExpiry, 60), func(paho.PublishReceived) (bool, error) { return true, nil })
	if err != nil {
		return err
	}
	if ca.SessionPresent {
		uctx, cancel := context.WithTimeout(ctx, t.s.connectTimeout)
		_, err = cli.Unsubscribe(uctx, &paho.Unsubscribe{Topics: t.allFilterForms()})
		cancel()
	}
	_ = cli.Disconnect(&paho.Disconnect{ReasonCode: 0})
	return err
}

// drain5 empties one MQTT 5 session: CONNECT with Clean Start 0 and Session Expiry 0 (the
// session ends with this connection), UNSUBSCRIBE from every filter (again), then receive.
func (t *sourceTask) drain5(ctx context.Context, d dialer, o *origin) (int64, error) {
	var n, last atomic.Int64
	last.Store(time.Now().UnixNano())
	q := newAckQueue(t.window)
	defer q.close()
	cli, ca, err := t.connect5(ctx, d, o, 0, func(pr paho.PublishReceived) (bool, error) {
		p := pr.Packet
		var ack func()
		if p.QoS > 0 {
			ack = func() { _ = pr.Client.Ack(p) }
		}
		m := message{topic: p.Topic, payload: p.Payload, qos: p.QoS, retained: p.Retain, duplicate: p.Duplicate(), packetID: p.PacketID}
		if p.Properties != nil {
			m.headers = func(h *connector.Headers) { propertyHeaders(h, p.Properties) }
		}
		n.Add(1)
		t.receive(ctx, o, m, q, ack)
		last.Store(time.Now().UnixNano())
		return true, nil
	})
	if err != nil {
		return 0, err
	}
	if ca.SessionPresent {
		uctx, cancel := context.WithTimeout(ctx, t.s.connectTimeout)
		_, err = cli.Unsubscribe(uctx, &paho.Unsubscribe{Topics: t.allFilterForms()})
		cancel()
		if err == nil {
			err = awaitDrained(ctx, q, &last)
		}
	}
	_ = cli.Disconnect(&paho.Disconnect{ReasonCode: 0})
	return n.Load(), err
}

// detach311 unsubscribes a removed 3.1.1 session from every filter and leaves it, with its
// queue, for drain311. Messages the broker sends meanwhile are not acknowledged.
func (t *sourceTask) detach311(ctx context.Context, d dialer, o *origin) error {
	s := t.s
	opts := pahov3.NewClientOptions().SetProtocolVersion(4).SetClientID(o.clientID).SetCleanSession(false).
		SetUsername(s.username).SetPassword(s.password).SetKeepAlive(time.Duration(s.keepAlive) * time.Second).
		SetConnectTimeout(s.connectTimeout).SetAutoReconnect(false).SetAutoAckDisabled(true).
		SetCustomOpenConnectionFn(func(u *url.URL, _ pahov3.ClientOptions) (net.Conn, error) {
			dctx, cancel := context.WithTimeout(ctx, s.connectTimeout)
			defer cancel()
			return d.dial(dctx, u)
		}).
		SetDefaultPublishHandler(func(pahov3.Client, pahov3.Message) {})
	for _, u := range s.servers {
		opts.AddBroker(u.String())
	}
	cli := pahov3.NewClient(opts)
	tok := cli.Connect()
	tok.Wait()
	if err := tok.Error(); err != nil {
		return err
	}
	defer cli.Disconnect(250)
	ut := cli.Unsubscribe(t.allFilterForms()...)
	if !ut.WaitTimeout(s.connectTimeout) {
		return errors.New("no UNSUBACK in time")
	}
	return ut.Error()
}

// drain311 empties one MQTT 3.1.1 session: CONNECT with clean session 0, UNSUBSCRIBE, receive
// until quiet, then CONNECT once more with clean session 1 to end the session.
func (t *sourceTask) drain311(ctx context.Context, d dialer, o *origin) (int64, error) {
	s := t.s
	var n, last atomic.Int64
	last.Store(time.Now().UnixNano())
	q := newAckQueue(t.window)
	opts := func(clean bool) *pahov3.ClientOptions {
		o3 := pahov3.NewClientOptions().SetProtocolVersion(4).SetClientID(o.clientID).SetCleanSession(clean).
			SetUsername(s.username).SetPassword(s.password).SetKeepAlive(time.Duration(s.keepAlive) * time.Second).
			SetConnectTimeout(s.connectTimeout).SetAutoReconnect(false).SetAutoAckDisabled(true).SetOrderMatters(true).
			SetCustomOpenConnectionFn(func(u *url.URL, _ pahov3.ClientOptions) (net.Conn, error) {
				dctx, cancel := context.WithTimeout(ctx, s.connectTimeout)
				defer cancel()
				return d.dial(dctx, u)
			}).
			SetDefaultPublishHandler(func(_ pahov3.Client, msg pahov3.Message) {
				var ack func()
				if msg.Qos() > 0 {
					ack = msg.Ack
				}
				n.Add(1)
				t.receive(ctx, o, message{topic: msg.Topic(), payload: msg.Payload(), qos: msg.Qos(), retained: msg.Retained(),
					duplicate: msg.Duplicate(), packetID: msg.MessageID()}, q, ack)
				last.Store(time.Now().UnixNano())
			})
		for _, u := range s.servers {
			o3.AddBroker(u.String())
		}
		return o3
	}
	cli := pahov3.NewClient(opts(false))
	tok := cli.Connect()
	tok.Wait()
	if err := tok.Error(); err != nil {
		return 0, err
	}
	defer q.close()
	var err error
	if ct, ok := tok.(*pahov3.ConnectToken); ok && ct.SessionPresent() {
		ut := cli.Unsubscribe(t.allFilterForms()...)
		if !ut.WaitTimeout(s.connectTimeout) {
			err = errors.New("no UNSUBACK in time")
		} else if err = ut.Error(); err == nil {
			err = awaitDrained(ctx, q, &last)
		}
	}
	cli.Disconnect(250)
	if err != nil {
		return n.Load(), err
	}
	// End the session: a clean-session connection discards it.
	end := pahov3.NewClient(opts(true))
	if tok := end.Connect(); tok.Wait() && tok.Error() != nil {
		return n.Load(), tok.Error()
	}
	end.Disconnect(0)
	return n.Load(), nil
}
