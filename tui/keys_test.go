package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/boxtop/boxtop/collectors/snapshot"
	"github.com/boxtop/boxtop/views"
)

const sidecar = "sidecar-log-shipper-eu-west-1-production"

func TestSortEveryColumn(t *testing.T) {
	// Expected orders of the fixture's running containers, worked out by hand from its
	// figures: the column's natural direction first (figures descending), ties by name,
	// containers without the figure last.
	tests := []struct {
		column string
		want   []string
		// reversed is the order after S.
		reversed []string
	}{
		{views.ColName, []string{"api", "build-runner", "cache", "db", "node-exporter", sidecar, "web"},
			[]string{"web", sidecar, "node-exporter", "db", "cache", "build-runner", "api"}},
		{views.ColState, []string{"api", "build-runner", "cache", "db", "node-exporter", sidecar, "web"}, nil},
		{views.ColCPU, []string{"build-runner", "db", "api", "web", "cache", sidecar, "node-exporter"},
			[]string{"node-exporter", sidecar, "cache", "web", "api", "db", "build-runner"}},
		{views.ColCPULimit, []string{"node-exporter", sidecar, "build-runner", "db", "api", "cache", "web"}, nil},
		{views.ColThrottled, []string{"web", "api", "db", "build-runner", "cache", sidecar, "node-exporter"},
			[]string{"build-runner", "cache", sidecar, "db", "api", "web", "node-exporter"}},
		{views.ColMemory, []string{"build-runner", "db", "api", "web", sidecar, "node-exporter", "cache"}, nil},
		{views.ColMemoryLimit, []string{"node-exporter", "build-runner", "db", "api", sidecar, "web", "cache"}, nil},
		{views.ColMemoryPercent, []string{"api", "web", "db", "build-runner", sidecar, "node-exporter", "cache"}, nil},
		{views.ColOOM, []string{"api", "build-runner", "db", "node-exporter", sidecar, "web", "cache"}, nil},
		{views.ColPids, []string{"build-runner", "api", "db", sidecar, "node-exporter", "cache", "web"}, nil},
		{views.ColNetRx, []string{"build-runner", "api", "db", sidecar, "web", "cache", "node-exporter"}, nil},
		{views.ColNetTx, []string{sidecar, "web", "db", "api", "build-runner", "cache", "node-exporter"}, nil},
		{views.ColIORead, []string{"db", "build-runner", "api", "node-exporter", sidecar, "web", "cache"}, nil},
		{views.ColIOWrite, []string{"build-runner", "db", "api", "web", "node-exporter", sidecar, "cache"}, nil},
	}
	if len(tests) != len(views.SortColumns()) {
		t.Fatalf("the test covers %d columns, s cycles through %d", len(tests), len(views.SortColumns()))
	}
	snap := loadFixture(t)
	m := loaded(t, &fakeSource{snap: snap}, snap, 200, 60)
	for i, tc := range tests {
		t.Run(tc.column, func(t *testing.T) {
			if i > 0 {
				m = keys(t, m, "s")
			}
			if m.spec.column != tc.column {
				t.Fatalf("after %d presses of s the sort column is %q, want %q", i, m.spec.column, tc.column)
			}
			if got := names(m); !slices.Equal(got, tc.want) {
				t.Errorf("order\n got %v\nwant %v", got, tc.want)
			}
			if !strings.Contains(m.View().Content, tc.column+"▼") && !strings.Contains(m.View().Content, tc.column+"▲") {
				t.Errorf("the %s header does not show the sort direction", tc.column)
			}
			if tc.reversed != nil {
				r := keys(t, m, "S")
				if got := names(r); !slices.Equal(got, tc.reversed) {
					t.Errorf("after S\n got %v\nwant %v", got, tc.reversed)
				}
				if back := keys(t, r, "S"); !slices.Equal(names(back), tc.want) {
					t.Errorf("S twice does not restore the order: %v", names(back))
				}
			}
		})
	}
	if m = keys(t, m, "s"); m.spec.column != views.ColName {
		t.Errorf("s after the last column goes to %q, want back to NAME", m.spec.column)
	}
}

func TestSelectionFollowsContainerThroughSort(t *testing.T) {
	snap := loadFixture(t)
	m := loaded(t, &fakeSource{snap: snap}, snap, 120, 40)
	m = keys(t, m, "j", "j") // cache
	if got := selectedName(m); got != "cache" {
		t.Fatalf("selected %q, want cache", got)
	}
	m = keys(t, m, "s", "s") // CPU%: cache moves to 5th place
	if got := selectedName(m); got != "cache" {
		t.Errorf("after sorting the selection is %q, want still cache", got)
	}
	if st := m.state(); st.Selected != 4 {
		t.Errorf("selected index %d, want 4", st.Selected)
	}
}

func TestFilter(t *testing.T) {
	snap := loadFixture(t)
	m := loaded(t, &fakeSource{snap: snap}, snap, 120, 40)
	m = keys(t, m, "/")
	if !m.filtering {
		t.Fatal("/ does not start the filter")
	}
	m = keys(t, m, "c", "a", "q") // q is text while typing, not quit
	if m.spec.filter != "caq" || len(names(m)) != 0 {
		t.Fatalf("filter %q lists %v", m.spec.filter, names(m))
	}
	if !strings.Contains(m.View().Content, "no containers match /caq") {
		t.Error("an empty filter result is not explained")
	}
	m = keys(t, m, "backspace")
	if got := names(m); !slices.Equal(got, []string{"cache", sidecar}) {
		t.Fatalf("filter %q lists %v, want [cache %s]", m.spec.filter, got, sidecar)
	}
	if selectedName(m) != "cache" {
		t.Errorf("the selection %q is not on the first match", selectedName(m))
	}
	m = keys(t, m, "enter")
	if m.filtering || m.spec.filter != "ca" {
		t.Fatalf("enter: filtering %v, filter %q; want the filter kept", m.filtering, m.spec.filter)
	}
	if !strings.Contains(m.View().Content, "/ca") {
		t.Error("the kept filter is not shown")
	}
	m = keys(t, m, "esc")
	if m.spec.filter != "" || len(names(m)) != 7 {
		t.Errorf("esc: filter %q, %d listed; want cleared and all 7", m.spec.filter, len(names(m)))
	}
	// esc while typing clears too.
	m = keys(t, m, "/", "w", "esc")
	if m.filtering || m.spec.filter != "" {
		t.Errorf("esc while typing: filtering %v, filter %q", m.filtering, m.spec.filter)
	}
	// Case does not matter, and ids match by prefix.
	m = keys(t, m, "/", "W", "E", "B", "enter")
	if got := names(m); !slices.Equal(got, []string{"web"}) {
		t.Errorf("filter WEB lists %v", got)
	}
}

func TestMarksAndCompare(t *testing.T) {
	snap := loadFixture(t)
	m := loaded(t, &fakeSource{snap: snap}, snap, 120, 40)
	m = keys(t, m, "c")
	if m.mode != views.ModePane || !strings.Contains(m.notice, "two marked") || !strings.Contains(m.notice, "0 marked") {
		t.Fatalf("c with no marks: mode %v, notice %q", m.mode, m.notice)
	}
	m = keys(t, m, "space", "c")
	if m.mode != views.ModePane || !strings.Contains(m.notice, "1 marked") {
		t.Fatalf("c with one mark: mode %v, notice %q", m.mode, m.notice)
	}
	if !strings.Contains(m.View().Content, "1 marked") {
		t.Error("the screen does not say why compare did not open")
	}
	m = keys(t, m, "j", "space", "j", "space", "k", "space") // api, build-runner, cache, then unmark build-runner
	var marked []string
	for _, c := range m.compared() {
		marked = append(marked, c.Name)
	}
	if !slices.Equal(marked, []string{"api", "cache"}) {
		t.Fatalf("marked %v, want [api cache]", marked)
	}
	m = keys(t, m, "c")
	if m.mode != views.ModeCompare {
		t.Fatalf("c with two marks: mode %v, notice %q", m.mode, m.notice)
	}
	if v := m.View().Content; !strings.Contains(v, "compare: 2 marked") || !strings.Contains(v, "PROPERTY") {
		t.Errorf("compare view not drawn:\n%s", v)
	}
	m = keys(t, m, "esc")
	if m.mode != views.ModePane {
		t.Errorf("esc leaves mode %v", m.mode)
	}
	// A marked container that goes away loses its mark.
	gone := snap
	gone.Containers = slices.DeleteFunc(slices.Clone(snap.Containers), func(c snapshot.Container) bool { return c.Name == "cache" })
	m = update(t, m, sampleMsg{seq: m.sampleSeq, snap: gone})
	if len(m.marks) != 1 {
		t.Errorf("after cache went away %d marks remain, want 1", len(m.marks))
	}
}

func TestPaneSwitching(t *testing.T) {
	snap := loadFixture(t)
	m := loaded(t, &fakeSource{snap: snap}, snap, 120, 40)
	for p := 1; p <= views.PaneCount; p++ {
		m = keys(t, m, string(rune('0'+p)))
		if m.pane != views.Pane(p) {
			t.Errorf("key %d: pane %d", p, m.pane)
		}
		if !strings.Contains(m.View().Content, "["+string(rune('0'+p))+" ") {
			t.Errorf("key %d: the tab row does not show pane %d active", p, p)
		}
	}
	m = keys(t, m, "1")
	want := []views.Pane{1, 2, 3, 4, 5, 6, 1}
	for i, p := range want {
		if i > 0 {
			m = keys(t, m, "tab")
		}
		if m.pane != p {
			t.Errorf("tab #%d: pane %d, want %d", i, m.pane, p)
		}
	}
	for _, p := range []views.Pane{6, 5, 4, 3, 2, 1, 6} {
		m = keys(t, m, "shift+tab")
		if m.pane != p {
			t.Errorf("shift+tab: pane %d, want %d", m.pane, p)
		}
	}
	// A pane key leaves the detail view.
	m = keys(t, m, "1", "enter", "3")
	if m.mode != views.ModePane || m.pane != views.PaneNetwork {
		t.Errorf("3 in the detail view: mode %v pane %v", m.mode, m.pane)
	}
}

func TestMovement(t *testing.T) {
	snap := loadFixture(t)
	m := loaded(t, &fakeSource{snap: snap}, snap, 120, 40)
	steps := []struct {
		key, want string
	}{
		{"j", "build-runner"}, {"down", "cache"}, {"k", "build-runner"}, {"up", "api"}, {"k", "api"},
		{"G", "web"}, {"j", "web"}, {"g", "api"},
	}
	for _, s := range steps {
		m = keys(t, m, s.key)
		if got := selectedName(m); got != s.want {
			t.Errorf("after %s: selected %q, want %q", s.key, got, s.want)
		}
	}
}

func TestScrollingKeepsSelectionOnScreen(t *testing.T) {
	snap := manyContainers(t, 100)
	m := loaded(t, &fakeSource{snap: snap}, snap, 80, 24)
	m = keys(t, m, "G")
	if got := markedLine(m.View().Content); !strings.Contains(got, "svc-099") {
		t.Errorf("after G the selected row on screen is %q, want svc-099", got)
	}
	for range 30 {
		m = keys(t, m, "k")
	}
	if got := markedLine(m.View().Content); !strings.Contains(got, "svc-069") {
		t.Errorf("after 30 k the selected row on screen is %q, want svc-069", got)
	}
	if m = keys(t, m, "g"); !strings.Contains(markedLine(m.View().Content), "svc-000") {
		t.Errorf("after g the selected row is %q", markedLine(m.View().Content))
	}
}

func TestDetailEnterEsc(t *testing.T) {
	snap := loadFixture(t)
	m := loaded(t, &fakeSource{snap: snap}, snap, 80, 24)
	m = keys(t, m, "G", "enter")
	if m.mode != views.ModeDetail {
		t.Fatalf("enter: mode %v", m.mode)
	}
	if v := m.View().Content; !strings.Contains(v, "detail: web") || !strings.Contains(v, "THROTTLED") {
		t.Errorf("the detail view of web is not drawn:\n%s", v)
	}
	m = keys(t, m, "G")
	if m.detailOffset == 0 {
		t.Error("G does not scroll a detail view taller than the screen")
	}
	bottom := m.detailOffset
	m = keys(t, m, "j")
	if m.detailOffset != bottom {
		t.Errorf("j scrolls past the end: %d > %d", m.detailOffset, bottom)
	}
	m = keys(t, m, "esc")
	if m.mode != views.ModePane || selectedName(m) != "web" {
		t.Errorf("esc: mode %v, selection %q", m.mode, selectedName(m))
	}
}

func TestShowAll(t *testing.T) {
	snap := loadFixture(t)
	m := loaded(t, &fakeSource{snap: snap}, snap, 120, 40)
	if slices.Contains(names(m), "batch-job") {
		t.Fatal("the stopped batch-job is listed by default")
	}
	m = keys(t, m, "a")
	if !slices.Contains(names(m), "batch-job") || !m.spec.showAll {
		t.Errorf("a does not show the stopped batch-job: %v", names(m))
	}
	m = keys(t, m, "G")
	if selectedName(m) != "web" {
		t.Errorf("by name the last one is web, got %q", selectedName(m))
	}
	m = keys(t, m, "a")
	if slices.Contains(names(m), "batch-job") {
		t.Error("a again does not hide it")
	}
}

func TestPauseAndInterval(t *testing.T) {
	snap := loadFixture(t)
	m := loaded(t, &fakeSource{snap: snap}, snap, 120, 40)
	m = keys(t, m, "p")
	if !m.paused || !strings.Contains(m.View().Content, "PAUSED") {
		t.Fatal("p does not pause, or the header does not say so")
	}
	if _, cmd := m.Update(tickMsg{seq: m.tickSeq}); cmd != nil {
		t.Error("a tick while paused starts a reading")
	}
	next, cmd := m.Update(press("p"))
	m = next.(Model)
	if m.paused || cmd == nil || !m.sampling {
		t.Errorf("p again: paused %v, sampling %v, command %v; want a reading at once", m.paused, m.sampling, cmd != nil)
	}

	m = loaded(t, &fakeSource{snap: snap}, snap, 120, 40)
	for range 10 {
		m = keys(t, m, "+")
	}
	if m.interval != 30*time.Second || !strings.Contains(m.notice, "longest") {
		t.Errorf("+ ten times: interval %v, notice %q", m.interval, m.notice)
	}
	if !strings.Contains(m.View().Content, "every 30s") {
		t.Error("the header does not show the interval")
	}
	for range 10 {
		m = keys(t, m, "-")
	}
	if m.interval != 250*time.Millisecond || !strings.Contains(m.notice, "shortest") {
		t.Errorf("- ten times: interval %v, notice %q", m.interval, m.notice)
	}
	m = keys(t, m, "+")
	if m.interval != 500*time.Millisecond {
		t.Errorf("+ from 250ms: %v", m.interval)
	}
	// An interval between the steps steps to its neighbours.
	m = New(&fakeSource{}, Options{Interval: 3 * time.Second})
	if up := keys(t, m, "+"); up.interval != 5*time.Second {
		t.Errorf("+ from 3s: %v", up.interval)
	}
	if down := keys(t, m, "-"); down.interval != 2*time.Second {
		t.Errorf("- from 3s: %v", down.interval)
	}
}

func TestHelpOverlay(t *testing.T) {
	snap := loadFixture(t)
	m := loaded(t, &fakeSource{snap: snap}, snap, 120, 40)
	m = keys(t, m, "?")
	if !m.help || !strings.Contains(m.View().Content, "KEYS") {
		t.Fatal("? does not open the help")
	}
	m = keys(t, m, "j", "2")
	if !m.help || m.pane != views.PaneResources {
		t.Error("keys behind the help overlay act")
	}
	m = keys(t, m, "?")
	if m.help {
		t.Error("? does not close the help")
	}
	m = keys(t, m, "?", "esc")
	if m.help {
		t.Error("esc does not close the help")
	}
}

// TestHelpListsEveryKey keeps the help honest: every key the TUI answers to is on it, live
// and in a replay (where the replay controls take space, p and ←/→).
func TestHelpListsEveryKey(t *testing.T) {
	k := newKeyMap()
	shown := map[string]string{"down": "↓", "up": "↑", "left": "←", "right": "→"}
	common := []key.Binding{k.Quit, k.ForceQuit, k.Help, k.Pane, k.NextPane, k.PrevPane, k.Down, k.Up, k.Top,
		k.Bottom, k.Detail, k.Back, k.Filter, k.Sort, k.Reverse, k.Compare, k.ShowAll, k.Slower, k.Faster, k.Measure}
	tests := []struct {
		name   string
		replay bool
		keys   []key.Binding
		// extra are keys answered in that mode that bindings shared with the other mode
		// do not name on their own.
		extra []string
	}{
		{"live", false, append(common, k.Mark, k.Pause, k.PrevContainer, k.NextContainer), nil},
		{"replay", true, append(common, k.Play, k.StepBack, k.StepForward, k.SpeedDown, k.SpeedUp, k.ReplayContainer), []string{"m"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var help strings.Builder
			for _, e := range k.helpEntries(tc.replay, true) {
				help.WriteString(" " + e.Keys + " ")
			}
			names := tc.extra
			for _, b := range tc.keys {
				names = append(names, b.Keys()...)
			}
			for _, name := range names {
				want := name
				if s, ok := shown[name]; ok {
					want = s
				}
				if name >= "1" && name <= "6" && len(name) == 1 {
					want = "1-6"
				}
				if !strings.Contains(help.String(), " "+want+" ") {
					t.Errorf("key %q is not in the help: %s", name, help.String())
				}
			}
			// Each mode lists space once, for what it does there.
			if n := strings.Count(help.String(), " space "); n != 1 {
				t.Errorf("space is listed %d times", n)
			}
		})
	}
	if entries := k.helpEntries(false, false); strings.Contains(fmt.Sprint(entries), "writable") {
		t.Error("w is listed where no writable layer can be measured")
	}
}

func TestQuit(t *testing.T) {
	snap := loadFixture(t)
	for _, k := range []string{"q", "ctrl+c"} {
		m := loaded(t, &fakeSource{snap: snap}, snap, 120, 40)
		_, cmd := m.Update(press(k))
		if cmd == nil {
			t.Fatalf("%s returns no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%s does not quit", k)
		}
	}
	// ctrl+c quits even while typing a filter; q does not.
	m := keys(t, loaded(t, &fakeSource{snap: snap}, snap, 120, 40), "/")
	if _, cmd := m.Update(press("q")); cmd != nil {
		t.Error("q quits while typing a filter")
	}
	if _, cmd := m.Update(press("ctrl+c")); cmd == nil {
		t.Error("ctrl+c does not quit while typing a filter")
	}
}

// markedLine is the screen line of the selected row (the one starting with ">").
func markedLine(view string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.HasPrefix(ansi.Strip(l), ">") {
			return ansi.Strip(l)
		}
	}
	return ""
}

func TestDetailStaysOnItsContainer(t *testing.T) {
	snap := loadFixture(t)
	m := loaded(t, &fakeSource{snap: snap}, snap, 120, 40)
	m = keys(t, m, "j", "j", "enter") // cache
	stopped := snap
	stopped.Containers = slices.Clone(snap.Containers)
	for i := range stopped.Containers {
		if stopped.Containers[i].Name == "cache" {
			stopped.Containers[i].State, stopped.Containers[i].Pid = "exited", nil
		}
	}
	m = update(t, m, sampleMsg{seq: m.sampleSeq, snap: stopped})
	if got := selectedName(m); got != "cache" {
		t.Errorf("the detail view moved to %q when cache stopped", got)
	}
	if v := m.View().Content; !strings.Contains(v, "cache is not running") {
		t.Errorf("the detail view does not say cache stopped:\n%s", v)
	}
	gone := snap
	gone.Containers = slices.DeleteFunc(slices.Clone(snap.Containers), func(c snapshot.Container) bool { return c.Name == "cache" })
	m = update(t, m, sampleMsg{seq: m.sampleSeq, snap: gone})
	if v := m.View().Content; !strings.Contains(v, "the container is gone") {
		t.Errorf("the detail view does not say cache is gone:\n%s", v)
	}
	m = keys(t, m, "esc")
	if got := selectedName(m); got == "" || m.mode != views.ModePane {
		t.Errorf("after esc: selection %q, mode %v", got, m.mode)
	}
}

// The name filter narrows the Events pane, and its scrolling stops at the last event that
// passes the filter, not at the last of all.
func TestEventsFollowTheFilter(t *testing.T) {
	snap := loadFixture(t)
	snap.Events = nil
	base := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	for i := range 60 {
		name := "batch-job"
		if i%20 == 0 {
			name = "web"
		}
		snap.Events = append(snap.Events, snapshot.Event{Time: base.Add(time.Duration(i) * time.Second),
			Runtime: "docker", Type: "container", Action: "start", Name: name})
	}
	m := loaded(t, &fakeSource{snap: snap}, snap, 120, 24)
	m = keys(t, m, "5", "G")
	if m.eventsOffset != 60-views.ListRows(24) {
		t.Fatalf("unfiltered, G scrolls to %d, want %d", m.eventsOffset, 60-views.ListRows(24))
	}
	m = keys(t, m, "g", "/", "w", "e", "b", "enter", "G")
	if m.eventsOffset != 0 {
		t.Errorf("filtered to web's 3 events, G scrolls to %d, want 0 (they fit)", m.eventsOffset)
	}
	screen := ansi.Strip(m.View().Content)
	if n := strings.Count(screen, " web "); n != 3 {
		t.Errorf("%d event rows of web, want 3:\n%s", n, screen)
	}
	if strings.Contains(screen, "batch-job") {
		t.Errorf("events of other containers under the filter /web:\n%s", screen)
	}
}

// esc and a key typed quickly (or sent in one packet over SSH) arrive as alt+key: boxtop
// takes them as the two keys.
func TestAltKeyIsEscThenKey(t *testing.T) {
	snap := loadFixture(t)
	alt := func(code rune, shifted rune) tea.KeyPressMsg {
		k := tea.KeyPressMsg{Code: code, Mod: tea.ModAlt}
		if shifted != 0 {
			k.ShiftedCode, k.Mod = shifted, tea.ModAlt|tea.ModShift
		}
		return k
	}
	t.Run("leaves the detail view for another pane", func(t *testing.T) {
		m := keys(t, loaded(t, &fakeSource{snap: snap}, snap, 120, 40), "enter")
		if m.mode != views.ModeDetail {
			t.Fatal("setup: enter did not open the detail view")
		}
		m = update(t, m, alt('2', 0))
		if m.mode != views.ModePane || m.pane != views.PaneIsolation {
			t.Errorf("after alt+2: mode %v pane %v, want the Isolation pane", m.mode, m.pane)
		}
	})
	t.Run("clears the filter, then moves", func(t *testing.T) {
		m := keys(t, loaded(t, &fakeSource{snap: snap}, snap, 120, 40), "/", "c", "enter")
		if len(names(m)) == 7 {
			t.Fatal("setup: the filter /c hides nothing")
		}
		m = update(t, m, alt('g', 'G'))
		if m.spec.filter != "" || len(names(m)) != 7 {
			t.Errorf("after alt+G the filter is %q and %d are listed, want it cleared", m.spec.filter, len(names(m)))
		}
		if got := selectedName(m); got != "web" {
			t.Errorf("after alt+G %s is selected, want the last, web", got)
		}
	})
	t.Run("ends the filter being typed", func(t *testing.T) {
		m := keys(t, loaded(t, &fakeSource{snap: snap}, snap, 120, 40), "/", "x")
		m = update(t, m, alt('d', 0))
		if m.filtering || m.spec.filter != "" {
			t.Errorf("esc did not clear the filter being typed: %q", m.spec.filter)
		}
	})
	t.Run("other modifiers are left alone", func(t *testing.T) {
		if _, _, ok := splitAlt(tea.KeyPressMsg{Code: 'c', Mod: tea.ModAlt | tea.ModCtrl}); ok {
			t.Error("ctrl+alt+c was split")
		}
		if _, _, ok := splitAlt(tea.KeyPressMsg{Code: 'c'}); ok {
			t.Error("a plain key was split")
		}
	})
}
