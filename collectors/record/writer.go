package record

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// Writer appends readings to a recording. It is not safe for concurrent use: one goroutine
// (the record loop) owns it.
type Writer struct {
	out  io.Writer
	file *os.File // set by Create; Close closes it
	name string   // for error messages

	count     int
	lastTime  time.Time
	prev, cur parts // the previous and the current reading, split; prev is the delta's source

	enc    payloadEncoder
	body   []byte
	comp   bytes.Buffer
	flater *flate.Writer
	rec    []byte

	err error // sticky: after a failed write the file ends in a partial record
}

// Create creates (or truncates) the file at path and writes the header. h.Version is ignored:
// the file gets Version.
func Create(path string, h Header) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create recording: %w", err)
	}
	w, err := newWriter(f, path, h)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	w.file = f
	return w, nil
}

// NewWriter writes a recording to out, for tests and for callers that own the file. Close does
// not close out.
func NewWriter(out io.Writer, h Header) (*Writer, error) {
	return newWriter(out, "recording", h)
}

func newWriter(out io.Writer, name string, h Header) (*Writer, error) {
	fl, err := flate.NewWriter(nil, flate.DefaultCompression)
	if err != nil {
		return nil, err
	}
	w := &Writer{out: out, name: name, flater: fl}
	body, err := json.Marshal(headerJSON{Hostname: h.Hostname, Kernel: h.Kernel, Started: h.Started})
	if err != nil {
		return nil, fmt.Errorf("%s: encode header: %w", name, err)
	}
	b := make([]byte, 0, fileHeaderFixed+len(body)+4)
	b = append(b, magic...)
	b = binary.BigEndian.AppendUint16(b, Version)
	b = binary.BigEndian.AppendUint32(b, uint32(len(body)))
	b = append(b, body...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[len(magic):]))
	if _, err := out.Write(b); err != nil {
		return nil, fmt.Errorf("%s: write header: %w", name, err)
	}
	return w, nil
}

// Append writes s as one record with a single write, so that a crash loses at most the record
// being written (the data reaches the kernel at once; it is not fsynced). Readings must come in
// time order: Index searches by time. After a write error every later Append fails, since the
// file then ends in a partial record.
func (w *Writer) Append(s snapshot.Snapshot) error {
	if w.err != nil {
		return w.err
	}
	if s.Time.IsZero() || time.Unix(0, s.Time.UnixNano()).Compare(s.Time) != 0 {
		return fmt.Errorf("%s: reading time %v is outside what a recording stores (1678 to 2262)", w.name, s.Time)
	}
	if w.count > 0 && s.Time.Before(w.lastTime) {
		return &clockError{fmt.Sprintf("%s: reading at %s is earlier than the previous one at %s (did the clock step back?)",
			w.name, s.Time.Format(time.RFC3339Nano), w.lastTime.Format(time.RFC3339Nano))}
	}
	doc, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("%s: encode reading: %w", w.name, err)
	}
	if err := w.cur.split(doc); err != nil {
		return fmt.Errorf("%s: encode reading: %w", w.name, err)
	}
	kind := byte(kindDelta)
	plain := doc
	if w.count%KeyframeInterval == 0 {
		kind = kindKeyframe
	} else {
		if w.body, err = w.enc.encode(w.body[:0], &w.prev, &w.cur); err != nil {
			return fmt.Errorf("%s: encode reading: %w", w.name, err)
		}
		plain = w.body
	}
	if err := w.writeRecord(kind, s.Time.UnixNano(), plain); err != nil {
		return err
	}
	w.count++
	w.lastTime = s.Time
	w.prev, w.cur = w.cur, w.prev
	return nil
}

// writeRecord compresses plain and writes it as one record with a single Write.
func (w *Writer) writeRecord(kind byte, unixNano int64, plain []byte) error {
	w.comp.Reset()
	w.flater.Reset(&w.comp)
	if _, err := w.flater.Write(plain); err != nil {
		return fmt.Errorf("%s: compress reading: %w", w.name, err)
	}
	if err := w.flater.Close(); err != nil {
		return fmt.Errorf("%s: compress reading: %w", w.name, err)
	}
	payload := w.comp.Bytes()
	if len(payload) > maxPayload {
		return fmt.Errorf("%s: reading compresses to %d bytes, more than a record holds (%d)", w.name, len(payload), maxPayload)
	}
	w.rec = append(w.rec[:0], make([]byte, recordHeaderLen)...)
	recordHeader{kind: kind, unixNano: unixNano, length: uint32(len(payload)),
		payloadCR: crc32.ChecksumIEEE(payload)}.encode(w.rec)
	w.rec = append(w.rec, payload...)
	if _, err := w.out.Write(w.rec); err != nil {
		w.err = fmt.Errorf("%s: write record %d: %w", w.name, w.count+1, err)
		return w.err
	}
	return nil
}

// Close syncs and closes the file that Create opened. A Writer from NewWriter has nothing to
// release.
func (w *Writer) Close() error {
	if errors.Is(w.err, ErrClosed) {
		return nil
	}
	w.err = fmt.Errorf("%s: %w", w.name, ErrClosed)
	if w.file == nil {
		return nil
	}
	syncErr := w.file.Sync()
	if errors.Is(syncErr, syscall.EINVAL) || errors.Is(syncErr, syscall.ENOTSUP) {
		syncErr = nil // a device or pipe (/dev/null, a FIFO): nothing to make durable
	}
	if err := w.file.Close(); err != nil {
		return fmt.Errorf("close %s: %w", w.name, err)
	}
	if syncErr != nil {
		return fmt.Errorf("sync %s: %w", w.name, syncErr)
	}
	return nil
}

// ErrClockStepped is what Append returns (wrapped) for a reading earlier than the one before:
// the wall clock stepped back. The recording is still good; the reading is not appended.
var ErrClockStepped = errors.New("reading earlier than the previous one")

type clockError struct{ msg string }

func (e *clockError) Error() string { return e.msg }
func (e *clockError) Unwrap() error { return ErrClockStepped }
