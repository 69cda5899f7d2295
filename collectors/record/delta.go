package record

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
)

// A byte delta rebuilds one byte string (the target) from another (the source) as a sequence of
// ops: copy a run of the source, or insert literal bytes. It carries the skeleton of a reading
// from one record to the next (payload.go). Unlike a DEFLATE preset dictionary, whose 32 KB
// window covers a sixth of a 50-container reading, a copy may reach anywhere in the source.
//
// Op encoding (FORMAT.md): a uvarint tag = length<<1 | type. Type 0 (insert) is followed by
// length literal bytes. Type 1 (copy) is followed by a zigzag varint: the source position of the
// copy minus the position just after the previous copy (0 before the first), a number near zero
// when the two strings differ by small edits.

const (
	opInsert = 0
	opCopy   = 1
)

// minMatch is the shortest copy worth an op: a copy costs 2 to 4 bytes before compression.
const minMatch = 8

// nearby is how far from the expected source position the encoder looks for a match before it
// asks the hash table: a changed field is usually a few bytes longer or shorter than before.
const nearby = 8

// farMatch is the shortest match the encoder takes from the hash table, away from the expected
// position. JSON repeats its keys in every container: a short hit on one would send the copy
// into another container and back, two far offsets for a few bytes.
const farMatch = 32

// deltaEncoder keeps its hash table between calls so that Append does not allocate one per
// reading.
type deltaEncoder struct {
	table []int32 // hash of farMatch source bytes -> source position + 1 (0 = empty)
	shift uint
}

// hashFar hashes the farMatch bytes at the start of b. Hashing as many bytes as a far match
// must share keeps JSON keys, which repeat every few hundred bytes, from crowding the table.
func hashFar(b []byte, shift uint) uint32 {
	le := binary.LittleEndian
	h := le.Uint64(b)*0x9E3779B97F4A7C15 ^ le.Uint64(b[8:])*0xC2B2AE3D27D4EB4F ^
		le.Uint64(b[16:])*0x165667B19E3779F9 ^ le.Uint64(b[24:])*0xD6E8FEB86659FD93
	return uint32(h >> shift)
}

func (e *deltaEncoder) index(src []byte) {
	n := max(len(src), 1<<10)
	bitsNeeded := min(bits.Len(uint(n)), 20)
	if len(e.table) != 1<<bitsNeeded {
		e.table = make([]int32, 1<<bitsNeeded)
	} else {
		clear(e.table)
	}
	e.shift = uint(64 - bitsNeeded)
	// Later positions overwrite earlier ones with the same hash: the nearby search finds most
	// matches, so the table needs only one candidate.
	for i := 0; i+farMatch <= len(src); i++ {
		e.table[hashFar(src[i:], e.shift)] = int32(i + 1)
	}
}

// encode appends to dst the ops that rebuild tgt from src.
func (e *deltaEncoder) encode(dst, src, tgt []byte) []byte {
	e.index(src)
	var (
		i       int // next target byte to match
		litFrom int // start of the pending insert
		srcNext int // source position just after the previous copy
	)
	for i+minMatch <= len(tgt) {
		cand := -1
		expected := srcNext + (i - litFrom)
		want := binary.LittleEndian.Uint64(tgt[i:])
		for d := 0; d <= nearby && cand < 0; d++ {
			for _, p := range [2]int{expected + d, expected - d} {
				if p >= 0 && p+minMatch <= len(src) && binary.LittleEndian.Uint64(src[p:]) == want {
					cand = p
					break
				}
			}
		}
		if cand < 0 && i+farMatch <= len(tgt) {
			if p := int(e.table[hashFar(tgt[i:], e.shift)]) - 1; p >= 0 && matchLen(src[p:], tgt[i:i+farMatch]) == farMatch {
				cand = p
			}
		}
		if cand < 0 {
			i++
			continue
		}
		// Grow the match backwards into the pending insert, then forwards.
		for i > litFrom && cand > 0 && src[cand-1] == tgt[i-1] {
			i--
			cand--
		}
		n := minMatch
		for i+n < len(tgt) && cand+n < len(src) && tgt[i+n] == src[cand+n] {
			n++
		}
		dst = appendInsert(dst, tgt[litFrom:i])
		dst = binary.AppendUvarint(dst, uint64(n)<<1|opCopy)
		dst = binary.AppendVarint(dst, int64(cand-srcNext))
		i += n
		litFrom = i
		srcNext = cand + n
	}
	return appendInsert(dst, tgt[litFrom:])
}

func appendInsert(dst, lit []byte) []byte {
	if len(lit) == 0 {
		return dst
	}
	dst = binary.AppendUvarint(dst, uint64(len(lit))<<1|opInsert)
	return append(dst, lit...)
}

var errDeltaTooLarge = errors.New("delta rebuilds more than the size limit")

// walkDelta calls visit for each op: with the literal bytes of an insert (copyAt -1), or with
// the source position and length of a copy. It checks every length and offset against the data it has, so
// damaged ops give an error, never a panic, and it stops once the ops would rebuild more than
// limit bytes, so that a few ops cannot claim gigabytes.
func walkDelta(ops []byte, srcLen, limit int, visit func(lit []byte, copyAt, copyLen int)) error {
	srcNext, total := 0, 0
	for r := bytes.NewReader(ops); r.Len() > 0; {
		at := len(ops) - r.Len()
		tag, err := binary.ReadUvarint(r)
		if err != nil {
			return fmt.Errorf("delta op at byte %d: bad length", at)
		}
		length := tag >> 1
		if length > uint64(limit-total) {
			return errDeltaTooLarge
		}
		n := int(length)
		total += n
		switch tag & 1 {
		case opInsert:
			if n > r.Len() {
				return fmt.Errorf("delta op at byte %d: insert of %d bytes past the end of the ops", at, n)
			}
			off := len(ops) - r.Len()
			visit(ops[off:off+n], -1, 0)
			_, _ = r.Seek(int64(n), io.SeekCurrent)
		case opCopy:
			delta, err := binary.ReadVarint(r)
			if err != nil {
				return fmt.Errorf("delta op at byte %d: bad copy offset", at)
			}
			// Compare in int64 space: delta may be any 64-bit value.
			pos := int64(srcNext) + delta
			if pos < 0 || pos > int64(srcLen) || int64(n) > int64(srcLen)-pos {
				return fmt.Errorf("delta op at byte %d: copy of %d bytes at %d is outside the %d-byte source", at, n, pos, srcLen)
			}
			visit(nil, int(pos), n)
			srcNext = int(pos) + n
		}
	}
	return nil
}

// applyDelta appends to dst the target that ops rebuild from src.
func applyDelta(dst, src, ops []byte, limit int) ([]byte, error) {
	err := walkDelta(ops, len(src), limit, func(lit []byte, at, n int) {
		if at < 0 {
			dst = append(dst, lit...)
		} else {
			dst = append(dst, src[at:at+n]...)
		}
	})
	return dst, err
}

func matchLen(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
