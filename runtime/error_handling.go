package runtime

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/tributary-connect/tributary/connector"
)

// Source-side dead-letter queue keys. Kafka Connect defines errors.deadletterqueue.* for sink
// connectors only; Tributary reads the same keys for source connectors. They are not in the
// connector ConfigDef, so /validate answers exactly as Kafka Connect's does.
const (
	KeyDLQTopic          = "errors.deadletterqueue.topic.name"
	KeyDLQReplication    = "errors.deadletterqueue.topic.replication.factor"
	KeyDLQContextHeaders = "errors.deadletterqueue.context.headers.enable"
)

// The context headers of a dead-letter record (Kafka's DeadLetterQueueReporter names).
const (
	HeaderErrTopic          = "__connect.errors.topic"
	HeaderErrConnector      = "__connect.errors.connector.name"
	HeaderErrTask           = "__connect.errors.task.id"
	HeaderErrStage          = "__connect.errors.stage"
	HeaderErrClass          = "__connect.errors.class.name"
	HeaderErrExceptionClass = "__connect.errors.exception.class.name"
	HeaderErrMessage        = "__connect.errors.exception.message"
	HeaderErrStacktrace     = "__connect.errors.exception.stacktrace"
)

// Stages of the record pipeline, as Kafka's Stage enum names them.
const (
	StageTransformation  = "TRANSFORMATION"
	StageKeyConverter    = "KEY_CONVERTER"
	StageValueConverter  = "VALUE_CONVERTER"
	StageHeaderConverter = "HEADER_CONVERTER"
)

// stageError is a record failure in one stage of the pipeline.
type stageError struct {
	stage string
	class string // the plugin that failed
	err   error
}

func (e *stageError) Error() string { return e.err.Error() }
func (e *stageError) Unwrap() error { return e.err }

// errorHandling is the connector's errors.* settings (Kafka's RetryWithToleranceOperator and
// reporters), applied to the transformation and conversion stages.
type errorHandling struct {
	tolerance     string        // none | all
	retryTimeout  time.Duration // < 0: forever; 0: no retry
	retryMaxDelay time.Duration
	logErrors     bool
	logMessages   bool
	dlqTopic      string // "" : no dead-letter queue
	dlqRF         int
	dlqHeaders    bool
}

func parseErrorHandling(vals connector.Values, cfg connector.Config) (errorHandling, error) {
	eh := errorHandling{
		tolerance:     vals.String(KeyErrorsTolerance),
		logErrors:     vals.Bool(KeyErrorsLogEnable),
		logMessages:   vals.Bool(KeyErrorsLogIncludeMsgs),
		retryMaxDelay: time.Duration(vals.Long(KeyErrorsRetryMaxDelay)) * time.Millisecond,
		dlqTopic:      strings.TrimSpace(cfg[KeyDLQTopic]),
		dlqRF:         3,
		dlqHeaders:    true,
	}
	if rt := vals.Long(KeyErrorsRetryTimeout); rt < 0 {
		eh.retryTimeout = -1
	} else {
		eh.retryTimeout = time.Duration(rt) * time.Millisecond
	}
	if v := strings.TrimSpace(cfg[KeyDLQReplication]); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < -1 || n == 0 || n > 32767 {
			return eh, fmt.Errorf("Invalid value %s for configuration %s: must be -1 (the broker's default) or between 1 and 32767", v, KeyDLQReplication)
		}
		eh.dlqRF = n
	}
	if v := strings.TrimSpace(cfg[KeyDLQContextHeaders]); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return eh, fmt.Errorf("Invalid value %s for configuration %s: Expected value to be either true or false", v, KeyDLQContextHeaders)
		}
		eh.dlqHeaders = b
	}
	return eh, nil
}

// withRetries runs op, retrying retriable failures with doubling delays (from 300 ms, as
// Kafka, up to errors.retry.delay.max.ms) until errors.retry.timeout.
func withRetries[T any](ctx context.Context, eh errorHandling, op func() (T, error)) (T, error) {
	out, err := op()
	if err == nil || eh.retryTimeout == 0 || !connector.IsRetriable(err) {
		return out, err
	}
	var zero T
	deadline := time.Now().Add(eh.retryTimeout)
	delay := 300 * time.Millisecond
	for {
		if eh.retryTimeout > 0 && time.Now().Add(delay).After(deadline) {
			return zero, err
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return zero, err
		}
		if out, err = op(); err == nil || !connector.IsRetriable(err) {
			return out, err
		}
		delay = min(2*delay, max(eh.retryMaxDelay, time.Millisecond))
	}
}

// exceptionClass names the Java exception class that matches err, for the DLQ headers.
func exceptionClass(err error) string {
	var de *connector.DataError
	if errors.As(err, &de) {
		return "org.apache.kafka.connect.errors.DataException"
	}
	if connector.IsRetriable(err) {
		return "org.apache.kafka.connect.errors.RetriableException"
	}
	return "org.apache.kafka.connect.errors.ConnectException"
}

// dlqMessage builds the dead-letter record for a source record that failed: the original
// record's key and value bytes (raw when they are bytes or strings, else through the
// converters), its headers, and the error context.
func (t *sourceTask) dlqMessage(orig *connector.Record, failure error) *kafka.Message {
	topic := t.errors.dlqTopic
	msg := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny}}
	msg.Key = t.originalBytes(orig, orig.KeySchema, orig.Key, t.keyConv)
	msg.Value = t.originalBytes(orig, orig.ValueSchema, orig.Value, t.valueConv)
	for _, h := range orig.Headers {
		if b, err := t.hdrConv.FromConnectHeader(orig.Topic, h.Key, h.Schema, h.Value); err == nil {
			msg.Headers = append(msg.Headers, kafka.Header{Key: h.Key, Value: b})
		}
	}
	if t.errors.dlqHeaders {
		stage, class := "", ""
		var se *stageError
		if errors.As(failure, &se) {
			stage, class = se.stage, se.class
		}
		add := func(k, v string) { msg.Headers = append(msg.Headers, kafka.Header{Key: k, Value: []byte(v)}) }
		add(HeaderErrTopic, orig.Topic)
		add(HeaderErrConnector, t.id.Connector)
		add(HeaderErrTask, strconv.Itoa(t.id.Task))
		add(HeaderErrStage, stage)
		add(HeaderErrClass, class)
		add(HeaderErrExceptionClass, exceptionClass(failure))
		add(HeaderErrMessage, causeMessage(failure))
		add(HeaderErrStacktrace, fmt.Sprintf("%s: %v", exceptionClass(failure), failure))
	}
	return msg
}

// causeMessage is the message of the plugin's own error, without the runtime's stage prefix
// (Java's header carries the exception's own message).
func causeMessage(err error) string {
	var se *stageError
	if errors.As(err, &se) {
		if inner := errors.Unwrap(se.err); inner != nil {
			return inner.Error()
		}
	}
	return err.Error()
}

func (t *sourceTask) originalBytes(orig *connector.Record, s *connector.Schema, v any, conv connector.Converter) []byte {
	switch x := v.(type) {
	case nil:
		return nil
	case []byte:
		return x
	case string:
		return []byte(x)
	}
	b, err := conv.FromConnect(orig.Topic, orig.Headers, s, v)
	if err != nil {
		return nil
	}
	return b
}

// ensureDLQTopic creates the dead-letter topic if it does not exist (one partition, the
// configured replication factor), as Kafka's DeadLetterQueueReporter does.
func (t *sourceTask) ensureDLQTopic(ctx context.Context) error {
	admin, err := kafka.NewAdminClientFromProducer(t.producer)
	if err != nil {
		return fmt.Errorf("creating the dead-letter queue admin client: %w", err)
	}
	defer admin.Close()
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := admin.CreateTopics(cctx, []kafka.TopicSpecification{{Topic: t.errors.dlqTopic, NumPartitions: 1, ReplicationFactor: t.errors.dlqRF}})
	if err != nil {
		return fmt.Errorf("creating the dead-letter queue topic %s: %w", t.errors.dlqTopic, err)
	}
	if code := res[0].Error.Code(); code != kafka.ErrNoError && code != kafka.ErrTopicAlreadyExists {
		return fmt.Errorf("creating the dead-letter queue topic %s: %w", t.errors.dlqTopic, res[0].Error)
	}
	return nil
}
