package views

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// generateContainers makes a snapshot of n running containers from the fixture's, with names,
// ids and figures varied so that columns, sort and sparklines have something to do, and a
// full 120-reading history for each.
func generateContainers(t testing.TB, n int) (*snapshot.Snapshot, map[string]History) {
	t.Helper()
	base := loadSnapshot(t, "fixture.json")
	var templates []snapshot.Container
	for _, c := range base.Containers {
		if c.Running() {
			templates = append(templates, c)
		}
	}
	snap := *base
	snap.Containers = make([]snapshot.Container, n)
	hist := make(map[string]History, n)
	for i := range n {
		c := templates[i%len(templates)]
		c.ID = fmt.Sprintf("%064x", i+1)
		c.Name = fmt.Sprintf("%s-%04d", strings.SplitN(c.Name, "-", 2)[0], i)
		if c.CPU != nil {
			cpu := *c.CPU
			v := float64(i%400) * 0.75
			cpu.UsagePercent = &v
			c.CPU = &cpu
		}
		snap.Containers[i] = c
		series := make(Floats, 120)
		for k := range series {
			series[k] = 50 + 50*math.Sin(float64(i+k)/7)
		}
		hist[c.ID] = History{CPUPercent: series, MemoryBytes: series}
	}
	return &snap, hist
}

func benchState(b testing.TB, n int) State {
	snap, hist := generateContainers(b, n)
	cs := make([]*snapshot.Container, len(snap.Containers))
	for i := range snap.Containers {
		cs[i] = &snap.Containers[i]
	}
	sort.Slice(cs, func(a, b int) bool { return *cs[a].CPU.UsagePercent > *cs[b].CPU.UsagePercent })
	return State{
		Snapshot: snap, Containers: cs, Selected: 250, Offset: 230, Focus: cs[250], History: hist,
		Pane: PaneResources, SortColumn: ColCPU, SortDescending: true, Interval: time.Second,
		Marked: map[string]bool{cs[10].ID: true}, Location: time.UTC,
	}
}

// BenchmarkResources500 renders one frame of the Resources pane with 500 containers at 200x60.
func BenchmarkResources500(b *testing.B) {
	s := benchState(b, 500)
	st := DefaultStyles()
	b.ReportAllocs()
	for b.Loop() {
		_ = Render(s, 200, 60, st)
	}
}

// BenchmarkIsolation500 is the widest pane per row: a verdict per namespace per container.
func BenchmarkIsolation500(b *testing.B) {
	s := benchState(b, 500)
	s.Pane = PaneIsolation
	st := DefaultStyles()
	b.ReportAllocs()
	for b.Loop() {
		_ = Render(s, 200, 60, st)
	}
}

func TestLargeListFrame(t *testing.T) {
	s := benchState(t, 500)
	for _, p := range []Pane{PaneResources, PaneIsolation, PaneNetwork, PaneStorage} {
		s.Pane = p
		out := Render(s, 200, 60, DefaultStyles())
		checkFrame(t, out, 200, 60)
		if !strings.Contains(markedRow(out), s.Containers[250].Name) {
			t.Errorf("pane %v: the selected container is not on screen", p)
		}
	}
}

// markedRow is the line of the selected row.
func markedRow(screen string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "\x1b[7m>") || strings.HasPrefix(l, ">") {
			return l
		}
	}
	return ""
}
