package proc

import (
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// NamespaceReader reads one process's namespaces again and again, cheaply: it keeps
// /proc/<pid>/ns open and reads each link with readlinkat ("net:[4026531840]"), which costs a
// third of a stat through the full path. Every nsfs file has the same device, taken once at
// open, so device and inode still identify each namespace. It is the per-tick path for a
// container's init; Namespaces is the one-off one.
type NamespaceReader struct {
	dir    string
	fd     int
	device uint64
	buf    [64]byte
}

// OpenNamespaces opens <root>/<pid>/ns. It fails as Namespaces would: with a permission hint, or
// matching fs.ErrNotExist when the process is gone.
func OpenNamespaces(fs FS, pid int) (*NamespaceReader, error) {
	dir := fs.pidPath(pid, "ns")
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.ENOENT) {
			return nil, fmt.Errorf("open %s: %w", dir, errGone(dir))
		}
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	r := &NamespaceReader{dir: dir, fd: fd}
	for _, typ := range snapshot.NamespaceTypes {
		var st unix.Stat_t
		err := unix.Fstatat(fd, typ, &st, 0)
		if err == nil {
			r.device = uint64(st.Dev)
			break
		}
		if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
			r.Close()
			return nil, fmt.Errorf("stat %s/%s: %w (%s)", dir, typ, err, permissionHint())
		}
	}
	return r, nil
}

// Read returns the namespaces by type; a type the kernel lacks is left out. A process that has
// exited gives an error matching fs.ErrNotExist.
func (r *NamespaceReader) Read() (map[string]NS, error) {
	out := make(map[string]NS, len(snapshot.NamespaceTypes))
	for _, typ := range snapshot.NamespaceTypes {
		n, err := unix.Readlinkat(r.fd, typ, r.buf[:])
		if errors.Is(err, unix.EINVAL) {
			n, err = 0, nil // not a link at all: stat it below
		}
		if err != nil {
			if errors.Is(err, unix.ENOENT) {
				continue
			}
			if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
				return nil, fmt.Errorf("readlink %s/%s: %w (%s)", r.dir, typ, err, permissionHint())
			}
			return nil, fmt.Errorf("readlink %s/%s: %w", r.dir, typ, err)
		}
		if ino, ok := linkInode(r.buf[:n], typ); ok {
			out[typ] = NS{Inode: ino, Device: r.device}
			continue
		}
		// Not an nsfs link (a fixture tree, or a /proc that is not procfs): stat it.
		var st unix.Stat_t
		if err := unix.Fstatat(r.fd, typ, &st, 0); err != nil {
			return nil, fmt.Errorf("stat %s/%s: %w", r.dir, typ, err)
		}
		out[typ] = NS{Inode: st.Ino, Device: uint64(st.Dev)}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read %s/*: %w", r.dir, errGone(r.dir))
	}
	return out, nil
}

// linkInode parses an nsfs link's text, "net:[4026531840]", for the type asked.
func linkInode(link []byte, typ string) (uint64, bool) {
	if len(link) < len(typ)+4 || string(link[:len(typ)]) != typ || link[len(typ)] != ':' ||
		link[len(typ)+1] != '[' || link[len(link)-1] != ']' {
		return 0, false
	}
	ino, err := strconv.ParseUint(string(link[len(typ)+2:len(link)-1]), 10, 64)
	return ino, err == nil
}

// Close releases the directory.
func (r *NamespaceReader) Close() error {
	if r == nil || r.fd < 0 {
		return nil
	}
	err := unix.Close(r.fd)
	r.fd = -1
	return err
}
