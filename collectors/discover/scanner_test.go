package discover

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// scanIDs runs one scan and returns the ids found with their pids.
func scanIDs(t *testing.T, sc *Scanner) map[string][]int {
	t.Helper()
	found, err := sc.Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]int{}
	for _, f := range found {
		out[f.ID] = f.Pids
	}
	return out
}

// TestScannerRereads pins down which cgroup files a repeated scan reads again: a new process, a
// reused pid, a process seen outside a container once more, and everything on a full scan; and
// that a process known to be in a container is not read again in between.
func TestScannerRereads(t *testing.T) {
	a, b := fixtureID("scanner-a"), fixtureID("scanner-b")
	root := t.TempDir()
	writeProc(t, root, 10, 1, "app", "0::/docker/"+a+"\n")
	writeProc(t, root, 20, 1, "runc:[2:INIT]", "0::/system.slice/docker.service\n") // not moved yet
	sc := NewScanner(root)
	if got := scanIDs(t, sc); len(got) != 1 || !slices.Equal(got[a], []int{10}) {
		t.Fatalf("first scan: %v, want only %s with pid 10", got, a)
	}

	// The runtime moves 20 into container b just after the first scan saw it outside: the
	// second scan reads it again and finds it. 10 is rewritten in place (same pid, same
	// directory): a process known to be in a container is not read again, so the cached
	// answer stands.
	writeProc(t, root, 20, 1, "app", "0::/docker/"+b+"\n")
	writeProc(t, root, 10, 1, "app", "0::/docker/"+b+"\n")
	got := scanIDs(t, sc)
	if !slices.Equal(got[a], []int{10}) || !slices.Equal(got[b], []int{20}) {
		t.Fatalf("second scan: %v, want %s with 10 (cached) and %s with 20 (read again)", got, a, b)
	}

	// A reused pid is a new process: its directory is new, so its file is read at once. (The
	// new directory is made before the old one goes, or the filesystem could hand it the same
	// inode number, which procfs never does.)
	writeProc(t, root, 11, 1, "other", "0::/user.slice\n")
	if err := os.RemoveAll(filepath.Join(root, "10")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(root, "11"), filepath.Join(root, "10")); err != nil {
		t.Fatal(err)
	}
	got = scanIDs(t, sc)
	if _, ok := got[a]; ok || !slices.Equal(got[b], []int{20}) {
		t.Fatalf("after pid 10 was reused outside any container: %v, want only %s", got, b)
	}

	// A process seen outside twice is left alone until the next full scan.
	if got := scanIDs(t, sc); len(got) != 1 {
		t.Fatalf("second look at the new pid 10: %v, want only %s", got, b)
	}
	writeProc(t, root, 10, 1, "other", "0::/docker/"+a+"\n")
	for sc.scans%fullScanEvery != 0 {
		if got := scanIDs(t, sc); len(got) != 1 {
			t.Fatalf("scan %d, before the full scan: %v, want only %s", sc.scans, got, b)
		}
	}
	got = scanIDs(t, sc)
	if !slices.Equal(got[a], []int{10}) || !slices.Equal(got[b], []int{20}) {
		t.Fatalf("full scan %d: %v, want %s with 10 and %s with 20", sc.scans, got, a, b)
	}

	// Processes that are gone are forgotten.
	for _, pid := range []string{"10", "20"} {
		if err := os.RemoveAll(filepath.Join(root, pid)); err != nil {
			t.Fatal(err)
		}
	}
	if got := scanIDs(t, sc); len(got) != 0 || len(sc.procs) != 0 {
		t.Fatalf("after every process exited: %v, %d processes remembered", got, len(sc.procs))
	}
}

// TestScannerKeepsInit: the init chosen once stays while it lives, even when a lower pid of
// another kind joins the cgroup; when it exits a new one is chosen.
func TestScannerKeepsInit(t *testing.T) {
	id := fixtureID("scanner-init")
	root := t.TempDir()
	writeProc(t, root, 50, 1, "app", "0::/docker/"+id+"\n")
	sc := NewScanner(root)
	init := func() int {
		found, err := sc.Scan(context.Background())
		if err != nil || len(found) != 1 {
			t.Fatalf("found %+v, err %v", found, err)
		}
		return found[0].InitPid
	}
	if got := init(); got != 50 {
		t.Fatalf("init %d, want 50", got)
	}
	// A process exec'd into the container with a lower pid (pids wrap): its parent is not a
	// member, so a fresh choice would take it; the scanner keeps 50.
	writeProc(t, root, 40, 1, "sh", "0::/docker/"+id+"\n")
	if got := init(); got != 50 {
		t.Fatalf("init %d after pid 40 joined, want 50 still", got)
	}
	if err := os.RemoveAll(filepath.Join(root, "50")); err != nil {
		t.Fatal(err)
	}
	if got := init(); got != 40 {
		t.Fatalf("init %d after 50 exited, want 40", got)
	}
}

// dirent encodes one linux_dirent64 record as the kernel lays it out.
func dirent(ino uint64, name string) []byte {
	reclen := (19 + len(name) + 1 + 7) &^ 7
	b := make([]byte, reclen)
	binary.NativeEndian.PutUint64(b[0:8], ino)
	binary.NativeEndian.PutUint16(b[16:18], uint16(reclen))
	b[18] = 4 // DT_DIR
	copy(b[19:], name)
	return b
}

func TestAppendPidEntries(t *testing.T) {
	var buf []byte
	for i, name := range []string{".", "..", "1", "self", "4242", "0", "007", "12a", "999999999999999999999"} {
		buf = append(buf, dirent(uint64(100+i), name)...)
	}
	got := appendPidEntries(nil, buf)
	want := []pidEntry{{pid: 1, ino: 102}, {pid: 4242, ino: 104}}
	if !slices.Equal(got, want) {
		t.Fatalf("entries %v, want %v", got, want)
	}
	// A record cut short, or one whose length would run past the buffer, ends the parse.
	if got := appendPidEntries(nil, buf[:len(buf)-3]); len(got) != 2 {
		t.Errorf("truncated buffer: %v, want the two whole pid records", got)
	}
	bad := dirent(7, "77")
	binary.NativeEndian.PutUint16(bad[16:18], 200)
	if got := appendPidEntries(nil, bad); len(got) != 0 {
		t.Errorf("record length past the buffer: %v, want nothing", got)
	}
}

func FuzzAppendPidEntries(f *testing.F) {
	f.Add(append(dirent(5, "123"), dirent(6, "self")...))
	f.Add(dirent(1, strconv.Itoa(1<<30)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, buf []byte) {
		for _, e := range appendPidEntries(nil, buf) {
			if e.pid <= 0 {
				t.Fatalf("entry %+v with a pid that is not positive", e)
			}
		}
	})
}
