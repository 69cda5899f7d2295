package cgroups

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Paths says where one process's cgroup lives.
type Paths struct {
	Version int
	// Unified is the cgroup's absolute directory under cgroupRoot (v2 only).
	Unified string
	// Controllers maps a v1 controller name (cpu, cpuacct, memory, pids, blkio, cpuset) to its
	// absolute directory. A controller that is not mounted is missing from the map.
	Controllers map[string]string
	// Path is the cgroup path as /proc shows it (the v2 path, or the v1 memory or cpu
	// controller's), for display.
	Path string
}

// V1Controllers are the cgroup v1 controllers boxtop reads, in the order Locate prefers
// them for Paths.Path.
func V1Controllers() []string {
	return []string{"memory", "cpu", "cpuacct", "pids", "blkio", "cpuset"}
}

// ProcCgroupLine is one line of /proc/<pid>/cgroup: "hierarchy-id:controllers:path".
type ProcCgroupLine struct {
	HierarchyID int
	// Controllers is empty for the cgroup v2 line ("0::/path"); a named v1 hierarchy shows as
	// one entry like "name=systemd".
	Controllers []string
	// Path has any " (deleted)" suffix removed; Deleted says it was there.
	Path    string
	Deleted bool
}

const deletedSuffix = " (deleted)"

// ParseProcCgroup parses /proc/<pid>/cgroup.
func ParseProcCgroup(data []byte) ([]ProcCgroupLine, error) {
	var out []ProcCgroupLine
	for lineNo := 1; len(data) > 0; lineNo++ {
		var line []byte
		line, data = nextLine(data)
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		c1 := bytes.IndexByte(line, ':')
		if c1 < 0 {
			return nil, fmt.Errorf("line %d: want id:controllers:path, got %q", lineNo, line)
		}
		c2 := bytes.IndexByte(line[c1+1:], ':')
		if c2 < 0 {
			return nil, fmt.Errorf("line %d: want id:controllers:path, got %q", lineNo, line)
		}
		c2 += c1 + 1
		id, err := ParseUint(line[:c1])
		if err != nil || id > math.MaxInt32 {
			return nil, fmt.Errorf("line %d: bad hierarchy id %q", lineNo, line[:c1])
		}
		l := ProcCgroupLine{HierarchyID: int(id), Path: string(line[c2+1:])}
		if ctl := line[c1+1 : c2]; len(ctl) > 0 {
			l.Controllers = strings.Split(string(ctl), ",")
		}
		if p, ok := strings.CutSuffix(l.Path, deletedSuffix); ok {
			l.Path, l.Deleted = p, true
		}
		if !strings.HasPrefix(l.Path, "/") {
			return nil, fmt.Errorf("line %d: path %q is not absolute", lineNo, l.Path)
		}
		out = append(out, l)
	}
	return out, nil
}

// Locate reads /proc/<pid>/cgroup under procRoot and says where that process's cgroup files
// are under cgroupRoot. version is 1 or 2 as DetectVersion says; 0 lets Locate decide from
// the file (v1 when any v1 controller line is present). It does not open the cgroup: a
// process that exits right after still gets its Paths, and Read then reports Gone. When no v1
// controller boxtop reads is mounted, the error comes with Paths whose Path is taken from a
// named hierarchy (name=systemd), for display.
func Locate(procRoot, cgroupRoot string, pid int, version int) (Paths, error) {
	file := filepath.Join(procRoot, strconv.Itoa(pid), "cgroup")
	data, err := os.ReadFile(file)
	if err != nil {
		return Paths{}, err
	}
	lines, err := ParseProcCgroup(data)
	if err != nil {
		return Paths{}, fmt.Errorf("parse %s: %w", file, err)
	}
	if version == 0 {
		version = 2
		for _, l := range lines {
			if l.HierarchyID != 0 && len(l.Controllers) > 0 && !isNamed(l.Controllers) {
				version = 1
				break
			}
		}
	}
	switch version {
	case 2:
		for _, l := range lines {
			if l.HierarchyID == 0 && len(l.Controllers) == 0 {
				return Paths{Version: 2, Unified: filepath.Join(cgroupRoot, l.Path), Path: l.Path}, nil
			}
		}
		return Paths{}, fmt.Errorf("%s: no cgroup v2 line (0::/path)", file)
	case 1:
		return locateV1(file, cgroupRoot, lines)
	default:
		return Paths{}, fmt.Errorf("unknown cgroup version %d", version)
	}
}

func isNamed(controllers []string) bool {
	return len(controllers) == 1 && strings.HasPrefix(controllers[0], "name=")
}

func locateV1(file, cgroupRoot string, lines []ProcCgroupLine) (Paths, error) {
	p := Paths{Version: 1, Controllers: map[string]string{}}
	wanted := V1Controllers()
	paths := map[string]string{}
	var namedPath string
	for _, l := range lines {
		if l.HierarchyID == 0 || len(l.Controllers) == 0 {
			continue
		}
		if isNamed(l.Controllers) {
			if namedPath == "" {
				namedPath = l.Path
			}
			continue
		}
		joined := strings.Join(l.Controllers, ",")
		for _, c := range l.Controllers {
			if !contains(wanted, c) {
				continue
			}
			// Hosts differ: cpu and cpuacct are separate mounts here, one "cpu,cpuacct" mount
			// with symlinks elsewhere, and the symlinks are not always there.
			for _, mount := range []string{filepath.Join(cgroupRoot, c), filepath.Join(cgroupRoot, joined)} {
				if st, err := os.Stat(mount); err == nil && st.IsDir() {
					p.Controllers[c] = filepath.Join(mount, l.Path)
					paths[c] = l.Path
					break
				}
			}
		}
	}
	for _, c := range wanted {
		if path, ok := paths[c]; ok {
			p.Path = path
			break
		}
	}
	if p.Path == "" {
		p.Path = namedPath
	}
	if len(p.Controllers) == 0 {
		// Path (from a named hierarchy such as name=systemd) still says which cgroup it is.
		return p, fmt.Errorf("%s: none of the v1 controllers %s is mounted under %s",
			file, strings.Join(wanted, ","), cgroupRoot)
	}
	return p, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// DriverFromPath guesses the cgroup driver from the shape of a container's cgroup path:
// "systemd" when a component is a unit (*.slice, *.scope), "cgroupfs" for plain trees such as
// /docker/<id>, /kubepods/<qos>/pod<uid>/<id> or /libpod_parent/libpod-<id>, "" otherwise.
func DriverFromPath(path string) string {
	path = strings.TrimSuffix(path, deletedSuffix)
	var parts []string
	for _, part := range strings.Split(path, "/") {
		if part != "" {
			parts = append(parts, part)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	for _, part := range parts {
		if strings.HasSuffix(part, ".slice") || strings.HasSuffix(part, ".scope") {
			return "systemd"
		}
	}
	if len(parts) < 2 {
		return ""
	}
	switch parts[0] {
	case "docker", "kubepods", "libpod_parent", "podruntime", "containerd":
		return "cgroupfs"
	}
	if isContainerID(parts[len(parts)-1]) {
		return "cgroupfs"
	}
	return ""
}

// isContainerID reports whether s is 64 lowercase hex characters, the id shape of Docker,
// containerd and CRI-O.
func isContainerID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
