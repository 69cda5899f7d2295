// Package sampler turns two readings into rates. It is a pure function of (previous, current):
// no clock, no I/O, so every edge (a restart, a counter reset, a container that appeared) is a
// plain table test.
package sampler

import (
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// Rates returns cur with every rate filled in from prev: CPU %, CPU % of limit, throttled %, IO
// and network bytes per second. A rate is set only when the container is the same one in both
// readings (same id, init pid and start time) and its counter did not go backwards; otherwise
// the reading starts a new series and the rate stays nil. Neither argument is modified.
func Rates(prev, cur snapshot.Snapshot) snapshot.Snapshot {
	elapsed := cur.Time.Sub(prev.Time)
	if prev.Time.IsZero() || elapsed <= 0 {
		return cur
	}
	out := cur
	out.IntervalSeconds = elapsed.Seconds()
	before := make(map[string]*snapshot.Container, len(prev.Containers))
	for i := range prev.Containers {
		before[prev.Containers[i].ID] = &prev.Containers[i]
	}
	out.Containers = make([]snapshot.Container, len(cur.Containers))
	for i, c := range cur.Containers {
		if p, ok := before[c.ID]; ok && sameIdentity(p, &c) {
			c = containerRates(*p, c, elapsed)
		}
		out.Containers[i] = c
	}
	return out
}

// sameIdentity reports whether two readings are of the same run of a container: a restart
// keeps the id but changes the init pid and start time, and its counters start again.
func sameIdentity(a, b *snapshot.Container) bool {
	if a.Pid == nil || b.Pid == nil || *a.Pid != *b.Pid {
		return false
	}
	if a.StartedAt != nil && b.StartedAt != nil && !a.StartedAt.Equal(*b.StartedAt) {
		return false
	}
	// A remote engine's containers have no cgroup path here: pid and start time must do.
	if a.CgroupPath == nil || b.CgroupPath == nil {
		return a.CgroupPath == nil && b.CgroupPath == nil
	}
	return *a.CgroupPath == *b.CgroupPath
}

func containerRates(prev, cur snapshot.Container, elapsed time.Duration) snapshot.Container {
	seconds := elapsed.Seconds()
	if prev.CPU != nil && cur.CPU != nil {
		cpu := *cur.CPU
		if d, ok := delta(prev.CPU.UsageNanoseconds, cpu.UsageNanoseconds); ok {
			pct := float64(d) / float64(elapsed.Nanoseconds()) * 100
			cpu.UsagePercent = &pct
			if cpu.LimitCores != nil && *cpu.LimitCores > 0 {
				ofLimit := pct / *cpu.LimitCores
				cpu.PercentOfLimit = &ofLimit
			}
		}
		cpu.ThrottledPercent = throttledPercent(prev.CPU, &cpu)
		cur.CPU = &cpu
	}
	if prev.IO != nil && cur.IO != nil {
		io := *cur.IO
		io.ReadBytesPerSecond = perSecond(prev.IO.ReadBytes, io.ReadBytes, seconds)
		io.WriteBytesPerSecond = perSecond(prev.IO.WriteBytes, io.WriteBytes, seconds)
		cur.IO = &io
	}
	if prev.Network != nil && cur.Network != nil {
		cur.Network = networkRates(prev.Network, cur.Network, seconds)
	}
	return cur
}

// throttledPercent is the share of CFS periods in the interval in which the cgroup was
// throttled. Zero periods elapsed (an idle container, or no quota) reads as 0%.
func throttledPercent(prev, cur *snapshot.CPU) *float64 {
	if prev.Periods == nil || cur.Periods == nil || prev.ThrottledPeriods == nil || cur.ThrottledPeriods == nil {
		return nil
	}
	periods, ok1 := delta(*prev.Periods, *cur.Periods)
	throttled, ok2 := delta(*prev.ThrottledPeriods, *cur.ThrottledPeriods)
	if !ok1 || !ok2 || throttled > periods {
		return nil
	}
	pct := 0.0
	if periods > 0 {
		pct = float64(throttled) / float64(periods) * 100
	}
	return &pct
}

func networkRates(prev, cur *snapshot.Network, seconds float64) *snapshot.Network {
	byName := make(map[string]*snapshot.Interface, len(prev.Interfaces))
	for i := range prev.Interfaces {
		byName[prev.Interfaces[i].Name] = &prev.Interfaces[i]
	}
	n := *cur
	n.Interfaces = make([]snapshot.Interface, len(cur.Interfaces))
	for i, iface := range cur.Interfaces {
		if p, ok := byName[iface.Name]; ok {
			iface.RxBytesPerSecond = perSecond(p.RxBytes, iface.RxBytes, seconds)
			iface.TxBytesPerSecond = perSecond(p.TxBytes, iface.TxBytes, seconds)
		}
		n.Interfaces[i] = iface
	}
	return &n
}

// delta is cur-prev for a cumulative counter; false when it went backwards (a reset).
func delta(prev, cur uint64) (uint64, bool) {
	if cur < prev {
		return 0, false
	}
	return cur - prev, true
}

func perSecond(prev, cur uint64, seconds float64) *float64 {
	d, ok := delta(prev, cur)
	if !ok || seconds <= 0 {
		return nil
	}
	r := float64(d) / seconds
	return &r
}
