// Package version holds the build's version and commit, set at link time by the Makefile
// (-ldflags "-X github.com/tributary-connect/tributary/internal/version.Commit=…").
package version

// Version is Tributary's release version.
var Version = "0.1.0-dev"

// Commit is the git commit the binary was built from.
var Commit = "unknown"
