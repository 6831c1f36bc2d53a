package runtime

import "context"

// UnimplementedHerder answers every Herder call with a 500 "not implemented yet"; embed it
// to satisfy the interface while the real implementation grows.
type UnimplementedHerder struct{}

// Connectors is not implemented yet.
func (UnimplementedHerder) Connectors(_ context.Context) ([]string, error) {
	return nil, errNotImplemented()
}

// ConnectorInfo is not implemented yet.
func (UnimplementedHerder) ConnectorInfo(_ context.Context, _ string) (*ConnectorInfo, error) {
	return nil, errNotImplemented()
}

// ConnectorConfig is not implemented yet.
func (UnimplementedHerder) ConnectorConfig(_ context.Context, _ string) (map[string]string, error) {
	return nil, errNotImplemented()
}

// PutConnectorConfig is not implemented yet.
func (UnimplementedHerder) PutConnectorConfig(_ context.Context, _ string, _ map[string]string, _ bool, _ TargetState) (created bool, info *ConnectorInfo, err error) {
	return false, nil, errNotImplemented()
}

// PatchConnectorConfig is not implemented yet.
func (UnimplementedHerder) PatchConnectorConfig(_ context.Context, _ string, _ map[string]*string) (*ConnectorInfo, error) {
	return nil, errNotImplemented()
}

// DeleteConnector is not implemented yet.
func (UnimplementedHerder) DeleteConnector(_ context.Context, _ string) error {
	return errNotImplemented()
}

// ConnectorStatus is not implemented yet.
func (UnimplementedHerder) ConnectorStatus(_ context.Context, _ string) (*ConnectorStateInfo, error) {
	return nil, errNotImplemented()
}

// TaskStatus is not implemented yet.
func (UnimplementedHerder) TaskStatus(_ context.Context, _ TaskID) (*TaskState, error) {
	return nil, errNotImplemented()
}

// TaskConfigs is not implemented yet.
func (UnimplementedHerder) TaskConfigs(_ context.Context, _ string) ([]TaskInfo, error) {
	return nil, errNotImplemented()
}

// RestartConnector is not implemented yet.
func (UnimplementedHerder) RestartConnector(_ context.Context, _ string) error {
	return errNotImplemented()
}

// RestartConnectorAndTasks is not implemented yet.
func (UnimplementedHerder) RestartConnectorAndTasks(_ context.Context, _ RestartRequest) (*ConnectorStateInfo, error) {
	return nil, errNotImplemented()
}

// RestartTask is not implemented yet.
func (UnimplementedHerder) RestartTask(_ context.Context, _ TaskID) error { return errNotImplemented() }

// PauseConnector is not implemented yet.
func (UnimplementedHerder) PauseConnector(_ context.Context, _ string) error {
	return errNotImplemented()
}

// ResumeConnector is not implemented yet.
func (UnimplementedHerder) ResumeConnector(_ context.Context, _ string) error {
	return errNotImplemented()
}

// StopConnector is not implemented yet.
func (UnimplementedHerder) StopConnector(_ context.Context, _ string) error {
	return errNotImplemented()
}

// ConnectorActiveTopics is not implemented yet.
func (UnimplementedHerder) ConnectorActiveTopics(_ context.Context, _ string) ([]string, error) {
	return nil, errNotImplemented()
}

// ResetConnectorActiveTopics is not implemented yet.
func (UnimplementedHerder) ResetConnectorActiveTopics(_ context.Context, _ string) error {
	return errNotImplemented()
}

// ConnectorOffsets is not implemented yet.
func (UnimplementedHerder) ConnectorOffsets(_ context.Context, _ string) (*ConnectorOffsets, error) {
	return nil, errNotImplemented()
}

// AlterConnectorOffsets is not implemented yet.
func (UnimplementedHerder) AlterConnectorOffsets(_ context.Context, _ string, _ []ConnectorOffset) (string, error) {
	return "", errNotImplemented()
}

// ResetConnectorOffsets is not implemented yet.
func (UnimplementedHerder) ResetConnectorOffsets(_ context.Context, _ string) (string, error) {
	return "", errNotImplemented()
}

// Plugins is not implemented yet.
func (UnimplementedHerder) Plugins(_ bool) []PluginInfo { return nil }

// PluginConfig is not implemented yet.
func (UnimplementedHerder) PluginConfig(_ string) ([]ConfigKeyInfo, error) {
	return nil, errNotImplemented()
}

// ValidateConnectorConfig is not implemented yet.
func (UnimplementedHerder) ValidateConnectorConfig(_ context.Context, _ map[string]string) (*ConfigInfos, error) {
	return nil, errNotImplemented()
}

func errNotImplemented() error { return Errorf(KindInternal, "not implemented yet") }

// PutTaskConfigs is not implemented yet.
func (UnimplementedHerder) PutTaskConfigs(_ context.Context, _ string, _ []map[string]string, _ *InternalSignature) error {
	return errNotImplemented()
}
