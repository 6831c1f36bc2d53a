// Package examples holds connector JSON payloads and curl scripts for the quickstart, and
// (in later issues) a sample third-party connector that compiles with `go build ./...`.
package examples
