package mqttconn

import (
	"bytes"
	"net"
	"testing"
)

func TestPacketLen(t *testing.T) {
	big := append([]byte{0x30, 0x80, 0x01}, make([]byte, 128)...) // remaining length 128 in two bytes
	for _, c := range []struct {
		b    []byte
		want int
	}{
		{nil, 0},
		{[]byte{0xC0}, 0},                   // no length yet
		{[]byte{0xC0, 0x00}, 2},             // PINGREQ
		{[]byte{0x40, 0x02, 0x00}, 0},       // PUBACK, one byte short
		{[]byte{0x40, 0x02, 0x00, 0x01}, 4}, // PUBACK
		{[]byte{0x40, 0x02, 0x00, 0x01, 0xC0}, 4},
		{big[:100], 0},
		{big, 131},
	} {
		if got := PacketLen(c.b); got != c.want {
			t.Errorf("PacketLen(% x) = %d, want %d", c.b, got, c.want)
		}
	}
}

// TestPacketConnWritesWholePackets: a packet written in pieces reaches the peer in one Write,
// and two packets written together reach it as two.
func TestPacketConnWritesWholePackets(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	pc := New(a, 0)
	got := make(chan []byte, 4)
	go func() {
		buf := make([]byte, 64)
		for {
			n, err := b.Read(buf)
			if err != nil {
				close(got)
				return
			}
			got <- bytes.Clone(buf[:n])
		}
	}()
	pc.Lock()
	for _, piece := range [][]byte{{0x40}, {0x02}, {0x00, 0x01}} {
		if _, err := pc.Write(piece); err != nil {
			t.Fatal(err)
		}
	}
	pc.Unlock()
	if _, err := pc.Write([]byte{0xC0, 0x00, 0xD0, 0x00}); err != nil {
		t.Fatal(err)
	}
	for _, want := range [][]byte{{0x40, 0x02, 0x00, 0x01}, {0xC0, 0x00}, {0xD0, 0x00}} {
		if r := <-got; !bytes.Equal(r, want) {
			t.Fatalf("peer read % x, want % x", r, want)
		}
	}
}
