package tui

import (
	"math"
	"testing"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

func TestRingKeepsTheLatest(t *testing.T) {
	var r ring
	for i := range historyLength + 30 {
		r.push(float64(i))
	}
	if r.Len() != historyLength {
		t.Fatalf("len %d, want %d", r.Len(), historyLength)
	}
	if r.At(0) != 30 || r.At(historyLength-1) != historyLength+29 {
		t.Errorf("oldest %v newest %v, want 30 and %d", r.At(0), r.At(historyLength-1), historyLength+29)
	}
	for i := 1; i < r.Len(); i++ {
		if r.At(i) != r.At(i-1)+1 {
			t.Fatalf("out of order at %d", i)
		}
	}
}

func TestHistoryFollowsContainers(t *testing.T) {
	snap := loadFixture(t)
	h := newHistory()
	for range 3 {
		h.add(&snap)
	}
	web := snap.Containers[0]
	s := h.series()[web.ID]
	if s.CPUPercent.Len() != 3 || s.CPUPercent.At(2) != *web.CPU.UsagePercent {
		t.Errorf("web's cpu history: len %d", s.CPUPercent.Len())
	}
	// eth0 only: loopback is not traffic.
	if got := s.RxPerSecond.At(0); got != 12400 {
		t.Errorf("web's rx history %v, want 12400", got)
	}
	var cache snapshot.Container
	for _, c := range snap.Containers {
		if c.Name == "cache" {
			cache = c
		}
	}
	if v := h.series()[cache.ID].MemoryBytes.At(0); !math.IsNaN(v) {
		t.Errorf("cache's memory was not read, history has %v", v)
	}
	// A container that is gone is forgotten.
	less := snap
	less.Containers = snap.Containers[1:]
	h.add(&less)
	if _, ok := h.series()[web.ID]; ok {
		t.Error("web's history outlives web")
	}
	if len(h.byID) != len(less.Containers) {
		t.Errorf("%d histories for %d containers", len(h.byID), len(less.Containers))
	}
}
