package collectors

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/engine"
)

// cpuTime is this process's user+system CPU time.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds the CPU time per round, which is what the goal is stated in: wall time on a
// shared two-core machine says little.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkSampleFixture is one collection round (cgroup files, namespaces, net/dev, rates) over
// N containers of a fixture tree, files kept open from the round before.
func BenchmarkSampleFixture(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("containers=%d", n), func(b *testing.B) {
			h := newHostTree(b, 2)
			inv := engine.Inventory{Reachable: true, Generation: 1}
			for i := 0; i < n; i++ {
				id := hexID(1 + i)
				path := "/system.slice/docker-" + id + ".scope"
				h.cgroupV2(b, path, uint64(i))
				pid := fmt.Sprint(1000 + i)
				h.process(b, pid, pid, 0, path)
				inv.Containers = append(inv.Containers, containerInfo(id, "c"+pid, 1000+i, nil))
			}
			c, _ := newFixtureCollector(b, h, inv)
			ctx := context.Background()
			c.Sample(ctx, nil) // opens the files and lists the interfaces once
			b.ReportAllocs()
			b.ResetTimer()
			start := cpuTime(b)
			for i := 0; i < b.N; i++ {
				c.Sample(ctx, nil)
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkSampleLive is one round on this machine's engine and kernel files. It measures
// whatever containers run; start some first (e.g. `make bench` does).
func BenchmarkSampleLive(b *testing.B) {
	if _, err := os.Stat("/var/run/docker.sock"); err != nil {
		b.Skip("no engine socket")
	}
	ctx := context.Background()
	c, err := New(ctx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	snap := c.Sample(ctx, nil)
	if !snap.Runtimes[0].Reachable {
		b.Skipf("engine unreachable: %v", *snap.Runtimes[0].Error)
	}
	b.ReportMetric(float64(len(snap.Containers)), "containers")
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime(b)
	for i := 0; i < b.N; i++ {
		c.Sample(ctx, nil)
	}
	reportCPU(b, start)
}
