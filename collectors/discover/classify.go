// Package discover finds containers without asking any daemon, from the cgroup each process is
// in. It exists for hosts whose engine is hung or absent, and for the runtimes that boxtop has
// no API client for (Podman without its socket, containerd/Kubernetes, CRI-O, LXC,
// systemd-nspawn): the cgroup path each runtime creates names the container, so one pass over
// /proc/*/cgroup is enough to list them.
package discover

import "strings"

// Runtime names as they appear in Found.Runtime.
const (
	RuntimeDocker     = "docker"
	RuntimePodman     = "podman"
	RuntimeContainerd = "containerd"
	RuntimeCRIO       = "cri-o"
	RuntimeLXC        = "lxc"
	RuntimeNspawn     = "systemd-nspawn"
)

// Kubernetes QoS classes as they appear in Found.QoSClass.
const (
	QoSGuaranteed = "guaranteed"
	QoSBurstable  = "burstable"
	QoSBestEffort = "besteffort"
)

// Found is one container found by its cgroup path alone.
type Found struct {
	// Runtime is one of the Runtime* constants.
	Runtime string
	// ID is the 64-hex id where the runtime has one; the LXC or nspawn machine name otherwise.
	ID string
	// Name is the best name available without a daemon: the LXC or nspawn name, else the id's
	// first 12 characters (what `docker ps` shows).
	Name string
	// CgroupPath is the container's own cgroup as /proc shows it, cut after the component that
	// names the container: a process in a child cgroup (Podman's ".../libpod-<id>.scope/container",
	// Docker-in-Docker) reports its container's cgroup, where the runtime set the limits.
	CgroupPath string
	// InitPid is the container's pid 1 as seen from the host: the lowest pid of the cgroup
	// that is not a runtime helper (conmon, containerd-shim, runc, crun, systemd-nspawn,
	// (sd-pam)) and whose parent is not another non-helper member of the cgroup.
	InitPid int
	// Pids are every pid found in the container's cgroup (and its children), sorted.
	Pids []int
	// PodUID is the Kubernetes pod uid, with the '_' of systemd slice names turned back into '-'.
	PodUID string
	// QoSClass is the Kubernetes QoS class, one of the QoS* constants.
	QoSClass string
}

const deletedSuffix = " (deleted)"

// Classify recognises the cgroup path of a container; ok is false for anything that is not one
// (host services, user sessions, conmon and LXC monitor cgroups, the root). When a path names
// several containers (Docker-in-Docker, a kind node), the outermost wins: that is the container
// the host's runtime knows.
func Classify(path string) (Found, bool) {
	path = strings.TrimSuffix(path, deletedSuffix)
	if !strings.HasPrefix(path, "/") {
		return Found{}, false
	}
	var pod podInfo
	var prev, prev2 string
	for start := 1; start <= len(path); {
		end := strings.IndexByte(path[start:], '/')
		if end < 0 {
			end = len(path)
		} else {
			end += start
		}
		c := path[start:end]
		start = end + 1
		if c == "" {
			continue
		}
		if isHelperCgroup(c) {
			return Found{}, false
		}
		if f, ok := matchContainer(c, prev, pod); ok {
			f.CgroupPath = path[:end]
			if f.Name == "" {
				f.Name = f.ID[:12]
			}
			f.PodUID, f.QoSClass = pod.uid, pod.qos
			return f, true
		}
		pod.observe(c, prev, prev2)
		prev2, prev = prev, c
	}
	return Found{}, false
}

// isHelperCgroup reports the cgroups runtimes make for their own supervisors, beside the
// container's: nothing under them is a container.
func isHelperCgroup(c string) bool {
	return strings.HasPrefix(c, "crio-conmon-") ||
		strings.HasPrefix(c, "libpod-conmon-") ||
		strings.HasPrefix(c, "lxc.monitor")
}

// matchContainer recognises one path component c that names a container; prev is the component
// before it, and pod what the components before told of a Kubernetes pod.
func matchContainer(c, prev string, pod podInfo) (Found, bool) {
	if id, ok := hexBetween(c, "docker-", ".scope"); ok {
		return Found{Runtime: RuntimeDocker, ID: id}, true
	}
	if prev == "docker" && isContainerID(c) {
		return Found{Runtime: RuntimeDocker, ID: c}, true
	}
	if id, ok := hexBetween(c, "libpod-", ".scope"); ok {
		return Found{Runtime: RuntimePodman, ID: id}, true
	}
	if id, ok := hexBetween(c, "libpod-", ""); ok {
		return Found{Runtime: RuntimePodman, ID: id}, true
	}
	if id, ok := hexBetween(c, "cri-containerd-", ".scope"); ok {
		return Found{Runtime: RuntimeContainerd, ID: id}, true
	}
	if id, ok := hexBetween(c, "crio-", ".scope"); ok {
		return Found{Runtime: RuntimeCRIO, ID: id}, true
	}
	if id, ok := hexBetween(c, "crio-", ""); ok {
		return Found{Runtime: RuntimeCRIO, ID: id}, true
	}
	// Kubernetes with the cgroupfs driver names the container's cgroup by its bare id. The path
	// does not say which CRI runtime made it; containerd is by far the most common one.
	if pod.component != "" && prev == pod.component && isContainerID(c) {
		return Found{Runtime: RuntimeContainerd, ID: c}, true
	}
	if name, ok := strings.CutPrefix(c, "lxc.payload."); ok && name != "" {
		return Found{Runtime: RuntimeLXC, ID: name, Name: name}, true
	}
	// LXC 3 made "lxc.payload/<name>"; older LXC and LXD "lxc/<name>".
	if (prev == "lxc.payload" || prev == "lxc") && c != "." && c != ".." {
		return Found{Runtime: RuntimeLXC, ID: c, Name: c}, true
	}
	if esc, ok := strings.CutPrefix(c, "machine-"); ok {
		if esc, ok := strings.CutSuffix(esc, ".scope"); ok && esc != "" {
			name := unescapeUnitName(esc)
			// libvirt registers its virtual machines with machined too; a VM is not a container.
			if strings.HasPrefix(name, "qemu-") {
				return Found{}, false
			}
			return Found{Runtime: RuntimeNspawn, ID: name, Name: name}, true
		}
	}
	return Found{}, false
}

// podInfo is what a path told of the Kubernetes pod it runs in.
type podInfo struct {
	component string // the pod's own path component, empty until one is seen
	uid, qos  string
}

// observe records the pod a component names: with the systemd driver
// "kubepods-<qos>-pod<uid_with_underscores>.slice" (no qos part for guaranteed pods, and a
// "kubelet-" prefix under kind), with cgroupfs "pod<uid>" under "kubepods[/<qos>]".
func (p *podInfo) observe(c, prev, prev2 string) {
	if slice, ok := strings.CutSuffix(c, ".slice"); ok {
		i := strings.LastIndex(slice, "-pod")
		if i < 0 {
			return
		}
		qos, ok := qosOfSlice(slice[:i])
		if !ok {
			return
		}
		if uid, ok := podUID(slice[i+len("-pod"):]); ok {
			*p = podInfo{component: c, uid: uid, qos: qos}
		}
		return
	}
	rest, ok := strings.CutPrefix(c, "pod")
	if !ok {
		return
	}
	var qos string
	switch {
	case prev == "kubepods":
		qos = QoSGuaranteed
	case (prev == QoSBurstable || prev == QoSBestEffort) && prev2 == "kubepods":
		qos = prev
	default:
		return
	}
	if uid, ok := podUID(rest); ok {
		*p = podInfo{component: c, uid: uid, qos: qos}
	}
}

// qosOfSlice reads the QoS class from what precedes "-pod<uid>" in a pod slice's name.
func qosOfSlice(prefix string) (string, bool) {
	for _, q := range []string{QoSBurstable, QoSBestEffort} {
		if parent, ok := strings.CutSuffix(prefix, "-"+q); ok {
			return q, hasKubepodsSuffix(parent)
		}
	}
	return QoSGuaranteed, hasKubepodsSuffix(prefix)
}

func hasKubepodsSuffix(s string) bool {
	return s == "kubepods" || strings.HasSuffix(s, "-kubepods")
}

// podUID accepts what kubelet uses as pod uids (UUIDs, or 32-hex hashes for static pods) and
// turns the systemd form's '_' back into '-'.
func podUID(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLowerHex(c) && c != '-' && c != '_' {
			return "", false
		}
	}
	return strings.ReplaceAll(s, "_", "-"), true
}

// hexBetween returns the middle of c when c is prefix + a container id + suffix.
func hexBetween(c, prefix, suffix string) (string, bool) {
	if len(c) != len(prefix)+64+len(suffix) || !strings.HasPrefix(c, prefix) || !strings.HasSuffix(c, suffix) {
		return "", false
	}
	id := c[len(prefix) : len(prefix)+64]
	return id, isContainerID(id)
}

// isContainerID reports a 64-character lowercase hex id, the only form runtimes write.
func isContainerID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isLowerHex(s[i]) {
			return false
		}
	}
	return true
}

func isLowerHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' }

// unescapeUnitName undoes systemd's unit name escaping ("web\x2d01" is "web-01"), which machined
// applies to machine names; a malformed escape is kept as written.
func unescapeUnitName(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if hi, ok := hexValue(s[i+2]); ok {
				if lo, ok := hexValue(s[i+3]); ok {
					b.WriteByte(hi<<4 | lo)
					i += 3
					continue
				}
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func hexValue(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
