package proc

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// fixture is a /proc tree checked in under testdata. Namespace links are modelled by files: a
// process sharing a namespace has a symlink to the other's file, so that stat (which follows
// links, as on nsfs) gives the same device and inode.
var fixture = FS{Root: "testdata/proc"}

// statNS is the expected identity of a fixture namespace file, taken independently of the code
// under test.
func statNS(t *testing.T, path string) NS {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return NS{Inode: st.Ino, Device: uint64(st.Dev)}
}

func TestNamespacesFixture(t *testing.T) {
	init, err := fixture.Namespaces(4100)
	if err != nil {
		t.Fatal(err)
	}
	wantTypes := []string{"pid", "net", "ipc", "uts", "mnt", "user", "cgroup"}
	if len(init) != len(wantTypes) {
		t.Fatalf("got types %v, want %v (time is missing on this fixture kernel and must be skipped)", init, wantTypes)
	}
	for _, typ := range wantTypes {
		if want := statNS(t, "testdata/proc/4100/ns/"+typ); init[typ] != want {
			t.Errorf("%s: got %+v, want %+v", typ, init[typ], want)
		}
	}
	worker, err := fixture.Namespaces(4101)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range wantTypes {
		same := worker[typ] == init[typ]
		if wantSame := typ != "mnt"; same != wantSame {
			t.Errorf("%s: worker shares init's namespace = %v, want %v", typ, same, wantSame)
		}
	}
}

func TestNamespacesErrors(t *testing.T) {
	tests := []struct {
		name string
		pid  int
		want string
	}{
		{name: "process exited", pid: 4104, want: "process exited"},
		{name: "zombie without links", pid: 4103, want: "zombie"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fixture.Namespaces(tc.pid)
			if err == nil || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want fs.ErrNotExist saying %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), filepath.Join("testdata/proc", strconv.Itoa(tc.pid), "ns")) {
				t.Errorf("err = %v does not name the directory", err)
			}
		})
	}
}

func TestHostReferenceFixture(t *testing.T) {
	host := statNS(t, "testdata/proc/812/ns/net")
	tests := []struct {
		name       string
		candidates []int
		wantRef    string
	}{
		{name: "first working candidate", candidates: []int{4104, 812, 813}, wantRef: "pid 812 (dockerd)"},
		{name: "a candidate named by its comm", candidates: []int{813}, wantRef: "pid 813 (containerd)"},
		{name: "no candidate: self", candidates: nil, wantRef: "self"},
		{name: "only vanished candidates: self", candidates: []int{4104, 9999}, wantRef: "self"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ns, ref, err := fixture.HostReference(tc.candidates)
			if err != nil {
				t.Fatal(err)
			}
			if ref != tc.wantRef {
				t.Errorf("reference = %q, want %q", ref, tc.wantRef)
			}
			if ns["net"] != host || len(ns) != 8 {
				t.Errorf("namespaces = %+v, want the host's 8 (net %+v)", ns, host)
			}
		})
	}
}

func TestHostReferencePID1(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "1", "ns"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, typ := range snapshot.NamespaceTypes {
		if err := os.WriteFile(filepath.Join(root, "1", "ns", typ), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ns, ref, err := FS{Root: root}.HostReference([]int{812})
	if err != nil {
		t.Fatal(err)
	}
	if ref != "pid 1" || ns["pid"] != statNS(t, filepath.Join(root, "1", "ns", "pid")) {
		t.Fatalf("got %q %+v, want pid 1's namespaces", ref, ns)
	}
}

func TestHostReferenceNothingWorks(t *testing.T) {
	_, ref, err := FS{Root: t.TempDir()}.HostReference([]int{812})
	if err == nil {
		t.Fatalf("got reference %q from an empty tree", ref)
	}
	for _, want := range []string{"pid 1:", "pid 812:", "self:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not list %q", err, want)
		}
	}
}

func TestPidsByComm(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		want  []int
	}{
		// 5000 sorts before 812 as a name: within a name the result is in numeric order; the
		// names' order comes first, so a long-lived daemon is preferred to a lower pid of a
		// name given later.
		{name: "engines, numeric order", names: []string{"dockerd", "containerd", "podman"}, want: []int{812, 5000, 813}},
		{name: "preference before pid", names: []string{"containerd", "dockerd"}, want: []int{813, 812, 5000}},
		{name: "one name", names: []string{"containerd"}, want: []int{813}},
		{name: "no match", names: []string{"podman"}, want: nil},
		{name: "no names", names: nil, want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fixture.PidsByComm(tc.names...); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestStatusAndUIDMapFixture(t *testing.T) {
	st, err := fixture.Status(4102)
	if err != nil {
		t.Fatal(err)
	}
	want := Status{Name: "inner", PPid: 4101, UIDs: [4]int{200000, 200000, 200000, 200000}, NSpids: []int{4102, 12, 1}}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("status = %+v, want %+v", st, want)
	}
	if _, err := fixture.Status(4105); err == nil || !strings.Contains(err.Error(), "testdata/proc/4105/status") {
		t.Errorf("malformed status: err = %v, want one naming the file", err)
	}
	if _, err := fixture.Status(4104); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("vanished: err = %v, want fs.ErrNotExist", err)
	}

	for pid, want := range map[int][]IDMapRange{812: {{0, 0, 4294967295}}, 4100: {{0, 100000, 65536}}} {
		got, err := fixture.UIDMap(pid)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("UIDMap(%d) = %v, %v; want %v", pid, got, err, want)
		}
	}
}

func TestCommandFixture(t *testing.T) {
	tests := []struct {
		name string
		pid  int
		want string
	}{
		{name: "NULs become spaces", pid: 4100, want: "nginx -g daemon off;"},
		{name: "argument with a space", pid: 4101, want: "sh -c sleep 1000"},
		{name: "kernel thread", pid: 2, want: "[kworker/0:1]"},
		{name: "zombie", pid: 4103, want: "[defunct]"},
		{name: "vanished", pid: 4104, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fixture.Command(tc.pid); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestProcessesFixture(t *testing.T) {
	initNS, err := fixture.Namespaces(4100)
	if err != nil {
		t.Fatal(err)
	}
	got, errs := fixture.Processes([]int{4100, 4101, 4102, 4103, 4104, 4105}, initNS)
	want := []snapshot.Process{
		{Pid: 4100, NsPid: 1, PPid: 4090, UID: 0, HostUID: 100000, Command: "nginx -g daemon off;", NamespacesDiffer: []string{}},
		{Pid: 4101, NsPid: 7, PPid: 4100, UID: 33, HostUID: 100033, Command: "sh -c sleep 1000", NamespacesDiffer: []string{"mnt"}},
		// 200000 is outside the map 0 100000 65536: the process sees the overflow id.
		{Pid: 4102, NsPid: 1, PPid: 4101, UID: 65534, HostUID: 200000, Command: "/inner", NamespacesDiffer: []string{"pid"}},
		{Pid: 4103, NsPid: 9, PPid: 4100, UID: 0, HostUID: 100000, Command: "[defunct]", NamespacesDiffer: []string{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	// 4104 vanished and is skipped silently; 4105's status is malformed and is reported.
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "4105/status") {
		t.Errorf("errors = %v, want exactly one naming 4105/status", errs)
	}
}

func TestMountInfoFixture(t *testing.T) {
	mounts, err := fixture.MountInfo(4100)
	if err != nil {
		t.Fatal(err)
	}
	if len(mounts) != 7 {
		t.Fatalf("got %d mounts, want 7", len(mounts))
	}
	root := mounts[0]
	if root.MountPoint != "/" || root.FSType != "overlay" || !reflect.DeepEqual(root.Optional, []string{"master:310"}) {
		t.Errorf("root mount = %+v", root)
	}
	vol := mounts[4]
	if vol.Root != "/var/lib/docker/volumes/my data/_data" || vol.MountPoint != "/srv/my data" || len(vol.Optional) != 3 {
		t.Errorf("volume mount = %+v", vol)
	}
	if got := mounts[5].MountPoint; got != "/mnt/tab\tand\\back" {
		t.Errorf("escaped mount point = %q", got)
	}
	if got := mounts[6].Source; got != "tmpfs source" {
		t.Errorf("escaped source = %q", got)
	}
	if _, err := fixture.MountInfo(4104); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "4104/mountinfo") {
		t.Errorf("vanished: err = %v", err)
	}
}

func TestNetDevReaderFixture(t *testing.T) {
	r, err := OpenNetDev(fixture, 4100)
	if err != nil {
		t.Fatal(err)
	}
	// A buffer smaller than the file proves that the reader grows it and reads to the end.
	r.buf = make([]byte, 16)
	for i := 0; i < 2; i++ {
		got, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]NetDevCounters{
			"lo":            {RxBytes: 420, RxPackets: 6, TxBytes: 420, TxPackets: 6},
			"eth0":          {RxBytes: 12345678901, RxPackets: 9876543, RxErrors: 1, RxDropped: 2, TxBytes: 23456789, TxPackets: 54321, TxErrors: 3, TxDropped: 4},
			"vethlongname0": {TxBytes: 8, TxPackets: 1},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("read %d: got %+v, want %+v", i, got, want)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Read(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("read after close: err = %v, want os.ErrClosed", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if _, err := OpenNetDev(fixture, 4104); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "4104/net/dev") {
		t.Errorf("vanished: err = %v", err)
	}
}
