package integration

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The tests' own readers of /proc and the cgroup files: deliberately simple and separate from the
// collectors, so that a bug there cannot hide itself by agreeing with its own twin.

// nsID is a namespace's identity: two processes share a namespace when both are equal.
type nsID struct{ Inode, Device uint64 }

// namespaceTypes lists the namespace links this kernel has, without the *_for_children ones.
func namespaceTypes(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/ns")
	if err != nil {
		t.Fatalf("read /proc/self/ns: %v", err)
	}
	var types []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "_for_children") {
			types = append(types, e.Name())
		}
	}
	sort.Strings(types)
	return types
}

func readNS(pid int, typ string) (nsID, error) {
	var st syscall.Stat_t
	path := fmt.Sprintf("/proc/%d/ns/%s", pid, typ)
	if err := syscall.Stat(path, &st); err != nil {
		return nsID{}, fmt.Errorf("stat %s: %w", path, err)
	}
	return nsID{Inode: st.Ino, Device: st.Dev}, nil
}

func mustNS(t *testing.T, pid int, typ string) nsID {
	t.Helper()
	id, err := readNS(pid, typ)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// hostReferencePid is a process in the host's namespaces: PID 1 when its links can be read,
// else the Docker daemon (PID 1 is a supervisor that denies access on some machines).
func hostReferencePid(t *testing.T) int {
	t.Helper()
	if _, err := readNS(1, "net"); err == nil {
		return 1
	}
	pid, err := dockerdPid()
	if err != nil {
		t.Fatalf("PID 1's namespaces cannot be read and %v", err)
	}
	return pid
}

func dockerdPid() (int, error) {
	out, err := exec.Command("pidof", "dockerd").Output()
	if err != nil {
		return 0, fmt.Errorf("pidof dockerd: %v", err)
	}
	fields := strings.Fields(string(out))
	if len(fields) != 1 {
		return 0, fmt.Errorf("pidof dockerd: want one pid, got %q", out)
	}
	return strconv.Atoi(fields[0])
}

// procStatus reads /proc/<pid>/status into its "Key: value" pairs.
func procStatus(t *testing.T, pid int) map[string]string {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("read /proc/%d/status: %v", pid, err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

// capabilityNames is capability(7)'s numbering, bit N of CapEff = capabilityNames[N].
var capabilityNames = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
	"CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
	"CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
	"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
}

// decodeCaps turns a CapEff hex mask into sorted capability names.
func decodeCaps(t *testing.T, hexMask string) []string {
	t.Helper()
	mask, err := strconv.ParseUint(hexMask, 16, 64)
	if err != nil {
		t.Fatalf("CapEff %q: %v", hexMask, err)
	}
	var names []string
	for bit := 0; bit < 64; bit++ {
		if mask&(1<<bit) == 0 {
			continue
		}
		if bit < len(capabilityNames) {
			names = append(names, capabilityNames[bit])
		} else {
			t.Fatalf("CapEff %s has bit %d, which this test does not know by name", hexMask, bit)
		}
	}
	sort.Strings(names)
	return names
}

// cgroupDir is the directory of pid's cgroup for one v1 controller ("cpu", "memory", ...), or its
// unified cgroup on a v2 host.
func cgroupDir(t *testing.T, pid int, controller string) string {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		t.Fatalf("read /proc/%d/cgroup: %v", pid, err)
	}
	unified := fileExists("/sys/fs/cgroup/cgroup.controllers")
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		path := strings.TrimSuffix(parts[2], " (deleted)")
		if unified {
			if parts[0] == "0" {
				return filepath.Join("/sys/fs/cgroup", path)
			}
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == controller {
				dir := filepath.Join("/sys/fs/cgroup", controller, path)
				if !fileExists(dir) { // controllers co-mounted, e.g. cpu,cpuacct
					dir = filepath.Join("/sys/fs/cgroup", parts[1], path)
				}
				return dir
			}
		}
	}
	t.Fatalf("/proc/%d/cgroup has no %s controller:\n%s", pid, controller, data)
	return ""
}

func cgroupV2() bool { return fileExists("/sys/fs/cgroup/cgroup.controllers") }

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func readFileString(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return strings.TrimSpace(string(data))
}

func readInt(t *testing.T, path string) int64 {
	t.Helper()
	s := readFileString(t, path)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("%s: %q is not a number: %v", path, s, err)
	}
	return n
}

// readKeyed reads a flat "key value" cgroup file (cpu.stat, memory.stat, memory.oom_control).
func readKeyed(t *testing.T, path string) map[string]uint64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	m := map[string]uint64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 {
			continue
		}
		if n, err := strconv.ParseUint(fields[1], 10, 64); err == nil {
			m[fields[0]] = n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return m
}

// netDev reads /proc/<pid>/net/dev: interface -> its 16 counters.
func netDev(t *testing.T, pid int) map[string][]uint64 {
	t.Helper()
	path := fmt.Sprintf("/proc/%d/net/dev", pid)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	m := map[string][]uint64{}
	for _, line := range strings.Split(string(data), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || strings.Contains(name, "|") {
			continue
		}
		var counters []uint64
		for _, f := range strings.Fields(rest) {
			n, err := strconv.ParseUint(f, 10, 64)
			if err != nil {
				t.Fatalf("%s: %q: %v", path, line, err)
			}
			counters = append(counters, n)
		}
		m[strings.TrimSpace(name)] = counters
	}
	return m
}

// processAlive says whether pid still exists (a zombie counts as gone).
func processAlive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !errors.Is(err, os.ErrNotExist)
	}
	// The state follows the command in parentheses, which may itself contain ") ".
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
