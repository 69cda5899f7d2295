package cgroups

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// genTree builds a cgroup tree of n containers under dir, each a copy of a fixture container
// (v2: v2-systemd's, every file present; v1: v1-cgroupfs's, six controllers), and returns
// their Paths.
func genTree(tb testing.TB, dir string, version, n int) []Paths {
	tb.Helper()
	type file struct{ rel, name string }
	var srcRoot string
	var files []file
	if version == 2 {
		srcRoot = filepath.Join("testdata", "v2-systemd", "sys", "fs", "cgroup", "system.slice", "docker-"+idV2Systemd+".scope")
		entries, err := os.ReadDir(srcRoot)
		if err != nil {
			tb.Fatal(err)
		}
		for _, e := range entries {
			files = append(files, file{"", e.Name()})
		}
	} else {
		srcRoot = filepath.Join("testdata", "v1-cgroupfs", "sys", "fs", "cgroup")
		for _, c := range V1Controllers() {
			entries, err := os.ReadDir(filepath.Join(srcRoot, c, "docker", idV1Cgroupfs))
			if err != nil {
				tb.Fatal(err)
			}
			for _, e := range entries {
				files = append(files, file{c, e.Name()})
			}
		}
	}
	contents := make([][]byte, len(files))
	for i, f := range files {
		src := filepath.Join(srcRoot, f.name)
		if version == 1 {
			src = filepath.Join(srcRoot, f.rel, "docker", idV1Cgroupfs, f.name)
		}
		data, err := os.ReadFile(src)
		if err != nil {
			tb.Fatal(err)
		}
		contents[i] = data
	}
	paths := make([]Paths, n)
	for i := range paths {
		sum := sha256.Sum256([]byte(strconv.Itoa(i)))
		id := hex.EncodeToString(sum[:])
		if version == 2 {
			rel := "/system.slice/docker-" + id + ".scope"
			paths[i] = Paths{Version: 2, Unified: filepath.Join(dir, rel), Path: rel}
		} else {
			rel := "/docker/" + id
			ctl := map[string]string{}
			for _, c := range V1Controllers() {
				ctl[c] = filepath.Join(dir, c, rel)
			}
			paths[i] = Paths{Version: 1, Controllers: ctl, Path: rel}
		}
		for j, f := range files {
			d := paths[i].Unified
			if version == 1 {
				d = paths[i].Controllers[f.rel]
			}
			if err := os.MkdirAll(d, 0o755); err != nil {
				tb.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(d, f.name), contents[j], 0o644); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return paths
}

// BenchmarkRound measures one collection round, a Read of every container, over generated
// trees of 10, 100 and 1000 containers: "kept" is the Handle as used (files opened once,
// before the timer), "reopen" the baseline that opens, reads and closes every file each round.
func BenchmarkRound(b *testing.B) {
	for _, version := range []int{1, 2} {
		for _, n := range []int{10, 100, 1000} {
			paths := genTree(b, b.TempDir(), version, n)
			for _, mode := range []string{"kept", "reopen"} {
				b.Run(fmt.Sprintf("v%d/containers=%d/%s", version, n, mode), func(b *testing.B) {
					benchRound(b, paths, mode == "reopen")
				})
			}
		}
	}
}

func benchRound(b *testing.B, paths []Paths, reopen bool) {
	handles := make([]*Handle, len(paths))
	for i, p := range paths {
		handles[i] = Open(p)
		handles[i].reopen = reopen
		if r := handles[i].Read(); len(r.Errors) > 0 || r.Gone || r.Memory == nil {
			b.Fatalf("warm-up reading: %+v", r)
		}
	}
	b.Cleanup(func() {
		for _, h := range handles {
			h.Close()
		}
	})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, h := range handles {
			if r := h.Read(); r.Errors != nil {
				b.Fatal(r.Errors)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(handles)), "ns/container")
}

// TestReadAllocations pins down the allocation budget of one Read of a fully populated
// container: the one block all values live in, nothing per file.
func TestReadAllocations(t *testing.T) {
	for _, fx := range allFixtures() {
		t.Run(fx.name, func(t *testing.T) {
			h := openFixture(t, filepath.Join("testdata", fx.name), fx)
			h.Read()
			if n := testing.AllocsPerRun(100, func() { h.Read() }); n > 1 {
				t.Errorf("%v allocations per Read, want at most 1", n)
			}
		})
	}
}

// BenchmarkRoundLive is the same round against the real kernfs files of this process's own
// cgroup, opened by 100 handles: kernfs generates each file's text on every read, which a
// fixture tree on disk does not show.
func BenchmarkRoundLive(b *testing.B) {
	v, err := DetectVersion(liveCgroupRoot)
	if err != nil {
		b.Skipf("no cgroup hierarchy: %v", err)
	}
	p, err := Locate(liveProcRoot, liveCgroupRoot, os.Getpid(), v)
	if err != nil {
		b.Skip(err)
	}
	paths := make([]Paths, 100)
	for i := range paths {
		paths[i] = p
	}
	for _, mode := range []string{"kept", "reopen"} {
		b.Run(fmt.Sprintf("v%d/containers=100/%s", v, mode), func(b *testing.B) {
			benchRound(b, paths, mode == "reopen")
		})
	}
}
