package tui

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"go.uber.org/goleak"

	"github.com/boxtop/boxtop/views"
)

// sampleOf returns the first sampleMsg among msgs.
func sampleOf(msgs []tea.Msg) (sampleMsg, bool) {
	for _, m := range msgs {
		if s, ok := m.(sampleMsg); ok {
			return s, true
		}
	}
	return sampleMsg{}, false
}

func TestUpdateNeverCallsSource(t *testing.T) {
	snap := loadFixture(t)
	src := &fakeSource{snap: snap, changed: make(chan struct{})}
	m := New(src, testOptions())
	init := m.Init()
	if n := src.calls.Load(); n != 0 {
		t.Fatalf("New and Init read the source %d times; only the command may", n)
	}
	msgs := collect(init, 200*time.Millisecond)
	first, ok := sampleOf(msgs)
	if !ok || src.calls.Load() != 1 {
		t.Fatalf("running Init's command: %d readings, messages %v", src.calls.Load(), msgs)
	}
	m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = update(t, m, first)
	var pending []tea.Cmd
	feed := []tea.Msg{tickMsg{seq: m.tickSeq}, slowMsg{seq: m.sampleSeq}, changedMsg{}}
	for _, k := range []string{"4", "j", "enter", "esc", "s", "S", "a", "space", "c", "p", "p", "+", "-", "/", "w", "enter", "?", "?", "tab", "shift+tab"} {
		feed = append(feed, press(k))
	}
	for _, msg := range feed {
		next, cmd := m.Update(msg)
		m = next.(Model)
		_ = m.View()
		if n := src.calls.Load(); n != 1 {
			t.Fatalf("Update(%T %v) read the source (%d readings)", msg, msg, n)
		}
		pending = append(pending, cmd)
	}
	for _, cmd := range pending {
		collect(cmd, 20*time.Millisecond)
	}
	if n := src.calls.Load(); n < 2 {
		t.Errorf("the commands Update returned took %d readings in all; want the tick, change and resume to read", n)
	}
}

func TestOneReadingInFlight(t *testing.T) {
	snap := loadFixture(t)
	src := &fakeSource{snap: snap}
	m := loaded(t, src, snap, 120, 40)
	next, cmd := m.Update(tickMsg{seq: m.tickSeq})
	m = next.(Model)
	if !m.sampling || cmd == nil {
		t.Fatal("a tick does not start a reading")
	}
	seq := m.sampleSeq
	for _, msg := range []tea.Msg{tickMsg{seq: m.tickSeq}, changedMsg{}, press("p"), press("p")} {
		next, _ := m.Update(msg)
		m = next.(Model)
	}
	if m.sampleSeq != seq {
		t.Errorf("%d more readings started while one was in flight", m.sampleSeq-seq)
	}
	if !m.pending {
		t.Error("the wish for a fresh reading is not remembered")
	}
	next, cmd = m.Update(sampleMsg{seq: seq, snap: snap})
	m = next.(Model)
	if !m.sampling || m.sampleSeq != seq+1 || cmd == nil {
		t.Errorf("the remembered reading does not start when the last one lands (sampling %v)", m.sampling)
	}
	// A reading that is not the one in flight is ignored.
	before := m.cur
	m = update(t, m, sampleMsg{seq: seq, snap: snap})
	if m.cur != before || !m.sampling {
		t.Error("a stale reading was taken in")
	}
}

func TestHungSourceKeepsKeysWorking(t *testing.T) {
	snap := loadFixture(t)
	release := make(chan struct{})
	src := &fakeSource{snap: snap, block: release}
	opts := testOptions()
	m := New(src, opts)
	m = update(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})

	// Run Init's reading the way Bubble Tea does: in its own goroutine. It hangs.
	landed := make(chan tea.Msg, 1)
	go func() {
		landed <- sampleCmd(m.ctx, src, nil, time.Hour, m.sampleSeq)()
	}()
	deadline := time.Now().Add(2 * time.Second)
	for src.calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}

	done := make(chan Model)
	go func() {
		m := m
		for _, k := range []string{"3", "?", "esc", "p", "p", "+", "/", "x", "esc", "tab", "j", "k"} {
			m = update(t, m, press(k))
		}
		m = update(t, m, tickMsg{seq: m.tickSeq})
		m = update(t, m, changedMsg{})
		m = update(t, m, slowMsg{seq: m.sampleSeq})
		done <- m
	}()
	select {
	case m = <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("keys stopped being handled while the source hangs")
	}
	if m.pane != views.PaneProcesses {
		t.Errorf("pane %v after 3 and tab, want Processes", m.pane)
	}
	if m.interval != 2*time.Second {
		t.Errorf("interval %v after +, want 2s", m.interval)
	}
	if v := m.View().Content; !strings.Contains(v, "collecting…") {
		t.Errorf("a slow reading is not shown as collecting:\n%s", v)
	}
	if n := src.maxInFlight.Load(); n != 1 {
		t.Errorf("%d readings were in flight at once", n)
	}
	close(release)
	msg := <-landed
	m = update(t, m, msg)
	if m.cur == nil || m.slow || strings.Contains(m.View().Content, "collecting…") {
		t.Error("the late reading was not taken in, or collecting… stayed")
	}
}

func TestChangedStartsReadingAndRearms(t *testing.T) {
	snap := loadFixture(t)
	src := &fakeSource{snap: snap, changed: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	m := loaded(t, src, snap, 120, 40)
	m.ctx = ctx
	next, cmd := m.Update(changedMsg{})
	m = next.(Model)
	src.changed <- struct{}{}
	msgs := collect(cmd, 200*time.Millisecond)
	if _, ok := sampleOf(msgs); !ok {
		t.Errorf("an inventory change does not take a reading: %v", msgs)
	}
	if !slices.ContainsFunc(msgs, func(m tea.Msg) bool { _, ok := m.(changedMsg); return ok }) {
		t.Errorf("the change listener is not re-armed: %v", msgs)
	}
	cancel()
	if waitChanged(ctx, nil) != nil {
		t.Error("a source without changes still gets a listener")
	}
}

func TestChangeListenerEndsWithProgram(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	wait := waitChanged(ctx, make(chan struct{}))
	out := make(chan tea.Msg)
	go func() { out <- wait() }()
	cancel()
	select {
	case msg := <-out:
		if msg != nil {
			t.Errorf("a cancelled listener returned %v", msg)
		}
	case <-time.After(time.Second):
		t.Fatal("the change listener outlives the program")
	}
}

func TestProcessesAskedForFocusOnly(t *testing.T) {
	snap := loadFixture(t)
	src := &fakeSource{snap: snap}
	m := loaded(t, src, snap, 120, 40)
	if got := m.processesFor(); got != nil {
		t.Errorf("the Resources pane asks for processes of %v", got)
	}
	next, cmd := m.Update(press("4"))
	m = next.(Model)
	if cmd == nil {
		t.Fatal("opening the Processes pane does not fetch processes at once")
	}
	if _, ok := sampleOf(collect(cmd, 200*time.Millisecond)); !ok {
		t.Fatal("no reading came back")
	}
	api := snap.Containers[len(snap.Containers)-1]
	if got := src.wanted(); !slices.Equal(got, []string{api.ID}) || selectedName(m) != "api" {
		t.Errorf("processes asked for %v, want the selected api's", got)
	}
	m = update(t, m, sampleMsg{seq: m.sampleSeq, snap: snap})
	// → moves to the next container and asks for its processes.
	next, cmd = m.Update(press("right"))
	m = next.(Model)
	if selectedName(m) != "build-runner" || cmd == nil {
		t.Fatalf("→ in the Processes pane: selected %q, command %v", selectedName(m), cmd != nil)
	}
}

func TestPausedDropsLateReading(t *testing.T) {
	snap := loadFixture(t)
	src := &fakeSource{snap: snap}
	m := loaded(t, src, snap, 120, 40)
	m = update(t, m, tickMsg{seq: m.tickSeq}) // a reading is in flight
	m = keys(t, m, "p")
	changed := snap
	changed.Host.Hostname = "changed"
	m = update(t, m, sampleMsg{seq: m.sampleSeq, snap: changed})
	if m.cur.Host.Hostname == "changed" {
		t.Error("a reading that landed while paused changed the screen")
	}
	if m.sampling {
		t.Error("the dropped reading is still counted in flight")
	}
}

func TestIntervalChangeReschedules(t *testing.T) {
	snap := loadFixture(t)
	m := loaded(t, &fakeSource{snap: snap}, snap, 120, 40)
	old := m.tickSeq
	next, cmd := m.Update(press("-"))
	m = next.(Model)
	if cmd == nil || m.tickSeq == old {
		t.Fatal("a new interval does not restart the wait")
	}
	if _, cmd := m.Update(tickMsg{seq: old}); cmd != nil {
		t.Error("the tick of the old interval still starts a reading")
	}
	msgs := collect(cmd, 800*time.Millisecond)
	if len(msgs) != 1 || msgs[0] != (tickMsg{seq: m.tickSeq}) {
		t.Errorf("the 500ms tick did not come within 800ms: %v", msgs)
	}
}

var colourCode = regexp.MustCompile(`\x1b\[[0-9;:]*\b(3[0-8]|4[0-8]|9[0-7]|10[0-7])\b[0-9;:]*m`)

func TestViewAtEverySize(t *testing.T) {
	snap := loadFixture(t)
	for _, noColor := range []bool{false, true} {
		opts := testOptions()
		opts.NoColor = noColor
		m := New(&fakeSource{snap: snap}, opts)
		m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
		m = update(t, m, sampleMsg{seq: 1, snap: snap})
		for _, size := range [][2]int{{80, 24}, {40, 10}, {200, 60}, {39, 24}, {100, 9}} {
			m = update(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			for _, k := range []string{"1", "2", "3", "4", "5", "6", "enter", "esc", "?", "?"} {
				m = keys(t, m, k)
				v := m.View().Content
				lines := strings.Split(v, "\n")
				small := size[0] < views.MinWidth || size[1] < views.MinHeight
				switch {
				case small && (len(lines) != 1 || !strings.Contains(v, "terminal too small")):
					t.Errorf("%dx%d: want one line asking for a larger terminal, got %q", size[0], size[1], v)
				case !small && len(lines) != size[1]:
					t.Errorf("%dx%d after %s: %d lines", size[0], size[1], k, len(lines))
				}
				for i, l := range lines {
					if w := views.Width(l); w > size[0] {
						t.Errorf("%dx%d after %s: line %d is %d wide", size[0], size[1], k, i, w)
					}
				}
				if noColor && colourCode.MatchString(v) {
					t.Fatalf("NoColor output has a colour code %q", colourCode.FindString(v))
				}
				if v != m.View().Content {
					t.Fatalf("%dx%d after %s: two renders differ", size[0], size[1], k)
				}
			}
		}
	}
}

func TestFooterShowsLatestProblem(t *testing.T) {
	snap := loadFixture(t)
	m := loaded(t, &fakeSource{snap: snap}, snap, 200, 60)
	v := m.View().Content
	if !strings.Contains(v, "error: cache: read /sys/fs/cgroup/") || !strings.Contains(v, "+1 more") {
		t.Errorf("the footer does not show the cache's read error:\n%s", lastLine(v))
	}
	m = keys(t, m, "s", "s")
	if got := lastLine(m.View().Content); !strings.Contains(got, "sorted by CPU%") {
		t.Errorf("a key's answer does not replace the error: %q", got)
	}
	m = keys(t, m, "j")
	if got := lastLine(m.View().Content); !strings.Contains(got, "error: cache") {
		t.Errorf("the error does not come back after the next key: %q", got)
	}
}

func lastLine(s string) string {
	lines := strings.Split(s, "\n")
	return ansi.Strip(lines[len(lines)-1])
}

// TestFrameKeptAcrossQuietMessages: the screen drawn after a reading is reused for the tick
// that starts the next one and for a slow timer that changes nothing, and drawn again after a
// message that changes what it shows (a slow reading, a reading, a key, a resize).
func TestFrameKeptAcrossQuietMessages(t *testing.T) {
	m := loaded(t, &fakeSource{snap: loadFixture(t)}, loadFixture(t), 120, 40)
	drawn := m.View().Content
	kept := m.frame

	m = update(t, m, tickMsg{seq: m.tickSeq})
	if !m.sampling || m.frame != kept || m.View().Content != drawn {
		t.Fatalf("the tick that starts a reading must keep the frame (sampling %v, same frame %v)", m.sampling, m.frame == kept)
	}
	m = update(t, m, slowMsg{seq: m.sampleSeq - 1}) // an old reading's timer: no change
	if m.frame != kept {
		t.Fatal("a stale slow timer dropped the frame")
	}
	m = update(t, m, slowMsg{seq: m.sampleSeq})
	if got := m.View().Content; m.frame == kept || !strings.Contains(got, "collecting") || strings.Contains(drawn, "collecting") {
		t.Fatalf("a slow reading must be drawn anew with the collecting mark:\n%s", got)
	}

	snap := loadFixture(t)
	snap.Containers = snap.Containers[:1]
	m = update(t, m, sampleMsg{seq: m.sampleSeq, snap: snap})
	if got := m.View().Content; strings.Contains(got, "collecting") || got == drawn {
		t.Fatalf("the new reading must be drawn:\n%s", got)
	}
	before := m.View().Content
	m = update(t, m, press("?"))
	if m.View().Content == before {
		t.Fatal("a key that opens the help must be drawn")
	}
	m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 20})
	if lines := strings.Count(m.View().Content, "\n") + 1; lines != 20 {
		t.Fatalf("after a resize to 80x20 the view has %d lines", lines)
	}
}
