// Package proc reads what boxtop needs from a /proc tree: namespaces, process status, uid maps,
// command lines, network counters and mounts.
//
// Every read goes through an FS whose Root is injected, so that boxtop can read a host's /proc
// mounted elsewhere (--proc-root) and so that tests can read fixture trees. The text parsers are
// boxtop's own and take bytes, because the hot path re-reads kept-open files with pread into a
// reused buffer and because they are fuzzed on their own.
package proc

import (
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// DefaultRoot is where the kernel's proc filesystem is normally mounted.
const DefaultRoot = "/proc"

// FS is a /proc tree. The zero value reads DefaultRoot.
type FS struct {
	// Root is the directory that holds the <pid> directories: "/proc" normally, a fixture tree in
	// tests, or the host's /proc mounted into boxtop's container.
	Root string
}

func (fs FS) root() string {
	if fs.Root == "" {
		return DefaultRoot
	}
	return fs.Root
}

// path joins the root with the parts of a path below it.
func (fs FS) path(parts ...string) string {
	return filepath.Join(append([]string{fs.root()}, parts...)...)
}

func (fs FS) pidPath(pid int, parts ...string) string {
	return fs.path(append([]string{strconv.Itoa(pid)}, parts...)...)
}

// readFile reads a whole file and says which file failed; os errors already carry the path.
func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pathErr *iofs.PathError
		if errors.As(err, &pathErr) {
			return nil, fmt.Errorf("read %s: %w", path, pathErr.Err)
		}
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, nil
}

// isGone reports whether err means the process exited: its directory is missing (ENOENT) or the
// kernel refuses to read a task that is being torn down (ESRCH).
func isGone(err error) bool {
	return errors.Is(err, iofs.ErrNotExist) || errors.Is(err, syscall.ESRCH)
}

// exists reports whether the process's directory is still there.
func (fs FS) exists(pid int) bool {
	_, err := os.Stat(fs.pidPath(pid))
	return err == nil
}

// Comm returns the process's short name (the kernel's comm, at most 15 bytes), "" if unreadable.
func (fs FS) Comm(pid int) string {
	data, err := os.ReadFile(fs.pidPath(pid, "comm"))
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}
