// Package devstack runs the embedded development stack of `tributary dev` in one process:
// a mochi-mqtt broker, a franz-go kfake Kafka cluster and franz-go's srfake Schema Registry,
// all in memory. It exists for `make run` and the quickstart only; tests of the real thing
// use the servers integration/stack starts.
package devstack

import (
	"context"
	"errors"
	"fmt"

	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// Config says where each server listens.
type Config struct {
	MQTTAddr           string // e.g. 127.0.0.1:1883
	KafkaAddr          string // e.g. 127.0.0.1:9092
	SchemaRegistryAddr string // e.g. 127.0.0.1:8081
	Logger             hclog.Logger
}

// Stack is the running embedded stack.
type Stack struct {
	kafka *kfake.Cluster
	mqtt  *mqtt.Server
	sr    *http.Server
	wg    sync.WaitGroup
}

// Start starts the three servers. If one cannot listen, the others are stopped and the
// error names the server and address.
func Start(cfg Config) (*Stack, error) {
	s := &Stack{}
	log := cfg.Logger.Named("devstack")

	host, portStr, err := net.SplitHostPort(cfg.KafkaAddr)
	port, perr := strconv.Atoi(portStr)
	if err != nil || perr != nil {
		return nil, fmt.Errorf("kafka address %q is not host:port", cfg.KafkaAddr)
	}
	kafkaLn, err := net.Listen("tcp", net.JoinHostPort(host, portStr))
	if err != nil {
		return nil, fmt.Errorf("embedded Kafka on %s: %w", cfg.KafkaAddr, unwrapOp(err))
	}
	s.kafka, err = kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.Ports(port),
		kfake.ListenFn(func(string, string) (net.Listener, error) { return kafkaLn, nil }),
		kfake.AllowAutoTopicCreation(),
		kfake.DefaultNumPartitions(1), // as Kafka's num.partitions default
	)
	if err != nil {
		_ = kafkaLn.Close()
		return nil, fmt.Errorf("embedded Kafka on %s: %w", cfg.KafkaAddr, err)
	}

	mqttLog := slog.New(slog.NewTextHandler(
		log.Named("mqtt").StandardWriter(&hclog.StandardLoggerOptions{ForceLevel: hclog.Debug}),
		&slog.HandlerOptions{Level: slog.LevelWarn}))
	s.mqtt = mqtt.New(&mqtt.Options{InlineClient: true, Logger: mqttLog})
	if err := s.mqtt.AddHook(new(auth.AllowHook), nil); err != nil {
		s.Close()
		return nil, fmt.Errorf("embedded MQTT broker: %w", err)
	}
	if err := s.mqtt.AddListener(listeners.NewTCP(listeners.Config{ID: "tcp", Address: cfg.MQTTAddr})); err != nil {
		s.Close()
		return nil, fmt.Errorf("embedded MQTT broker on %s: %w", cfg.MQTTAddr, unwrapOp(err))
	}
	if err := s.mqtt.Serve(); err != nil { // returns at once; serves in its own goroutines
		s.Close()
		return nil, fmt.Errorf("embedded MQTT broker: %w", err)
	}

	srLn, err := net.Listen("tcp", cfg.SchemaRegistryAddr)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("embedded Schema Registry on %s: %w", cfg.SchemaRegistryAddr, unwrapOp(err))
	}
	s.sr = &http.Server{Handler: srfake.NewRegistry().Handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.sr.Serve(srLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("schema registry stopped", "error", err)
		}
	}()
	return s, nil
}

// Close stops every server and waits for the goroutines Start began.
func (s *Stack) Close() {
	if s.sr != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.sr.Shutdown(ctx)
		cancel()
	}
	if s.mqtt != nil {
		_ = s.mqtt.Close()
	}
	if s.kafka != nil {
		s.kafka.Close()
	}
	s.wg.Wait()
}

// unwrapOp drops net.OpError's repetition of the address: "bind: address already in use".
func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}
