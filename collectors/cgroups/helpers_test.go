package cgroups

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The fixture trees under testdata/ each hold a proc/<pid>/cgroup and a sys/fs/cgroup tree
// written in the kernel's formats. Their container ids are sha256 of the fixture name.
const (
	idV2Systemd  = "35f95d053f6256a15931ba759eaadd3d9b59d74aa47e730a1cd95832a717472e"
	idV2Cgroupfs = "d41254dfe5bf4ecd4b67439e8a881f95b3d7689ab8f188f6aa8bd4d02ecc5f6a"
	idV1Cgroupfs = "6f4c0d9073f3dc450ae72da9ae63287ae6fa8b877d64669994672108f93c419c"
	idV1Systemd  = "33bf693c69a8c16687e2b3ba5b49411e2df9688b054afde66db1e23ed2f7e1e6"
)

type fixture struct {
	name    string
	pid     int
	version int
}

func allFixtures() []fixture {
	return []fixture{
		{"v2-systemd", 4242, 2},
		{"v2-cgroupfs", 5151, 2},
		{"v1-cgroupfs", 6161, 1},
		{"v1-systemd", 7171, 1},
	}
}

func u64(v uint64) *uint64   { return &v }
func f64(v float64) *float64 { return &v }
func str(v string) *string   { return &v }
func roots(base string) (string, string) {
	return filepath.Join(base, "proc"), filepath.Join(base, "sys", "fs", "cgroup")
}

// copyTree copies a fixture into a temporary directory so a test can damage it.
func copyTree(t testing.TB, name string) string {
	t.Helper()
	src := filepath.Join("testdata", name)
	dst := filepath.Join(t.TempDir(), name)
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// openFixture locates the fixture's process under base and opens a handle on it.
func openFixture(t testing.TB, base string, fx fixture) *Handle {
	t.Helper()
	procRoot, cgRoot := roots(base)
	p, err := Locate(procRoot, cgRoot, fx.pid, fx.version)
	if err != nil {
		t.Fatalf("Locate: %v", err)
	}
	h := Open(p)
	t.Cleanup(func() { h.Close() })
	return h
}

func fixtureByName(t testing.TB, name string) fixture {
	for _, fx := range allFixtures() {
		if fx.name == name {
			return fx
		}
	}
	t.Fatalf("no fixture %s", name)
	return fixture{}
}

func asJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func assertReading(t *testing.T, got, want Reading) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reading differs\n got: %s\nwant: %s", asJSON(got), asJSON(want))
	}
}

// countFDs counts this process's open file descriptors.
func countFDs(t testing.TB) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot list /proc/self/fd: %v", err)
	}
	return len(entries)
}
