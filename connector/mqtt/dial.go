package mqtt

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/coder/websocket"

	"github.com/tributary-connect/tributary/internal/mqttconn"
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
	return mqttconn.New(conn, 64<<10), nil
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
