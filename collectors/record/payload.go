package record

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// The body of a delta record, before DEFLATE, rebuilds a reading from the previous one in three
// sections (FORMAT.md has the byte layout):
//
//	skeleton ops  copy/insert ops that rebuild the skeleton from the previous skeleton
//	number codes  for the numbers, in order: how many are unchanged, then how to rebuild the next
//	number texts  the new digits, each followed by a comma
//
// A hole copied from the previous skeleton has a counterpart, the previous number in that hole;
// a hole in inserted bytes has none. A changed number with a counterpart keeps that number's
// first digits and gives only the rest: a counter that grew by a few thousand costs its last
// four digits. Putting the codes apart from the digits lets DEFLATE see the codes repeat from
// container to container.

const textEnd = ','

// payloadEncoder turns consecutive readings into delta bodies. Its buffers are reused.
type payloadEncoder struct {
	skel        deltaEncoder
	ops, codes  []byte
	texts       []byte
	counterpart []int32
	check       parts
}

// encode appends to dst the body that rebuilds cur from prev.
func (e *payloadEncoder) encode(dst []byte, prev, cur *parts) ([]byte, error) {
	if bytes.Equal(prev.skeleton, cur.skeleton) {
		e.ops = binary.AppendUvarint(e.ops[:0], uint64(len(cur.skeleton))<<1|opCopy)
		e.ops = binary.AppendVarint(e.ops, 0)
	} else {
		e.ops = e.skel.encode(e.ops[:0], prev.skeleton, cur.skeleton)
	}
	// Rebuild the skeleton as a reader will: this gives the counterparts and checks the ops.
	var err error
	e.counterpart, err = rebuildSkeleton(&e.check, prev, e.ops, e.counterpart, maxSnapshotJSON)
	if err != nil || !bytes.Equal(e.check.skeleton, cur.skeleton) {
		return nil, fmt.Errorf("internal error: the skeleton delta does not rebuild the reading (%v)", err)
	}
	e.codes, e.texts = e.codes[:0], e.texts[:0]
	run := 0
	for j, cp := range e.counterpart {
		now := cur.number(j)
		if cp >= 0 {
			was := prev.number(int(cp))
			if bytes.Equal(was, now) {
				run++
				continue
			}
			e.codes = binary.AppendUvarint(e.codes, uint64(run))
			keep := matchLen(was, now)
			e.codes = binary.AppendUvarint(e.codes, uint64(keep))
			now = now[keep:]
		} else {
			e.codes = binary.AppendUvarint(e.codes, uint64(run))
		}
		run = 0
		e.texts = append(append(e.texts, now...), textEnd)
	}
	if run > 0 {
		e.codes = binary.AppendUvarint(e.codes, uint64(run))
	}
	dst = binary.AppendUvarint(dst, uint64(len(e.ops)))
	dst = append(dst, e.ops...)
	dst = binary.AppendUvarint(dst, uint64(len(e.codes)))
	dst = append(dst, e.codes...)
	return append(dst, e.texts...), nil
}

// rebuildSkeleton sets next's skeleton and holes to what ops rebuild from prev's skeleton, and
// returns in cps, for each hole, the index of the number in the previous hole it was copied
// from, or -1 for a hole in inserted bytes.
func rebuildSkeleton(next, prev *parts, ops []byte, cps []int32, limit int) ([]int32, error) {
	next.skeleton, next.holes, cps = next.skeleton[:0], next.holes[:0], cps[:0]
	err := walkDelta(ops, len(prev.skeleton), limit, func(lit []byte, at, n int) {
		base := len(next.skeleton)
		if at < 0 {
			for k := 0; ; k++ {
				found := bytes.IndexByte(lit[k:], hole)
				if found < 0 {
					break
				}
				k += found
				next.holes = append(next.holes, int32(base+k))
				cps = append(cps, -1)
			}
			next.skeleton = append(next.skeleton, lit...)
			return
		}
		first := sort.Search(len(prev.holes), func(k int) bool { return int(prev.holes[k]) >= at })
		for k := first; k < len(prev.holes) && int(prev.holes[k]) < at+n; k++ {
			next.holes = append(next.holes, int32(base+int(prev.holes[k])-at))
			cps = append(cps, int32(k))
		}
		next.skeleton = append(next.skeleton, prev.skeleton[at:at+n]...)
	})
	return cps, err
}

var errTrailing = errors.New("bytes left over after the last number")

// decodePayload fills next with the reading that body rebuilds from prev. scratch is reused for
// the counterparts and returned.
func decodePayload(next, prev *parts, body []byte, scratch []int32, limit int) ([]int32, error) {
	ops, rest, err := section(body, "skeleton ops")
	if err != nil {
		return scratch, err
	}
	codes, texts, err := section(rest, "number codes")
	if err != nil {
		return scratch, err
	}
	cps, err := rebuildSkeleton(next, prev, ops, scratch, limit)
	if err != nil {
		return cps, fmt.Errorf("skeleton: %w", err)
	}
	next.numbers, next.ends = next.numbers[:0], next.ends[:0]
	put := func(b ...[]byte) error {
		for _, part := range b {
			next.numbers = append(next.numbers, part...)
		}
		if len(next.numbers) > limit {
			return errDeltaTooLarge
		}
		next.ends = append(next.ends, int32(len(next.numbers)))
		return nil
	}
	codeReader := bytes.NewReader(codes)
	text := func() ([]byte, error) {
		end := bytes.IndexByte(texts, textEnd)
		if end < 0 {
			return nil, errors.New("number text without its end")
		}
		t := texts[:end]
		texts = texts[end+1:]
		return t, nil
	}
	for j := 0; j < len(cps); {
		run, err := binary.ReadUvarint(codeReader)
		if err != nil {
			return cps, fmt.Errorf("number %d: missing code", j)
		}
		if run > uint64(len(cps)-j) {
			return cps, fmt.Errorf("number %d: %d unchanged numbers past the last of %d", j, run, len(cps))
		}
		for range run {
			if cps[j] < 0 {
				return cps, fmt.Errorf("number %d: unchanged, but it has no previous value", j)
			}
			if err := put(prev.number(int(cps[j]))); err != nil {
				return cps, err
			}
			j++
		}
		if j == len(cps) {
			break
		}
		var was []byte
		if cps[j] >= 0 {
			keep, err := binary.ReadUvarint(codeReader)
			was = prev.number(int(cps[j]))
			if err != nil || keep > uint64(len(was)) {
				return cps, fmt.Errorf("number %d: bad count of digits kept", j)
			}
			was = was[:keep]
		}
		t, err := text()
		if err != nil {
			return cps, fmt.Errorf("number %d: %w", j, err)
		}
		if err := put(was, t); err != nil {
			return cps, err
		}
		j++
	}
	if codeReader.Len() > 0 || len(texts) > 0 {
		return cps, errTrailing
	}
	return cps, nil
}

// section splits a uvarint-length-prefixed section off the front of b.
func section(b []byte, name string) (sec, rest []byte, err error) {
	n, size := binary.Uvarint(b)
	if size <= 0 || n > uint64(len(b)-size) {
		return nil, nil, fmt.Errorf("%s: bad length", name)
	}
	return b[size : size+int(n)], b[size+int(n):], nil
}
