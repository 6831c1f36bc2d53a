package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/internal/properties"
	"github.com/tributary-connect/tributary/internal/version"
	"github.com/tributary-connect/tributary/rest"
	"github.com/tributary-connect/tributary/runtime"
	"github.com/tributary-connect/tributary/runtime/distributed"
)

// kafkaConnectTimeout bounds how long a starting worker waits for Kafka to answer.
const kafkaConnectTimeout = 30 * time.Second

func versionLine() string {
	return fmt.Sprintf("tributary %s (commit %s)", version.Version, version.Commit)
}

// newLoggers builds the logger registry that /admin/loggers drives; its Root is the
// process's root logger. TRIBUTARY_LOG_LEVEL and TRIBUTARY_LOG_FORMAT=json set the defaults.
func newLoggers(stderr io.Writer) *runtime.Loggers {
	level := hclog.LevelFromString(os.Getenv("TRIBUTARY_LOG_LEVEL"))
	if level == hclog.NoLevel {
		level = hclog.Info
	}
	return runtime.NewLoggers(&hclog.LoggerOptions{
		Name:       "tributary",
		Level:      level,
		Output:     stderr,
		JSONFormat: os.Getenv("TRIBUTARY_LOG_FORMAT") == "json",
	})
}

func runWorkerCommand(ctx context.Context, args []string, stderr io.Writer) error {
	if len(args) != 1 {
		return usagef("usage: tributary worker <worker.properties>")
	}
	props, err := loadProperties(args[0])
	if err != nil {
		return err
	}
	for k, v := range runtime.EnvOverrides(os.Environ()) {
		props[k] = v
	}
	wc, err := runtime.NewWorkerConfig(props)
	if err != nil {
		return usageError{fmt.Errorf("%s: %w", args[0], err)}
	}
	return runWorker(ctx, wc, newLoggers(stderr), nil)
}

// loadProperties reads a worker properties file; every failure is a usage error.
func loadProperties(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, usagef("worker config file %s does not exist", path)
		}
		return nil, usagef("worker config file: %v", err)
	}
	defer func() { _ = f.Close() }() // read-only
	props, err := properties.Parse(f)
	if err != nil {
		return nil, usagef("worker config file %s: %v", path, err)
	}
	return props, nil
}

// runWorker binds the REST listeners, connects to Kafka and serves until ctx ends. ready,
// if not nil, is called once the worker answers requests.
func runWorker(ctx context.Context, wc *runtime.WorkerConfig, loggers *runtime.Loggers, ready func()) error {
	log := loggers.Root()
	bound, err := rest.Listen(wc.Listeners) // first, so a port in use is the only line printed
	if err != nil {
		return err
	}
	log.Info("starting worker", "version", version.Version, "worker_id", wc.WorkerID())
	if w := wc.UnknownWarning(); w != "" {
		log.Warn(w)
	}
	kctx, cancel := context.WithTimeout(ctx, kafkaConnectTimeout)
	worker, err := runtime.NewWorker(kctx, runtime.WorkerParams{Config: wc, Plugins: newPlugins(), Logger: log})
	cancel()
	if err != nil {
		for _, ln := range bound {
			_ = ln.Close()
		}
		if ctx.Err() != nil {
			return nil // interrupted while starting
		}
		return err
	}
	defer worker.Close()
	metrics := runtime.NewMetrics()
	herder, err := distributed.New(distributed.Config{Worker: worker, Logger: log, Metrics: metrics})
	if err != nil {
		for _, ln := range bound {
			_ = ln.Close()
		}
		return err
	}
	srv := rest.NewServer(rest.Config{Herder: herder, Metrics: metrics, Loggers: loggers, Version: version.Version, Commit: version.Commit, Logger: log})
	addrs := make([]string, len(bound))
	for i, ln := range bound {
		addrs[i] = ln.Addr().String()
	}
	log.Info("REST API listening", "addresses", strings.Join(addrs, ","), "advertised_url", wc.AdvertisedURL())

	// The herder and the REST server share one context: either one ending stops both.
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	herderErr := make(chan error, 1)
	go func() {
		herderErr <- herder.Run(runCtx)
		stop()
	}()
	readyDone := make(chan struct{})
	go func() {
		defer close(readyDone)
		select {
		case <-herder.Started():
			if ready != nil {
				ready()
			}
		case <-runCtx.Done():
		}
	}()
	serveErr := srv.Serve(runCtx, bound)
	stop()
	<-readyDone
	if err := <-herderErr; err != nil {
		return err
	}
	if serveErr != nil {
		return serveErr
	}
	log.Info("worker stopped")
	return nil
}
