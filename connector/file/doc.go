// Package file is a port of Apache Kafka's FileStreamSourceConnector and FileStreamSourceTask
// (connect-file 4.1.2): a connector that turns each line of a text file, or of the standard
// input, into one record.
//
// What matches Java:
//   - The configuration: file (optional, standard input when missing or empty), topic
//     (required, non-empty) and batch.size (INT, default 2000, no validator), with Kafka's
//     documentation strings and importances.
//   - Exactly one task config, a copy of the connector config, whatever tasks.max is.
//   - The records: source partition {"filename": <file>} ({"filename": null} for the standard
//     input, or "" when file is set to the empty string), source offset {"position": <offset
//     after the line and its terminator>} ({"position": null} for the standard input), no key
//     and no key schema, the required STRING value schema (Schema.STRING_SCHEMA), the line
//     without its terminator as value, the wall-clock time as timestamp, no Kafka partition and
//     no headers.
//   - Line splitting: "\n", "\r\n" and a lone "\r" each end a line; a "\r" that is the last byte
//     read so far is held back until the next byte shows whether a "\n" follows. Bytes that are
//     not valid UTF-8 become U+FFFD as Java's UTF-8 decoder replaces them.
//   - The file is opened at the first Poll. A missing file is logged and retried after 1 s;
//     any other open error fails the task. The committed offset is read once, when the file is
//     opened; a position that is not an integer fails the task with "Offset position is the
//     incorrect type".
//   - When a batch is full, Poll returns it; when nothing new was read, Poll waits 1 s.
//
// Deliberate differences, each an improvement that changes no record:
//   - Positions count UTF-16 chars of the decoded text, exactly as Java writes them, so both
//     runtimes store the same offsets. Java then skips that many *bytes* when it resumes, which
//     lands in the wrong place on non-ASCII files; Tributary finds the byte where that many
//     chars end. For ASCII files the two are identical.
//   - Resuming at a position beyond the end of the file: Java's skip loop spins inside poll
//     until the file has grown that long, then reads on from the position. Tributary seeks to
//     the position, so the result is the same, but Poll stays responsive meanwhile.
//   - Lines already in the buffer when a batch filled up are returned by the next Poll even when
//     the file has not grown; Java leaves them until more bytes arrive.
//   - Waiting (missing file, no new data) ends as soon as the Poll context is cancelled.
//
// Import rule: connector (the SPI) and go-hclog only.
package file
