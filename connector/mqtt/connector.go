package mqtt

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/tributary-connect/tributary/connector"
)

// Class names. Tributary's own, and Confluent's, under which the connector accepts a
// Confluent MqttSourceConnector JSON unchanged.
const (
	ConnectorClass          = "io.tributary.connect.mqtt.MqttSourceConnector"
	TaskClass               = "io.tributary.connect.mqtt.MqttSourceTask"
	ConfluentConnectorClass = "io.confluent.connect.mqtt.MqttSourceConnector"
	ConfluentTaskClass      = "io.confluent.connect.mqtt.MqttSourceTask"
)

// Version is the connector's version, reported by GET /connector-plugins.
const Version = "0.1.0"

type sourceConnector struct {
	taskClass string
	s         *settings
	cfg       connector.Config
}

// NewSourceConnector returns the MQTT source connector under Tributary's class name.
func NewSourceConnector() connector.SourceConnector { return &sourceConnector{taskClass: TaskClass} }

// NewConfluentSourceConnector returns the same connector for Confluent's class name (its task
// configs name Confluent's task class).
func NewConfluentSourceConnector() connector.SourceConnector {
	return &sourceConnector{taskClass: ConfluentTaskClass}
}

func (c *sourceConnector) ConfigDef() *connector.ConfigDef { return configDef }
func (c *sourceConnector) NewTask() connector.SourceTask   { return newTask() }
func (c *sourceConnector) TaskClass() string               { return c.taskClass }
func (c *sourceConnector) Version() string                 { return Version }
func (c *sourceConnector) Stop(context.Context) error      { return nil }

func (c *sourceConnector) Start(_ context.Context, cc connector.ConnectorContext, cfg connector.Config) error {
	s, err := parseSettings(cfg)
	if err != nil {
		return err
	}
	if s.clientIDPrefix == "" {
		return fmt.Errorf("%s is empty and the connector has no name", ClientIDPrefixConfig)
	}
	c.s, c.cfg = s, maps.Clone(cfg)
	cc.Logger().Info("Starting MQTT source connector", "servers", serverList(s.servers), "topics", fmt.Sprint(s.topics), "version", s.version)
	return nil
}

// TaskConfigs lays the work out over the tasks. With MQTT 5 and shared subscriptions (the
// default when maxTasks > 1) every task subscribes to every filter as $share/<group>/<filter>
// and the broker spreads the messages; otherwise the filters are dealt out round robin, at
// most one task per filter. Task i connects as <prefix>-i, so its broker session survives
// restarts and moves. Each task also unsubscribes from the filter forms that belong to other
// layouts, so a session kept from an earlier layout cannot deliver a message twice.
func (c *sourceConnector) TaskConfigs(maxTasks int) ([]connector.Config, error) {
	s := c.s
	filters := make([]string, 0, len(s.topics))
	for _, f := range s.topics {
		filters = append(filters, strings.TrimSpace(f))
	}
	shared := s.version == Version5 && (s.sharedMode == SharedAlways || (s.sharedMode == SharedAuto && maxTasks > 1))

	var assign [][]string
	if shared {
		sub := make([]string, len(filters))
		for i, f := range filters {
			sub[i] = c.sharedFilter(f)
		}
		for range maxTasks {
			assign = append(assign, sub)
		}
	} else {
		n := min(maxTasks, len(filters))
		assign = make([][]string, n)
		for i, f := range filters {
			assign[i%n] = append(assign[i%n], f)
		}
	}

	out := make([]connector.Config, len(assign))
	for i, subs := range assign {
		mine := make(map[string]bool, len(subs))
		for _, f := range subs {
			mine[f] = true
		}
		// Every other form of every configured filter: plain and shared.
		var unsub []string
		for _, f := range filters {
			forms := []string{f}
			if s.version == Version5 && !strings.HasPrefix(f, "$share/") {
				forms = append(forms, c.sharedFilter(f))
			}
			for _, form := range forms {
				if !mine[form] {
					unsub = append(unsub, form)
				}
			}
		}
		tc := maps.Clone(c.cfg)
		tc[taskClientIDConfig] = s.clientIDPrefix + "-" + strconv.Itoa(i)
		tc[taskIndexConfig] = strconv.Itoa(i)
		tc[taskCountConfig] = strconv.Itoa(len(assign))
		tc[taskSubscribeConfig] = strings.Join(subs, "\n")
		tc[taskUnsubscribeConfig] = strings.Join(unsub, "\n")
		out[i] = tc
	}
	return out, nil
}

func (c *sourceConnector) sharedFilter(f string) string {
	if strings.HasPrefix(f, "$share/") {
		return f
	}
	return "$share/" + c.s.sharedGroup + "/" + f
}

// AlterOffsets accepts any change: the offsets only count messages, and the broker session
// (which holds the undelivered messages) is not touched. Returns true: nothing outside Kafka
// changes.
func (c *sourceConnector) AlterOffsets(connector.Config, []connector.PartitionOffset) (bool, error) {
	return true, nil
}
