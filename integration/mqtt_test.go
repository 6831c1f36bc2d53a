//go:build integration

package integration

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"

	"github.com/tributary-connect/tributary/internal/testenv"
)

// mqttDial opens a connection to an MQTT listener given as tcp://host:port or ssl://host:port.
func mqttDial(ctx context.Context, t *testing.T, addr string, tlsCfg *tls.Config) (net.Conn, error) {
	t.Helper()
	u, err := url.Parse(addr)
	if err != nil {
		t.Fatalf("bad MQTT address %q: %v", addr, err)
	}
	d := &net.Dialer{Timeout: 5 * time.Second}
	if u.Scheme == "ssl" || u.Scheme == "tls" {
		conn, err := (&tls.Dialer{NetDialer: d, Config: tlsCfg}).DialContext(ctx, "tcp", u.Host)
		return conn, err
	}
	return d.DialContext(ctx, "tcp", u.Host)
}

func tlsConfig(t *testing.T, certEnv, keyEnv string) *tls.Config {
	t.Helper()
	caPEM, err := os.ReadFile(testenv.Get(t, testenv.TLSCA))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("no CA certificate in " + testenv.Get(t, testenv.TLSCA))
	}
	cfg := &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12}
	if certEnv != "" {
		cert, err := tls.LoadX509KeyPair(testenv.Get(t, certEnv), testenv.Get(t, keyEnv))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg
}

// mqttClient connects an MQTT 5 client and returns it with the channel its messages arrive on.
func mqttClient(ctx context.Context, t *testing.T, addr string, tlsCfg *tls.Config, user, pass string) (*paho.Client, chan *paho.Publish, error) {
	t.Helper()
	conn, err := mqttDial(ctx, t, addr, tlsCfg)
	if err != nil {
		return nil, nil, err
	}
	msgs := make(chan *paho.Publish, 16)
	c := paho.NewClient(paho.ClientConfig{
		Conn: &packetConn{Conn: conn},
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
			msgs <- pr.Packet
			return true, nil
		}},
	})
	cp := &paho.Connect{ClientID: fmt.Sprintf("it-%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), time.Now().UnixNano()), CleanStart: true, KeepAlive: 30}
	if user != "" {
		cp.Username, cp.UsernameFlag = user, true
		cp.Password, cp.PasswordFlag = []byte(pass), true
	}
	ack, err := c.Connect(ctx, cp)
	if err != nil {
		_ = conn.Close()
		if ack != nil {
			return nil, nil, fmt.Errorf("%w (CONNACK reason code 0x%02x)", err, ack.ReasonCode)
		}
		return nil, nil, err
	}
	if ack.ReasonCode != 0 {
		_ = conn.Close()
		return nil, nil, fmt.Errorf("CONNACK reason code 0x%02x", ack.ReasonCode)
	}
	t.Cleanup(func() { _ = c.Disconnect(&paho.Disconnect{ReasonCode: 0}) })
	return c, msgs, nil
}

// TestMosquittoListeners publishes a QoS 1 message to itself on each of the four listeners
// and waits for it to come back.
func TestMosquittoListeners(t *testing.T) {
	for _, tc := range []struct {
		name, addrEnv string
		tls           func(t *testing.T) *tls.Config
		auth          bool
	}{
		{name: "plain", addrEnv: testenv.MQTT},
		{name: "tls", addrEnv: testenv.MQTTTLS, tls: func(t *testing.T) *tls.Config { return tlsConfig(t, "", "") }},
		{name: "mtls", addrEnv: testenv.MQTTMTLS, tls: func(t *testing.T) *tls.Config {
			return tlsConfig(t, testenv.TLSClientCert, testenv.TLSClientKey)
		}},
		{name: "password", addrEnv: testenv.MQTTAuth, auth: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var tlsCfg *tls.Config
			if tc.tls != nil {
				tlsCfg = tc.tls(t)
			}
			var user, pass string
			if tc.auth {
				user, pass = testenv.Get(t, testenv.MQTTUsername), testenv.Get(t, testenv.MQTTPassword)
			}
			c, msgs, err := mqttClient(ctx, t, testenv.Get(t, tc.addrEnv), tlsCfg, user, pass)
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			topic := fmt.Sprintf("it/%s/%d", tc.name, time.Now().UnixNano())
			if _, err := c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}}); err != nil {
				t.Fatalf("subscribe: %v", err)
			}
			payload := []byte("hello over " + tc.name)
			if _, err := c.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: payload}); err != nil {
				t.Fatalf("publish: %v", err)
			}
			select {
			case m := <-msgs:
				if m.Topic != topic || string(m.Payload) != string(payload) || m.QoS != 1 {
					t.Fatalf("got topic %q payload %q qos %d", m.Topic, m.Payload, m.QoS)
				}
			case <-ctx.Done():
				t.Fatal("message did not come back before the deadline")
			}
		})
	}
}

// TestMosquittoRejectsBadCredentials proves the auth and mTLS listeners really check.
func TestMosquittoRejectsBadCredentials(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	t.Run("wrong password", func(t *testing.T) {
		_, _, err := mqttClient(ctx, t, testenv.Get(t, testenv.MQTTAuth), nil, testenv.Get(t, testenv.MQTTUsername), "not-the-password")
		// MQTT 5: 0x86 Bad User Name or Password, or 0x87 Not authorized.
		if err == nil || !strings.Contains(err.Error(), "reason code 0x86") && !strings.Contains(err.Error(), "reason code 0x87") {
			t.Fatalf("want a CONNACK refusing the password, got %v", err)
		}
		t.Logf("rejected as expected: %v", err)
	})
	t.Run("no client certificate", func(t *testing.T) {
		_, _, err := mqttClient(ctx, t, testenv.Get(t, testenv.MQTTMTLS), tlsConfig(t, "", ""), "", "")
		if err == nil {
			t.Fatal("connected to the mTLS listener without a client certificate")
		}
		t.Logf("rejected as expected: %v", err)
	})
	t.Run("untrusted client certificate", func(t *testing.T) {
		_, _, err := mqttClient(ctx, t, testenv.Get(t, testenv.MQTTMTLS), tlsConfig(t, testenv.TLSUntrustedCert, testenv.TLSUntrustedKey), "", "")
		if err == nil {
			t.Fatal("connected to the mTLS listener with a certificate from an unknown CA")
		}
		t.Logf("rejected as expected: %v", err)
	})
}

// packetConn hands each complete MQTT packet to the connection in one Write. paho.golang
// writes a packet in several Write calls (fixed header, then the rest) from more than one
// goroutine, with no write lock; on Mosquitto 2.0's TLS listener that intermittently ends in
// "disconnected due to malformed packet". Buffering until a whole packet is there makes every
// packet one TLS record and one atomic write.
type packetConn struct {
	net.Conn
	mu  sync.Mutex
	buf []byte
}

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
			return 0, err
		}
		c.buf = c.buf[n:]
	}
}

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
