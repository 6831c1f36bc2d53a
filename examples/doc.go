// Package examples holds connector JSON payloads and curl scripts for the quickstart.
//
// Subpackages show third parties how to write plugins against Tributary's SPI (package
// connector) and compile with `go build ./...`:
//
//   - examples/sequence: a source connector that emits an exact, documented sequence of
//     numbers per task, registered as io.tributary.examples.SequenceSourceConnector. The
//     distributed-mode tests use it to count records and prove that none is lost.
package examples
