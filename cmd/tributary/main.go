// Command tributary is the Tributary worker: `tributary worker <worker.properties>` joins a
// Kafka Connect cluster, `tributary dev` runs a worker over an embedded, in-memory MQTT
// broker, Kafka cluster and Schema Registry, and `tributary version` prints the build.
//
// This is the only package where plugins meet the runtime.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// exitUsage is the exit code for bad input (arguments or configuration), exitFailure for
// anything that went wrong while running.
const (
	exitUsage   = 2
	exitFailure = 1
)

// usageError marks errors caused by what the user gave us; they exit with code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

const usage = `Usage:
  tributary worker <worker.properties>   run a worker (Kafka Connect distributed-mode properties;
                                         CONNECT_* environment variables override keys)
  tributary dev [flags]                  run a worker on an embedded in-memory dev stack
  tributary consume --topic T [flags]    print a topic's records (key TAB value)
  tributary version                      print the version
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "tributary: %v\n", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(exitUsage)
		}
		os.Exit(exitFailure)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("no command given")
	}
	switch args[0] {
	case "worker":
		return runWorkerCommand(ctx, args[1:], stderr)
	case "dev":
		return runDevCommand(ctx, args[1:], stdout, stderr)
	case "consume":
		return runConsumeCommand(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionLine())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return usagef("unknown command %q", args[0])
	}
}
