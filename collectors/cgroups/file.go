package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// maxFileSize bounds how far a kept file's buffer grows: cgroup.procs of a huge cgroup is the
// largest file read, and even 100k PIDs fit in 1 MiB.
const maxFileSize = 16 << 20

// fileReader reads a kept file. PreadAt makes exactly one pread(2) and returns 0 at the end of
// the file (no io.EOF): on kernfs one pread from offset 0 returns a whole single-record file
// when the buffer is big enough, so a reading costs one system call per file. Tests substitute
// readers that fail the way kernfs does (EOPNOTSUPP, EACCES, ENODEV) where a fixture tree
// cannot.
type fileReader interface {
	PreadAt(p []byte, off int64) (int, error)
	Close() error
}

// osFile keeps the *os.File (whose cleanup closes the descriptor should a Handle be dropped
// without Close) and its descriptor for direct preads.
type osFile struct {
	f  *os.File
	fd int
}

func openFile(path string) (fileReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &osFile{f: f, fd: int(f.Fd())}, nil
}

func (o *osFile) PreadAt(p []byte, off int64) (int, error) {
	for {
		n, err := syscall.Pread(o.fd, p, off)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		return n, nil
	}
}

func (o *osFile) Close() error { return o.f.Close() }

// keptFile is one cgroup file, opened on first use and then re-read in place with pread at
// offset 0: kernfs regenerates the content on every read from offset 0, so one open per
// container lifetime replaces an open/read/close per tick.
//
// A kept file follows its inode. That is right for kernfs, where a cgroup's files are never
// replaced, only removed with the cgroup (reads then fail with ENODEV). A fixture file replaced
// by rename keeps showing the old content; one rewritten in place is read fresh.
type keptFile struct {
	path string
	r    fileReader
	// absent is set when the file does not exist (this kernel or controller lacks it); it
	// stays set until the handle is closed, so a missing file costs one failed open only.
	absent bool
	// multiRecord marks files that kernfs generates one record per read pass (cgroup.procs):
	// a short read is not the end, so they are read on until a read returns 0.
	multiRecord bool

	// setting marks a file that changes only when written to (a limit). While a Watcher
	// watches it (watch is its descriptor) and nothing was written since, fresh is set and a
	// read returns cache, the content last read.
	setting bool
	watch   int32
	fresh   bool
	cache   []byte
}

func (k *keptFile) close() error {
	k.fresh = false
	if k.r == nil {
		return nil
	}
	err := k.r.Close()
	k.r = nil
	return err
}

// errClass is what a failed open or read means for the reading.
type errClass int

const (
	// errFailed is a real error, reported in Reading.Errors.
	errFailed errClass = iota
	// errAbsent means the data is not there on this kernel or cgroup: no value, no error.
	// EOPNOTSUPP is what a pressure file returns when PSI is off for the cgroup.
	errAbsent
	// errMaybeGone means the file vanished: absent if its directory is still there, otherwise
	// the cgroup itself is gone. kernfs answers reads of a removed cgroup's files with ENODEV.
	errMaybeGone
)

func classify(err error) errClass {
	switch {
	case errors.Is(err, syscall.EOPNOTSUPP):
		return errAbsent
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENODEV):
		return errMaybeGone
	default:
		return errFailed
	}
}

// errText is an error without the *PathError's operation and path, which the reading's own
// message puts in front in one consistent form.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// dirGone reports whether the directory holding path has disappeared.
func dirGone(path string) bool {
	_, err := os.Stat(filepath.Dir(path))
	return errors.Is(err, fs.ErrNotExist)
}

// read returns the content of k, reading it into the handle's reused buffer, which stays valid
// until the next read. ok is false when there is no data: the file is absent, the cgroup is
// gone (h.gone), or the read failed (recorded in h.errs).
func (h *Handle) read(k *keptFile) (data []byte, ok bool) {
	if k.absent || k.path == "" || h.gone {
		return nil, false
	}
	if k.setting && k.fresh {
		return k.cache, true
	}
	if h.reopen {
		b, err := os.ReadFile(k.path)
		if err != nil {
			h.fail(k, err, true)
			return nil, false
		}
		return b, true
	}
	for attempt := 0; ; attempt++ {
		if k.r == nil {
			if k.setting && h.watcher != nil {
				// Watched before the first read, so that no write falls between the two.
				h.watcher.watch(k)
			}
			r, err := h.open(k.path)
			if err != nil {
				h.watcher.unwatch(k)
				h.fail(k, err, true)
				return nil, false
			}
			k.r = r
		}
		data, err := h.readKept(k)
		if err == nil {
			if k.setting && k.watch != 0 {
				k.cache = append(k.cache[:0], data...)
				k.fresh = true
			}
			return data, true
		}
		// ENODEV with the directory still there: this one file was removed (v2 removes a
		// controller's files when the parent disables it in cgroup.subtree_control). Open it
		// anew once, which finds it absent or back.
		if attempt == 0 && errors.Is(err, syscall.ENODEV) && !dirGone(k.path) {
			k.close()
			continue
		}
		h.fail(k, err, false)
		return nil, false
	}
}

// readKept reads k from offset 0 into the handle's buffer.
func (h *Handle) readKept(k *keptFile) ([]byte, error) {
	for {
		n, err := k.r.PreadAt(h.buf, 0)
		if err != nil {
			return nil, err
		}
		if n < len(h.buf) && (!k.multiRecord || n == 0) {
			return h.buf[:n], nil
		}
		if n < len(h.buf) {
			return h.readOn(k, n)
		}
		// The buffer filled up: the file may be longer. Read it again from the start into a
		// bigger buffer rather than continuing, so the content comes from one generation.
		if err := h.grow(false); err != nil {
			return nil, err
		}
	}
}

// readOn continues a multi-record file from offset total until a read returns 0.
func (h *Handle) readOn(k *keptFile, total int) ([]byte, error) {
	for {
		if total == len(h.buf) {
			if err := h.grow(true); err != nil {
				return nil, err
			}
		}
		n, err := k.r.PreadAt(h.buf[total:], int64(total))
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return h.buf[:total], nil
		}
		total += n
	}
}

// grow doubles the read buffer, keeping its content when asked.
func (h *Handle) grow(keep bool) error {
	if len(h.buf) >= maxFileSize {
		return fmt.Errorf("larger than %d bytes", maxFileSize)
	}
	b := make([]byte, 2*len(h.buf))
	if keep {
		copy(b, h.buf)
	}
	h.buf = b
	return nil
}

// fail records what a failed open or read of k means.
func (h *Handle) fail(k *keptFile, err error, opening bool) {
	switch classify(err) {
	case errAbsent:
		return
	case errMaybeGone:
		if dirGone(k.path) {
			h.gone = true
			return
		}
		if errors.Is(err, fs.ErrNotExist) {
			if opening {
				k.absent = true
			}
			return
		}
	}
	h.errs = append(h.errs, fmt.Sprintf("read %s: %s", k.path, errText(err)))
}

// parseFailed records that k's content did not parse.
func (h *Handle) parseFailed(k *keptFile, err error) {
	h.errs = append(h.errs, fmt.Sprintf("parse %s: %v", k.path, err))
}
