package sampler

import (
	"math"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

func u64(v uint64) *uint64      { return &v }
func f64(v float64) *float64    { return &v }
func str(v string) *string      { return &v }
func intp(v int) *int           { return &v }
func at(t time.Time) *time.Time { return &t }

var t0 = time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)

// reading builds one container reading with the counters the sampler looks at.
type reading struct {
	pid                        int
	started                    time.Time
	cgroup                     string
	usageNs, periods, throttle uint64
	noThrottleKeys             bool
	limitCores                 *float64
	readBytes, writeBytes      uint64
	rx, tx                     uint64
}

func (r reading) container(id string) snapshot.Container {
	c := snapshot.Container{ID: id, Name: "c-" + id, State: "running", Pid: intp(r.pid), StartedAt: at(r.started), CgroupPath: str(r.cgroup)}
	c.CPU = &snapshot.CPU{UsageNanoseconds: r.usageNs, LimitCores: r.limitCores}
	if !r.noThrottleKeys {
		c.CPU.Periods, c.CPU.ThrottledPeriods = u64(r.periods), u64(r.throttle)
	}
	c.IO = &snapshot.IO{ReadBytes: r.readBytes, WriteBytes: r.writeBytes}
	c.Network = &snapshot.Network{Mode: "bridge", Interfaces: []snapshot.Interface{{Name: "eth0", RxBytes: r.rx, TxBytes: r.tx}}}
	return c
}

func snap(t time.Time, cs ...snapshot.Container) snapshot.Snapshot {
	return snapshot.Snapshot{Schema: snapshot.Schema, Time: t, Containers: cs}
}

func approx(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: got nil, want %v", what, want)
	}
	if math.Abs(*got-want) > 1e-9 {
		t.Fatalf("%s: got %v, want %v", what, *got, want)
	}
}

func TestRates(t *testing.T) {
	base := reading{pid: 100, started: t0, cgroup: "/docker/a", usageNs: 1_000_000_000, periods: 1000, throttle: 100, readBytes: 4096, writeBytes: 8192, rx: 1000, tx: 2000}
	tests := []struct {
		name    string
		prev    reading
		cur     func(r reading) reading
		elapsed time.Duration
		check   func(t *testing.T, c snapshot.Container)
	}{
		{
			name: "quarter core under a half-core quota, 60% of periods throttled",
			prev: base,
			cur: func(r reading) reading {
				r.usageNs += 500_000_000 // 0.5 s of CPU in 2 s
				r.periods += 20
				r.throttle += 12
				r.limitCores = f64(0.5)
				r.readBytes += 2048
				r.writeBytes += 0
				r.rx += 4000
				r.tx += 10
				return r
			},
			elapsed: 2 * time.Second,
			check: func(t *testing.T, c snapshot.Container) {
				approx(t, "usage_percent", c.CPU.UsagePercent, 25)
				approx(t, "percent_of_limit", c.CPU.PercentOfLimit, 50)
				approx(t, "throttled_percent", c.CPU.ThrottledPercent, 60)
				approx(t, "read/s", c.IO.ReadBytesPerSecond, 1024)
				approx(t, "write/s", c.IO.WriteBytesPerSecond, 0)
				approx(t, "rx/s", c.Network.Interfaces[0].RxBytesPerSecond, 2000)
				approx(t, "tx/s", c.Network.Interfaces[0].TxBytesPerSecond, 5)
			},
		},
		{
			name:    "unlimited container has no percent of limit",
			prev:    base,
			cur:     func(r reading) reading { r.usageNs += 2_000_000_000; return r },
			elapsed: time.Second,
			check: func(t *testing.T, c snapshot.Container) {
				approx(t, "usage_percent", c.CPU.UsagePercent, 200)
				if c.CPU.PercentOfLimit != nil {
					t.Fatalf("percent_of_limit = %v, want nil", *c.CPU.PercentOfLimit)
				}
				approx(t, "throttled_percent with no periods elapsed", c.CPU.ThrottledPercent, 0)
			},
		},
		{
			name: "counter going backwards starts a new series",
			prev: base,
			cur: func(r reading) reading {
				r.usageNs = 10
				r.periods = 1
				r.throttle = 0
				r.readBytes = 0
				r.rx = 5
				return r
			},
			elapsed: time.Second,
			check: func(t *testing.T, c snapshot.Container) {
				if c.CPU.UsagePercent != nil || c.CPU.ThrottledPercent != nil || c.IO.ReadBytesPerSecond != nil || c.Network.Interfaces[0].RxBytesPerSecond != nil {
					t.Fatalf("rates after a reset should be nil: %+v %+v", c.CPU, c.IO)
				}
				approx(t, "tx/s still counts (tx did not reset)", c.Network.Interfaces[0].TxBytesPerSecond, 0)
			},
		},
		{
			name:    "restart (new pid and start time) gives no rates even when counters grew",
			prev:    base,
			cur:     func(r reading) reading { r.pid = 200; r.started = t0.Add(time.Minute); r.usageNs *= 2; return r },
			elapsed: time.Second,
			check: func(t *testing.T, c snapshot.Container) {
				if c.CPU.UsagePercent != nil {
					t.Fatalf("usage_percent across a restart = %v, want nil", *c.CPU.UsagePercent)
				}
			},
		},
		{
			name:    "recreated cgroup at another path gives no rates",
			prev:    base,
			cur:     func(r reading) reading { r.cgroup = "/docker/b"; r.usageNs *= 2; return r },
			elapsed: time.Second,
			check: func(t *testing.T, c snapshot.Container) {
				if c.CPU.UsagePercent != nil {
					t.Fatal("usage_percent across a cgroup change should be nil")
				}
			},
		},
		{
			name:    "cpu.stat without throttling keys leaves throttled percent nil",
			prev:    reading{pid: 1, started: t0, cgroup: "/x", noThrottleKeys: true},
			cur:     func(r reading) reading { r.usageNs = 1e6; return r },
			elapsed: time.Second,
			check: func(t *testing.T, c snapshot.Container) {
				if c.CPU.ThrottledPercent != nil {
					t.Fatal("throttled_percent should be nil without nr_periods")
				}
				approx(t, "usage_percent", c.CPU.UsagePercent, 0.1)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev := snap(t0, tt.prev.container("a"))
			cur := snap(t0.Add(tt.elapsed), tt.cur(tt.prev).container("a"))
			got := Rates(prev, cur)
			approx(t, "interval_seconds", &got.IntervalSeconds, tt.elapsed.Seconds())
			tt.check(t, got.Containers[0])
		})
	}
}

func TestRatesDoesNotModifyItsArguments(t *testing.T) {
	r := reading{pid: 1, started: t0, cgroup: "/x", usageNs: 1, periods: 1, throttle: 0, rx: 1}
	prev := snap(t0, r.container("a"))
	r.usageNs, r.rx = 1e9, 100
	cur := snap(t0.Add(time.Second), r.container("a"))
	_ = Rates(prev, cur)
	if cur.Containers[0].CPU.UsagePercent != nil || cur.Containers[0].Network.Interfaces[0].RxBytesPerSecond != nil || cur.IntervalSeconds != 0 {
		t.Fatal("Rates wrote into its current snapshot")
	}
}

func TestRatesWithoutPredecessor(t *testing.T) {
	cur := snap(t0, reading{pid: 1, started: t0, cgroup: "/x", usageNs: 5}.container("a"))
	for name, prev := range map[string]snapshot.Snapshot{
		"zero snapshot":        {},
		"same time":            snap(t0, reading{pid: 1, started: t0, cgroup: "/x"}.container("a")),
		"container not before": snap(t0.Add(-time.Second), reading{pid: 1, started: t0, cgroup: "/x"}.container("b")),
	} {
		got := Rates(prev, cur)
		if got.Containers[0].CPU.UsagePercent != nil {
			t.Errorf("%s: usage_percent set without a matching predecessor", name)
		}
	}
}

func TestStoppedContainerHasNoIdentity(t *testing.T) {
	a := snapshot.Container{ID: "a", State: "exited"}
	if sameIdentity(&a, &a) {
		t.Fatal("a container without a pid cannot carry rates")
	}
}
