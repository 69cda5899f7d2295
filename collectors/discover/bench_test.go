package discover

import (
	"context"
	"fmt"
	"testing"
)

// buildBenchProc writes a /proc of 2000 processes in 100 containers, as a hybrid v1 host shows
// them (a dozen lines per cgroup file): in each container a shim, the init and 18 children.
func buildBenchProc(b *testing.B) string {
	b.Helper()
	root := b.TempDir()
	pid := 1000
	for c := range 100 {
		path := "/docker/" + fixtureID(fmt.Sprint("bench", c))
		file := ""
		for i, ctl := range []string{"pids", "memory", "cpu,cpuacct", "blkio", "devices", "freezer",
			"net_cls,net_prio", "cpuset", "perf_event", "hugetlb", "rdma", "name=systemd"} {
			file += fmt.Sprintf("%d:%s:%s\n", 12-i, ctl, path)
		}
		file += "0::/\n"
		shim, init := pid, pid+1
		writeProc(b, root, shim, 1, "containerd-shim", file)
		writeProc(b, root, init, shim, "app", file)
		for i := 2; i < 20; i++ {
			writeProc(b, root, pid+i, init, "worker", file)
		}
		pid += 20
	}
	return root
}

func BenchmarkScan2000(b *testing.B) {
	root := buildBenchProc(b)
	ctx := context.Background()
	found, err := Scan(ctx, root)
	if err != nil || len(found) != 100 {
		b.Fatalf("found %d containers, err %v", len(found), err)
	}
	for _, f := range found {
		if len(f.Pids) != 20 || f.InitPid != f.Pids[1] {
			b.Fatalf("container %s: %d pids, init %d", f.Name, len(f.Pids), f.InitPid)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Scan(ctx, root); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanLive scans this machine's /proc, where the kernel builds each file on read.
func BenchmarkScanLive(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := Scan(ctx, "/proc"); err != nil {
			b.Fatal(err)
		}
	}
}
