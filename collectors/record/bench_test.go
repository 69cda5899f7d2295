package record

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// The benchmarks report, for 50 containers: the cost of Append, the bytes a reading takes in the
// file and the ratio of the file to the raw JSON of the same readings.
//
//	go test ./collectors/record -run '^$' -bench . -benchmem

const benchContainers = 50

func BenchmarkAppend(b *testing.B) {
	rs := readings(1, benchContainers, 240)
	raw := 0
	for _, s := range rs {
		doc, _ := json.Marshal(s)
		raw += len(doc)
	}
	var file countingWriter
	w, err := NewWriter(&file, Header{Hostname: "h"})
	if err != nil {
		b.Fatal(err)
	}
	headerBytes := file.n
	b.ResetTimer()
	for i := range b.N {
		if err := w.Append(rs[i%len(rs)]); err != nil {
			// Wrapping around goes back in time; start a new recording then.
			b.StopTimer()
			w, _ = NewWriter(&file, Header{Hostname: "h"})
			b.StartTimer()
			if err := w.Append(rs[i%len(rs)]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	// Bytes per reading over exactly one pass, with its keyframes, outside the timed loop.
	var one countingWriter
	w, _ = NewWriter(&one, Header{Hostname: "h"})
	for _, s := range rs {
		if err := w.Append(s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(one.n-headerBytes)/float64(len(rs)), "file-bytes/reading")
	b.ReportMetric(float64(raw)/float64(len(rs)), "json-bytes/reading")
	b.ReportMetric(float64(one.n)/float64(raw), "file/json")
}

type countingWriter struct{ n int }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

// BenchmarkScheme compares the encodings considered for a record, on the same readings: DEFLATE
// of each reading alone, DEFLATE with the previous reading's JSON as preset dictionary (whose
// 32 KB window covers only the end of a 50-container reading), a byte delta of the JSON, and the
// delta of skeleton and numbers this package writes, at three DEFLATE levels. Keyframes are left
// out: the figures are per non-keyframe record, and the time includes the encoders' setup.
func BenchmarkScheme(b *testing.B) {
	rs := readings(2, benchContainers, 61)
	docs := make([][]byte, len(rs))
	for i, s := range rs {
		docs[i], _ = json.Marshal(s)
	}
	deflate := func(b *testing.B, level int, dict, data []byte) int {
		var buf bytes.Buffer
		fw, err := flate.NewWriterDict(&buf, level, dict)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = fw.Write(data)
		_ = fw.Close()
		return buf.Len()
	}
	schemes := []struct {
		name   string
		encode func(b *testing.B, prev, cur []byte) int
	}{
		{"flate-alone", func(b *testing.B, _, cur []byte) int { return deflate(b, flate.DefaultCompression, nil, cur) }},
		{"flate-dict-prev", func(b *testing.B, prev, cur []byte) int { return deflate(b, flate.DefaultCompression, prev, cur) }},
		{"json-delta-flate", func(b *testing.B, prev, cur []byte) int {
			var e deltaEncoder
			return deflate(b, flate.DefaultCompression, nil, e.encode(nil, prev, cur))
		}},
		{"split-delta-raw", func(b *testing.B, prev, cur []byte) int { return len(splitDelta(b, prev, cur)) }},
		{"split-delta-flate-speed", func(b *testing.B, prev, cur []byte) int {
			return deflate(b, flate.BestSpeed, nil, splitDelta(b, prev, cur))
		}},
		{"split-delta-flate-default", func(b *testing.B, prev, cur []byte) int {
			return deflate(b, flate.DefaultCompression, nil, splitDelta(b, prev, cur))
		}},
		{"split-delta-flate-best", func(b *testing.B, prev, cur []byte) int {
			return deflate(b, flate.BestCompression, nil, splitDelta(b, prev, cur))
		}},
	}
	for _, sc := range schemes {
		b.Run(sc.name, func(b *testing.B) {
			total, count := 0, 0
			for i := 0; b.Loop(); i++ {
				j := 1 + i%(len(docs)-1)
				total += sc.encode(b, docs[j-1], docs[j])
				count++
			}
			b.ReportMetric(float64(total)/float64(count), "bytes/reading")
			b.ReportMetric(float64(len(docs[0])), "json-bytes")
		})
	}
}

// splitDelta is the body of a delta record as the writer makes it.
func splitDelta(b *testing.B, prev, cur []byte) []byte {
	var p, c parts
	var e payloadEncoder
	if p.split(prev) != nil || c.split(cur) != nil {
		b.Fatal("split")
	}
	body, err := e.encode(nil, &p, &c)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// benchRecording writes count readings of 50 containers to a temporary file and opens it.
func benchRecording(b *testing.B, count int) *Reader {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.bxr")
	w, err := Create(path, Header{Hostname: "h"})
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range readings(3, benchContainers, count) {
		if err := w.Append(s); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = r.Close() })
	return r
}

func BenchmarkAtSequential(b *testing.B) {
	r := benchRecording(b, 300)
	for i := 0; b.Loop(); i++ {
		if _, err := r.At(i % r.Len()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAtRandom(b *testing.B) {
	r := benchRecording(b, 300)
	rng := rand.New(rand.NewPCG(4, 4))
	for b.Loop() {
		if _, err := r.At(rng.IntN(r.Len())); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	r := benchRecording(b, 600)
	for b.Loop() {
		r2, err := Open(r.path)
		if err != nil {
			b.Fatal(err)
		}
		_ = r2.Close()
	}
}

var _ io.Writer = (*countingWriter)(nil)
