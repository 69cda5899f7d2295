package proc

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
)

// IDMapRange is one line of /proc/<pid>/uid_map or gid_map: Length ids starting at Inside in the
// process's user namespace are the ids starting at Outside in the reader's.
type IDMapRange struct {
	Inside, Outside, Length uint32
}

// ParseIDMap parses a uid_map or gid_map. The initial user namespace reads "0 0 4294967295"; a
// remapped container typically "0 100000 65536". Ranges that are empty or run past id 2^32-1 (which
// is not a valid id) are rejected, as the kernel rejects them when the map is written.
func ParseIDMap(data []byte) ([]IDMapRange, error) {
	var out []IDMapRange
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		fields := bytes.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 3 {
			return nil, fmt.Errorf("id map line %d: %d fields, want 3: %q", lineNo, len(fields), line)
		}
		var v [3]uint32
		for i, f := range fields {
			n, err := strconv.ParseUint(string(f), 10, 32)
			if err != nil {
				return nil, fmt.Errorf("id map line %d: bad number %q", lineNo, f)
			}
			v[i] = uint32(n)
		}
		r := IDMapRange{Inside: v[0], Outside: v[1], Length: v[2]}
		if r.Length == 0 || uint64(r.Inside)+uint64(r.Length) > math.MaxUint32 || uint64(r.Outside)+uint64(r.Length) > math.MaxUint32 {
			return nil, fmt.Errorf("id map line %d: range out of bounds: %q", lineNo, line)
		}
		out = append(out, r)
	}
	return out, nil
}

// MapToInside translates an id of the reader's namespace (the host's, for boxtop) into the id the
// process sees. ok is false when the id is not mapped: inside, the process then sees it as the
// overflow id (65534).
func MapToInside(m []IDMapRange, hostID int) (int, bool) {
	if hostID < 0 || uint64(hostID) >= 1<<32 {
		return 0, false
	}
	id := uint64(hostID)
	for _, r := range m {
		if id >= uint64(r.Outside) && id < uint64(r.Outside)+uint64(r.Length) {
			return int(uint64(r.Inside) + id - uint64(r.Outside)), true
		}
	}
	return 0, false
}

// UIDMap reads and parses /proc/<pid>/uid_map.
func (fs FS) UIDMap(pid int) ([]IDMapRange, error) {
	path := fs.pidPath(pid, "uid_map")
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	m, err := ParseIDMap(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}
