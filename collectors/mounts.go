package collectors

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/boxtop/boxtop/collectors/proc"
	"github.com/boxtop/boxtop/collectors/snapshot"
)

// mountTable keeps a container's /proc/<pid>/mountinfo open. The kernel flags that file
// (POLLPRI) whenever the mount namespace's table changes, so one poll over every container's
// file per tick says which tables to read again; an unchanged table costs nothing.
//
// The file is a raw descriptor, not an *os.File: Go's runtime registers pollable files with its
// own epoll, whose wake-up would consume the kernel's change flag before boxtop's poll saw it.
type mountTable struct {
	path   string
	fd     int // -1 when closed or never opened
	mounts []proc.MountInfo
	err    error
	stale  bool
}

func openMountTable(procRoot string, pid int) *mountTable {
	path := filepath.Join(procRoot, strconv.Itoa(pid), "mountinfo")
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &mountTable{path: path, fd: -1, err: &os.PathError{Op: "open", Path: path, Err: err}}
	}
	return &mountTable{path: path, fd: fd, stale: true}
}

func (m *mountTable) close() {
	if m != nil && m.fd >= 0 {
		unix.Close(m.fd)
		m.fd = -1
	}
}

// read re-reads the table from offset 0 when it is stale.
func (m *mountTable) read() {
	if m.fd < 0 || !m.stale {
		return
	}
	m.stale = false
	var data []byte
	buf := make([]byte, 16<<10)
	for {
		n, err := unix.Pread(m.fd, buf, int64(len(data)))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			m.err = fmt.Errorf("read %s: %w", m.path, err)
			return
		}
		if n == 0 {
			break
		}
		data = append(data, buf[:n]...)
	}
	m.mounts, m.err = proc.ParseMountInfo(data)
	if m.err != nil {
		m.err = fmt.Errorf("parse %s: %w", m.path, m.err)
	}
}

// pollMountTables marks stale every table whose mount namespace changed since the last poll,
// with one non-blocking poll(2) over all of them.
func pollMountTables(tables []*mountTable) {
	fds := make([]unix.PollFd, 0, len(tables))
	owners := make([]*mountTable, 0, len(tables))
	for _, t := range tables {
		if t != nil && t.fd >= 0 && !t.stale {
			fds = append(fds, unix.PollFd{Fd: int32(t.fd), Events: unix.POLLPRI})
			owners = append(owners, t)
		}
	}
	if len(fds) == 0 {
		return
	}
	n, err := unix.Poll(fds, 0)
	if err != nil && !errors.Is(err, unix.EINTR) {
		for _, t := range owners { // cannot tell: read them all
			t.stale = true
		}
		return
	}
	for i := 0; n > 0 && i < len(fds); i++ {
		if fds[i].Revents&(unix.POLLPRI|unix.POLLERR) != 0 {
			owners[i].stale = true
		}
	}
}

// runtimeMountPoint reports the mounts every container gets from its runtime: the root, the
// kernel filesystems, and the files the engine writes for it. They are no one's configuration.
func runtimeMountPoint(p string) bool {
	switch p {
	case "/", "/etc/resolv.conf", "/etc/hostname", "/etc/hosts", "/run/.containerenv", "/sbin/docker-init", "/dev/init":
		return true
	}
	for _, tree := range []string{"/proc", "/sys", "/dev", "/run/secrets"} {
		if p == tree || strings.HasPrefix(p, tree+"/") {
			return true
		}
	}
	return false
}

// applyMountTable checks the engine's mounts against the kernel's table: read-only comes from
// the kernel, and a mount the engine does not list is added and marked. It also finds the
// writable layer from the root mount's overlay options.
func applyMountTable(ct *snapshot.Container, table []proc.MountInfo) {
	byPoint := make(map[string]*proc.MountInfo, len(table))
	for i := range table {
		byPoint[table[i].MountPoint] = &table[i] // a later mount over the same point wins
	}
	listed := make(map[string]bool, len(ct.Mounts))
	for i := range ct.Mounts {
		m := &ct.Mounts[i]
		listed[m.Destination] = true
		if k, ok := byPoint[m.Destination]; ok {
			m.ReadOnly = hasOption(k.Options, "ro")
		}
	}
	for i := range table {
		k := &table[i]
		if k.MountPoint == "/" && ct.Storage != nil {
			for _, o := range k.SuperOptions {
				if dir, ok := strings.CutPrefix(o, "upperdir="); ok {
					ct.Storage.UpperDir = &dir
				}
			}
		}
		if listed[k.MountPoint] || runtimeMountPoint(k.MountPoint) || byPoint[k.MountPoint] != k {
			continue
		}
		m := snapshot.Mount{Type: "bind", Source: k.Root, Destination: k.MountPoint, ReadOnly: hasOption(k.Options, "ro"), NotInEngine: true}
		if k.FSType == "tmpfs" {
			m.Type, m.Source = "tmpfs", ""
		}
		ct.Mounts = append(ct.Mounts, m)
	}
}

func hasOption(opts []string, want string) bool {
	for _, o := range opts {
		if o == want {
			return true
		}
	}
	return false
}
