package runtime

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/tributary-connect/tributary/connector"
)

// Connector configuration keys (Kafka's ConnectorConfig and SourceConnectorConfig).
const (
	KeyName                 = "name"
	KeyConnectorClass       = "connector.class"
	KeyTasksMax             = "tasks.max"
	KeyTasksMaxEnforce      = "tasks.max.enforce"
	KeyTransforms           = "transforms"
	KeyPredicates           = "predicates"
	KeyErrorsRetryTimeout   = "errors.retry.timeout"
	KeyErrorsRetryMaxDelay  = "errors.retry.delay.max.ms"
	KeyErrorsTolerance      = "errors.tolerance"
	KeyErrorsLogEnable      = "errors.log.enable"
	KeyErrorsLogIncludeMsgs = "errors.log.include.messages"
	KeyTopicCreationGroups  = "topic.creation.groups"
	KeyExactlyOnceSupport   = "exactly.once.support"
	KeyTransactionBoundary  = "transaction.boundary"
	KeyOffsetsStorageTopic  = "offsets.storage.topic"
	KeyTaskClass            = "task.class"
	KeyConnectorVersion     = "connector.plugin.version"

	// pluginVersionSuffix makes the KIP-891 version keys (key.converter.plugin.version …).
	pluginVersionSuffix = ".plugin.version"

	groupCommon       = "Common"
	groupTransforms   = "Transforms"
	groupPredicates   = "Predicates"
	groupErrors       = "Error Handling"
	groupTopicCreate  = "Topic Creation"
	groupExactlyOnce  = "Exactly Once Support"
	groupOffsetsTopic = "offsets.topic"
)

func nonEmptyNoControlChars(v any) error {
	if v == nil {
		return nil // a missing name is reported as missing (Kafka's validator skips null)
	}
	s, _ := v.(string)
	if s == "" {
		return fmt.Errorf("String may not be empty")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("String may not contain control sequences but had the following ASCII control characters: %q", r)
		}
	}
	return nil
}

// baseConnectorKeys are the framework keys every source connector has, in Kafka's order.
var baseConnectorKeys = []connector.ConfigKey{
	{Name: KeyName, Type: connector.ConfigString, Required: true, Validate: nonEmptyNoControlChars, Importance: connector.High,
		Doc: "Globally unique name to use for this connector.", Group: groupCommon, Order: 1, Width: connector.WidthMedium, DisplayName: "Connector name"},
	{Name: KeyConnectorClass, Type: connector.ConfigString, Required: true, Importance: connector.High,
		Doc:   "Name or alias of the class for this connector. Must be a subclass of org.apache.kafka.connect.connector.Connector. If the connector is org.apache.kafka.connect.file.FileStreamSinkConnector, you can either specify this full name,  or use \"FileStreamSink\" or \"FileStreamSinkConnector\" to make the configuration a bit shorter",
		Group: groupCommon, Order: 2, Width: connector.WidthLong, DisplayName: "Connector class"},
	{Name: KeyConnectorVersion, Type: connector.ConfigString, Importance: connector.Medium,
		Doc: "Version of the connector.", Group: groupCommon, Order: 3, Width: connector.WidthMedium, DisplayName: "Connector version"},
	{Name: KeyTasksMax, Type: connector.ConfigInt, Default: "1", Validate: connector.AtLeast(1), Importance: connector.High,
		Doc: "Maximum number of tasks to use for this connector.", Group: groupCommon, Order: 4, Width: connector.WidthShort, DisplayName: "Tasks max"},
	{Name: KeyTasksMaxEnforce, Type: connector.ConfigBoolean, Default: "true", Importance: connector.Low,
		Doc:   "(Deprecated) Whether to enforce that the tasks.max property is respected by the connector. By default, connectors that generate too many tasks will fail, and existing sets of tasks that exceed the tasks.max property will also be failed. If this property is set to false, then connectors will be allowed to generate more than the maximum number of tasks, and existing sets of tasks that exceed the tasks.max property will be allowed to run. This property is deprecated and will be removed in an upcoming major release.",
		Group: groupCommon, Order: 5, Width: connector.WidthShort, DisplayName: "Enforce tasks max"},
	{Name: KeyKeyConverter, Type: connector.ConfigClass, Importance: connector.Low,
		Doc:   "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. This controls the format of the keys in messages written to or read from Kafka, and since this is independent of connectors it allows any connector to work with any serialization format. Examples of common formats include JSON and Avro.",
		Group: groupCommon, Order: 6, Width: connector.WidthShort, DisplayName: "Key converter class"},
	{Name: KeyKeyConverter + pluginVersionSuffix, Type: connector.ConfigString, Importance: connector.Low,
		Doc: "Version of the key converter.", Group: groupCommon, Order: 7, Width: connector.WidthShort, DisplayName: "Key converter version"},
	{Name: KeyValueConverter, Type: connector.ConfigClass, Importance: connector.Low,
		Doc:   "Converter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. This controls the format of the values in messages written to or read from Kafka, and since this is independent of connectors it allows any connector to work with any serialization format. Examples of common formats include JSON and Avro.",
		Group: groupCommon, Order: 8, Width: connector.WidthShort, DisplayName: "Value converter class"},
	{Name: KeyValueConverter + pluginVersionSuffix, Type: connector.ConfigString, Importance: connector.Low,
		Doc: "Version of the value converter.", Group: groupCommon, Order: 9, Width: connector.WidthShort, DisplayName: "Value converter version"},
	{Name: KeyHeaderConverter, Type: connector.ConfigClass, Importance: connector.Low,
		Doc:   "HeaderConverter class used to convert between Kafka Connect format and the serialized form that is written to Kafka. This controls the format of the header values in messages written to or read from Kafka, and since this is independent of connectors it allows any connector to work with any serialization format. Examples of common formats include JSON and Avro. By default, the SimpleHeaderConverter is used to serialize header values to strings and deserialize them by inferring the schemas.",
		Group: groupCommon, Order: 10, Width: connector.WidthShort, DisplayName: "Header converter class"},
	{Name: KeyHeaderConverter + pluginVersionSuffix, Type: connector.ConfigString, Importance: connector.Low,
		Doc: "Version of the header converter.", Group: groupCommon, Order: 11, Width: connector.WidthShort, DisplayName: "Header converter version"},
	{Name: KeyTransforms, Type: connector.ConfigList, Default: "", Validate: uniqueAliases, Importance: connector.Low,
		Doc: "Aliases for the transformations to be applied to records.", Group: groupTransforms, Order: 12, Width: connector.WidthLong, DisplayName: "Transforms"},
	{Name: KeyPredicates, Type: connector.ConfigList, Default: "", Validate: uniqueAliases, Importance: connector.Low,
		Doc: "Aliases for the predicates used by transformations.", Group: groupPredicates, Order: 13, Width: connector.WidthLong, DisplayName: "Predicates"},
	{Name: "config.action.reload", Type: connector.ConfigString, Default: "restart", Validate: caseSensitiveOneOf("none", "restart"), Importance: connector.Low,
		Doc:   "The action that Connect should take on the connector when changes in external configuration providers result in a change in the connector's configuration properties. A value of 'none' indicates that Connect will do nothing. A value of 'restart' indicates that Connect should restart/reload the connector with the updated configuration properties.The restart may actually be scheduled in the future if the external configuration provider indicates that a configuration value will expire in the future.",
		Group: groupCommon, Order: 14, Width: connector.WidthMedium, DisplayName: "Reload Action"},
	{Name: KeyErrorsRetryTimeout, Type: connector.ConfigLong, Default: "0", Importance: connector.Medium,
		Doc:   "The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which means no retries will be attempted. Use -1 for infinite retries.",
		Group: groupErrors, Order: 1, Width: connector.WidthMedium, DisplayName: "Retry Timeout for Errors"},
	{Name: KeyErrorsRetryMaxDelay, Type: connector.ConfigLong, Default: "60000", Importance: connector.Medium,
		Doc:   "The maximum duration in milliseconds between consecutive retry attempts. Jitter will be added to the delay once this limit is reached to prevent thundering herd issues.",
		Group: groupErrors, Order: 2, Width: connector.WidthMedium, DisplayName: "Maximum Delay Between Retries for Errors"},
	{Name: KeyErrorsTolerance, Type: connector.ConfigString, Default: "none", Validate: caseSensitiveOneOf("none", "all"), Importance: connector.Medium,
		Doc:   "Behavior for tolerating errors during connector operation. 'none' is the default value and signals that any error will result in an immediate connector task failure; 'all' changes the behavior to skip over problematic records.",
		Group: groupErrors, Order: 3, Width: connector.WidthShort, DisplayName: "Error Tolerance"},
	{Name: KeyErrorsLogEnable, Type: connector.ConfigBoolean, Default: "false", Importance: connector.Medium,
		Doc:   "If true, write each error and the details of the failed operation and problematic record to the Connect application log. This is 'false' by default, so that only errors that are not tolerated are reported.",
		Group: groupErrors, Order: 4, Width: connector.WidthShort, DisplayName: "Log Errors"},
	{Name: KeyErrorsLogIncludeMsgs, Type: connector.ConfigBoolean, Default: "false", Importance: connector.Medium,
		Doc:   "Whether to include in the log the Connect record that resulted in a failure. For sink records, the topic, partition, offset, and timestamp will be logged. For source records, the key and value (and their schemas), all headers, and the timestamp, Kafka topic, Kafka partition, source partition, and source offset will be logged. This is 'false' by default, which will prevent record keys, values, and headers from being written to log files.",
		Group: groupErrors, Order: 5, Width: connector.WidthShort, DisplayName: "Log Error Details"},
	{Name: KeyTopicCreationGroups, Type: connector.ConfigList, Default: "", Importance: connector.Low,
		Doc: "Groups of configurations for topics created by source connectors", Group: groupTopicCreate, Order: 1, Width: connector.WidthLong, DisplayName: "Topic Creation Groups"},
	{Name: KeyExactlyOnceSupport, Type: connector.ConfigString, Default: "requested", Validate: connector.OneOf("requested", "required"), Importance: connector.Medium,
		Doc:   "Permitted values are requested, required. If set to \"required\", forces a preflight check for the connector to ensure that it can provide exactly-once semantics with the given configuration. Some connectors may be capable of providing exactly-once semantics but not signal to Connect that they support this; in that case, documentation for the connector should be consulted carefully before creating it, and the value for this property should be set to \"requested\". Additionally, if the value is set to \"required\" but the worker that performs preflight validation does not have exactly-once support enabled for source connectors, requests to create or validate the connector will fail.",
		Group: groupExactlyOnce, Order: 2, Width: connector.WidthShort, DisplayName: "Exactly once support"},
	{Name: KeyTransactionBoundary, Type: connector.ConfigString, Default: "poll", Validate: connector.OneOf("poll", "interval", "connector"), Importance: connector.Medium,
		Doc:   "Permitted values are: poll, interval, connector. If set to 'poll', a new producer transaction will be started and committed for every batch of records that each task from this connector provides to Connect. If set to 'connector', relies on connector-defined transaction boundaries; note that not all connectors are capable of defining their own transaction boundaries, and in that case, attempts to instantiate a connector with this value will fail. Finally, if set to 'interval', commits transactions only after a user-defined time interval has passed.",
		Group: groupExactlyOnce, Order: 3, Width: connector.WidthShort, DisplayName: "Transaction Boundary"},
	{Name: "transaction.boundary.interval.ms", Type: connector.ConfigLong, Validate: nullOr(connector.AtLeast(0)), Importance: connector.Low,
		Doc:   "If 'transaction.boundary' is set to 'interval', determines the interval for producer transaction commits by connector tasks. If unset, defaults to the value of the worker-level 'offset.flush.interval.ms' property. It has no effect if a different transaction.boundary is specified.",
		Group: groupExactlyOnce, Order: 4, Width: connector.WidthShort, DisplayName: "Transaction boundary interval"},
	{Name: KeyOffsetsStorageTopic, Type: connector.ConfigString, Importance: connector.Low,
		Doc:   "The name of a separate offsets topic to use for this connector. If empty or not specified, the worker’s global offsets topic name will be used. If specified, the offsets topic will be created if it does not already exist on the Kafka cluster targeted by this connector (which may be different from the one used for the worker's global offsets topic if the bootstrap.servers property of the connector's producer has been overridden from the worker's). Only applicable in distributed mode; in standalone mode, setting this property will have no effect.",
		Group: groupOffsetsTopic, Order: 1, Width: connector.WidthLong, DisplayName: "Offsets topic"},
}

// The group order of /validate answers for source connectors, as Kafka lists them.
var baseGroups = []string{groupCommon, groupTransforms, groupPredicates, groupErrors, groupTopicCreate, groupExactlyOnce, groupOffsetsTopic}

func caseSensitiveOneOf(values ...string) connector.Validator {
	return func(v any) error {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		for _, x := range values {
			if s == x {
				return nil
			}
		}
		return fmt.Errorf("String must be one of: %s", strings.Join(values, ", "))
	}
}

// uniqueAliases rejects duplicate aliases in transforms/predicates.
func uniqueAliases(v any) error {
	l, _ := v.([]string)
	seen := map[string]bool{}
	for _, a := range l {
		if seen[a] {
			return fmt.Errorf("Duplicate alias provided.")
		}
		seen[a] = true
	}
	return nil
}

// enrichedConnectorDef returns the framework keys for cfg: the base keys, then for each
// transform alias its type/predicate/negate keys and the transform's own keys under
// "transforms.<alias>.", then each predicate's, as Kafka's ConnectorConfig.enrich does.
// Transform and predicate types that cannot be resolved add no keys (their type key
// carries the error).
func (p *Plugins) enrichedConnectorDef(cfg connector.Config) *connector.ConfigDef {
	def := &connector.ConfigDef{Keys: append([]connector.ConfigKey(nil), baseConnectorKeys...)}
	transforms, _ := connector.ParseValue(connector.ConfigList, cfg[KeyTransforms])
	for _, alias := range uniq(transforms.([]string)) {
		prefix := "transforms." + alias + "."
		group := "Transforms: " + alias
		def.Keys = append(def.Keys,
			connector.ConfigKey{Name: prefix + "type", Type: connector.ConfigClass, Required: true, Validate: negateNeedsPredicate(cfg, prefix, p.classValidator(KindTransformation, "Transformation")),
				Importance: connector.High, Doc: "Class for the '" + alias + "' transformation.", Group: group, Order: 0, Width: connector.WidthLong, DisplayName: "Transformation type for " + alias})
		// Every transformation gets the runtime's predicate and negate keys, sorted in with
		// its own (Kafka's initialConfigDef, then ConfigDef.embed of the sorted configs).
		implicit := []connector.ConfigKey{
			{Name: "predicate", Type: connector.ConfigString, Importance: connector.Medium,
				Doc: "The alias of a predicate used to determine whether to apply this transformation."},
			{Name: "negate", Type: connector.ConfigBoolean, Default: "false", Importance: connector.Medium,
				Doc: "Whether the configured predicate should be negated."},
		}
		if pl, err := p.Lookup(cfg[prefix+"type"], KindTransformation); err == nil {
			def.Keys = append(def.Keys, pluginVersionKey(prefix, group, "Transformation", "transformation", alias, pl.Version))
			def.Keys = append(def.Keys, prefixed(pl.NewTransformation().ConfigDef(), implicit, prefix, group)...)
		} else {
			// An unknown type: Kafka still defines the version key (no default) and embeds
			// nothing else.
			def.Keys = append(def.Keys, pluginVersionKey(prefix, group, "Transformation", "transformation", alias, ""))
		}
	}
	predicates, _ := connector.ParseValue(connector.ConfigList, cfg[KeyPredicates])
	for _, alias := range uniq(predicates.([]string)) {
		prefix := "predicates." + alias + "."
		group := "Predicates: " + alias
		def.Keys = append(def.Keys, connector.ConfigKey{Name: prefix + "type", Type: connector.ConfigClass, Required: true, Validate: p.classValidator(KindPredicate, "Predicate"),
			Importance: connector.High, Doc: "Class for the '" + alias + "' predicate.", Group: group, Order: 0, Width: connector.WidthLong, DisplayName: "Predicate type for " + alias})
		if pl, err := p.Lookup(cfg[prefix+"type"], KindPredicate); err == nil {
			def.Keys = append(def.Keys, pluginVersionKey(prefix, group, "Predicate", "predicate", alias, pl.Version))
			def.Keys = append(def.Keys, prefixed(pl.NewPredicate().ConfigDef(), nil, prefix, group)...)
		}
	}
	return def
}

func uniq(l []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range l {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// prefixed embeds a plugin's ConfigDef, with the runtime's implicit keys for it, under a
// prefix (Kafka's ConfigDef.embed): the keys in ConfigDef.sortedConfigs order (required
// first, then by importance, then by name), numbered from 2 (after type and plugin.version),
// each keeping its own name as display name and in validator messages. A plugin key named
// like an implicit one is masked by it.
func prefixed(d *connector.ConfigDef, implicit []connector.ConfigKey, prefix, group string) []connector.ConfigKey {
	keys := append([]connector.ConfigKey(nil), implicit...)
	if d != nil {
		for _, k := range d.Keys {
			if k.Name == "type" || slices.ContainsFunc(implicit, func(i connector.ConfigKey) bool { return i.Name == k.Name }) {
				continue
			}
			keys = append(keys, k)
		}
	}
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.Required != b.Required {
			return a.Required // no default first
		}
		if a.Importance != b.Importance {
			return a.Importance < b.Importance // HIGH, MEDIUM, LOW
		}
		return a.Name < b.Name
	})
	out := make([]connector.ConfigKey, 0, len(keys))
	for i, k := range keys {
		if k.DisplayName == "" {
			k.DisplayName = k.Name
		}
		k.MessageName = k.Name
		k.Name = prefix + k.Name
		k.Group = group
		k.Order = 2 + i
		if k.Width == 0 {
			k.Width = connector.WidthNone
		}
		out = append(out, k)
	}
	return out
}

// pluginVersionKey is the <prefix>plugin.version key Kafka 4.1 (KIP-891) adds after an
// SMT's or predicate's type.
func pluginVersionKey(prefix, group, kind, lower, alias, version string) connector.ConfigKey {
	var def any
	if version != "" {
		def = version
	}
	return connector.ConfigKey{Name: prefix + "plugin.version", Type: connector.ConfigString, Default: def, Importance: connector.High,
		Doc: "Version of the '" + alias + "' " + lower + ".", Group: group, Order: 1, Width: connector.WidthLong, DisplayName: kind + " version for " + alias}
}

// negateNeedsPredicate adds Kafka's check that a negate key comes with a predicate key.
func negateNeedsPredicate(cfg connector.Config, prefix string, next connector.Validator) connector.Validator {
	return func(v any) error {
		_, negate := cfg[prefix+"negate"]
		if _, pred := cfg[prefix+"predicate"]; negate && !pred {
			return &connector.ConfigError{Message: fmt.Sprintf("Config '%snegate' was provided but there is no config '%spredicate' defining a predicate to be negated.", prefix, prefix)}
		}
		return next(v)
	}
}

func (p *Plugins) classValidator(kind PluginKind, what string) connector.Validator {
	return func(v any) error {
		if v == nil {
			return nil // missing: reported as such; Kafka's type validator skips null
		}
		s, _ := v.(string)
		if s == "" {
			return fmt.Errorf("Not a %s", what)
		}
		if _, err := p.Lookup(s, kind); err != nil {
			// An SMT's base class (InsertField) names its $Key/$Value variants, as Kafka
			// reports an abstract class.
			_, kerr := p.Lookup(s+"$Key", kind)
			_, verr := p.Lookup(s+"$Value", kind)
			if kerr == nil && verr == nil {
				return &connector.ConfigError{Message: fmt.Sprintf("This class is abstract and cannot be created. Did you mean %s$Key, %s$Value?", s, s)}
			}
			return fmt.Errorf("Class %s could not be found.", s)
		}
		return nil
	}
}

// ValidateConnector validates a connector config as Kafka's AbstractHerder does and renders
// the /validate answer: framework keys, then the connector's own keys, then the
// connector's cross-key checks. It returns a KindBadRequest *Error when connector.class is
// missing or names no installed connector (Kafka Connect 4.1 answers 400 for both).
//
// workerDefaults are the worker's values for keys a connector inherits (key.converter,
// value.converter, header.converter); /validate shows them as the effective values, as
// Kafka Connect does.
func (p *Plugins) ValidateConnector(cfg connector.Config, workerDefaults map[string]string) (*ConfigInfos, *Plugin, error) {
	class := cfg[KeyConnectorClass]
	if class == "" {
		return nil, nil, Errorf(KindBadRequest, "Connector config %s contains no connector type", javaMap(cfg))
	}
	pl, err := p.Lookup(class, KindSource)
	if err != nil {
		return nil, nil, &Error{Kind: KindBadRequest, Message: err.Error(), Err: err}
	}
	framework := p.enrichedConnectorDef(cfg)
	conn := pl.NewConnector()
	own := conn.ConfigDef()
	if own == nil {
		own = &connector.ConfigDef{}
	}
	values := framework.Validate(cfg)
	values = append(values, own.Validate(cfg)...)
	// Each converter's class must resolve.
	if v, ok := conn.(connector.ConfigValidator); ok {
		values = v.ValidateConfig(cfg, values)
	}
	keys := append(append([]connector.ConfigKey(nil), framework.Keys...), own.Keys...)
	infos := p.renderConfigInfos(class, keys, values, cfg, p.effectiveDefaults(pl, cfg, workerDefaults))
	appendOverrideErrors(infos, cfg, workerDefaults[keyOverridePolicy])
	return infos, pl, nil
}

const keyOverridePolicy = "connector.client.config.override.policy"

// overrideViolation returns the error for a producer.override.* key the worker's
// connector.client.config.override.policy forbids, or "".
func overrideViolation(policy, key string) string {
	allowed := true
	switch {
	case strings.EqualFold(policy, "None"):
		allowed = false
	case strings.EqualFold(policy, "Principal"):
		allowed = key == "sasl.jaas.config" || key == "sasl.mechanism" || key == "security.protocol"
	}
	if allowed {
		return ""
	}
	return fmt.Sprintf("The '%s' policy does not allow '%s' to be overridden in the connector configuration.", policy, key)
}

// appendOverrideErrors adds a value without definition for every client override the policy
// forbids, as Kafka's AbstractHerder.validateClientOverrides does.
func appendOverrideErrors(infos *ConfigInfos, cfg connector.Config, policy string) {
	keys := make([]string, 0)
	for k := range cfg {
		if strings.HasPrefix(k, "producer.override.") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		msg := overrideViolation(policy, strings.TrimPrefix(k, "producer.override."))
		if msg == "" {
			continue
		}
		v := cfg[k]
		infos.Configs = append(infos.Configs, ConfigInfo{Value: ConfigValueInfo{Name: k, Value: &v, RecommendedValues: []string{}, Errors: []string{msg}, Visible: true}})
		infos.ErrorCount++
	}
}

// effectiveDefaults are the values /validate shows for absent keys beyond ConfigDef
// defaults: the worker's converters and the versions of the plugins in use.
func (p *Plugins) effectiveDefaults(conn *Plugin, cfg connector.Config, workerDefaults map[string]string) map[string]string {
	out := map[string]string{KeyConnectorVersion: conn.Version}
	for key, kind := range map[string]PluginKind{KeyKeyConverter: KindConverter, KeyValueConverter: KindConverter, KeyHeaderConverter: KindHeaderConverter} {
		if w := workerDefaults[key]; w != "" {
			out[key] = w
		}
		class := cfg[key]
		if class == "" {
			class = workerDefaults[key]
		}
		if pl, err := p.Lookup(class, kind); err == nil {
			out[key+pluginVersionSuffix] = pl.Version
		}
	}
	return out
}

// recommended lists the values /validate recommends for a key: the installed converters
// for converter keys, the plugin's version for version keys.
func (p *Plugins) recommended(key string, effective map[string]string, cfg connector.Config) []string {
	var kind PluginKind
	switch key {
	case KeyKeyConverter, KeyValueConverter:
		kind = KindConverter
	case KeyHeaderConverter:
		kind = KindHeaderConverter
	default:
		switch {
		case strings.HasPrefix(key, "transforms.") && strings.HasSuffix(key, ".type"):
			return p.classes(KindTransformation)
		case strings.HasPrefix(key, "predicates.") && strings.HasSuffix(key, ".type"):
			return p.classes(KindPredicate)
		}
		if strings.HasSuffix(key, pluginVersionSuffix) && effective[key] != "" {
			return []string{effective[key]}
		}
		if v := p.aliasPluginVersion(key, cfg); v != "" {
			return []string{v}
		}
		return []string{}
	}
	return p.classes(kind)
}

// classKeyKind is the plugin kind a CLASS key names.
func classKeyKind(key string) (PluginKind, bool) {
	switch {
	case key == KeyKeyConverter || key == KeyValueConverter:
		return KindConverter, true
	case key == KeyHeaderConverter:
		return KindHeaderConverter, true
	case strings.HasPrefix(key, "transforms.") && strings.HasSuffix(key, ".type"):
		return KindTransformation, true
	case strings.HasPrefix(key, "predicates.") && strings.HasSuffix(key, ".type"):
		return KindPredicate, true
	}
	return "", false
}

// aliasPluginVersion is the version recommended for a transforms.<a>.plugin.version or
// predicates.<a>.plugin.version key: the version of the plugin its type names.
func (p *Plugins) aliasPluginVersion(key string, cfg connector.Config) string {
	if !strings.HasSuffix(key, ".plugin.version") {
		return ""
	}
	typeKey := strings.TrimSuffix(key, "plugin.version") + "type"
	kind, ok := classKeyKind(typeKey)
	if !ok {
		return ""
	}
	pl, err := p.Lookup(cfg[typeKey], kind)
	if err != nil {
		return ""
	}
	return pl.Version
}

// renderConfigInfos builds the ConfigInfos answer: one entry per key (in order) with its
// effective value (supplied, else inherited, else the default), the groups in order of
// first appearance, and the error count.
func (p *Plugins) renderConfigInfos(name string, keys []connector.ConfigKey, values []connector.ConfigValue, cfg connector.Config, effective map[string]string) *ConfigInfos {
	byName := map[string]connector.ConfigValue{}
	for _, v := range values {
		prev := byName[v.Name]
		prev.Name = v.Name
		prev.Errors = append(prev.Errors, v.Errors...)
		byName[v.Name] = prev
	}
	out := &ConfigInfos{Name: name, Groups: []string{}, Configs: []ConfigInfo{}}
	seenGroup := map[string]bool{}
	for _, g := range baseGroups {
		seenGroup[g] = true
		out.Groups = append(out.Groups, g)
	}
	seenKey := map[string]bool{}
	for _, k := range keys {
		if seenKey[k.Name] {
			continue
		}
		seenKey[k.Name] = true
		if k.Group != "" && !seenGroup[k.Group] {
			seenGroup[k.Group] = true
			out.Groups = append(out.Groups, k.Group)
		}
		cv := byName[k.Name]
		errs := cv.Errors
		if errs == nil {
			errs = []string{}
		}
		out.ErrorCount += len(errs)
		var value *string
		if raw, ok := cfg[k.Name]; ok {
			if _, err := connector.ParseValue(k.Type, raw); err == nil {
				value = &raw // a value that does not parse shows as null, as in Kafka
			}
		} else if v, ok := effective[k.Name]; ok {
			value = &v
		} else if !k.Required && k.Default != nil {
			d := fmt.Sprint(k.Default)
			value = &d
		}
		if value != nil && k.Type == connector.ConfigClass {
			// A class value shows as the class it resolves to (Kafka prints the Class).
			if kind, ok := classKeyKind(k.Name); ok {
				if pl, err := p.Lookup(*value, kind); err == nil {
					c := pl.Class
					value = &c
				}
			}
		}
		if value != nil && k.Type == connector.ConfigPassword {
			hidden := "[hidden]"
			value = &hidden
		}
		out.Configs = append(out.Configs, ConfigInfo{
			Definition: keyInfo(k, effective),
			Value:      ConfigValueInfo{Name: k.Name, Value: value, RecommendedValues: p.recommended(k.Name, effective, cfg), Errors: errs, Visible: true},
		})
	}
	return out
}

// keyInfo renders a key's definition. Keys with an effective default (the worker's
// converters, the versions of the plugins in use) show it as their default, as Kafka
// Connect 4.1 does.
func keyInfo(k connector.ConfigKey, effective map[string]string) *ConfigKeyInfo {
	info := &ConfigKeyInfo{
		Name: k.Name, Type: k.Type.String(), Required: k.Required, Importance: k.Importance.String(),
		Documentation: k.Doc, Width: k.Width.String(), DisplayName: k.DisplayName, Dependents: k.Dependents, Order: k.Order,
	}
	if info.Dependents == nil {
		info.Dependents = []string{}
	}
	if k.Group != "" {
		g := k.Group
		info.Group = &g
	} else {
		info.Order = -1
	}
	if info.DisplayName == "" {
		info.DisplayName = k.Name
	}
	if info.Importance == "UNKNOWN" {
		info.Importance = "LOW"
	}
	if v := effective[k.Name]; v != "" {
		info.DefaultValue = &v
	} else if !k.Required && k.Default != nil {
		d := fmt.Sprint(k.Default)
		if k.Type == connector.ConfigPassword {
			d = "[hidden]"
		}
		info.DefaultValue = &d
	}
	return info
}

// PluginConfigKeys renders a plugin's ConfigDef for GET /connector-plugins/{p}/config;
// for connectors, the plugin's keys come first, then the framework keys it does not define.
func (p *Plugins) PluginConfigKeys(pl *Plugin) []ConfigKeyInfo {
	var def *connector.ConfigDef
	switch {
	case pl.NewConnector != nil:
		def = pl.NewConnector().ConfigDef()
	case pl.NewTransformation != nil:
		def = pl.NewTransformation().ConfigDef()
	case pl.NewPredicate != nil:
		def = pl.NewPredicate().ConfigDef()
	case pl.NewConverter != nil:
		def = pl.NewConverter().ConfigDef()
	case pl.NewHeaderConverter != nil:
		def = pl.NewHeaderConverter().ConfigDef()
	}
	var keys []connector.ConfigKey
	if def != nil {
		keys = append(keys, def.Keys...)
	}
	effective := map[string]string{KeyConnectorVersion: pl.Version}
	if pl.NewConnector != nil {
		own := map[string]bool{}
		for _, k := range keys {
			own[k.Name] = true
		}
		for _, k := range baseConnectorKeys {
			if !own[k.Name] {
				keys = append(keys, k)
			}
		}
	}
	out := make([]ConfigKeyInfo, 0, len(keys))
	for _, k := range keys {
		out = append(out, *keyInfo(k, effective))
	}
	return out
}

// InvalidConfigError is the 400 message for a create or update that failed validation.
func InvalidConfigError(infos *ConfigInfos) error {
	var msgs []string
	for _, c := range infos.Configs {
		msgs = append(msgs, c.Value.Errors...)
	}
	return Errorf(KindBadRequest, "Connector configuration is invalid and contains the following %d error(s):\n%s\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`",
		infos.ErrorCount, strings.Join(msgs, "\n"))
}

// javaMap renders a config map like Java's Map.toString ({a=b, c=d}), sorted.
func javaMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
