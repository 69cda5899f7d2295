package tui

import (
	"cmp"
	"math"
	"slices"

	"github.com/boxtop/boxtop/collectors/snapshot"
	"github.com/boxtop/boxtop/views"
)

// listSpec is what decides the container list: which containers, in which order.
type listSpec struct {
	filter     string
	showAll    bool
	column     string
	descending bool
	// snap is the reading being sorted, for figures relative to the host.
	snap *snapshot.Snapshot
}

// matches reports whether a container passes the name filter (case-insensitive, also on the
// id's prefix, as engines accept ids).
func (l listSpec) matches(c *snapshot.Container) bool {
	return views.NameMatches(l.filter, c.Name, c.ID)
}

// list returns the containers of s to show, in order.
func (l listSpec) list(s *snapshot.Snapshot) []*snapshot.Container {
	if s == nil {
		return nil
	}
	l.snap = s
	out := make([]*snapshot.Container, 0, len(s.Containers))
	for i := range s.Containers {
		c := &s.Containers[i]
		if (l.showAll || c.Running()) && l.matches(c) {
			out = append(out, c)
		}
	}
	l.sort(out)
	return out
}

// sort orders containers by the sort column. Containers without a value (stopped, or not
// readable) go last in either direction; ties fall back to name, then id, so the order is
// stable from one reading to the next.
func (l listSpec) sort(cs []*snapshot.Container) {
	slices.SortStableFunc(cs, func(a, b *snapshot.Container) int {
		if r := l.compare(a, b); r != 0 {
			return r
		}
		if r := cmp.Compare(a.Name, b.Name); r != 0 {
			return r
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

func (l listSpec) compare(a, b *snapshot.Container) int {
	dir := 1
	if l.descending {
		dir = -1
	}
	switch l.column {
	case views.ColName, "":
		return dir * cmp.Compare(a.Name, b.Name)
	case views.ColState:
		return dir * cmp.Compare(a.State, b.State)
	}
	va, vb := sortValue(a, l.column, l.snap), sortValue(b, l.column, l.snap)
	switch na, nb := math.IsNaN(va), math.IsNaN(vb); {
	case na && nb:
		return 0
	case na:
		return 1
	case nb:
		return -1
	}
	return dir * cmp.Compare(va, vb)
}

// defaultDescending is the direction a column sorts in when s selects it: the busiest first
// for figures, alphabetical for words.
func defaultDescending(column string) bool {
	return column != views.ColName && column != views.ColState
}

// sortValue is a container's figure in a numeric column; NaN when it has none.
func sortValue(c *snapshot.Container, column string, host *snapshot.Snapshot) float64 {
	nan := math.NaN()
	if !c.Running() {
		return nan
	}
	f := func(p *float64) float64 {
		if p == nil {
			return nan
		}
		return *p
	}
	u := func(p *uint64) float64 {
		if p == nil {
			return nan
		}
		return float64(*p)
	}
	switch column {
	case views.ColCPU, views.ColCPULimit, views.ColThrottled:
		if c.CPU == nil {
			return nan
		}
		switch column {
		case views.ColCPU:
			return f(c.CPU.UsagePercent)
		case views.ColCPULimit:
			// Unlimited sorts above every limit: it is the most CPU a container may use.
			if c.CPU.LimitCores == nil {
				return math.Inf(1)
			}
			return *c.CPU.LimitCores
		}
		return f(c.CPU.ThrottledPercent)
	case views.ColMemory, views.ColMemoryLimit:
		if c.Memory == nil {
			return nan
		}
		if column == views.ColMemory {
			return float64(c.Memory.WorkingSetBytes)
		}
		if c.Memory.LimitBytes == nil {
			return math.Inf(1)
		}
		return float64(*c.Memory.LimitBytes)
	case views.ColMemoryPercent:
		pct, _ := views.MemoryPercent(c, host)
		return f(pct)
	case views.ColOOM:
		return u(views.OOMKills(c))
	case views.ColPids:
		if c.Pids == nil {
			return nan
		}
		return float64(c.Pids.Current)
	case views.ColNetRx, views.ColNetTx:
		// The host's network counters are not the container's: they sort with the unknown.
		if views.SharesHostNetwork(c) {
			return nan
		}
		rx, tx := views.NetworkRates(c)
		if column == views.ColNetTx {
			return f(tx)
		}
		return f(rx)
	case views.ColIORead, views.ColIOWrite:
		if c.IO == nil {
			return nan
		}
		if column == views.ColIORead {
			return f(c.IO.ReadBytesPerSecond)
		}
		return f(c.IO.WriteBytesPerSecond)
	}
	return nan
}
