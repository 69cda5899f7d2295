package discover

import (
	"bytes"
	"strings"
)

// cgroupLines holds the paths of the /proc/<pid>/cgroup lines that can name a container.
type cgroupLines struct {
	unified, memory, cpu, pids []byte
}

// classifyProcCgroup finds the container a /proc/<pid>/cgroup file places its process in. The
// cgroup v2 "0::" line is tried first; on a hybrid host it can be "/" while the v1 lines name the
// container, so the memory, cpu and pids lines are tried next, in that order.
func classifyProcCgroup(data []byte) (Found, bool) {
	var l cgroupLines
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		l.add(line)
	}
	for _, p := range [][]byte{l.unified, l.memory, l.cpu, l.pids} {
		if len(p) < 2 { // nil, or the root "/"
			continue
		}
		if f, ok := Classify(string(p)); ok {
			return f, true
		}
	}
	return Found{}, false
}

// add records one "hierarchy-id:controllers:path" line; malformed lines are ignored, since one
// bad line must not hide a container that the others name.
func (l *cgroupLines) add(line []byte) {
	c1 := bytes.IndexByte(line, ':')
	if c1 <= 0 || !allDigits(line[:c1]) {
		return
	}
	c2 := bytes.IndexByte(line[c1+1:], ':')
	if c2 < 0 {
		return
	}
	c2 += c1 + 1
	controllers, path := line[c1+1:c2], line[c2+1:]
	if len(controllers) == 0 {
		if string(line[:c1]) == "0" {
			l.unified = path
		}
		return
	}
	for len(controllers) > 0 {
		var name []byte
		if i := bytes.IndexByte(controllers, ','); i >= 0 {
			name, controllers = controllers[:i], controllers[i+1:]
		} else {
			name, controllers = controllers, nil
		}
		switch string(name) {
		case "memory":
			l.memory = path
		case "cpu":
			l.cpu = path
		case "pids":
			l.pids = path
		}
	}
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// parsePPid reads the "PPid:" field of /proc/<pid>/status.
func parsePPid(status []byte) (int, bool) {
	const key = "PPid:"
	var rest []byte
	switch {
	case bytes.HasPrefix(status, []byte(key)):
		rest = status[len(key):]
	default:
		i := bytes.Index(status, []byte("\n"+key))
		if i < 0 {
			return 0, false
		}
		rest = status[i+1+len(key):]
	}
	rest = bytes.TrimLeft(rest, " \t")
	n, digits := 0, 0
	for _, c := range rest {
		if c < '0' || c > '9' {
			break
		}
		if n > (1<<31-1)/10 {
			return 0, false
		}
		n = n*10 + int(c-'0')
		digits++
	}
	if digits == 0 || digits < len(rest) && rest[digits] != '\n' {
		return 0, false
	}
	return n, true
}

// isRuntimeHelper reports the comm of a runtime's own process that can share the container's
// cgroup: conmon, containerd-shim-* (comm is cut to 15 bytes: "containerd-shim"), runc and crun
// (including runc's "runc:[2:INIT]" while it starts the container), the systemd-nspawn supervisor,
// and (sd-pam), which a systemd user manager leaves beside itself.
func isRuntimeHelper(comm string) bool {
	switch comm {
	case "conmon", "runc", "crun", "systemd-nspawn", "(sd-pam)":
		return true
	}
	return strings.HasPrefix(comm, "containerd-shim") || strings.HasPrefix(comm, "runc:[")
}
