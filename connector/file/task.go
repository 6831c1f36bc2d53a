package file

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/tributary-connect/tributary/connector"
	"github.com/tributary-connect/tributary/internal/javautf8"
)

// pollWait is how long Poll waits when there is nothing to read (Java's wait(1000)).
const pollWait = time.Second

// readChunk is how many bytes one read asks for.
const readChunk = 8192

// stdin is the standard input the task reads when no file is configured; tests replace it.
var stdin io.Reader = os.Stdin

// sourceTask is FileStreamSourceTask.
type sourceTask struct {
	tc  connector.TaskContext
	log hclog.Logger

	filename  string
	partition map[string]any // {"filename": <file>}; the value is nil for the standard input
	topic     string
	batchSize int

	useStdin bool
	file     *os.File      // nil until the file is open
	input    <-chan chunk  // the standard input's reader goroutine
	stop     chan struct{} // closed by Stop, releases that goroutine
	position *int64        // byte offset just after the last line returned; nil for stdin
	buf      []byte        // bytes read but not yet returned as a line
	readBuf  []byte        // scratch for file reads
	wait     func(context.Context, time.Duration) error
	now      func() time.Time
}

type chunk struct {
	data []byte
	err  error
}

func newSourceTask() *sourceTask {
	return &sourceTask{wait: sleep, now: time.Now}
}

// sleep waits for d or until ctx ends, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (t *sourceTask) Start(_ context.Context, tc connector.TaskContext, cfg connector.Config) error {
	v, err := configDef.Parse(cfg)
	if err != nil {
		return err
	}
	t.tc = tc
	t.log = tc.Logger()
	t.topic = v.String(TopicConfig)
	t.batchSize = int(v.Int(TaskBatchSizeConfig))
	t.filename = v.String(FileConfig)
	if v.IsNull(FileConfig) {
		t.partition = map[string]any{FilenameField: nil}
	} else {
		t.partition = map[string]any{FilenameField: t.filename}
	}
	if t.filename == "" {
		// Offsets of the standard input are not tracked: position stays nil.
		t.useStdin = true
		t.stop = make(chan struct{})
		t.input = readStdin(stdin, t.stop)
	}
	return nil
}

// readStdin reads r in a goroutine, because a read from the standard input cannot be
// interrupted. The goroutine ends after the read that follows Stop; like Java, which never
// closes System.in, it may stay blocked in that read until the input ends.
func readStdin(r io.Reader, stop <-chan struct{}) <-chan chunk {
	ch := make(chan chunk)
	go func() {
		for {
			b := make([]byte, readChunk)
			n, err := r.Read(b)
			select {
			case ch <- chunk{data: b[:n], err: err}:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

func (t *sourceTask) logName() string {
	if t.useStdin {
		return "stdin"
	}
	return t.filename
}

// Poll returns the next lines, at most batch.size of them. When nothing new could be read it
// waits a second (or until ctx ends) and returns no records.
func (t *sourceTask) Poll(ctx context.Context) ([]*connector.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !t.useStdin && t.file == nil {
		opened, err := t.open(ctx)
		if err != nil || !opened {
			return nil, err
		}
	}

	records := t.extractLines(nil)
	if t.full(records) {
		return records, nil
	}
	readAny := false
	for {
		n, err := t.read()
		if n > 0 {
			readAny = true
			t.log.Trace("Read bytes", "bytes", n, "file", t.logName())
			records = t.extractLines(records)
			if t.full(records) {
				return records, nil
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				// Java returns null when the stream fails and tries again at the next poll.
				t.log.Debug("Error reading", "file", t.logName(), "error", err)
			}
			break
		}
		if n == 0 {
			break
		}
	}
	if !readAny && len(records) == 0 {
		if err := t.wait(ctx, pollWait); err != nil {
			return nil, err
		}
	}
	return records, nil
}

func (t *sourceTask) full(records []*connector.Record) bool {
	return len(records) > 0 && len(records) >= t.batchSize
}

// read appends what is available now to t.buf. It returns 0 and no error when nothing is
// available (the standard input has no data yet), and io.EOF at the end of the file.
func (t *sourceTask) read() (int, error) {
	if t.useStdin {
		select {
		case c := <-t.input:
			t.buf = append(t.buf, c.data...)
			if c.err != nil {
				// The reader goroutine has ended; later polls find nothing more.
				t.input = nil
			}
			return len(c.data), c.err
		default:
			return 0, nil
		}
	}
	if t.readBuf == nil {
		t.readBuf = make([]byte, readChunk)
	}
	n, err := t.file.Read(t.readBuf)
	t.buf = append(t.buf, t.readBuf[:n]...)
	return n, err
}

// open opens the file and moves to the committed position. It reports false, with no error,
// when the file does not exist yet, after waiting a second.
func (t *sourceTask) open(ctx context.Context) (bool, error) {
	f, err := os.Open(t.filename)
	if errors.Is(err, fs.ErrNotExist) {
		t.log.Warn(fmt.Sprintf("Couldn't find file %s for FileStreamSourceTask, sleeping to wait for it to be created", t.logName()))
		return false, t.wait(ctx, pollWait)
	}
	if err != nil {
		t.log.Error("Error while trying to open file", "file", t.filename, "error", err)
		return false, err
	}
	var position int64
	offset, err := t.tc.Offset(ctx, t.partition)
	if err != nil {
		_ = f.Close()
		return false, fmt.Errorf("reading the committed offset of %s: %w", t.filename, err)
	}
	if offset != nil {
		if last := offset[PositionField]; last != nil {
			p, ok := asLong(last)
			if !ok {
				_ = f.Close()
				return false, connectErrorf("Offset position is the incorrect type")
			}
			t.log.Debug(fmt.Sprintf("Found previous offset, trying to skip to file offset %d", p))
			// The position counts UTF-16 chars, as Java's task writes it; find the byte
			// offset of that char. (Java skips that many bytes instead, which resumes in the
			// wrong place on non-ASCII files; the offsets it writes are the same as ours.)
			if p > 0 {
				off, chars, err := byteOffsetOfChar(f, p)
				if err != nil {
					_ = f.Close()
					t.log.Error("Error while trying to seek to previous offset in file", "file", t.filename, "error", err)
					return false, err
				}
				if chars < p {
					// The file is shorter than the committed position: wait until it has
					// grown past it, as Java's skip loop does.
					_ = f.Close()
					return false, t.wait(ctx, pollWait)
				}
				if _, err := f.Seek(off, io.SeekStart); err != nil {
					_ = f.Close()
					t.log.Error("Error while trying to seek to previous offset in file", "file", t.filename, "error", err)
					return false, err
				}
			}
			t.log.Debug(fmt.Sprintf("Skipped to offset %d", p))
			position = p
		}
	}
	t.file = f
	t.position = &position
	t.log.Debug(fmt.Sprintf("Opened %s for reading", t.logName()))
	return true, nil
}

// extractLines appends to records every complete line in t.buf, stopping when the batch is
// full.
func (t *sourceTask) extractLines(records []*connector.Record) []*connector.Record {
	for !t.full(records) {
		line, ok := t.extractLine()
		if !ok {
			break
		}
		t.log.Trace("Read a line", "file", t.logName())
		records = append(records, t.record(line))
	}
	return records
}

// extractLine removes the first line and its terminator from t.buf (FileStreamSourceTask's
// extractLine): "\n", "\r\n" or a lone "\r". A "\r" at the very end of the buffer is not a
// line end yet, because a "\n" may follow.
func (t *sourceTask) extractLine() (string, bool) {
	i := bytes.IndexAny(t.buf, "\r\n")
	if i < 0 {
		return "", false
	}
	next := i + 1
	if t.buf[i] == '\r' {
		if i+1 >= len(t.buf) {
			return "", false
		}
		if t.buf[i+1] == '\n' {
			next = i + 2
		}
	}
	line := javautf8.Decode(t.buf[:i])
	t.buf = t.buf[:copy(t.buf, t.buf[next:])]
	if t.position != nil {
		// Java counts the chars (UTF-16 code units) of the line and its terminator.
		*t.position += int64(utf16Len(line) + next - i)
	}
	return line, true
}

func (t *sourceTask) record(line string) *connector.Record {
	var pos any // nil for the standard input: {"position": null}, as in Java
	if t.position != nil {
		pos = *t.position
	}
	return &connector.Record{
		SourcePartition: map[string]any{FilenameField: t.partition[FilenameField]},
		SourceOffset:    map[string]any{PositionField: pos},
		Topic:           t.topic,
		ValueSchema:     connector.StringSchema,
		Value:           line,
		Timestamp:       time.UnixMilli(t.now().UnixMilli()),
	}
}

// Stop closes the file. The standard input stays open, as in Java.
func (t *sourceTask) Stop(context.Context) error {
	if t.stop != nil {
		close(t.stop)
		t.stop = nil
	}
	if t.file != nil {
		err := t.file.Close()
		t.file = nil
		if err != nil {
			t.log.Error("Failed to close FileStreamSourceTask stream", "error", err)
		}
	}
	return nil
}

// asLong accepts the integer forms an offset position can take after its JSON round trip
// through the offsets topic: Java requires a Long; here any integer type, a json.Number or a
// float64 without a fractional part (encoding/json's decoding of a JSON integer) will do.
func asLong(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case int16:
		return int64(n), true
	case int8:
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case float64:
		if n == math.Trunc(n) && n >= math.MinInt64 && n < math.MaxInt64 {
			return int64(n), true
		}
	}
	return 0, false
}

// javaError is an error worded as Kafka's ConnectException, capitalised as there.
type javaError struct{ msg string }

func (e *javaError) Error() string { return e.msg }

func connectErrorf(format string, a ...any) error {
	return &javaError{msg: fmt.Sprintf(format, a...)}
}

// utf16Len is the number of UTF-16 code units of s (Java's String.length()).
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// byteOffsetOfChar reads f from the start and returns the byte offset just after the
// first chars UTF-16 code units, and the number of code units found (fewer when the file
// is shorter).
func byteOffsetOfChar(f *os.File, chars int64) (int64, int64, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, 0, err
	}
	r := bufio.NewReaderSize(f, 64*1024)
	var off, n int64
	for n < chars {
		c, size, err := r.ReadRune()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, 0, err
		}
		off += int64(size)
		if c >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return off, n, nil
}
