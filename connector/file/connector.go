package file

import (
	"context"
	"fmt"
	"maps"

	"github.com/tributary-connect/tributary/connector"
)

// Class names, as Apache Kafka Connect registers them. Tributary answers to the same names,
// so existing connector configs and config topics work unchanged.
const (
	SourceConnectorClass = "org.apache.kafka.connect.file.FileStreamSourceConnector"
	SourceTaskClass      = "org.apache.kafka.connect.file.FileStreamSourceTask"
)

// Version is what the connector reports to GET /connector-plugins: the Apache Kafka release
// whose FileStreamSourceConnector this package ports. Java reports AppInfoParser.getVersion(),
// which is "4.1.2" on the reference Connect worker, so both list the same plugin version.
const Version = "4.1.2"

// Configuration keys and defaults (FileStreamSourceConnector's constants).
const (
	FileConfig           = "file"
	TopicConfig          = "topic"
	TaskBatchSizeConfig  = "batch.size"
	DefaultTaskBatchSize = 2000
)

// Source partition and offset keys (FileStreamSourceTask's constants).
const (
	FilenameField = "filename"
	PositionField = "position"
)

// configDef is FileStreamSourceConnector.CONFIG_DEF, key for key.
var configDef = &connector.ConfigDef{Keys: []connector.ConfigKey{
	{
		Name: FileConfig, Type: connector.ConfigString, Default: nil, Importance: connector.High,
		Doc: "Source filename. If not specified, the standard input will be used",
	},
	{
		Name: TopicConfig, Type: connector.ConfigString, Required: true, Validate: connector.NonEmptyString,
		Importance: connector.High, Doc: "The topic to publish data to",
	},
	{
		Name: TaskBatchSizeConfig, Type: connector.ConfigInt, Default: fmt.Sprint(DefaultTaskBatchSize),
		Importance: connector.Low,
		Doc:        "The maximum number of records the source task can read from the file each time it is polled",
	},
}}

// sourceConnector is FileStreamSourceConnector: it only checks the config and hands it, whole,
// to its single task.
type sourceConnector struct {
	props connector.Config
}

// NewSourceConnector returns a new FileStreamSourceConnector.
func NewSourceConnector() connector.SourceConnector { return &sourceConnector{} }

func (c *sourceConnector) ConfigDef() *connector.ConfigDef { return configDef }

func (c *sourceConnector) Start(_ context.Context, cc connector.ConnectorContext, cfg connector.Config) error {
	v, err := configDef.Parse(cfg)
	if err != nil {
		return err
	}
	c.props = maps.Clone(cfg)
	name := v.String(FileConfig)
	if name == "" {
		name = "standard input"
	}
	cc.Logger().Info("Starting file source connector reading from " + name)
	return nil
}

// TaskConfigs returns one config whatever maxTasks is: only one reader of a stream makes
// sense. The task gets the connector's config unchanged, as in Java.
func (c *sourceConnector) TaskConfigs(int) ([]connector.Config, error) {
	return []connector.Config{maps.Clone(c.props)}, nil
}

func (c *sourceConnector) NewTask() connector.SourceTask { return newSourceTask() }

func (c *sourceConnector) TaskClass() string { return SourceTaskClass }

func (c *sourceConnector) Version() string { return Version }

// Stop does nothing: the connector has no background work.
func (c *sourceConnector) Stop(context.Context) error { return nil }

// ExactlyOnceSupported reports whether the connector could give exactly-once delivery with cfg,
// as Java's exactlyOnceSupport: only when it reads a real file (which is only appended to),
// never the standard input, whose offsets are not tracked.
func (c *sourceConnector) ExactlyOnceSupported(cfg connector.Config) (bool, error) {
	v, err := configDef.Parse(cfg)
	if err != nil {
		return false, err
	}
	return v.String(FileConfig) != "", nil
}

// PartitionOffset is connector.PartitionOffset, kept for readability in this package.
type PartitionOffset = connector.PartitionOffset

// AlterOffsets checks offsets that a user wants to write, as Java's alterOffsets does, with
// its messages. It returns true: the connector keeps no offsets outside Connect's, and the
// task checks the position against the file when it starts.
func (c *sourceConnector) AlterOffsets(cfg connector.Config, offsets []PartitionOffset) (bool, error) {
	v, err := configDef.Parse(cfg)
	if err != nil {
		return false, err
	}
	if v.String(FileConfig) == "" {
		return false, connectErrorf("Offsets cannot be modified if the '%s' configuration is unspecified. "+
			"This is because stdin is used for input and offsets are not tracked.", FileConfig)
	}
	for _, po := range offsets {
		if po.Offset == nil {
			// Tombstones are allowed for anything, so that garbage can be cleaned up.
			continue
		}
		p, ok := po.Offset[PositionField]
		if !ok {
			return false, connectErrorf("Offset objects should either be null or contain the key '%s'", PositionField)
		}
		pos, ok := asLong(p)
		if !ok {
			return false, connectErrorf("The value for the '%s' key in the offset is expected to be a Long value", PositionField)
		}
		if pos < 0 {
			return false, connectErrorf("The value for the '%s' key in the offset should be a non-negative value", PositionField)
		}
		if po.Partition == nil {
			return false, connectErrorf("Partition objects cannot be null")
		}
		if _, ok := po.Partition[FilenameField]; !ok {
			return false, connectErrorf("Partition objects should contain the key '%s'", FilenameField)
		}
	}
	return true, nil
}
