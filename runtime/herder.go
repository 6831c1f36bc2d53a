package runtime

import (
	"context"
)

// Herder is the worker's control plane as the REST layer sees it, after Kafka Connect's
// Herder interface: "the non-Java interfaces to the cluster (REST API and CLI) are very
// simple wrappers of the functionality provided by this interface". Every method is safe
// for concurrent use; ctx is the HTTP request's.
//
// Errors are *Error values whose Kind the REST layer maps to a status code, with Kafka
// Connect's messages (see errors.go). Any other error is a 500.
type Herder interface {
	// KafkaClusterID is the id of the Kafka cluster that holds the internal topics.
	KafkaClusterID() string
	// Ready reports whether the worker has finished starting (GET /health).
	Ready() bool

	// Connectors lists connector names.
	Connectors(ctx context.Context) ([]string, error)
	// ConnectorInfo returns a connector's raw config and task ids (KindNotFound if unknown).
	ConnectorInfo(ctx context.Context, name string) (*ConnectorInfo, error)
	// ConnectorConfig returns a connector's raw config.
	ConnectorConfig(ctx context.Context, name string) (map[string]string, error)
	// PutConnectorConfig validates and stores a connector config. allowReplace false fails
	// with KindAlreadyExists ("Connector X already exists") if it exists. initialState, if
	// not "", is written as the target state (create only). created reports whether the
	// connector is new.
	PutConnectorConfig(ctx context.Context, name string, cfg map[string]string, allowReplace bool, initialState TargetState) (created bool, info *ConnectorInfo, err error)
	// PatchConnectorConfig merges patch into the stored config (nil value removes the key),
	// validates and stores it.
	PatchConnectorConfig(ctx context.Context, name string, patch map[string]*string) (*ConnectorInfo, error)
	// DeleteConnector removes a connector.
	DeleteConnector(ctx context.Context, name string) error

	// ConnectorStatus is the connector's and its tasks' state from the status topic.
	ConnectorStatus(ctx context.Context, name string) (*ConnectorStateInfo, error)
	// TaskStatus is one task's state.
	TaskStatus(ctx context.Context, id TaskID) (*TaskState, error)
	// TaskConfigs returns the task configs stored for a connector.
	TaskConfigs(ctx context.Context, name string) ([]TaskInfo, error)

	// RestartConnector restarts the connector instance only (both flags false).
	RestartConnector(ctx context.Context, name string) error
	// RestartConnectorAndTasks handles restart with includeTasks/onlyFailed and returns the
	// predicted status (states to be restarted shown as RESTARTING).
	RestartConnectorAndTasks(ctx context.Context, req RestartRequest) (*ConnectorStateInfo, error)
	// RestartTask restarts one task.
	RestartTask(ctx context.Context, id TaskID) error
	// PauseConnector, ResumeConnector and StopConnector change the target state.
	PauseConnector(ctx context.Context, name string) error
	ResumeConnector(ctx context.Context, name string) error
	StopConnector(ctx context.Context, name string) error

	// ConnectorActiveTopics lists the topics a connector has produced to (KIP-558).
	ConnectorActiveTopics(ctx context.Context, name string) ([]string, error)
	// ResetConnectorActiveTopics forgets them.
	ResetConnectorActiveTopics(ctx context.Context, name string) error

	// ConnectorOffsets reads a connector's committed source offsets (KIP-875).
	ConnectorOffsets(ctx context.Context, name string) (*ConnectorOffsets, error)
	// AlterConnectorOffsets writes offsets for a STOPPED connector; a nil Offset resets that
	// partition. It returns the message of the 200 answer.
	AlterConnectorOffsets(ctx context.Context, name string, offsets []ConnectorOffset) (string, error)
	// PutTaskConfigs is the internal POST /connectors/{c}/tasks: the worker running a
	// connector sends its new task configs to the leader, which writes them.
	// sig is the request's KIP-507 signature (nil when the headers are absent).
	PutTaskConfigs(ctx context.Context, name string, cfgs []map[string]string, sig *InternalSignature) error

	// ResetConnectorOffsets tombstones every offset of a STOPPED connector.
	ResetConnectorOffsets(ctx context.Context, name string) (string, error)

	// Plugins lists the installed plugins; connectorsOnly limits it to connectors.
	Plugins(connectorsOnly bool) []PluginInfo
	// PluginConfig returns a plugin's config definition (KindNotFound: "Unknown plugin X.").
	PluginConfig(plugin string) ([]ConfigKeyInfo, error)
	// ValidateConnectorConfig validates a connector config as PUT
	// /connector-plugins/{p}/config/validate does (connector.class names the plugin).
	ValidateConnectorConfig(ctx context.Context, cfg map[string]string) (*ConfigInfos, error)
}

// TargetState is what the user asked a connector to be (Kafka's TargetState).
type TargetState string

// The target states.
const (
	TargetStarted TargetState = "STARTED"
	TargetPaused  TargetState = "PAUSED"
	TargetStopped TargetState = "STOPPED"
)

// State is a connector or task state (AbstractStatus.State).
type State string

// The states shown by the status endpoints.
const (
	StateUnassigned State = "UNASSIGNED"
	StateRunning    State = "RUNNING"
	StatePaused     State = "PAUSED"
	StateStopped    State = "STOPPED"
	StateFailed     State = "FAILED"
	StateRestarting State = "RESTARTING"
)

// TaskID names one task (ConnectorTaskId); its JSON is {"connector":"c","task":0}.
type TaskID struct {
	Connector string `json:"connector"`
	Task      int    `json:"task"`
}

// String is "<connector>-<task>", as Kafka prints it.
func (id TaskID) String() string { return id.Connector + "-" + itoa(id.Task) }

// ConnectorType is "source", "sink" or "unknown".
type ConnectorType string

// The connector types.
const (
	ConnectorTypeSource  ConnectorType = "source"
	ConnectorTypeSink    ConnectorType = "sink"
	ConnectorTypeUnknown ConnectorType = "unknown"
)

// ConnectorInfo is GET /connectors/{c} (rest/entities/ConnectorInfo).
type ConnectorInfo struct {
	Name   string            `json:"name"`
	Config map[string]string `json:"config"`
	Tasks  []TaskID          `json:"tasks"`
	Type   ConnectorType     `json:"type"`
}

// ConnectorStateInfo is GET /connectors/{c}/status.
type ConnectorStateInfo struct {
	Name      string         `json:"name"`
	Connector ConnectorState `json:"connector"`
	Tasks     []TaskState    `json:"tasks"`
	Type      ConnectorType  `json:"type"`
}

// ConnectorState is the connector part of ConnectorStateInfo.
type ConnectorState struct {
	State    State  `json:"state"`
	WorkerID string `json:"worker_id"`
	// Version is the worker version that wrote the status (Kafka Connect 4.1+).
	Version string `json:"version,omitempty"`
	Trace   string `json:"trace,omitempty"`
}

// TaskState is one task's status.
type TaskState struct {
	ID       int    `json:"id"`
	State    State  `json:"state"`
	WorkerID string `json:"worker_id"`
	Version  string `json:"version,omitempty"`
	Trace    string `json:"trace,omitempty"`
}

// TaskInfo is one entry of GET /connectors/{c}/tasks.
type TaskInfo struct {
	ID     TaskID            `json:"id"`
	Config map[string]string `json:"config"`
}

// RestartRequest is POST /connectors/{c}/restart with its flags.
type RestartRequest struct {
	Connector    string
	IncludeTasks bool
	OnlyFailed   bool
}

// ConnectorOffsets is GET /connectors/{c}/offsets.
type ConnectorOffsets struct {
	Offsets []ConnectorOffset `json:"offsets"`
}

// ConnectorOffset is one source partition and its offset (nil: reset).
type ConnectorOffset struct {
	Partition map[string]any `json:"partition"`
	Offset    map[string]any `json:"offset"`
}

// PluginInfo is one entry of GET /connector-plugins.
type PluginInfo struct {
	Class   string `json:"class"`
	Type    string `json:"type"`
	Version string `json:"version,omitempty"`
}

// ConfigInfos is the answer of PUT /connector-plugins/{p}/config/validate.
type ConfigInfos struct {
	Name       string       `json:"name"`
	ErrorCount int          `json:"error_count"`
	Groups     []string     `json:"groups"`
	Configs    []ConfigInfo `json:"configs"`
}

// ConfigInfo is one key's definition and validated value.
type ConfigInfo struct {
	Definition *ConfigKeyInfo  `json:"definition"`
	Value      ConfigValueInfo `json:"value"`
}

// ConfigKeyInfo is a key's definition as the REST API renders it.
type ConfigKeyInfo struct {
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	Required      bool     `json:"required"`
	DefaultValue  *string  `json:"default_value"`
	Importance    string   `json:"importance"`
	Documentation string   `json:"documentation"`
	Group         *string  `json:"group"`
	Width         string   `json:"width"`
	DisplayName   string   `json:"display_name"`
	Dependents    []string `json:"dependents"`
	Order         int      `json:"order"`
}

// ConfigValueInfo is a key's value and errors.
type ConfigValueInfo struct {
	Name              string   `json:"name"`
	Value             *string  `json:"value"`
	RecommendedValues []string `json:"recommended_values"`
	Errors            []string `json:"errors"`
	Visible           bool     `json:"visible"`
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// InternalSignature is the KIP-507 signature of an internal request: the
// X-Connect-Request-Signature-Algorithm header, the decoded X-Connect-Authorization header,
// and the raw body it signs.
type InternalSignature struct {
	Algorithm string
	Signature []byte
	Body      []byte
}
