package views

import "github.com/boxtop/boxtop/collectors/snapshot"

// The figures here are derived from a container the same way for every view, and exported so
// that the TUI sorts by exactly what the columns show.

// MemoryPercent is the working set against the limit, or against the host's memory when the
// container has no limit (ofLimit false): the MEM% column, which the TUI also sorts by.
func MemoryPercent(c *snapshot.Container, snap *snapshot.Snapshot) (pct *float64, ofLimit bool) {
	if c.Memory == nil {
		return nil, false
	}
	if c.Memory.LimitBytes != nil {
		if c.Memory.PercentOfLimit != nil {
			return c.Memory.PercentOfLimit, true
		}
		if *c.Memory.LimitBytes > 0 {
			v := float64(c.Memory.WorkingSetBytes) / float64(*c.Memory.LimitBytes) * 100
			return &v, true
		}
	}
	if snap != nil && snap.Host.MemoryBytes > 0 {
		v := float64(c.Memory.WorkingSetBytes) / float64(snap.Host.MemoryBytes) * 100
		return &v, false
	}
	return nil, false
}

// OOMKills is the OOM kill count, or the OOM event count where the kernel has no kill count.
func OOMKills(c *snapshot.Container) *uint64 {
	if c.Memory == nil {
		return nil
	}
	if c.Memory.OOMKills != nil {
		return c.Memory.OOMKills
	}
	return c.Memory.OOMEvents
}

// NetworkRates sums the rates of every interface but loopback; nil when none has a rate.
func NetworkRates(c *snapshot.Container) (rx, tx *float64) {
	if c.Network == nil {
		return nil, nil
	}
	var r, t float64
	var haveR, haveT bool
	for _, ifc := range c.Network.Interfaces {
		if ifc.Name == "lo" {
			continue
		}
		if ifc.RxBytesPerSecond != nil {
			r += *ifc.RxBytesPerSecond
			haveR = true
		}
		if ifc.TxBytesPerSecond != nil {
			t += *ifc.TxBytesPerSecond
			haveT = true
		}
	}
	if haveR {
		rx = &r
	}
	if haveT {
		tx = &t
	}
	return rx, tx
}

// SharesHostNetwork reports whether the container uses the host's network namespace, whose counters
// are the whole host's rather than the container's.
func SharesHostNetwork(c *snapshot.Container) bool {
	if ns, ok := c.Namespaces["net"]; ok {
		return ns.SharedWithHost
	}
	return c.Network != nil && c.Network.Mode == "host"
}
