package record

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// seedRecording is a small valid recording that crosses a keyframe boundary.
func seedRecording(t testing.TB) []byte {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, testHeader)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range readings(30, 1, KeyframeInterval+3) {
		if err := w.Append(s); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// FuzzOpen opens arbitrary bytes as a recording: nothing may panic, every error must name the
// file, and every reading that decodes must be a valid snapshot at its indexed time.
func FuzzOpen(f *testing.F) {
	valid := seedRecording(f)
	f.Add(valid)
	for _, n := range []int{0, 7, 14, 40, len(valid) / 3, len(valid) - 1} {
		f.Add(valid[:n])
	}
	for _, at := range []int{3, 9, 12, 30, 60, 200, len(valid) / 2, len(valid) - 2} {
		f.Add(flipBit(valid, int64(at), uint(at%8)))
	}
	f.Add([]byte("not a recording at all"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.bxr")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Open(path)
		if err != nil && !strings.Contains(err.Error(), path) {
			t.Fatalf("error does not name the file: %v", err)
		}
		if r == nil {
			if err == nil {
				t.Fatal("Open returned neither a Reader nor an error")
			}
			return
		}
		defer r.Close()
		_ = r.Header()
		_, _ = r.Truncated()
		for i := range min(r.Len(), 100) {
			s, err := r.At(i)
			if err != nil {
				if !strings.Contains(err.Error(), path) {
					t.Fatalf("At(%d): error does not name the file: %v", i, err)
				}
				continue
			}
			if s.Schema != snapshot.Schema || !s.Time.Equal(r.Time(i)) {
				t.Fatalf("At(%d) = schema %q time %v; index time %v", i, s.Schema, s.Time, r.Time(i))
			}
			if _, err := json.Marshal(s); err != nil {
				t.Fatalf("At(%d) does not marshal: %v", i, err)
			}
			if j := r.Index(r.Time(i)); j < i || !r.Time(j).Equal(r.Time(i)) {
				t.Fatalf("Index(Time(%d)) = %d", i, j)
			}
		}
	})
}

// FuzzRecordBodies writes arbitrary record bodies with valid lengths and checksums, so that the
// decompression and decoding behind the checksums are fuzzed through the Reader too: a keyframe
// body, then a delta body against it.
func FuzzRecordBodies(f *testing.F) {
	rs := readings(31, 1, 2)
	var prev, cur parts
	keyframe, _ := json.Marshal(rs[0])
	next, _ := json.Marshal(rs[1])
	_ = prev.split(keyframe)
	_ = cur.split(next)
	var e payloadEncoder
	delta, _ := e.encode(nil, &prev, &cur)
	f.Add(keyframe, delta, false)
	f.Add(keyframe, delta, true)
	f.Add([]byte(`{"schema":"boxtop.snapshot/v1","time":"2026-03-14T09:26:53Z"}`), []byte{}, false)
	f.Fuzz(func(t *testing.T, keyframe, delta []byte, twoKeyframes bool) {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, testHeader)
		if err != nil {
			t.Fatal(err)
		}
		when := rs[0].Time.UnixNano()
		secondKind := byte(kindDelta)
		if twoKeyframes {
			secondKind = kindKeyframe
		}
		if w.writeRecord(kindKeyframe, when, keyframe) != nil || w.writeRecord(secondKind, when+1, delta) != nil {
			t.Fatal("writeRecord failed")
		}
		path := filepath.Join(t.TempDir(), "bodies.bxr")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Open(path)
		if err != nil {
			t.Fatalf("records with valid checksums: %v", err)
		}
		defer r.Close()
		for _, i := range []int{1, 0, 1} {
			s, err := r.At(i)
			if err != nil {
				if !strings.Contains(err.Error(), path) {
					t.Fatalf("At(%d): error does not name the file: %v", i, err)
				}
				continue
			}
			if s.Schema != snapshot.Schema || !s.Time.Equal(r.Time(i)) {
				t.Fatalf("At(%d) = schema %q time %v; index time %v", i, s.Schema, s.Time, r.Time(i))
			}
		}
	})
}
