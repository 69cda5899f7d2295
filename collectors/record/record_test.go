package record

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

var testHeader = Header{Hostname: "shop-prod-3", Kernel: "6.8.0-45-generic",
	Started: time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)}

// writeRecording writes rs to a new file in a temporary directory and returns its path.
func writeRecording(t testing.TB, rs []snapshot.Snapshot) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.bxr")
	w, err := Create(path, testHeader)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range rs {
		if err := w.Append(s); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// viaJSON is what a reading looks like after a trip through JSON: the monotonic clock and the
// difference between nil and empty slices are gone.
func viaJSON(t testing.TB, s snapshot.Snapshot) snapshot.Snapshot {
	t.Helper()
	doc, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var out snapshot.Snapshot
	if err := json.Unmarshal(doc, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func mustOpen(t testing.TB, path string) *Reader {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// checkAt asserts that reading i of r is want.
func checkAt(t *testing.T, r *Reader, i int, want snapshot.Snapshot) {
	t.Helper()
	got, err := r.At(i)
	if err != nil {
		t.Fatalf("At(%d): %v", i, err)
	}
	if w := viaJSON(t, want); !reflect.DeepEqual(got, w) {
		gotDoc, _ := json.Marshal(got)
		wantDoc, _ := json.Marshal(w)
		t.Fatalf("At(%d) differs from what was appended:\n got %.300s\nwant %.300s", i, gotDoc, wantDoc)
	}
}

func TestRoundTrip(t *testing.T) {
	rs := readings(7, 10, 200)
	r := mustOpen(t, writeRecording(t, rs))

	if r.Len() != len(rs) {
		t.Fatalf("Len = %d, want %d", r.Len(), len(rs))
	}
	h := r.Header()
	if h.Version != Version || h.Hostname != testHeader.Hostname || h.Kernel != testHeader.Kernel || !h.Started.Equal(testHeader.Started) {
		t.Errorf("Header = %+v, want %+v with version %d", h, testHeader, Version)
	}
	if off, truncated := r.Truncated(); truncated || r.Corrupt() != nil {
		t.Errorf("a whole file reads as truncated at %d (%v) or corrupt (%v)", off, truncated, r.Corrupt())
	}
	for i, s := range rs {
		if !r.Time(i).Equal(s.Time) {
			t.Fatalf("Time(%d) = %v, want %v", i, r.Time(i), s.Time)
		}
	}
	// Random order makes At go through keyframes, forwards from the cache and backwards.
	rng := rand.New(rand.NewPCG(1, 2))
	for _, i := range rng.Perm(len(rs)) {
		checkAt(t, r, i, rs[i])
	}
	for i := range rs {
		checkAt(t, r, i, rs[i])
	}
	for _, i := range []int{-1, len(rs)} {
		if _, err := r.At(i); err == nil || !strings.Contains(err.Error(), "demo.bxr") {
			t.Errorf("At(%d) = %v, want an error naming the file", i, err)
		}
	}
}

// TestKeyframes checks that every KeyframeInterval-th record, and only those, stands alone.
func TestKeyframes(t *testing.T) {
	r := mustOpen(t, writeRecording(t, readings(3, 2, 2*KeyframeInterval+5)))
	for i, e := range r.entries {
		wantKind, wantKey := byte(kindDelta), i-i%KeyframeInterval
		if i%KeyframeInterval == 0 {
			wantKind = kindKeyframe
		}
		if e.kind != wantKind || e.keyframe != wantKey {
			t.Errorf("record %d: kind %q keyframe %d, want %q %d", i, e.kind, e.keyframe, wantKind, wantKey)
		}
	}
}

// TestCrashKeepsAppended reads a recording whose writer was never closed: every Append must
// already be in the file.
func TestCrashKeepsAppended(t *testing.T) {
	rs := readings(4, 3, 5)
	path := filepath.Join(t.TempDir(), "crash.bxr")
	w, err := Create(path, testHeader)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	for i, s := range rs {
		if err := w.Append(s); err != nil {
			t.Fatal(err)
		}
		r := mustOpen(t, path)
		if r.Len() != i+1 {
			t.Fatalf("after %d appends the file holds %d readings", i+1, r.Len())
		}
		checkAt(t, r, i, s)
	}
}

func TestTruncatedTail(t *testing.T) {
	cases := []struct {
		name  string
		count int
	}{
		{"last record is a delta", 70},
		{"last record is a keyframe", KeyframeInterval + 1},
		{"only record", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rs := readings(5, 3, tc.count)
			path := writeRecording(t, rs)
			whole, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			last := mustOpen(t, path).entries[tc.count-1].offset
			cut := filepath.Join(t.TempDir(), "cut.bxr")
			for size := last; size < int64(len(whole)); size++ {
				if err := os.WriteFile(cut, whole[:size], 0o644); err != nil {
					t.Fatal(err)
				}
				r, err := Open(cut)
				if err != nil {
					t.Fatalf("cut at %d: %v", size, err)
				}
				off, truncated := r.Truncated()
				wantTruncated := size > last
				if r.Len() != tc.count-1 || truncated != wantTruncated || (truncated && off != last) {
					t.Fatalf("cut at %d: Len %d, Truncated (%d, %v); want %d, (%d, %v)",
						size, r.Len(), off, truncated, tc.count-1, last, wantTruncated)
				}
				// The readings before the cut stay readable; checking one per cut keeps this quick.
				if r.Len() > 0 {
					checkAt(t, r, int(size)%r.Len(), rs[int(size)%r.Len()])
				}
				_ = r.Close()
			}
		})
	}
}

// flipBit returns a copy of b with one bit inverted.
func flipBit(b []byte, at int64, bit uint) []byte {
	out := bytes.Clone(b)
	out[at] ^= 1 << bit
	return out
}

func TestCorruptRecord(t *testing.T) {
	const count = 130
	rs := readings(6, 4, count)
	path := writeRecording(t, rs)
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pristine := mustOpen(t, path)
	cases := []struct {
		name   string
		record int
		at     int64 // from the start of the record
		reason string
	}{
		{"kind of the first record", 0, 0, "header checksum mismatch"},
		{"time of a delta", 37, 3, "header checksum mismatch"},
		{"length of a delta", 37, 11, "header checksum mismatch"},
		{"payload of a delta", 37, recordHeaderLen + 5, "checksum mismatch"},
		{"payload of a keyframe", KeyframeInterval, recordHeaderLen + 40, "checksum mismatch"},
		{"payload checksum of the last record", count - 1, 14, "header checksum mismatch"},
		{"last byte of the file", count - 1, -1, "checksum mismatch"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := pristine.entries[tc.record]
			at := e.offset + tc.at
			if tc.at < 0 {
				at = int64(len(whole)) - 1
			}
			bad := filepath.Join(t.TempDir(), "demo.bxr")
			if err := os.WriteFile(bad, flipBit(whole, at, 3), 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := Open(bad)
			var corrupt *CorruptError
			if !errors.As(err, &corrupt) || r == nil {
				t.Fatalf("Open = %v, %v; want a Reader and a *CorruptError", r, err)
			}
			defer r.Close()
			if corrupt.Offset != e.offset || corrupt.Record != tc.record || corrupt.Reason != tc.reason {
				t.Errorf("error at offset %d record %d (%s), want %d %d (%s)",
					corrupt.Offset, corrupt.Record, corrupt.Reason, e.offset, tc.record, tc.reason)
			}
			msg := err.Error()
			for _, want := range []string{bad + ": ", "offset " + itoa(e.offset) + ": ", "record " + itoa(int64(tc.record+1)) + " is corrupt"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if r.Len() != tc.record || r.Corrupt() != err {
				t.Errorf("Len %d, Corrupt %v; want %d and the error Open returned", r.Len(), r.Corrupt(), tc.record)
			}
			for i := range r.Len() {
				checkAt(t, r, i, rs[i])
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestCorruptMessage(t *testing.T) {
	cases := []struct {
		record int
		want   string
	}{
		{11, "demo.bxr: offset 18231: record 12 is corrupt (checksum mismatch); the 11 readings before it are readable"},
		{1, "demo.bxr: offset 18231: record 2 is corrupt (checksum mismatch); the 1 reading before it is readable"},
		{0, "demo.bxr: offset 18231: record 1 is corrupt (checksum mismatch); no reading before it is readable"},
	}
	for _, tc := range cases {
		err := &CorruptError{Path: "demo.bxr", Offset: 18231, Record: tc.record, Reason: "checksum mismatch"}
		if err.Error() != tc.want {
			t.Errorf("got  %q\nwant %q", err.Error(), tc.want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	valid, err := os.ReadFile(writeRecording(t, readings(8, 2, 3)))
	if err != nil {
		t.Fatal(err)
	}
	withVersion := func(v uint16) []byte {
		b := bytes.Clone(valid)
		b[8], b[9] = byte(v>>8), byte(v)
		return b
	}
	cases := []struct {
		name string
		data []byte
		want string // after "<path>: "
	}{
		{"empty file", nil, "offset 0: not a boxtop recording (empty file)"},
		{"bad magic", append([]byte("{\"schema\":"), valid[10:]...), "offset 0: not a boxtop recording (bad magic)"},
		{"text file", []byte("hello\n"), "offset 0: not a boxtop recording (bad magic)"},
		{"cut inside the magic", valid[:5], "offset 0: the file ends inside the header (5 bytes)"},
		{"cut inside the header", valid[:20], "offset 0: the file ends inside the header"},
		{"newer version", withVersion(3), "format version 3 is newer than this boxtop reads (1); upgrade boxtop"},
		{"version 0", withVersion(0), "offset 8: format version 0 does not exist (damaged header)"},
		{"damaged header", flipBit(valid, 20, 0), "offset 0: the header is corrupt (checksum mismatch)"},
		{"huge header length", append(bytes.Clone(valid[:10]), 0xff, 0xff, 0xff, 0xff), "offset 10: header length 4294967295 is implausible (damaged header)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "demo.bxr")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			r, err := Open(path)
			if r != nil || err == nil {
				t.Fatalf("Open = %v, %v; want an error and no Reader", r, err)
			}
			if want := path + ": " + tc.want; err.Error() != want {
				t.Errorf("got  %q\nwant %q", err, want)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "none.bxr")
		if _, err := Open(path); err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Open of a missing file = %v, want an error naming it", err)
		}
	})
}

func TestIndex(t *testing.T) {
	rs := readings(9, 1, 5)
	rs[3].Time = rs[2].Time // two readings at the same instant: Index gives the later one
	r := mustOpen(t, writeRecording(t, rs))
	cases := []struct {
		name string
		t    time.Time
		want int
	}{
		{"before the first", rs[0].Time.Add(-time.Hour), 0},
		{"at the first", rs[0].Time, 0},
		{"between two", rs[1].Time.Add(time.Millisecond), 1},
		{"just before one", rs[2].Time.Add(-time.Nanosecond), 1},
		{"at a shared time", rs[2].Time, 3},
		{"at the last", rs[4].Time, 4},
		{"after the last", rs[4].Time.Add(time.Hour), 4},
		{"in another zone", rs[1].Time.In(time.FixedZone("UTC+5", 5*3600)), 1},
	}
	for _, tc := range cases {
		if got := r.Index(tc.t); got != tc.want {
			t.Errorf("%s: Index = %d, want %d", tc.name, got, tc.want)
		}
	}
	if got := r.Time(99); !got.IsZero() {
		t.Errorf("Time out of range = %v, want zero", got)
	}
}

func TestAppendRejects(t *testing.T) {
	rs := readings(10, 1, 2)
	cases := []struct {
		name string
		s    snapshot.Snapshot
		want string
	}{
		{"earlier than the previous", func() snapshot.Snapshot { s := rs[1]; s.Time = rs[0].Time.Add(-time.Second); return s }(), "earlier than the previous one"},
		{"no time", snapshot.Snapshot{Schema: snapshot.Schema}, "outside what a recording stores"},
		{"year 3000", func() snapshot.Snapshot { s := rs[1]; s.Time = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC); return s }(), "outside what a recording stores"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewWriter(&buf, testHeader)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Append(rs[0]); err != nil {
				t.Fatal(err)
			}
			size := buf.Len()
			if err := w.Append(tc.s); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Append = %v, want an error with %q", err, tc.want)
			}
			if buf.Len() != size {
				t.Errorf("a rejected reading wrote %d bytes", buf.Len()-size)
			}
			if err := w.Append(rs[1]); err != nil {
				t.Errorf("a rejected reading broke the writer: %v", err)
			}
		})
	}
}

type failingWriter struct{ after int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("no space left on device")
	}
	f.after--
	return len(p), nil
}

func TestWriteErrorIsSticky(t *testing.T) {
	rs := readings(11, 1, 3)
	w, err := NewWriter(&failingWriter{after: 2}, testHeader) // the header and one record
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Append(rs[0]); err != nil {
		t.Fatal(err)
	}
	first := w.Append(rs[1])
	if first == nil || !strings.Contains(first.Error(), "no space left") {
		t.Fatalf("Append = %v, want the write error", first)
	}
	if err := w.Append(rs[2]); err != first {
		t.Errorf("Append after a failed write = %v, want the same error", err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
}

func TestUseAfterClose(t *testing.T) {
	rs := readings(12, 1, 2)
	path := writeRecording(t, rs)
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.At(0); !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), path) {
		t.Errorf("At after Close = %v, want ErrClosed naming the file", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	w, err := Create(filepath.Join(t.TempDir(), "x.bxr"), testHeader)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Append(rs[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close = %v, want ErrClosed", err)
	}
}

func TestStartedDefaultsToFirstReading(t *testing.T) {
	rs := readings(13, 1, 2)
	path := filepath.Join(t.TempDir(), "demo.bxr")
	w, err := Create(path, Header{Hostname: "h"})
	if err != nil {
		t.Fatal(err)
	}
	empty := mustOpen(t, path)
	if empty.Len() != 0 || !empty.Header().Started.IsZero() {
		t.Errorf("a recording without readings: Len %d, Started %v", empty.Len(), empty.Header().Started)
	}
	for _, s := range rs {
		if err := w.Append(s); err != nil {
			t.Fatal(err)
		}
	}
	_ = w.Close()
	if got := mustOpen(t, path).Header().Started; !got.Equal(rs[0].Time) {
		t.Errorf("Started = %v, want the first reading's %v", got, rs[0].Time)
	}
}

// TestConcurrentAt runs At from several goroutines; run with -race.
func TestConcurrentAt(t *testing.T) {
	rs := readings(14, 2, 90)
	r := mustOpen(t, writeRecording(t, rs))
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 0))
			for range 50 {
				i := rng.IntN(len(rs))
				got, err := r.At(i)
				if err != nil {
					errs <- err
					return
				}
				if !got.Time.Equal(rs[i].Time) {
					errs <- errors.New("a reading came back with another's time")
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestLayout reads a file by hand as FORMAT.md describes it, independently of Reader.
func TestLayout(t *testing.T) {
	rs := readings(15, 1, 2)
	var buf bytes.Buffer
	w, err := NewWriter(&buf, testHeader)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rs {
		if err := w.Append(s); err != nil {
			t.Fatal(err)
		}
	}
	b := buf.Bytes()
	be := binary.BigEndian
	if !bytes.Equal(b[:8], []byte{0x89, 0x42, 0x58, 0x52, 0x0D, 0x0A, 0x1A, 0x0A}) || be.Uint16(b[8:]) != 1 {
		t.Fatalf("magic and version: % x", b[:10])
	}
	n := int(be.Uint32(b[10:]))
	var h struct {
		Hostname, Kernel string
		Started          time.Time
	}
	if err := json.Unmarshal(b[14:14+n], &h); err != nil || h.Hostname != testHeader.Hostname || !h.Started.Equal(testHeader.Started) {
		t.Fatalf("header JSON %s: %v", b[14:14+n], err)
	}
	if crc32.ChecksumIEEE(b[8:14+n]) != be.Uint32(b[14+n:]) {
		t.Error("header CRC")
	}
	rec := b[18+n:]
	if rec[0] != 'K' || int64(be.Uint64(rec[1:])) != rs[0].Time.UnixNano() {
		t.Fatalf("first record: kind %q time %d", rec[0], int64(be.Uint64(rec[1:])))
	}
	length := int(be.Uint32(rec[9:]))
	payload := rec[21 : 21+length]
	if crc32.ChecksumIEEE(payload) != be.Uint32(rec[13:]) || crc32.ChecksumIEEE(rec[:17]) != be.Uint32(rec[17:]) {
		t.Error("record CRCs")
	}
	doc, err := io.ReadAll(flate.NewReader(bytes.NewReader(payload)))
	if want, _ := json.Marshal(rs[0]); err != nil || !bytes.Equal(doc, want) {
		t.Errorf("keyframe body is not the reading's JSON (%v)", err)
	}
	if second := rec[21+length:]; second[0] != 'D' {
		t.Errorf("second record kind %q, want D", second[0])
	}
}

// TestAtRejects decodes records whose checksums hold but whose content does not.
func TestAtRejects(t *testing.T) {
	when := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	cases := []struct {
		name string
		body string
		want string
	}{
		{"another schema", `{"schema":"boxtop.snapshot/v9","time":"2026-03-14T09:26:53Z"}`, `record 1 holds a snapshot of schema "boxtop.snapshot/v9"`},
		{"time differs from the index", `{"schema":"boxtop.snapshot/v1","time":"2026-03-14T10:00:00Z"}`, "record 1 is corrupt (the reading's time"},
		{"not JSON", `{"schema":`, "record 1 is corrupt (the reading is not valid JSON"},
		{"raw 0x01", "{\"schema\":\"\x01\"}", "record 1 is corrupt (the JSON holds a raw 0x01 byte)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewWriter(&buf, testHeader)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.writeRecord(kindKeyframe, when.UnixNano(), []byte(tc.body)); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "demo.bxr")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			r := mustOpen(t, path)
			if _, err := r.At(0); err == nil || !strings.Contains(err.Error(), path+": offset ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("At = %v, want an error naming the file with %q", err, tc.want)
			}
		})
	}
}

// TestRecordToDevNull: recording into /dev/null (to measure what recording costs) closes
// cleanly, although /dev/null cannot be synced.
func TestRecordToDevNull(t *testing.T) {
	w, err := Create(os.DevNull, Header{Hostname: "h"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range readings(3, 2, 3) {
		if err := w.Append(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}
