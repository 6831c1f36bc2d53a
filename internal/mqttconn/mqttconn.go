// Package mqttconn wraps a network connection for the MQTT client libraries so that each MQTT
// packet reaches the socket in one Write. It is shared by the MQTT connector, SparkplugB's
// rebirth publisher and the MQTT benchmark.
package mqttconn

import (
	"bufio"
	"net"
	"sync"
)

// PacketConn hands each complete MQTT packet to the connection in one Write, under a lock.
// paho.golang writes a packet in several Write calls (fixed header, then the rest), from more
// than one goroutine; interleaved, they corrupt the stream, and even alone they made Mosquitto
// 2.0's TLS listener intermittently report a malformed packet. Over WebSockets one Write is one
// message, and brokers expect whole packets per message.
//
// Reads go through a buffer: the MQTT clients read a packet in two or three small reads
// (fixed header, length, body), one system call each without it.
//
// Lock and Unlock make it a sync.Locker, which paho.golang's packet writers hold around all
// the writes of one packet, so packets from different goroutines do not interleave.
type PacketConn struct {
	net.Conn
	r      *bufio.Reader // one reader: the client's read loop
	packet sync.Mutex    // held by a writer for a whole packet (see Lock)
	mu     sync.Mutex    // guards buf
	buf    []byte
}

// New wraps conn with a read buffer of readBuffer bytes (bufio's default when < 16).
func New(conn net.Conn, readBuffer int) *PacketConn {
	return &PacketConn{Conn: conn, r: bufio.NewReaderSize(conn, readBuffer)}
}

func (c *PacketConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// Write buffers p and writes every complete packet the buffer holds, one Write each.
func (c *PacketConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf = append(c.buf, p...)
	for {
		n := PacketLen(c.buf)
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

// Lock is held by a writer for a whole packet.
func (c *PacketConn) Lock() { c.packet.Lock() }

// Unlock ends a packet's writes.
func (c *PacketConn) Unlock() { c.packet.Unlock() }

// PacketLen is the length of the complete MQTT packet at the start of b, or 0 when b does
// not hold one yet.
func PacketLen(b []byte) int {
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
