package proc

import (
	"errors"
	iofs "io/fs"
	"os"
	"os/exec"
	"testing"
)

// TestNamespaceReaderMatchesStat: the cheap per-tick reader agrees with a full stat of every
// link, on the real /proc and on the fixture tree (whose links are not nsfs links).
func TestNamespaceReaderMatchesStat(t *testing.T) {
	for name, tc := range map[string]struct {
		fs  FS
		pid int
	}{
		"live, this process": {FS{Root: "/proc"}, os.Getpid()},
		"fixture tree":       {FS{Root: "testdata/proc"}, 4100},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := tc.fs.Namespaces(tc.pid)
			if err != nil {
				t.Fatal(err)
			}
			r, err := OpenNamespaces(tc.fs, tc.pid)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			for i := 0; i < 2; i++ { // a second read through the same descriptor
				got, err := r.Read()
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("read %d types, stat %d", len(got), len(want))
				}
				for typ, ns := range want {
					if got[typ] != ns {
						t.Errorf("%s: reader %+v, stat %+v", typ, got[typ], ns)
					}
				}
			}
		})
	}
}

func TestNamespaceReaderProcessExits(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r, err := OpenNamespaces(FS{Root: "/proc"}, cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Read(); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if _, err := r.Read(); !errors.Is(err, iofs.ErrNotExist) {
		t.Fatalf("after the process exited: %v, want an error matching fs.ErrNotExist", err)
	}
	if _, err := OpenNamespaces(FS{Root: "/proc"}, cmd.Process.Pid); !errors.Is(err, iofs.ErrNotExist) {
		t.Fatalf("open after exit: %v", err)
	}
}

func TestLinkInode(t *testing.T) {
	for link, want := range map[string]uint64{"net:[4026531840]": 4026531840, "net:[]": 0, "mnt:[1]": 0, "net:[12": 0, "net:[x]": 0, "": 0} {
		got, ok := linkInode([]byte(link), "net")
		if got != want || ok != (want != 0) {
			t.Errorf("linkInode(%q) = %d, %v", link, got, ok)
		}
	}
}
