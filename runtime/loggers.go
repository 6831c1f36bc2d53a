package runtime

import (
	"io"
	"log"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
)

// Loggers drives log levels by logger name, as Kafka Connect's Loggers class does for
// /admin/loggers (KIP-495), on top of hclog.
//
// hclog has names but no hierarchy of levels, so Loggers keeps one: a registry of named
// loggers, each with a level. Every hclog.Logger it hands out (Root, Named, and anything
// derived from those with Named, With or ResetNamed) belongs to the registry entry of its
// full name and checks that entry's level on each call, so a level change reaches every
// logger of that name at once, including ones created earlier with With. The check is one
// atomic load; the registry's own lock is taken only when a logger is created or a level set.
//
// Names are the names hclog prints ("tributary.worker"); the root logger is "root", which is
// also what "" and any case of "ROOT" mean. A new name starts at the level of its nearest
// dotted ancestor that exists, or the root's.
//
// Levels are Connect's (log4j's) names: TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF and ALL,
// case-insensitive. hclog has no FATAL or ALL: FATAL logs as ERROR and ALL as TRACE, but the
// registry reports the name that was set.
type Loggers struct {
	inner hclog.Logger // writes everything; levels are enforced by the wrappers
	now   func() time.Time

	mu    sync.Mutex
	root  *loggerNode
	nodes map[string]*loggerNode // every named logger except the root
}

// LoggerLevel is a logger's level as /admin/loggers shows it (rest/entities/LoggerLevel).
// LastModified is the epoch-millisecond time of the last change through SetLevel, or nil.
type LoggerLevel struct {
	Level        string `json:"level"`
	LastModified *int64 `json:"last_modified"`
}

// RootLoggerName is the root logger's name in the registry.
const RootLoggerName = "root"

type loggerNode struct {
	name  string
	level atomic.Int32 // hclog.Level, read on every log call

	// guarded by Loggers.mu
	levelName    string
	lastModified *int64
}

// NewLoggers builds the registry and its root logger from opts (as hclog.New takes them).
// opts.Level is the root's level (Info when unset); opts.Name is the root logger's printed
// name.
func NewLoggers(opts *hclog.LoggerOptions) *Loggers {
	o := *opts
	level := o.Level
	if level == hclog.NoLevel {
		level = hclog.Info
	}
	o.Level = hclog.Trace        // the wrappers filter
	o.AdditionalLocationOffset++ // one frame of wrapper between caller and hclog
	o.IndependentLevels = false  // the inner level never changes
	l := &Loggers{inner: hclog.New(&o), now: time.Now, nodes: map[string]*loggerNode{}}
	l.root = &loggerNode{name: RootLoggerName, levelName: log4jName(level)}
	l.root.level.Store(int32(level))
	return l
}

// Root returns the root logger.
func (l *Loggers) Root() hclog.Logger { return &levelLogger{reg: l, node: l.root, inner: l.inner} }

// Named returns the logger with the absolute name name (not prefixed by the root's name),
// creating its registry entry on first use.
func (l *Loggers) Named(name string) hclog.Logger {
	if isRootLoggerName(name) {
		return l.Root()
	}
	return &levelLogger{reg: l, node: l.node(name), inner: l.inner.ResetNamed(name)}
}

// ValidLogLevel reports whether level is one of log4j's level names, in any case.
func ValidLogLevel(level string) bool {
	_, ok := log4jLevels[strings.ToUpper(level)]
	return ok
}

// log4jLevels maps log4j's level names to hclog's levels.
var log4jLevels = map[string]hclog.Level{
	"ALL": hclog.Trace, "TRACE": hclog.Trace, "DEBUG": hclog.Debug, "INFO": hclog.Info,
	"WARN": hclog.Warn, "ERROR": hclog.Error, "FATAL": hclog.Error, "OFF": hclog.Off,
}

func log4jName(level hclog.Level) string {
	switch level {
	case hclog.Trace:
		return "TRACE"
	case hclog.Debug:
		return "DEBUG"
	case hclog.Warn:
		return "WARN"
	case hclog.Error:
		return "ERROR"
	case hclog.Off:
		return "OFF"
	}
	return "INFO"
}

func isRootLoggerName(name string) bool { return name == "" || strings.EqualFold(name, RootLoggerName) }

// node returns name's entry, creating it at its nearest ancestor's level.
func (l *Loggers) node(name string) *loggerNode {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.nodeLocked(name)
}

func (l *Loggers) nodeLocked(name string) *loggerNode {
	if isRootLoggerName(name) {
		return l.root
	}
	if n, ok := l.nodes[name]; ok {
		return n
	}
	parent := l.root
	for p := name; ; {
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
		if n, ok := l.nodes[p]; ok {
			parent = n
			break
		}
	}
	n := &loggerNode{name: name, levelName: parent.levelName}
	n.level.Store(parent.level.Load())
	l.nodes[name] = n
	return n
}

// Level returns the level of the named logger, false if the registry has no such logger.
func (l *Loggers) Level(name string) (LoggerLevel, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.root
	if !isRootLoggerName(name) {
		var ok bool
		if n, ok = l.nodes[name]; !ok {
			return LoggerLevel{}, false
		}
	}
	return LoggerLevel{Level: n.levelName, LastModified: n.lastModified}, true
}

// AllLevels returns every logger's level, keyed by name, the root as "root".
func (l *Loggers) AllLevels() map[string]LoggerLevel {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]LoggerLevel, len(l.nodes)+1)
	out[RootLoggerName] = LoggerLevel{Level: l.root.levelName, LastModified: l.root.lastModified}
	for name, n := range l.nodes {
		out[name] = LoggerLevel{Level: n.levelName, LastModified: n.lastModified}
	}
	return out
}

// SetLevel sets level on namespace and on every logger whose name starts with it (a plain
// string prefix, as Connect 4.x compares: "a.b" also covers "a.bc"); the root namespace
// covers every logger. It creates the namespace's logger if needed, stamps last_modified on
// the loggers whose level changed, and returns their names, sorted. An invalid level is an
// error of kind KindNotFound with Connect's message.
func (l *Loggers) SetLevel(namespace, level string) ([]string, error) {
	up := strings.ToUpper(level)
	hl, ok := log4jLevels[up]
	if !ok {
		return nil, Errorf(KindNotFound, "invalid log level '%s'.", level)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var targets []*loggerNode
	if isRootLoggerName(namespace) {
		targets = append(targets, l.root)
		for _, n := range l.nodes {
			targets = append(targets, n)
		}
	} else {
		l.nodeLocked(namespace)
		for name, n := range l.nodes {
			if strings.HasPrefix(name, namespace) {
				targets = append(targets, n)
			}
		}
	}
	now := l.now().UnixMilli()
	affected := []string{}
	for _, n := range targets {
		if strings.EqualFold(n.levelName, up) {
			continue
		}
		n.levelName = up
		n.level.Store(int32(hl))
		ts := now
		n.lastModified = &ts
		affected = append(affected, n.name)
	}
	sort.Strings(affected)
	return affected, nil
}

// levelLogger is an hclog.Logger whose level is its registry entry's.
type levelLogger struct {
	reg   *Loggers
	node  *loggerNode
	inner hclog.Logger
}

var _ hclog.Logger = (*levelLogger)(nil)

func (w *levelLogger) enabled(level hclog.Level) bool {
	lv := hclog.Level(w.node.level.Load())
	return lv != hclog.Off && level >= lv
}

// Log implements hclog.Logger.
func (w *levelLogger) Log(level hclog.Level, msg string, args ...any) {
	if w.enabled(level) {
		w.inner.Log(level, msg, args...)
	}
}

// Trace implements hclog.Logger.
func (w *levelLogger) Trace(msg string, args ...any) {
	if w.enabled(hclog.Trace) {
		w.inner.Trace(msg, args...)
	}
}

// Debug implements hclog.Logger.
func (w *levelLogger) Debug(msg string, args ...any) {
	if w.enabled(hclog.Debug) {
		w.inner.Debug(msg, args...)
	}
}

// Info implements hclog.Logger.
func (w *levelLogger) Info(msg string, args ...any) {
	if w.enabled(hclog.Info) {
		w.inner.Info(msg, args...)
	}
}

// Warn implements hclog.Logger.
func (w *levelLogger) Warn(msg string, args ...any) {
	if w.enabled(hclog.Warn) {
		w.inner.Warn(msg, args...)
	}
}

// Error implements hclog.Logger.
func (w *levelLogger) Error(msg string, args ...any) {
	if w.enabled(hclog.Error) {
		w.inner.Error(msg, args...)
	}
}

// IsTrace implements hclog.Logger.
func (w *levelLogger) IsTrace() bool { return w.enabled(hclog.Trace) }

// IsDebug implements hclog.Logger.
func (w *levelLogger) IsDebug() bool { return w.enabled(hclog.Debug) }

// IsInfo implements hclog.Logger.
func (w *levelLogger) IsInfo() bool { return w.enabled(hclog.Info) }

// IsWarn implements hclog.Logger.
func (w *levelLogger) IsWarn() bool { return w.enabled(hclog.Warn) }

// IsError implements hclog.Logger.
func (w *levelLogger) IsError() bool { return w.enabled(hclog.Error) }

// ImpliedArgs implements hclog.Logger.
func (w *levelLogger) ImpliedArgs() []any { return w.inner.ImpliedArgs() }

// With implements hclog.Logger: the new logger keeps this one's name and registry entry.
func (w *levelLogger) With(args ...any) hclog.Logger {
	return &levelLogger{reg: w.reg, node: w.node, inner: w.inner.With(args...)}
}

// Name implements hclog.Logger.
func (w *levelLogger) Name() string { return w.inner.Name() }

// Named implements hclog.Logger: the sub-logger's registry name is its full printed name.
func (w *levelLogger) Named(name string) hclog.Logger {
	inner := w.inner.Named(name)
	return &levelLogger{reg: w.reg, node: w.reg.node(inner.Name()), inner: inner}
}

// ResetNamed implements hclog.Logger.
func (w *levelLogger) ResetNamed(name string) hclog.Logger {
	return &levelLogger{reg: w.reg, node: w.reg.node(name), inner: w.inner.ResetNamed(name)}
}

// SetLevel implements hclog.Logger: it sets this name's level (for every logger of the name),
// without touching descendants or last_modified.
func (w *levelLogger) SetLevel(level hclog.Level) {
	w.reg.mu.Lock()
	defer w.reg.mu.Unlock()
	w.node.levelName = log4jName(level)
	w.node.level.Store(int32(level))
}

// GetLevel implements hclog.Logger.
func (w *levelLogger) GetLevel() hclog.Level { return hclog.Level(w.node.level.Load()) }

// StandardLogger implements hclog.Logger.
func (w *levelLogger) StandardLogger(opts *hclog.StandardLoggerOptions) *log.Logger {
	return log.New(w.StandardWriter(opts), "", 0)
}

// StandardWriter implements hclog.Logger: each write is one message, at opts.ForceLevel when
// set and Info otherwise, filtered by this logger's level.
func (w *levelLogger) StandardWriter(opts *hclog.StandardLoggerOptions) io.Writer {
	level := hclog.Info
	if opts != nil && opts.ForceLevel != hclog.NoLevel {
		level = opts.ForceLevel
	}
	return stdWriter{w: w, level: level}
}

type stdWriter struct {
	w     *levelLogger
	level hclog.Level
}

func (s stdWriter) Write(p []byte) (int, error) {
	if s.w.enabled(s.level) {
		s.w.inner.Log(s.level, strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}
