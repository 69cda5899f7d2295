package record

import (
	"errors"
	"fmt"
)

// A reading's JSON is split into a skeleton, the JSON with every number replaced by the byte
// hole, and the list of those numbers. From one reading to the next the skeleton rarely changes
// (a process or an event comes or goes) while a few numbers change in their last digits; the
// two parts are delta-coded separately (see payload.go), which keeps the structure of the
// changes apart from their digits.

// hole stands for a number in a skeleton. encoding/json escapes every control character inside
// strings, so the byte never occurs in its output.
const hole = 0x01

// parts is a JSON document split into skeleton and numbers. Its slices are reused.
type parts struct {
	skeleton []byte
	holes    []int32 // positions of hole in skeleton, ascending
	numbers  []byte  // the numbers' text, one after another
	ends     []int32 // ends[i] is where number i ends in numbers
}

var errHoleInJSON = errors.New("the JSON holds a raw 0x01 byte")

// split fills p from doc.
func (p *parts) split(doc []byte) error {
	p.skeleton, p.holes, p.numbers, p.ends = p.skeleton[:0], p.holes[:0], p.numbers[:0], p.ends[:0]
	inString := false
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		switch {
		case c == hole:
			return errHoleInJSON
		case inString:
			p.skeleton = append(p.skeleton, c)
			if c == '\\' && i+1 < len(doc) {
				i++
				if doc[i] == hole {
					return errHoleInJSON
				}
				p.skeleton = append(p.skeleton, doc[i])
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
			p.skeleton = append(p.skeleton, c)
		case c == '-' || (c >= '0' && c <= '9'):
			end := i + 1
			for end < len(doc) && isNumberByte(doc[end]) {
				end++
			}
			p.holes = append(p.holes, int32(len(p.skeleton)))
			p.skeleton = append(p.skeleton, hole)
			p.numbers = append(p.numbers, doc[i:end]...)
			p.ends = append(p.ends, int32(len(p.numbers)))
			i = end - 1
		default:
			p.skeleton = append(p.skeleton, c)
		}
	}
	return nil
}

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

func (p *parts) number(i int) []byte {
	start := int32(0)
	if i > 0 {
		start = p.ends[i-1]
	}
	return p.numbers[start:p.ends[i]]
}

// join appends the document to dst, the numbers back in their holes.
func (p *parts) join(dst []byte) ([]byte, error) {
	if len(p.holes) != len(p.ends) {
		return nil, fmt.Errorf("%d numbers for %d places", len(p.ends), len(p.holes))
	}
	from := 0
	for i, at := range p.holes {
		dst = append(dst, p.skeleton[from:at]...)
		dst = append(dst, p.number(i)...)
		from = int(at) + 1
	}
	return append(dst, p.skeleton[from:]...), nil
}
