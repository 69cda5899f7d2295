package proc

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// MountInfo is one line of /proc/<pid>/mountinfo, the mounts as the process's mount namespace
// sees them.
type MountInfo struct {
	ID, Parent   int
	Major, Minor int
	// Root is the path within the source filesystem that is mounted (a bind mount of a
	// subdirectory shows that subdirectory); MountPoint is where, relative to the process's root.
	Root, MountPoint string
	// Options are the per-mount options (rw, nosuid, relatime, ...).
	Options []string
	// Optional holds the propagation fields (shared:N, master:N, propagate_from:N, unbindable),
	// zero or more of them.
	Optional []string
	FSType   string
	Source   string
	// SuperOptions are the filesystem's own options (for overlay: lowerdir, upperdir, workdir).
	SuperOptions []string
}

// ParseMountInfo parses /proc/<pid>/mountinfo, one entry per line:
//
//	id parent maj:min root mountpoint options optional... - fstype source superoptions
//
// The kernel escapes space, tab, newline and backslash in paths as \040, \011, \012 and \134;
// they are decoded here.
func ParseMountInfo(data []byte) ([]MountInfo, error) {
	var out []MountInfo
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		// Only the ASCII space separates fields: the kernel escapes space, tab, newline and
		// backslash in paths but leaves other bytes, such as a UTF-8 no-break space, as they are.
		fields := strings.FieldsFunc(string(line), func(r rune) bool { return r == ' ' })
		if len(fields) == 0 {
			continue
		}
		m, err := parseMountLine(fields)
		if err != nil {
			return nil, fmt.Errorf("mountinfo line %d: %w: %q", lineNo, err, line)
		}
		out = append(out, m)
	}
	return out, nil
}

func parseMountLine(fields []string) (MountInfo, error) {
	if len(fields) < 7 {
		return MountInfo{}, fmt.Errorf("%d fields, want at least 7", len(fields))
	}
	var m MountInfo
	var err error
	if m.ID, err = strconv.Atoi(fields[0]); err != nil {
		return MountInfo{}, fmt.Errorf("bad mount id")
	}
	if m.Parent, err = strconv.Atoi(fields[1]); err != nil {
		return MountInfo{}, fmt.Errorf("bad parent id")
	}
	major, minor, ok := strings.Cut(fields[2], ":")
	if !ok {
		return MountInfo{}, fmt.Errorf("bad device %q", fields[2])
	}
	if m.Major, err = strconv.Atoi(major); err != nil || m.Major < 0 {
		return MountInfo{}, fmt.Errorf("bad device %q", fields[2])
	}
	if m.Minor, err = strconv.Atoi(minor); err != nil || m.Minor < 0 {
		return MountInfo{}, fmt.Errorf("bad device %q", fields[2])
	}
	m.Root = unescapeOctal(fields[3])
	m.MountPoint = unescapeOctal(fields[4])
	m.Options = strings.Split(fields[5], ",")

	sep := -1
	for i := 6; i < len(fields); i++ {
		if fields[i] == "-" {
			sep = i
			break
		}
	}
	if sep < 0 {
		return MountInfo{}, fmt.Errorf("no \" - \" separator")
	}
	m.Optional = append([]string{}, fields[6:sep]...)
	after := fields[sep+1:]
	if len(after) < 2 {
		return MountInfo{}, fmt.Errorf("want fstype and source after the separator")
	}
	m.FSType = after[0]
	m.Source = unescapeOctal(after[1])
	if len(after) > 2 {
		m.SuperOptions = strings.Split(after[2], ",")
	} else {
		m.SuperOptions = []string{}
	}
	return m, nil
}

// unescapeOctal decodes the kernel's \NNN escapes; a backslash not followed by three octal
// digits of one byte's value (\000 to \377) is kept as it is.
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] >= '0' && s[i+1] <= '3' && isOctal(s[i+2]) && isOctal(s[i+3]) {
			v := (s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0')
			b.WriteByte(v)
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// MountInfo reads and parses /proc/<pid>/mountinfo.
func (fs FS) MountInfo(pid int) ([]MountInfo, error) {
	path := fs.pidPath(pid, "mountinfo")
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	mounts, err := ParseMountInfo(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return mounts, nil
}
