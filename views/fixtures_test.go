package views

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// loadSnapshot reads a hand-written snapshot from testdata.
func loadSnapshot(t testing.TB, name string) *snapshot.Snapshot {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var s snapshot.Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &s
}

// loadHistory reads testdata/history.json (series by container name; null is a missing
// reading) and keys it by container id.
func loadHistory(t testing.TB, snap *snapshot.Snapshot) map[string]History {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "history.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]map[string][]*float64
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	series := func(vs []*float64) Series {
		if vs == nil {
			return nil
		}
		out := make(Floats, len(vs))
		for i, v := range vs {
			out[i] = math.NaN()
			if v != nil {
				out[i] = *v
			}
		}
		return out
	}
	hist := map[string]History{}
	for i := range snap.Containers {
		c := &snap.Containers[i]
		r, ok := raw[c.Name]
		if !ok {
			continue
		}
		hist[c.ID] = History{
			CPUPercent:   series(r["cpu"]),
			MemoryBytes:  series(r["memory"]),
			ThrottledPct: series(r["throttled"]),
			RxPerSecond:  series(r["rx"]),
			WritePerSec:  series(r["write"]),
		}
	}
	return hist
}

// testKeys stands in for the TUI's key list in the help overlay.
func testKeys() []KeyHelp {
	return []KeyHelp{
		{"q ctrl+c", "quit"}, {"?", "this help"}, {"1-6", "switch pane"}, {"tab shift+tab", "next / previous pane"},
		{"j k ↓ ↑", "move, scroll"}, {"g G", "top / bottom"}, {"enter", "detail view"},
		{"esc", "back / clear filter"}, {"/", "filter by name"}, {"s S", "sort column / reverse"},
		{"space m", "mark for compare"}, {"c", "compare marked"}, {"a", "show / hide stopped"},
		{"p", "pause / resume"}, {"+ -", "interval up / down"}, {"← → h l", "processes: container"},
		{"w", "measure writable layer"},
	}
}

// listState is the state the TUI would build: running containers by name, the first selected.
func listState(t testing.TB, snap *snapshot.Snapshot, showAll bool) State {
	t.Helper()
	var cs []*snapshot.Container
	for i := range snap.Containers {
		if showAll || snap.Containers[i].Running() {
			cs = append(cs, &snap.Containers[i])
		}
	}
	sort.Slice(cs, func(a, b int) bool { return cs[a].Name < cs[b].Name })
	s := State{
		Snapshot:   snap,
		Containers: cs,
		Selected:   0,
		Pane:       PaneResources,
		Keys:       testKeys(),
		SortColumn: ColName,
		ShowAll:    showAll,
		Interval:   time.Second,
		Location:   time.UTC,
		Marked:     map[string]bool{},
	}
	if len(cs) > 0 {
		s.Focus = cs[0]
	} else {
		s.Selected = -1
	}
	return s
}

// selectByName moves the selection (and focus) to a container.
func selectByName(t testing.TB, s *State, name string) {
	t.Helper()
	for i, c := range s.Containers {
		if c.Name == name {
			s.Selected, s.Focus = i, c
			return
		}
	}
	t.Fatalf("no container %q in the list", name)
}
