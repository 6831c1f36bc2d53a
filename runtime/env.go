package runtime

import "strings"

// envPrefix is the prefix of environment variables that override worker properties.
const envPrefix = "CONNECT_"

// envExcluded are CONNECT_* variables that Confluent's image reads for itself rather than
// turning into worker properties.
var envExcluded = []string{"CONNECT_LOG4J_", "CONNECT_JMX_", "CONNECT_OPTS"}

// EnvOverrides turns CONNECT_* environment variables into worker properties the way
// Confluent's cp-kafka-connect image does: drop the prefix, lower-case, then "___" → "-",
// "__" → "_" and "_" → ".". So CONNECT_BOOTSTRAP_SERVERS sets bootstrap.servers and
// CONNECT_PRODUCER_CLIENT__RACK sets producer.client_rack. environ is os.Environ()'s form.
func EnvOverrides(environ []string) map[string]string {
	out := map[string]string{}
next:
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, envPrefix) || len(name) == len(envPrefix) {
			continue
		}
		for _, ex := range envExcluded {
			if strings.HasPrefix(name, ex) {
				continue next
			}
		}
		key := strings.ToLower(strings.TrimPrefix(name, envPrefix))
		key = strings.ReplaceAll(key, "___", "\x00")
		key = strings.ReplaceAll(key, "__", "\x01")
		key = strings.ReplaceAll(key, "_", ".")
		key = strings.ReplaceAll(key, "\x00", "-")
		key = strings.ReplaceAll(key, "\x01", "_")
		out[key] = value
	}
	return out
}
