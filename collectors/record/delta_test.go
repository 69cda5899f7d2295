package record

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestDeltaRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	randomBytes := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return b
	}
	var keys strings.Builder
	for i := range 200 {
		fmt.Fprintf(&keys, `{"usage_ns":%d,"usage_percent":%.3f},`, i*1000, float64(i)/7)
	}
	repeated := keys.String()
	cases := []struct {
		name    string
		src     string
		tgt     string
		maxSize int // of the ops; 0 for no bound
	}{
		{"identical", repeated, repeated, 6},
		{"empty source", "", repeated, 0},
		{"empty target", repeated, "", 0},
		{"both empty", "", "", 0},
		{"shorter than a match", "abc", "abd", 0},
		{"one number changed", repeated, strings.Replace(repeated, "12000", "12345", 1), 16},
		{"insertion", repeated, repeated[:500] + "INSERTED TEXT" + repeated[500:], 24},
		{"deletion", repeated, repeated[:500] + repeated[700:], 16},
		{"blocks swapped", repeated, repeated[4000:] + repeated[:4000], 16},
		{"repeated keys, all values changed", repeated, strings.ReplaceAll(repeated, "0,", "1,"), 0},
		{"random", string(randomBytes(3000)), string(randomBytes(3000)), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var e deltaEncoder
			ops := e.encode(nil, []byte(tc.src), []byte(tc.tgt))
			got, err := applyDelta(nil, []byte(tc.src), ops, len(tc.tgt)+1)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.tgt {
				t.Fatalf("rebuilt %d bytes differ from the %d-byte target", len(got), len(tc.tgt))
			}
			if tc.maxSize > 0 && len(ops) > tc.maxSize {
				t.Errorf("ops take %d bytes, want at most %d", len(ops), tc.maxSize)
			}
		})
	}
}

func TestApplyDeltaRejects(t *testing.T) {
	src := []byte("0123456789abcdef")
	op := func(kind, n uint64, rest ...byte) []byte {
		return append(binary.AppendUvarint(nil, n<<1|kind), rest...)
	}
	copyAt := func(n uint64, delta int64) []byte { return binary.AppendVarint(op(opCopy, n), delta) }
	cases := []struct {
		name string
		ops  []byte
	}{
		{"truncated tag", []byte{0x80}},
		{"insert past the end", op(opInsert, 5, 'a', 'b')},
		{"copy before the source", copyAt(4, -1)},
		{"copy past the source", copyAt(4, 14)},
		{"copy longer than the source", copyAt(17, 0)},
		{"huge offset", copyAt(1, 1<<62)},
		{"huge negative offset", copyAt(1, -1<<62)},
		{"missing offset", op(opCopy, 3)},
		{"over the limit", bytes.Repeat(copyAt(16, -16), 10)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := applyDelta(nil, src, tc.ops, 100); err == nil {
				t.Errorf("applyDelta accepted %x", tc.ops)
			}
		})
	}
}

func TestSplitJoin(t *testing.T) {
	cases := []struct {
		name    string
		doc     string
		numbers []string
		err     bool
	}{
		{"numbers of every form", `{"a":1,"b":-2.5e+10,"c":[0,3E-2]}`, []string{"1", "-2.5e+10", "0", "3E-2"}, false},
		{"digits inside strings", `{"id":"abc123","n":"-4"}`, nil, false},
		{"escaped quote", `{"s":"say \"42\"","n":7}`, []string{"7"}, false},
		{"escaped backslash before the quote", `{"s":"dir\\","n":8}`, []string{"8"}, false},
		{"literals", `[true,false,null]`, nil, false},
		{"unterminated string", `{"s":"12`, nil, false},
		{"not JSON at all", `--1..2ee 9`, []string{"--1..2ee", "9"}, false},
		{"raw hole byte", "{\"s\":\"\x01\"}", nil, true},
		{"raw hole byte after a backslash", "\"\\\x01\"", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var p parts
			err := p.split([]byte(tc.doc))
			if tc.err {
				if err == nil {
					t.Fatal("split accepted a raw 0x01")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i := range p.ends {
				got = append(got, string(p.number(i)))
			}
			if strings.Join(got, " ") != strings.Join(tc.numbers, " ") {
				t.Errorf("numbers %q, want %q", got, tc.numbers)
			}
			if joined, err := p.join(nil); err != nil || string(joined) != tc.doc {
				t.Errorf("join = %q, %v; want the document back", joined, err)
			}
		})
	}
}

// TestPayloadRoundTrip rebuilds readings whose structure changes, not only their numbers.
func TestPayloadRoundTrip(t *testing.T) {
	rs := readings(21, 4, 3)
	base := rs[1]
	withContainer := base
	withContainer.Containers = append(append(withContainer.Containers[:0:0], base.Containers...), rs[0].Containers[0])
	withoutContainers := base
	withoutContainers.Containers = nil
	cases := []struct {
		name    string
		prev    any
		cur     any
		maxBody int
	}{
		{"unchanged", base, base, 8},
		{"numbers changed", base, rs[2], 0},
		{"container added", base, withContainer, 0},
		{"containers removed", base, withoutContainers, 0},
		{"from nothing", struct{}{}, base, 0},
		{"numbers in and out of strings", map[string]any{"a": "1", "b": 2}, map[string]any{"a": 3, "b": "2", "c": -0.5}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prevDoc, _ := json.Marshal(tc.prev)
			curDoc, _ := json.Marshal(tc.cur)
			var prev, cur, next parts
			if prev.split(prevDoc) != nil || cur.split(curDoc) != nil {
				t.Fatal("split")
			}
			var e payloadEncoder
			body, err := e.encode(nil, &prev, &cur)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := decodePayload(&next, &prev, body, nil, maxSnapshotJSON); err != nil {
				t.Fatal(err)
			}
			got, err := next.join(nil)
			if err != nil || !bytes.Equal(got, curDoc) {
				t.Fatalf("rebuilt %.200s (%v), want %.200s", got, err, curDoc)
			}
			if tc.maxBody > 0 && len(body) > tc.maxBody {
				t.Errorf("body of %d bytes, want at most %d", len(body), tc.maxBody)
			}
		})
	}
}

func TestDecodePayloadRejects(t *testing.T) {
	var prev parts
	if err := prev.split([]byte(`{"a":12,"b":34}`)); err != nil {
		t.Fatal(err)
	}
	skeletonCopy := func() []byte { // the whole previous skeleton: two holes with counterparts
		ops := binary.AppendUvarint(nil, uint64(len(prev.skeleton))<<1|opCopy)
		return binary.AppendVarint(ops, 0)
	}
	body := func(ops, codes []byte, texts string) []byte {
		b := binary.AppendUvarint(nil, uint64(len(ops)))
		b = append(b, ops...)
		b = binary.AppendUvarint(b, uint64(len(codes)))
		return append(append(b, codes...), texts...)
	}
	newHole := append(binary.AppendUvarint(nil, 1<<1|opInsert), hole)
	cases := []struct {
		name string
		body []byte
	}{
		{"empty", nil},
		{"ops section past the end", []byte{0x7f, 1, 2}},
		{"codes section past the end", append(binary.AppendUvarint(nil, 0), 0x7f)},
		{"bad skeleton op", body([]byte{0x80}, nil, "")},
		{"no codes for the numbers", body(skeletonCopy(), nil, "")},
		{"run past the last number", body(skeletonCopy(), []byte{3}, "")},
		{"keeps more digits than there were", body(skeletonCopy(), []byte{0, 3}, "5,")},
		{"text without its end", body(skeletonCopy(), []byte{0, 1, 1}, "5")},
		{"unchanged number that is new", body(newHole, []byte{1}, "")},
		{"bytes left over", body(skeletonCopy(), []byte{2}, "9,")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var next parts
			if _, err := decodePayload(&next, &prev, tc.body, nil, 1<<20); err == nil {
				j, _ := next.join(nil)
				t.Errorf("decodePayload accepted %x and made %q", tc.body, j)
			}
		})
	}
}

func FuzzDelta(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":[2,3]}`), []byte(`{"a":10,"b":[2,3,4]}`), []byte{})
	f.Add([]byte("abcdefghijklmnopqrstuvwxyz"), []byte("xyzabcdefghijklmnopqrstuvw"), []byte{0x11, 0x02})
	f.Fuzz(func(t *testing.T, src, tgt, ops []byte) {
		var e deltaEncoder
		encoded := e.encode(nil, src, tgt)
		got, err := applyDelta(nil, src, encoded, len(tgt))
		if err != nil || !bytes.Equal(got, tgt) {
			t.Fatalf("round trip: %v", err)
		}
		// Arbitrary ops must give an error or bytes within the limit, never a panic.
		if out, err := applyDelta(nil, src, ops, 1<<16); err == nil && len(out) > 1<<16 {
			t.Fatalf("%d bytes, over the limit", len(out))
		}
	})
}

func FuzzSplit(f *testing.F) {
	f.Add([]byte(`{"a":-1.5e3,"s":"x\"9\\","t":[true,null,0]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		var p parts
		if err := p.split(doc); err != nil {
			if !bytes.Contains(doc, []byte{hole}) {
				t.Fatalf("split refused a document without 0x01: %v", err)
			}
			return
		}
		if got, err := p.join(nil); err != nil || !bytes.Equal(got, doc) {
			t.Fatalf("join(split(doc)) = %q, %v", got, err)
		}
	})
}

func FuzzDecodePayload(f *testing.F) {
	rs := readings(22, 1, 2)
	prevDoc, _ := json.Marshal(rs[0])
	curDoc, _ := json.Marshal(rs[1])
	var prev, cur parts
	_ = prev.split(prevDoc)
	_ = cur.split(curDoc)
	var e payloadEncoder
	body, _ := e.encode(nil, &prev, &cur)
	f.Add(prevDoc, body)
	f.Add([]byte(`{"a":12,"b":34}`), []byte{2, 0x1b, 0, 1, 0})
	f.Fuzz(func(t *testing.T, prevDoc, body []byte) {
		var prev, next parts
		if prev.split(prevDoc) != nil {
			return
		}
		if _, err := decodePayload(&next, &prev, body, nil, 1<<20); err != nil {
			return
		}
		if _, err := next.join(nil); err != nil {
			t.Fatalf("decodePayload succeeded but its parts do not join: %v", err)
		}
	})
}

// TestFormatExample checks the example body in FORMAT.md byte for byte.
func TestFormatExample(t *testing.T) {
	var prev, cur parts
	if prev.split([]byte(`{"a":12,"b":345}`)) != nil || cur.split([]byte(`{"a":12,"b":350}`)) != nil {
		t.Fatal("split")
	}
	var e payloadEncoder
	body, err := e.encode(nil, &prev, &cur)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0x02, 0x1B, 0x00, 0x02, 0x01, 0x01, '5', '0', ','}
	if !bytes.Equal(body, want) {
		t.Errorf("body % x, FORMAT.md says % x", body, want)
	}
}
