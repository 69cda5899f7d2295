package cgroups

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Watcher tells Handles when a setting file of theirs (a limit: cpu.max, memory.max,
// pids.max, cpu.cfs_quota_us and the like) has been written to, so that a reading takes the
// last content it read instead of reading the file again. Settings change only when someone
// writes them (the engine on `docker update`, systemd on set-property, a user with echo), and
// every successful write(2) makes the kernel queue an inotify IN_MODIFY event for the file, so
// one non-blocking read per tick replaces a read of every setting file of every container.
//
// Writes made through another mount of the hierarchy (a container with its own cgroup
// namespace managing its children, as in kind or Docker-in-Docker) notify that mount's inodes,
// not these: the caller re-reads the settings now and then all the same (Handle.RecheckSettings).
// A file that cannot be watched (the watch limit reached) is simply read on every Read.
//
// A Watcher is not safe for concurrent use; the Handles that use it must be read from the same
// goroutine as Poll.
type Watcher struct {
	fd    int // -1 when inotify could not be set up
	files map[int32]*keptFile
	buf   []byte
	err   error
}

// NewWatcher sets up the inotify instance. When that fails the Watcher still works, watching
// nothing; Err says why.
func NewWatcher() *Watcher {
	w := &Watcher{fd: -1, files: map[int32]*keptFile{}}
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		w.err = fmt.Errorf("inotify: %w", err)
		return w
	}
	w.fd = fd
	w.buf = make([]byte, 64<<10)
	return w
}

// Err says why nothing is watched, or nil.
func (w *Watcher) Err() error { return w.err }

// Watched is how many files are being watched.
func (w *Watcher) Watched() int { return len(w.files) }

// watch starts watching k; on failure k stays unwatched and is read every time.
func (w *Watcher) watch(k *keptFile) {
	w.unwatch(k)
	if w == nil || w.fd < 0 {
		return
	}
	wd, err := unix.InotifyAddWatch(w.fd, k.path, unix.IN_MODIFY)
	if err != nil {
		return
	}
	if _, taken := w.files[int32(wd)]; taken {
		// The same inode through another path: leave that file the watch and read this one
		// every time.
		return
	}
	k.watch = int32(wd)
	w.files[k.watch] = k
}

// unwatch stops watching k and forgets its cached content.
func (w *Watcher) unwatch(k *keptFile) {
	k.fresh = false
	if w == nil || k.watch == 0 {
		return
	}
	if w.files[k.watch] == k {
		delete(w.files, k.watch)
		if w.fd >= 0 {
			unix.InotifyRmWatch(w.fd, uint32(k.watch)) //nolint:errcheck // gone already when the file was
		}
	}
	k.watch = 0
}

// Poll takes in the events queued since the last Poll: each written file is read again on its
// handle's next Read. A lost event (the queue overflowed) makes every watched file read again.
func (w *Watcher) Poll() {
	if w == nil || w.fd < 0 {
		return
	}
	for {
		n, err := unix.Read(w.fd, w.buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil || n <= 0 {
			return // EAGAIN: nothing (more) queued
		}
		for _, ev := range parseInotify(w.buf[:n]) {
			w.apply(ev)
		}
	}
}

func (w *Watcher) apply(ev inotifyEvent) {
	if ev.mask&unix.IN_Q_OVERFLOW != 0 {
		for _, k := range w.files {
			k.fresh = false
		}
		return
	}
	k := w.files[ev.wd]
	if k == nil {
		return
	}
	k.fresh = false
	if ev.mask&unix.IN_IGNORED != 0 {
		// The kernel dropped the watch (the file is gone): read it every time from now on.
		delete(w.files, ev.wd)
		k.watch = 0
	}
}

// Close ends the watching. The Handles go on reading every file every time.
func (w *Watcher) Close() error {
	if w == nil || w.fd < 0 {
		return nil
	}
	for wd, k := range w.files {
		k.watch, k.fresh = 0, false
		delete(w.files, wd)
	}
	err := unix.Close(w.fd)
	w.fd = -1
	return err
}

// inotifyEvent is the part of a struct inotify_event boxtop uses.
type inotifyEvent struct {
	wd   int32
	mask uint32
}

// parseInotify splits what a read of an inotify descriptor returned: records of wd (s32),
// mask, cookie and name length (u32 each), then the name, padded. A record cut short ends the
// parse.
func parseInotify(buf []byte) []inotifyEvent {
	var out []inotifyEvent
	for len(buf) >= unix.SizeofInotifyEvent {
		size := unix.SizeofInotifyEvent + int(binary.NativeEndian.Uint32(buf[12:16]))
		if size < unix.SizeofInotifyEvent || size > len(buf) {
			break
		}
		out = append(out, inotifyEvent{
			wd:   int32(binary.NativeEndian.Uint32(buf[0:4])),
			mask: binary.NativeEndian.Uint32(buf[4:8]),
		})
		buf = buf[size:]
	}
	return out
}
