package runtime

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/hashicorp/go-hclog"
)

// WorkerParams are what NewWorker needs.
type WorkerParams struct {
	Config  *WorkerConfig
	Plugins *Plugins
	Logger  hclog.Logger
}

// Worker runs the connectors and tasks assigned to this tributary process and holds its
// connection to Kafka (Kafka Connect's Worker). The herder decides what runs; the worker
// runs it.
type Worker struct {
	cfg       *WorkerConfig
	log       hclog.Logger
	base      *kafka.Producer // owns the connection the admin client uses
	admin     *kafka.AdminClient
	clusterID string
	stopLogs  chan struct{}
	logsDone  sync.WaitGroup

	plugins  *Plugins
	backends Backends

	mu         sync.Mutex // guards connectors and tasks
	connectors map[string]*workerConnector
	tasks      map[TaskID]*workerTask
	taskWG     sync.WaitGroup // every task goroutine
}

// NewWorker connects to Kafka and learns the cluster id, as Kafka Connect does at start. It
// fails when Kafka cannot be reached before ctx ends.
func NewWorker(ctx context.Context, p WorkerParams) (*Worker, error) {
	w := &Worker{
		cfg: p.Config, log: p.Logger.Named("worker"), stopLogs: make(chan struct{}),
		plugins: p.Plugins, connectors: map[string]*workerConnector{}, tasks: map[TaskID]*workerTask{},
	}
	if w.plugins == nil {
		w.plugins = NewPlugins()
	}
	logs := make(chan kafka.LogEvent, 64)
	cm := kafka.ConfigMap{"go.logs.channel.enable": true, "go.logs.channel": logs}
	smallProducerChannels(cm)
	for k, v := range p.Config.ClientConfig("admin.") {
		cm[k] = v
	}
	servers := p.Config.Values.List(KeyBootstrapServers)
	if _, ok := cm["client.id"]; !ok {
		cm["client.id"] = p.Config.Values.String(KeyGroupID) + "-shared-admin"
	}
	// librdkafka's admin handle cannot forward logs; one made from a producer handle can.
	base, err := kafka.NewProducer(&cm)
	if err != nil {
		return nil, fmt.Errorf("kafka admin client: %w", err)
	}
	admin, err := kafka.NewAdminClientFromProducer(base)
	if err != nil {
		base.Close()
		return nil, fmt.Errorf("kafka admin client: %w", err)
	}
	w.base, w.admin = base, admin
	w.logsDone.Add(1)
	go w.forwardLogs(logs, base.Events()) // ends when Close closes w.stopLogs
	id, err := admin.ClusterID(ctx)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("cannot reach Kafka at %s: %w", strings.Join(servers, ","), err)
	}
	w.clusterID = id
	w.log.Info("connected to Kafka", "bootstrap.servers", strings.Join(servers, ","), "cluster_id", id)
	return w, nil
}

// forwardLogs hands librdkafka's log lines to hclog at Debug, so they never reach stderr raw,
// and drains the base handle's events (client-level errors, at Debug too: the admin calls
// report their own failures).
func (w *Worker) forwardLogs(ch chan kafka.LogEvent, events chan kafka.Event) {
	defer w.logsDone.Done()
	l := w.log.Named("librdkafka")
	for {
		select {
		case ev := <-ch:
			l.Debug(ev.Message, "tag", ev.Tag, "level", ev.Level)
		case ev := <-events:
			if ev != nil {
				l.Debug("client event", "event", ev.String())
			}
		case <-w.stopLogs:
			return
		}
	}
}

// smallProducerChannels shrinks confluent-kafka-go's producer channels. Its defaults are
// 1,000,000 slots each (about 24 MB apiece, scanned by every GC); Tributary passes a delivery
// channel to each Produce call, so the events channel carries only client errors, and the
// produce channel is unused.
func smallProducerChannels(cm kafka.ConfigMap) {
	cm["go.events.channel.size"] = 1000
	cm["go.produce.channel.size"] = 1
}

// KafkaClusterID is the id of the Kafka cluster the worker connected to.
func (w *Worker) KafkaClusterID() string { return w.clusterID }

// Close releases the Kafka clients and waits for the goroutines the worker started.
func (w *Worker) Close() {
	w.admin.Close()
	w.base.Close()
	// The channel itself stays open: librdkafka's log poller may still be sending.
	close(w.stopLogs)
	w.logsDone.Wait()
}
