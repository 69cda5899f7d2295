package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// fixturePath is the hand-written snapshot the views' goldens use too.
const fixturePath = "../views/testdata/fixture.json"

func loadFixture(t testing.TB) snapshot.Snapshot {
	t.Helper()
	data, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	var s snapshot.Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// fakeSource counts its readings and can be made to block until released, to stand in for a
// hung engine.
type fakeSource struct {
	snap        snapshot.Snapshot
	calls       atomic.Int32
	inFlight    atomic.Int32
	maxInFlight atomic.Int32  // the most readings ever in flight at once
	block       chan struct{} // when set, Sample waits for it to close (ignoring ctx)
	changed     chan struct{}

	mu       sync.Mutex
	lastWant []string
}

func (f *fakeSource) Sample(ctx context.Context, processesFor []string) snapshot.Snapshot {
	f.calls.Add(1)
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxInFlight.Load()
		if n <= m || f.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	f.mu.Lock()
	f.lastWant = append([]string(nil), processesFor...)
	f.mu.Unlock()
	if f.block != nil {
		<-f.block
	}
	return f.snap
}

func (f *fakeSource) Changed() <-chan struct{} { return f.changed }

func (f *fakeSource) wanted() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastWant
}

// testOptions keep ticks and the "collecting" timer out of the way of the tests.
func testOptions() Options {
	return Options{Interval: time.Second, SlowAfter: time.Hour, SampleTimeout: time.Second, Location: time.UTC}
}

// loaded returns a model of size w×h that has taken in the fixture as its first reading.
func loaded(t testing.TB, src Source, snap snapshot.Snapshot, w, h int) Model {
	t.Helper()
	m := New(src, testOptions())
	m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	m = update(t, m, sampleMsg{seq: 1, snap: snap})
	if m.cur == nil {
		t.Fatal("the first reading was not taken in")
	}
	return m
}

// update feeds one message and returns the next model.
func update(t testing.TB, m Model, msg tea.Msg) Model {
	t.Helper()
	next, _ := m.Update(msg)
	return next.(Model)
}

// press returns the key press for a key name as Bubble Tea reports it.
func press(name string) tea.KeyPressMsg {
	switch name {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(name)
	if len(r) != 1 {
		panic("press: unknown key " + name)
	}
	return tea.KeyPressMsg{Code: r[0], Text: name}
}

// keys presses each key in turn.
func keys(t testing.TB, m Model, names ...string) Model {
	t.Helper()
	for _, n := range names {
		m = update(t, m, press(n))
	}
	return m
}

// names lists the names of the containers on the list, in order.
func names(m Model) []string {
	var out []string
	for _, c := range m.visible() {
		out = append(out, c.Name)
	}
	return out
}

// selectedName is the selected container's name.
func selectedName(m Model) string {
	if c := m.focus(); c != nil {
		return c.Name
	}
	return ""
}

// collect runs a command the way Bubble Tea would (batches fanned out, each in a goroutine)
// and returns the messages that arrive within wait; timers that fire later are dropped.
func collect(cmd tea.Cmd, wait time.Duration) []tea.Msg {
	out := make(chan tea.Msg, 64)
	var run func(c tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			msg := c()
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, sub := range b {
					run(sub)
				}
				return
			}
			if msg != nil {
				out <- msg
			}
		}()
	}
	run(cmd)
	var msgs []tea.Msg
	deadline := time.After(wait)
	for {
		select {
		case msg := <-out:
			msgs = append(msgs, msg)
		case <-deadline:
			return msgs
		}
	}
}

// manyContainers copies the fixture's web container n times under different names.
func manyContainers(t testing.TB, n int) snapshot.Snapshot {
	t.Helper()
	base := loadFixture(t)
	var web snapshot.Container
	for _, c := range base.Containers {
		if c.Name == "web" {
			web = c
		}
	}
	snap := base
	snap.Containers = nil
	for i := range n {
		c := web
		c.ID = fmt.Sprintf("%064x", i+1)
		c.Name = fmt.Sprintf("svc-%03d", i)
		snap.Containers = append(snap.Containers, c)
	}
	return snap
}
