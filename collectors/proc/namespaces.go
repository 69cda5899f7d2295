package proc

import (
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// NS identifies one namespace. Two processes are in the same namespace only when both the device
// and the inode of their nsfs files are equal: the inode alone is unique only within one nsfs
// instance.
type NS struct {
	Inode  uint64
	Device uint64
}

// Namespaces stats /proc/<pid>/ns/<type>, following the link to the nsfs file, for every type in
// snapshot.NamespaceTypes that this kernel has. A type the kernel lacks (time before 5.6, cgroup
// before 4.6) is skipped, not an error. A process that exited, or a zombie whose namespaces are
// already released, gives an error that matches fs.ErrNotExist.
func (fs FS) Namespaces(pid int) (map[string]NS, error) {
	return fs.namespacesIn(fs.pidPath(pid, "ns"))
}

func (fs FS) namespacesIn(dir string) (map[string]NS, error) {
	out := make(map[string]NS, len(snapshot.NamespaceTypes))
	for _, typ := range snapshot.NamespaceTypes {
		path := filepath.Join(dir, typ)
		var st unix.Stat_t
		if err := unix.Stat(path, &st); err != nil {
			if errors.Is(err, unix.ENOENT) {
				continue
			}
			if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
				return nil, fmt.Errorf("stat %s: %w (%s)", path, err, permissionHint())
			}
			return nil, fmt.Errorf("stat %s: %w", path, err)
		}
		out[typ] = NS{Inode: st.Ino, Device: uint64(st.Dev)}
	}
	if len(out) == 0 {
		// Every link is missing: the process is gone, or a zombie whose namespaces were
		// released, not a kernel without namespaces.
		return nil, fmt.Errorf("stat %s/*: %w", dir, errGone(dir))
	}
	return out, nil
}

// permissionHint explains a denied namespace link. Root is normally allowed, so a denial to root
// means the target process refuses ptrace access (a sandbox supervisor, a security module).
func permissionHint() string {
	const hint = "reading another user's namespace links needs root or CAP_SYS_PTRACE"
	if os.Geteuid() == 0 {
		return hint + ", and this process denies even root"
	}
	return hint
}

// errGone says whether the ns directory itself vanished (the process exited) or only its links
// (a zombie); both match fs.ErrNotExist.
func errGone(dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("process exited: %w", iofs.ErrNotExist)
	}
	return fmt.Errorf("no namespace links (a zombie process?): %w", iofs.ErrNotExist)
}

// HostReference returns the host's namespaces and whose links they were read from. PID 1 is the
// natural reference, but its links can be unreadable even to root (a supervisor that denies
// ptrace access), so the candidates, processes known to run in the host's namespaces such as the
// engine daemons, come next, named like "pid 812 (dockerd)", and the reading process itself
// ("self") last. The error lists every attempt only when none works.
func (fs FS) HostReference(candidates []int) (map[string]NS, string, error) {
	ns, err := fs.Namespaces(1)
	if err == nil {
		return ns, "pid 1", nil
	}
	tried := []string{"pid 1: " + err.Error()}
	for _, pid := range candidates {
		if pid == 1 {
			continue
		}
		ns, err := fs.Namespaces(pid)
		if err != nil {
			tried = append(tried, fmt.Sprintf("pid %d: %v", pid, err))
			continue
		}
		name := "pid " + strconv.Itoa(pid)
		if comm := fs.Comm(pid); comm != "" {
			name += " (" + comm + ")"
		}
		return ns, name, nil
	}
	ns, err = fs.namespacesIn(fs.path("self", "ns"))
	if err == nil {
		return ns, "self", nil
	}
	tried = append(tried, "self: "+err.Error())
	return nil, "", fmt.Errorf("no readable host namespace reference: %s", strings.Join(tried, "; "))
}

// PidsByComm scans <root>/*/comm for processes whose comm is one of names: those of the first
// name first, lowest pid first within a name. It finds candidates for HostReference, in the
// order of preference the caller gives (dockerd, containerd, then podman, whose comm is also
// that of every short-lived podman command: a reference that exits leaves paths built from it
// dangling). Unreadable or vanished entries are skipped: this is a best-effort search, not a
// listing.
func (fs FS) PidsByComm(names ...string) []int {
	entries, err := os.ReadDir(fs.root())
	if err != nil || len(names) == 0 {
		return nil
	}
	rank := make(map[string]int, len(names))
	for i, n := range names {
		if _, dup := rank[n]; !dup {
			rank[n] = i
		}
	}
	type found struct{ rank, pid int }
	var hits []found
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 {
			continue
		}
		if r, ok := rank[fs.Comm(pid)]; ok {
			hits = append(hits, found{r, pid})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].rank != hits[j].rank {
			return hits[i].rank < hits[j].rank
		}
		return hits[i].pid < hits[j].pid
	})
	var pids []int
	for _, h := range hits {
		pids = append(pids, h.pid)
	}
	return pids
}
