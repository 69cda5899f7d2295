// Package record reads and writes boxtop recordings (.bxr files): a sequence of snapshots taken
// by `boxtop record` and browsed later by `boxtop replay`.
//
// A reading differs from the previous one mostly in the digits of its counters and rates, so a
// record stores the snapshot's JSON as a delta against the previous record's: the JSON's
// structure with the numbers taken out (rarely changed), then only the digits that changed, all
// compressed with DEFLATE. This is about half the size of a byte delta of the JSON and a quarter
// of DEFLATE with the previous reading as preset dictionary (see BenchmarkScheme). Every
// KeyframeInterval-th record is a keyframe, the JSON alone, so that a reader can seek without
// replaying the file from its start. Every record carries its length and CRC-32
// checksums so that a file cut short by a crash stays readable up to its last whole record and a
// damaged one is reported by offset. FORMAT.md describes the layout byte by byte.
//
// The package imports only the standard library and the snapshot types.
package record

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"time"
)

// Version is the format version this package writes and the newest it reads. A reader refuses a
// newer version instead of guessing: the layout after the version field may have changed.
const Version = 1

// Extension is the file name extension of a recording.
const Extension = ".bxr"

// KeyframeInterval is how often a record is stored whole: random access decodes at most this
// many records. 60 at one reading a second bounds a seek to a minute of deltas.
const KeyframeInterval = 60

// magic opens every recording. Like PNG's it has a high-bit byte and CR LF, SUB, LF, so a file
// mangled by a text-mode transfer or an editor is told apart from a damaged record.
const magic = "\x89BXR\r\n\x1a\n"

// Sizes of the fixed parts of the layout (see FORMAT.md).
const (
	fileHeaderFixed = len(magic) + 2 + 4 // magic, version, header length
	recordHeaderLen = 1 + 8 + 4 + 4 + 4  // kind, time, payload length, payload CRC, header CRC
)

// Record kinds.
const (
	kindKeyframe = 'K' // payload: DEFLATE of the snapshot's JSON
	kindDelta    = 'D' // payload: DEFLATE of delta ops against the previous record's JSON
)

// Bounds that keep a damaged or hostile file from making the reader allocate without limit.
// Real values are far below them: a snapshot of 50 containers is about 150 KB of JSON.
const (
	maxHeaderJSON   = 1 << 20
	maxPayload      = 64 << 20
	maxSnapshotJSON = 256 << 20
)

// Header describes the recording as a whole. It is written once, before the first record.
type Header struct {
	// Version is the format version of the file; the writer sets it.
	Version  int
	Hostname string
	Kernel   string
	// Started is the time of the first reading. A writer given a zero Started leaves it zero in
	// the file and the reader reports the first record's time instead.
	Started time.Time
}

// headerJSON is the stored form of Header; unknown fields are ignored so that a later writer of
// the same version may add some.
type headerJSON struct {
	Hostname string    `json:"hostname"`
	Kernel   string    `json:"kernel"`
	Started  time.Time `json:"started"`
}

// recordHeader is the fixed part before each payload.
type recordHeader struct {
	kind      byte
	unixNano  int64
	length    uint32
	payloadCR uint32
}

func (h recordHeader) encode(b []byte) {
	b[0] = h.kind
	binary.BigEndian.PutUint64(b[1:9], uint64(h.unixNano))
	binary.BigEndian.PutUint32(b[9:13], h.length)
	binary.BigEndian.PutUint32(b[13:17], h.payloadCR)
	binary.BigEndian.PutUint32(b[17:21], crc32.ChecksumIEEE(b[:17]))
}

// decodeRecordHeader parses b (recordHeaderLen bytes) and reports whether its own checksum holds.
func decodeRecordHeader(b []byte) (recordHeader, bool) {
	h := recordHeader{
		kind:      b[0],
		unixNano:  int64(binary.BigEndian.Uint64(b[1:9])),
		length:    binary.BigEndian.Uint32(b[9:13]),
		payloadCR: binary.BigEndian.Uint32(b[13:17]),
	}
	return h, crc32.ChecksumIEEE(b[:17]) == binary.BigEndian.Uint32(b[17:21])
}

// CorruptError reports a record that cannot be trusted. The readings before it are readable;
// it and the ones after it are not indexed.
type CorruptError struct {
	Path   string
	Offset int64 // where the record starts
	Record int   // its index, from 0: also the number of readable readings before it
	Reason string
}

// Error numbers the record from 1, as a person counts: record 12 has 11 readings before it.
func (e *CorruptError) Error() string {
	readable := fmt.Sprintf("the %d readings before it are readable", e.Record)
	switch e.Record {
	case 0:
		readable = "no reading before it is readable"
	case 1:
		readable = "the 1 reading before it is readable"
	}
	return fmt.Sprintf("%s: offset %d: record %d is corrupt (%s); %s", e.Path, e.Offset, e.Record+1, e.Reason, readable)
}

// ErrClosed is returned by a Writer or Reader used after Close.
var ErrClosed = errors.New("recording is closed")
