package storage

import "testing"

// javaMurmur2 is Kafka's Utils.murmur2 (clients/…/common/utils/Utils.java), in Java's int
// arithmetic: the hash behind the Java producer's key partitioner.
func javaMurmur2(data []byte) int32 {
	const seed uint32 = 0x9747b28c
	const m uint32 = 0x5bd1e995
	const r = 24
	length := len(data)
	h := seed ^ uint32(length)
	for i := 0; i < length/4; i++ {
		i4 := i * 4
		k := uint32(data[i4]) | uint32(data[i4+1])<<8 | uint32(data[i4+2])<<16 | uint32(data[i4+3])<<24
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	tail := length &^ 3
	switch length % 4 {
	case 3:
		h ^= uint32(data[tail+2]) << 16
		fallthrough
	case 2:
		h ^= uint32(data[tail+1]) << 8
		fallthrough
	case 1:
		h ^= uint32(data[tail])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

// javaPartition is BuiltInPartitioner.partitionForKey: toPositive(murmur2(key)) % n.
func javaPartition(key []byte, n int) int32 {
	return int32((uint32(javaMurmur2(key)) & 0x7fffffff) % uint32(n))
}

func TestJavaMurmur2Goldens(t *testing.T) {
	// Printed by Kafka 4.1.2's Utils.murmur2 and Utils.toPositive on OpenJDK 17.
	cases := []struct {
		key     string
		hash    int32
		p5, p25 int32
	}{
		{"status-connector-a", 1762360946, 1, 21},
		{"status-task-a-0", -1124156430, 3, 18},
		{"status-task-my-conn-12", 1402435662, 2, 12},
		{"x", 2121525046, 1, 21},
		{"connector-abc", 466191089, 4, 14},
	}
	for _, c := range cases {
		if got := javaMurmur2([]byte(c.key)); got != c.hash {
			t.Errorf("murmur2(%q) = %d, want %d", c.key, got, c.hash)
		}
		if got := javaPartition([]byte(c.key), 5); got != c.p5 {
			t.Errorf("partition(%q, 5) = %d, want %d", c.key, got, c.p5)
		}
		if got := javaPartition([]byte(c.key), 25); got != c.p25 {
			t.Errorf("partition(%q, 25) = %d, want %d", c.key, got, c.p25)
		}
	}
}
