package tui

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// fakePlayer plays a list of readings the way a recording's player does: a play head, a
// play/pause flag and a speed, moved only by its methods (there is no wall clock here), with
// every call recorded.
type fakePlayer struct {
	mu      sync.Mutex
	snaps   []snapshot.Snapshot
	pos     int
	playing bool
	speed   int // index into fakeSpeeds
	calls   []string
	samples int
}

var fakeSpeeds = []float64{0.5, 1, 2, 4}

func newFakePlayer(t testing.TB, n int) *fakePlayer {
	base := loadFixture(t)
	p := &fakePlayer{speed: 1}
	for i := range n {
		s := base
		s.Time = base.Time.Add(time.Duration(i) * 200 * time.Millisecond)
		p.snaps = append(p.snaps, s)
	}
	return p
}

func (p *fakePlayer) Sample(context.Context, []string) snapshot.Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.samples++
	if p.playing && p.pos < len(p.snaps)-1 {
		p.pos++ // each reading while playing moves one on, as a tick at 1× would
	}
	return p.snaps[p.pos]
}

func (p *fakePlayer) Changed() <-chan struct{} { return nil }

func (p *fakePlayer) record(call string) {
	p.calls = append(p.calls, call)
}

func (p *fakePlayer) TogglePlay() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.record("toggle")
	p.playing = !p.playing
}

func (p *fakePlayer) Step(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.record("step " + strconv.Itoa(n))
	p.playing = false
	p.pos = min(max(p.pos+n, 0), len(p.snaps)-1)
}

func (p *fakePlayer) Faster() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.record("faster")
	p.speed = min(p.speed+1, len(fakeSpeeds)-1)
	return fakeSpeeds[p.speed]
}

func (p *fakePlayer) Slower() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.record("slower")
	p.speed = max(p.speed-1, 0)
	return fakeSpeeds[p.speed]
}

func (p *fakePlayer) Position() (int, int, time.Time, bool, float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pos, len(p.snaps), p.snaps[p.pos].Time, p.playing, fakeSpeeds[p.speed]
}

func (p *fakePlayer) takeCalls() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.calls
	p.calls = nil
	return out
}

// replayModel is a model of the player that has taken in its first reading, as Init's
// command would give it.
func replayModel(t *testing.T, p *fakePlayer, w, h int) Model {
	t.Helper()
	opts := testOptions()
	opts.Replay, opts.Label = true, "incident.bxr"
	m := New(p, opts)
	m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	msg := await(sampleCmd(m.ctx, p, nil, time.Second, m.sampleSeq), func(tea.Msg) bool { return true })
	if msg == nil {
		t.Fatal("the first reading did not come back")
	}
	return update(t, m, msg)
}

// pressReplay presses a key, runs the command it returns the way Bubble Tea would, and feeds
// back what comes: the play head's new place, then the reading taken there.
func pressReplay(t *testing.T, m Model, name string) Model {
	t.Helper()
	next, cmd := m.Update(press(name))
	m = next.(Model)
	if cmd == nil {
		return m
	}
	msg := await(cmd, func(msg tea.Msg) bool { _, ok := msg.(playbackMsg); return ok })
	if msg == nil {
		return m // a key of the live view (m, j, 4, ...): nothing for the player
	}
	next, cmd = m.Update(msg)
	m = next.(Model)
	if reading := await(cmd, func(msg tea.Msg) bool { _, ok := msg.(sampleMsg); return ok }); reading != nil {
		m = update(t, m, reading)
	}
	return m
}

// await runs a command as Bubble Tea would (batches fanned out, each in a goroutine) and
// returns the first message want accepts, or nil after a short wait; timers are left to run.
func await(cmd tea.Cmd, want func(tea.Msg) bool) tea.Msg {
	if cmd == nil {
		return nil
	}
	out := make(chan tea.Msg, 16)
	var run func(c tea.Cmd)
	run = func(c tea.Cmd) {
		go func() {
			msg := c()
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, sub := range b {
					if sub != nil {
						run(sub)
					}
				}
				return
			}
			if msg != nil && want(msg) {
				out <- msg
			}
		}()
	}
	run(cmd)
	select {
	case msg := <-out:
		return msg
	case <-time.After(200 * time.Millisecond):
		return nil
	}
}

func header(m Model) string { return ansi.Strip(strings.SplitN(m.View().Content, "\n", 2)[0]) }

func TestReplayKeys(t *testing.T) {
	tests := []struct {
		name  string
		keys  []string
		calls []string
		// header holds these, in order; the position is 1-based.
		header []string
		marks  int
	}{
		{"the first reading, paused", nil, nil, []string{"REPLAY 2026-11-27 07:00:00", "1/5", "⏸ paused 1×"}, 0},
		{"right steps on and reads there", []string{"right"}, []string{"step 1"}, []string{"REPLAY 2026-11-27 07:00:00", "2/5", "⏸ paused"}, 0},
		{"left steps back", []string{"right", "right", "left"}, []string{"step 1", "step 1", "step -1"}, []string{"2/5"}, 0},
		{"left at the start stays", []string{"left"}, []string{"step -1"}, []string{"1/5"}, 0},
		{"space plays", []string{"space"}, []string{"toggle"}, []string{"▶ playing 1×"}, 0},
		{"space again pauses", []string{"space", "space"}, []string{"toggle", "toggle"}, []string{"⏸ paused"}, 0},
		{"p plays too", []string{"p"}, []string{"toggle"}, []string{"▶ playing"}, 0},
		{"] speeds up", []string{"]", "]"}, []string{"faster", "faster"}, []string{"⏸ paused 4×"}, 0},
		{"[ slows down", []string{"["}, []string{"slower"}, []string{"⏸ paused 0.5×"}, 0},
		{"m marks, space does not", []string{"m", "j", "m", "space"}, []string{"toggle"}, []string{"▶ playing"}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newFakePlayer(t, 5)
			m := replayModel(t, p, 120, 40)
			for _, k := range tc.keys {
				m = pressReplay(t, m, k)
			}
			if got := p.takeCalls(); !slices.Equal(got, tc.calls) {
				t.Errorf("player calls %v, want %v", got, tc.calls)
			}
			h := header(m)
			rest := h
			for _, w := range tc.header {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("header %q lacks %q (or out of order)", h, w)
				}
				rest = rest[i+len(w):]
			}
			if len(m.marks) != tc.marks {
				t.Errorf("%d marks, want %d", len(m.marks), tc.marks)
			}
			if m.paused {
				t.Error("a replay key paused the TUI's readings instead of the player")
			}
		})
	}
}

// A step reads the recording at the new place at once: the reading on screen is the one of
// the header's position, not the one before it.
func TestReplayStepShowsTheReadingThere(t *testing.T) {
	p := newFakePlayer(t, 5)
	p.snaps[1].Host.Hostname = "second-reading"
	m := replayModel(t, p, 120, 40)
	before := p.samples
	for _, k := range []string{"right", "left", "space", "p", "[", "]"} {
		if _, cmd := m.Update(press(k)); cmd == nil || len(p.takeCalls()) != 0 || p.samples != before {
			t.Fatalf("%s: Update drove the player itself, or returned no command for it", k)
		}
	}
	m = pressReplay(t, m, "right")
	if p.samples != before+1 {
		t.Errorf("right took %d readings, want 1 at once", p.samples-before)
	}
	if m.cur.Host.Hostname != "second-reading" || !strings.Contains(header(m), "2/5") {
		t.Errorf("after right: reading of %q, header %q", m.cur.Host.Hostname, header(m))
	}
	if !strings.Contains(header(m), "REPLAY 2026-11-27 07:00:00") {
		t.Errorf("the header does not show the reading's time: %q", header(m))
	}
}

// In a replay ←/→ step the recording everywhere, the Processes pane included; h/l switch its
// container there, and the key hints and help say so.
func TestReplayArrowsAndContainerKeys(t *testing.T) {
	p := newFakePlayer(t, 5)
	for i := range p.snaps {
		p.snaps[i] = withoutErrors(p.snaps[i])
	}
	m := replayModel(t, p, 120, 40)
	m = pressReplay(t, m, "4")
	first := selectedName(m)
	m = pressReplay(t, m, "right")
	if got := p.takeCalls(); !slices.Equal(got, []string{"step 1"}) || selectedName(m) != first {
		t.Errorf("→ in the Processes pane: calls %v, selection %q (was %q)", got, selectedName(m), first)
	}
	m = pressReplay(t, m, "l")
	if selectedName(m) == first {
		t.Error("l does not move to the next container in a replay")
	}
	footer := lastLine(m.View().Content)
	for _, want := range []string{"space play/pause", "←/→ step", "[/] speed", "h/l container"} {
		if !strings.Contains(footer, want) {
			t.Errorf("the footer lacks %q: %q", want, footer)
		}
	}
	m = keys(t, m, "?")
	help := m.View().Content
	for _, want := range []string{"play / pause the recording", "step one reading", "playback slower / faster", "mark for compare"} {
		if !strings.Contains(help, want) {
			t.Errorf("the help lacks %q", want)
		}
	}
	if strings.Contains(help, "pause / resume") {
		t.Error("the replay help offers p as pause/resume of the readings")
	}
	small := update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := small.View().Content; strings.Contains(v, "taller terminal") || !strings.Contains(v, "[ ]") {
		t.Errorf("the replay help does not fit 80x24:\n%s", v)
	}
	m = keys(t, m, "esc", "c")
	if !strings.Contains(m.notice, "press m on each") {
		t.Errorf("compare's hint names the wrong mark key in a replay: %q", m.notice)
	}
}

// Live data keeps space for marking and ←/→ for the Processes pane; m marks too.
func TestLiveMarkKeys(t *testing.T) {
	snap := loadFixture(t)
	m := loaded(t, &fakeSource{snap: snap}, snap, 120, 40)
	m = keys(t, m, "m", "j", "space", "j", "m", "m")
	var marked []string
	for _, c := range m.compared() {
		marked = append(marked, c.Name)
	}
	if !slices.Equal(marked, []string{"api", "build-runner"}) {
		t.Errorf("marked %v, want api and build-runner (m twice on cache unmarks it)", marked)
	}
	if m.playback != nil || strings.Contains(header(m), "REPLAY") {
		t.Error("live data shows a play head")
	}
	if _, cmd := m.Update(press("[")); cmd != nil {
		t.Error("[ does something in the live view")
	}
}

// The whole program against the player: keys go through Bubble Tea's own goroutines.
func TestProgramReplay(t *testing.T) {
	p := newFakePlayer(t, 5)
	opts := testOptions()
	opts.Replay = true
	tm := teatest.NewTestModel(t, New(p, opts), teatest.WithInitialTermSize(100, 30))
	waitForText(t, tm, "1/5")
	tm.Send(press("right"))
	waitForText(t, tm, "2/5")
	tm.Send(press("space"))
	waitForText(t, tm, "playing")
	tm.Type("q")
	final, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !ok || final.playback == nil || !final.playback.Playing {
		t.Errorf("the final model does not play: %+v", final.playback)
	}
	if _, ok := any(final.src).(Player); !ok {
		t.Error("the player was not kept as the source")
	}
}
