package mqtt

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/coder/websocket"
)

// dialer opens the network connection to one broker URI: TCP, TLS, or MQTT over WebSockets
// (subprotocol "mqtt", one MQTT packet per binary message).
type dialer struct {
	tls *tls.Config // nil: the system roots and no client certificate
}

func (d dialer) dial(ctx context.Context, u *url.URL) (net.Conn, error) {
	var conn net.Conn
	var err error
	switch strings.ToLower(u.Scheme) {
	case "tcp", "mqtt":
		var nd net.Dialer
		conn, err = nd.DialContext(ctx, "tcp", u.Host)
	case "ssl", "mqtts", "tls":
		td := tls.Dialer{Config: d.tlsConfig()}
		conn, err = td.DialContext(ctx, "tcp", u.Host)
	case "ws", "wss":
		conn, err = d.dialWebSocket(ctx, u)
	default:
		return nil, fmt.Errorf("unsupported scheme %q", u.Scheme)
	}
	if err != nil {
		return nil, err
	}
	return &packetConn{Conn: conn, r: bufio.NewReaderSize(conn, 64<<10)}, nil
}

func (d dialer) tlsConfig() *tls.Config {
	if d.tls == nil {
		return &tls.Config{MinVersion: tls.VersionTLS12}
	}
	return d.tls.Clone()
}

// dialWebSocket connects to a ws:// or wss:// URI. The connection outlives ctx (which only
// bounds the handshake).
func (d dialer) dialWebSocket(ctx context.Context, u *url.URL) (net.Conn, error) {
	opts := &websocket.DialOptions{Subprotocols: []string{"mqtt"}}
	if strings.EqualFold(u.Scheme, "wss") {
		opts.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: d.tlsConfig()}}
	}
	c, _, err := websocket.Dial(ctx, u.String(), opts) //nolint:bodyclose // coder/websocket: "You never need to close resp.Body yourself"
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(-1) // MQTT enforces its own packet size limits
	return websocket.NetConn(context.Background(), c, websocket.MessageBinary), nil
}

// packetConn hands each complete MQTT packet to the connection in one Write, under a lock.
// paho.golang writes a packet in several Write calls (fixed header, then the rest), from more
// than one goroutine; interleaved, they corrupt the stream, and even alone they made Mosquitto
// 2.0's TLS listener intermittently report a malformed packet. Over WebSockets one Write is one
// message, and brokers expect whole packets per message.
//
// Reads go through a buffer: the MQTT clients read a packet in two or three small reads
// (fixed header, length, body), one system call each without it.
type packetConn struct {
	net.Conn
	r      *bufio.Reader // one reader: the client's read loop
	packet sync.Mutex    // held by a writer for a whole packet (see Lock)
	mu     sync.Mutex    // guards buf
	buf    []byte
}

func (c *packetConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func (c *packetConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf = append(c.buf, p...)
	for {
		n := mqttPacketLen(c.buf)
		if n == 0 {
			return len(p), nil
		}
		if _, err := c.Conn.Write(c.buf[:n]); err != nil {
			c.buf = c.buf[:0]
			return 0, err
		}
		c.buf = c.buf[:copy(c.buf, c.buf[n:])]
	}
}

// Lock and Unlock make packetConn a sync.Locker, which paho.golang's packet writers hold
// around all the writes of one packet, so packets from different goroutines do not interleave.
func (c *packetConn) Lock()   { c.packet.Lock() }
func (c *packetConn) Unlock() { c.packet.Unlock() }

// mqttPacketLen is the length of the complete MQTT packet at the start of b, or 0.
func mqttPacketLen(b []byte) int {
	remaining, mult := 0, 1
	for i := 1; i < len(b) && i <= 4; i++ {
		remaining += int(b[i]&0x7f) * mult
		if b[i]&0x80 == 0 {
			if total := 1 + i + remaining; len(b) >= total {
				return total
			}
			return 0
		}
		mult *= 128
	}
	return 0
}
