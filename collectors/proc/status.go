package proc

import (
	"bytes"
	"fmt"
	"strconv"
)

// Status is the part of /proc/<pid>/status boxtop shows.
type Status struct {
	// Name is the comm (at most 15 bytes; the kernel escapes newlines and backslashes).
	Name string
	PPid int
	// UIDs are the real, effective, saved and filesystem user ids, as seen from the reader's user
	// namespace.
	UIDs [4]int
	// NSpids lists the pid from the reader's pid namespace inward: the last one is the pid inside
	// the innermost (the container's) namespace. Nil on kernels before 4.1, which lack the line.
	NSpids []int
	// CapEff is the effective capability mask; bit N is capability N.
	CapEff uint64
}

// ParseStatus parses the text of /proc/<pid>/status. Lines it does not use are ignored, so fields
// added by newer kernels do not break it; Name, PPid and Uid must be present.
func ParseStatus(data []byte) (Status, error) {
	var st Status
	var haveName, havePPid, haveUid bool
	for len(data) > 0 {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		key, value, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			continue
		}
		switch string(key) {
		case "Name":
			// The value follows one tab; a comm may itself contain spaces.
			st.Name = string(bytes.TrimPrefix(value, []byte{'\t'}))
			haveName = true
		case "PPid":
			n, err := strconv.Atoi(string(bytes.TrimSpace(value)))
			if err != nil || n < 0 {
				return Status{}, fmt.Errorf("status: bad PPid %q", value)
			}
			st.PPid = n
			havePPid = true
		case "Uid":
			fields := bytes.Fields(value)
			if len(fields) != 4 {
				return Status{}, fmt.Errorf("status: Uid has %d fields, want 4: %q", len(fields), value)
			}
			for i, f := range fields {
				n, err := strconv.ParseUint(string(f), 10, 32)
				if err != nil {
					return Status{}, fmt.Errorf("status: bad Uid %q", value)
				}
				st.UIDs[i] = int(n)
			}
			haveUid = true
		case "NSpid":
			fields := bytes.Fields(value)
			pids := make([]int, 0, len(fields))
			for _, f := range fields {
				n, err := strconv.Atoi(string(f))
				if err != nil || n < 0 {
					return Status{}, fmt.Errorf("status: bad NSpid %q", value)
				}
				pids = append(pids, n)
			}
			st.NSpids = pids
		case "CapEff":
			n, err := strconv.ParseUint(string(bytes.TrimSpace(value)), 16, 64)
			if err != nil {
				return Status{}, fmt.Errorf("status: bad CapEff %q", value)
			}
			st.CapEff = n
		}
	}
	switch {
	case !haveName:
		return Status{}, fmt.Errorf("status: no Name line")
	case !havePPid:
		return Status{}, fmt.Errorf("status: no PPid line")
	case !haveUid:
		return Status{}, fmt.Errorf("status: no Uid line")
	}
	return st, nil
}

// Status reads and parses /proc/<pid>/status.
func (fs FS) Status(pid int) (Status, error) {
	path := fs.pidPath(pid, "status")
	data, err := readFile(path)
	if err != nil {
		return Status{}, err
	}
	st, err := ParseStatus(data)
	if err != nil {
		return Status{}, fmt.Errorf("%s: %w", path, err)
	}
	return st, nil
}
