package record

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/v1.bxr and its checksums")

// TestReadsVersion1File reads a recording written when version 1 was current, so that a change
// to the reader that breaks files already on disk fails here. The checksums are of the JSON each
// record holds, not of a re-encoded snapshot, so adding a field to the snapshot types does not
// disturb them.
func TestReadsVersion1File(t *testing.T) {
	path := filepath.Join("testdata", "v1.bxr")
	sumsPath := filepath.Join("testdata", "v1.json.sha256")
	if *update {
		rs := readings(40, 2, KeyframeInterval+10)
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
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		var sums strings.Builder
		for _, s := range rs {
			doc, _ := json.Marshal(s)
			sum := sha256.Sum256(doc)
			sums.WriteString(hex.EncodeToString(sum[:]) + "\n")
		}
		if err := os.WriteFile(sumsPath, []byte(sums.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(sumsPath)
	if err != nil {
		t.Fatal(err)
	}
	sums := strings.Fields(string(want))
	r := mustOpen(t, path)
	h := r.Header()
	if h.Version != 1 || h.Hostname != testHeader.Hostname || h.Kernel != testHeader.Kernel || !h.Started.Equal(testHeader.Started) {
		t.Errorf("header %+v", h)
	}
	if r.Len() != len(sums) {
		t.Fatalf("%d readings, want %d", r.Len(), len(sums))
	}
	for i := r.Len() - 1; i >= 0; i-- {
		s, err := r.At(i)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(r.doc)
		if hex.EncodeToString(sum[:]) != sums[i] {
			t.Errorf("reading %d: the JSON differs from what was written", i)
		}
		if len(s.Containers) != 2 || s.Containers[0].CPU == nil {
			t.Errorf("reading %d: %d containers", i, len(s.Containers))
		}
	}
}
