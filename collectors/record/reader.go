package record

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// Reader gives random access to the readings of a recording. Open indexes the records in one
// pass that checks every checksum but decompresses nothing; At decodes from the nearest keyframe
// and remembers the last reading it decoded, so stepping forward costs one delta. It is safe for
// concurrent use.
type Reader struct {
	path      string
	file      *os.File
	header    Header
	entries   []entry
	truncated int64 // offset of the partial record at the end; -1 if none
	corrupt   *CorruptError

	mu       sync.Mutex
	closed   bool
	cachePos int   // the reading held in cache; -1 if none
	cache    parts // reused between calls, as are the buffers below
	next     parts
	doc      []byte
	scratch  []int32
	payload  []byte
	inflated bytes.Buffer
	inflater io.ReadCloser
}

// entry is what the index keeps of one record: enough to find, check and order it.
type entry struct {
	offset   int64 // of the record header
	unixNano int64
	length   uint32
	crc      uint32
	kind     byte
	keyframe int // index of the keyframe at or before this record
}

// Open reads the header of the recording at path and indexes its records.
//
// A file that ends inside a record, as one does after a crash while recording, opens without
// error and Truncated says where the partial record starts. A record that fails its checksum
// (or is otherwise inconsistent) ends the index: Open then returns both a Reader over the
// readings before it and a *CorruptError naming its offset, so that replay can show what is
// readable along with the warning. Any other error (not a recording, a newer format, a damaged
// header, an I/O error) comes with a nil Reader. Every error message names path; those about
// the content start with it and give the offset, e.g.
//
//	demo.bxr: offset 0: not a boxtop recording (bad magic)
//	demo.bxr: format version 3 is newer than this boxtop reads (1); upgrade boxtop
//	demo.bxr: offset 18231: record 12 is corrupt (checksum mismatch); the 11 readings before it are readable
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open recording: %w", err)
	}
	r := &Reader{path: path, file: f, truncated: -1, cachePos: -1}
	if err := r.index(); err != nil {
		var corrupt *CorruptError
		if errors.As(err, &corrupt) {
			r.corrupt = corrupt
			return r, err
		}
		_ = f.Close()
		return nil, err
	}
	return r, nil
}

func (r *Reader) errorf(offset int64, format string, args ...any) error {
	return fmt.Errorf("%s: offset %d: %s", r.path, offset, fmt.Sprintf(format, args...))
}

// index reads the header and then every record header and payload once, in order.
func (r *Reader) index() error {
	info, err := r.file.Stat()
	if err != nil {
		return fmt.Errorf("stat %s: %w", r.path, err)
	}
	size := info.Size()
	in := bufio.NewReaderSize(r.file, 256<<10)
	readErr := func(err error) error { return fmt.Errorf("read %s: %w", r.path, err) }

	fixed := make([]byte, fileHeaderFixed)
	n, err := io.ReadFull(in, fixed)
	switch {
	case n == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF):
		return r.errorf(0, "not a boxtop recording (empty file)")
	case n < len(magic) && bytes.Equal(fixed[:n], []byte(magic[:n])) && err == io.ErrUnexpectedEOF:
		return r.errorf(0, "the file ends inside the header (%d bytes)", n)
	case n < len(magic) || string(fixed[:len(magic)]) != magic:
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return readErr(err)
		}
		return r.errorf(0, "not a boxtop recording (bad magic)")
	case err == io.ErrUnexpectedEOF:
		return r.errorf(0, "the file ends inside the header (%d bytes)", n)
	case err != nil:
		return readErr(err)
	}
	version := int(binary.BigEndian.Uint16(fixed[8:10]))
	if version > Version {
		return fmt.Errorf("%s: format version %d is newer than this boxtop reads (%d); upgrade boxtop", r.path, version, Version)
	}
	if version == 0 {
		return r.errorf(8, "format version 0 does not exist (damaged header)")
	}
	bodyLen := binary.BigEndian.Uint32(fixed[10:14])
	if bodyLen > maxHeaderJSON {
		return r.errorf(10, "header length %d is implausible (damaged header)", bodyLen)
	}
	rest := make([]byte, int(bodyLen)+4)
	if _, err := io.ReadFull(in, rest); err == io.EOF || err == io.ErrUnexpectedEOF {
		return r.errorf(0, "the file ends inside the header")
	} else if err != nil {
		return readErr(err)
	}
	body := rest[:bodyLen]
	sum := crc32.Update(crc32.ChecksumIEEE(fixed[len(magic):]), crc32.IEEETable, body)
	if sum != binary.BigEndian.Uint32(rest[bodyLen:]) {
		return r.errorf(0, "the header is corrupt (checksum mismatch)")
	}
	var h headerJSON
	if err := json.Unmarshal(body, &h); err != nil {
		return r.errorf(int64(fileHeaderFixed), "the header is corrupt: %v", err)
	}
	r.header = Header{Version: version, Hostname: h.Hostname, Kernel: h.Kernel, Started: h.Started}

	offset := int64(fileHeaderFixed) + int64(len(rest))
	head := make([]byte, recordHeaderLen)
	keyframe := 0
	for {
		n, err := io.ReadFull(in, head)
		if n == 0 && err == io.EOF {
			return nil
		}
		if err == io.ErrUnexpectedEOF {
			r.truncated = offset
			return nil
		}
		if err != nil {
			return readErr(err)
		}
		i := len(r.entries)
		corrupt := func(reason string, args ...any) error {
			return &CorruptError{Path: r.path, Offset: offset, Record: i, Reason: fmt.Sprintf(reason, args...)}
		}
		rh, ok := decodeRecordHeader(head)
		switch {
		case !ok:
			return corrupt("header checksum mismatch")
		case rh.kind != kindKeyframe && rh.kind != kindDelta:
			return corrupt("unknown record kind 0x%02x", rh.kind)
		case i == 0 && rh.kind != kindKeyframe:
			return corrupt("the first record is not a keyframe")
		case rh.length > maxPayload:
			return corrupt("payload length %d is implausible", rh.length)
		case i > 0 && rh.unixNano < r.entries[i-1].unixNano:
			return corrupt("its time is earlier than the previous reading's")
		}
		end := offset + recordHeaderLen + int64(rh.length)
		if end > size {
			r.truncated = offset
			return nil
		}
		if cap(r.payload) < int(rh.length) {
			r.payload = make([]byte, rh.length)
		}
		payload := r.payload[:rh.length]
		if _, err := io.ReadFull(in, payload); err == io.EOF || err == io.ErrUnexpectedEOF {
			// The file shrank since Stat: it is being rewritten. What was read stays valid.
			r.truncated = offset
			return nil
		} else if err != nil {
			return readErr(err)
		}
		if crc32.ChecksumIEEE(payload) != rh.payloadCR {
			return corrupt("checksum mismatch")
		}
		if rh.kind == kindKeyframe {
			keyframe = i
		}
		r.entries = append(r.entries, entry{offset: offset, unixNano: rh.unixNano, length: rh.length,
			crc: rh.payloadCR, kind: rh.kind, keyframe: keyframe})
		offset = end
	}
}

// Header returns the recording's header. When the writer left Started zero it is the time of
// the first reading.
func (r *Reader) Header() Header {
	h := r.header
	if h.Started.IsZero() && len(r.entries) > 0 {
		h.Started = r.Time(0)
	}
	return h
}

// Len is the number of readable readings.
func (r *Reader) Len() int { return len(r.entries) }

// Time is the time of reading i, from the index; the zero time if i is out of range.
func (r *Reader) Time(i int) time.Time {
	if i < 0 || i >= len(r.entries) {
		return time.Time{}
	}
	return time.Unix(0, r.entries[i].unixNano).UTC()
}

// Index returns the last reading at or before t, or 0 if t is before the first.
func (r *Reader) Index(t time.Time) int {
	after := sort.Search(len(r.entries), func(i int) bool { return r.Time(i).After(t) })
	return max(after-1, 0)
}

// Truncated reports whether the file ends inside a record, as a crash while recording leaves it,
// and the offset where that partial record starts. The readings before it are all readable.
func (r *Reader) Truncated() (offset int64, truncated bool) {
	return r.truncated, r.truncated >= 0
}

// Corrupt returns the error Open returned for a corrupt record, or nil.
func (r *Reader) Corrupt() error {
	if r.corrupt == nil {
		return nil
	}
	return r.corrupt
}

// At decodes reading i.
func (r *Reader) At(i int) (snapshot.Snapshot, error) {
	if i < 0 || i >= len(r.entries) {
		return snapshot.Snapshot{}, fmt.Errorf("%s: no reading at index %d (the recording holds %d)", r.path, i, len(r.entries))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return snapshot.Snapshot{}, fmt.Errorf("%s: %w", r.path, ErrClosed)
	}
	start := r.entries[i].keyframe
	if r.cachePos >= start && r.cachePos <= i {
		start = r.cachePos + 1
	} else {
		r.cachePos = -1
	}
	for j := start; j <= i; j++ {
		if err := r.decode(j); err != nil {
			r.cachePos = -1
			return snapshot.Snapshot{}, err
		}
	}
	doc, err := r.cache.join(r.doc[:0])
	if err != nil {
		r.cachePos = -1
		return snapshot.Snapshot{}, r.corruptAt(i, "%v", err)
	}
	r.doc = doc
	var s snapshot.Snapshot
	if err := json.Unmarshal(doc, &s); err != nil {
		return snapshot.Snapshot{}, r.corruptAt(i, "the reading is not valid JSON: %v", err)
	}
	if s.Schema != snapshot.Schema {
		return snapshot.Snapshot{}, fmt.Errorf("%s: offset %d: record %d holds a snapshot of schema %q; this boxtop reads %q",
			r.path, r.entries[i].offset, i+1, s.Schema, snapshot.Schema)
	}
	if !s.Time.Equal(r.Time(i)) {
		return snapshot.Snapshot{}, r.corruptAt(i, "the reading's time %s differs from the index's %s",
			s.Time.Format(time.RFC3339Nano), r.Time(i).Format(time.RFC3339Nano))
	}
	return s, nil
}

func (r *Reader) corruptAt(i int, reason string, args ...any) error {
	return &CorruptError{Path: r.path, Offset: r.entries[i].offset, Record: i, Reason: fmt.Sprintf(reason, args...)}
}

// decode turns record j into parts in cache; for a delta, cache must hold reading j-1.
func (r *Reader) decode(j int) error {
	e := r.entries[j]
	if cap(r.payload) < int(e.length) {
		r.payload = make([]byte, e.length)
	}
	payload := r.payload[:e.length]
	if _, err := r.file.ReadAt(payload, e.offset+recordHeaderLen); err != nil {
		return fmt.Errorf("read %s: offset %d: record %d: %w", r.path, e.offset, j+1, err)
	}
	if crc32.ChecksumIEEE(payload) != e.crc {
		return r.corruptAt(j, "checksum mismatch; the file changed after it was opened")
	}
	if r.inflater == nil {
		r.inflater = flate.NewReader(bytes.NewReader(payload))
	} else if err := r.inflater.(flate.Resetter).Reset(bytes.NewReader(payload), nil); err != nil {
		return r.corruptAt(j, "cannot decompress: %v", err)
	}
	r.inflated.Reset()
	n, err := r.inflated.ReadFrom(io.LimitReader(r.inflater, maxSnapshotJSON+1))
	if err != nil {
		return r.corruptAt(j, "cannot decompress: %v", err)
	}
	if n > maxSnapshotJSON {
		return r.corruptAt(j, "it decompresses to more than %d bytes", maxSnapshotJSON)
	}
	if e.kind == kindKeyframe {
		if err := r.cache.split(r.inflated.Bytes()); err != nil {
			return r.corruptAt(j, "%v", err)
		}
	} else {
		var err error
		r.scratch, err = decodePayload(&r.next, &r.cache, r.inflated.Bytes(), r.scratch, maxSnapshotJSON)
		if err != nil {
			return r.corruptAt(j, "bad delta: %v", err)
		}
		r.next, r.cache = r.cache, r.next
	}
	r.cachePos = j
	return nil
}

// Close releases the file. Readings already returned stay valid.
func (r *Reader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	if err := r.file.Close(); err != nil {
		return fmt.Errorf("close %s: %w", r.path, err)
	}
	return nil
}
