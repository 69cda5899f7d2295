package cgroups

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// preadCounter counts the reads of each file by name.
type preadCounter struct{ reads map[string]int }

type countedReader struct {
	fileReader
	name string
	c    *preadCounter
}

func (r countedReader) PreadAt(p []byte, off int64) (int, error) {
	r.c.reads[r.name]++
	return r.fileReader.PreadAt(p, off)
}

func (c *preadCounter) open(path string) (fileReader, error) {
	r, err := openFile(path)
	if err != nil {
		return nil, err
	}
	return countedReader{r, filepath.Base(path), c}, nil
}

// openWatchedFixture opens a copy of the fixture with its setting files watched by w, counting
// every read.
func openWatchedFixture(t *testing.T, name string, w *Watcher) (*Handle, string, *preadCounter) {
	t.Helper()
	base := copyTree(t, name)
	fx := fixtureByName(t, name)
	procRoot, cgRoot := roots(base)
	p, err := Locate(procRoot, cgRoot, fx.pid, fx.version)
	if err != nil {
		t.Fatal(err)
	}
	h := OpenWatched(p, w)
	c := &preadCounter{reads: map[string]int{}}
	h.open = c.open
	t.Cleanup(func() { h.Close() })
	return h, base, c
}

// TestSettingsReadOnlyWhenWritten: a watched limit file is read once, then again only after a
// write to it has been polled, or after RecheckSettings; the usage files are read every time.
func TestSettingsReadOnlyWhenWritten(t *testing.T) {
	for _, tc := range []struct {
		fixture, limitFile, usageFile string
		dir                           func(base string) string
	}{
		{"v2-systemd", "memory.max", "memory.current", func(base string) string {
			return filepath.Join(base, "sys/fs/cgroup/system.slice/docker-"+idV2Systemd+".scope")
		}},
		{"v1-cgroupfs", "memory.limit_in_bytes", "memory.usage_in_bytes", func(base string) string {
			return filepath.Join(base, "sys/fs/cgroup/memory/docker", idV1Cgroupfs)
		}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			w := NewWatcher()
			if w.Err() != nil {
				t.Fatalf("inotify: %v", w.Err())
			}
			defer w.Close()
			h, base, c := openWatchedFixture(t, tc.fixture, w)
			// limitOf reads the memory limit, 0 for none.
			limitOf := func() uint64 {
				t.Helper()
				r := h.Read()
				if len(r.Errors) > 0 || r.Memory == nil {
					t.Fatalf("reading %+v, errors %v", r.Memory, r.Errors)
				}
				if r.Memory.LimitBytes == nil {
					return 0
				}
				return *r.Memory.LimitBytes
			}
			before := limitOf()
			if w.Watched() == 0 {
				t.Fatal("no setting file is watched")
			}
			for range 3 {
				w.Poll()
				if got := limitOf(); got != before {
					t.Fatalf("limit %d, want the unchanged %d", got, before)
				}
			}
			if c.reads[tc.limitFile] != 1 || c.reads[tc.usageFile] != 4 {
				t.Fatalf("over 4 readings %s was read %d times (want 1), %s %d times (want 4)",
					tc.limitFile, c.reads[tc.limitFile], tc.usageFile, c.reads[tc.usageFile])
			}

			// A write: seen once polled, not before.
			if err := os.WriteFile(filepath.Join(tc.dir(base), tc.limitFile), []byte("268435456\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := limitOf(); got != before {
				t.Fatalf("limit %d before the poll, want the cached %d", got, before)
			}
			w.Poll()
			if got := limitOf(); got != 268435456 {
				t.Fatalf("limit %d after a write and a poll, want 268435456", got)
			}

			// A change no event told of (a write through another mount): RecheckSettings.
			if err := os.WriteFile(filepath.Join(tc.dir(base), tc.limitFile), []byte("134217728\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			w.Poll() // takes the event in: drop it to stand for a write that made none
			limitOf()
			if err := os.WriteFile(filepath.Join(tc.dir(base), tc.limitFile), []byte("67108864\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			h.RecheckSettings()
			if got := limitOf(); got != 67108864 {
				t.Fatalf("limit %d after RecheckSettings, want 67108864", got)
			}

			// A lost event (queue overflow) reads every watched file again.
			reads := c.reads[tc.limitFile]
			w.apply(inotifyEvent{wd: -1, mask: unix.IN_Q_OVERFLOW})
			limitOf()
			if c.reads[tc.limitFile] != reads+1 {
				t.Fatalf("after an overflow %s was read %d more times, want 1", tc.limitFile, c.reads[tc.limitFile]-reads)
			}

			h.Close()
			if w.Watched() != 0 {
				t.Fatalf("%d files still watched after Close", w.Watched())
			}
		})
	}
}

// TestSettingsUnwatched: without a watcher, or with one that could not start, limits are read
// on every reading.
func TestSettingsUnwatched(t *testing.T) {
	broken := &Watcher{fd: -1, files: map[int32]*keptFile{}}
	for name, w := range map[string]*Watcher{"no watcher": nil, "inotify unavailable": broken} {
		t.Run(name, func(t *testing.T) {
			h, _, c := openWatchedFixture(t, "v2-systemd", w)
			for range 3 {
				w.Poll()
				h.Read()
			}
			if c.reads["memory.max"] != 3 {
				t.Fatalf("memory.max read %d times over 3 readings, want 3", c.reads["memory.max"])
			}
		})
	}
}

// TestWatchedFileGone: when the kernel drops a watch (IN_IGNORED), the file is read every time.
func TestWatchedFileGone(t *testing.T) {
	w := NewWatcher()
	defer w.Close()
	h, _, c := openWatchedFixture(t, "v2-systemd", w)
	h.Read()
	var wd int32
	for d, k := range w.files {
		if filepath.Base(k.path) == "memory.max" {
			wd = d
		}
	}
	if wd == 0 {
		t.Fatal("memory.max is not watched")
	}
	w.apply(inotifyEvent{wd: wd, mask: unix.IN_IGNORED})
	h.Read()
	h.Read()
	if c.reads["memory.max"] != 3 {
		t.Fatalf("memory.max read %d times, want 3 (once, then on every reading)", c.reads["memory.max"])
	}
}

func TestParseInotify(t *testing.T) {
	rec := func(wd int32, mask uint32, name string) []byte {
		b := make([]byte, unix.SizeofInotifyEvent+len(name))
		putU32 := func(off int, v uint32) {
			b[off], b[off+1], b[off+2], b[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		}
		putU32(0, uint32(wd))
		putU32(4, mask)
		putU32(12, uint32(len(name)))
		copy(b[unix.SizeofInotifyEvent:], name)
		return b
	}
	buf := append(rec(3, unix.IN_MODIFY, ""), rec(-1, unix.IN_Q_OVERFLOW, "")...)
	buf = append(buf, rec(7, unix.IN_IGNORED, "name\x00\x00\x00\x00")...)
	got := parseInotify(buf)
	want := []inotifyEvent{{3, unix.IN_MODIFY}, {-1, unix.IN_Q_OVERFLOW}, {7, unix.IN_IGNORED}}
	if len(got) != len(want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("events %v, want %v", got, want)
		}
	}
	if got := parseInotify(buf[:len(buf)-2]); len(got) != 2 {
		t.Errorf("a record cut short: %v, want the two whole ones", got)
	}
}
