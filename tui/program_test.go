package tui

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/boxtop/boxtop/tui/fixture"
	"github.com/boxtop/boxtop/views"
)

// These tests run the whole Bubble Tea program, with its own goroutines for commands, and
// watch what it writes to the terminal.

func waitForText(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func TestProgramFromFixture(t *testing.T) {
	snap := loadFixture(t)
	src := fixture.New(snap)
	tm := teatest.NewTestModel(t, New(src, testOptions()), teatest.WithInitialTermSize(100, 30))
	waitForText(t, tm, "7/8 running")
	tm.Type("4")
	waitForText(t, tm, "nsenter -t 15120 -m -u -i -n -p")
	tm.Type("q")
	final, ok := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if !ok {
		t.Fatal("the final model is not a Model")
	}
	if final.pane != views.PaneProcesses || final.cur == nil {
		t.Errorf("final pane %v, reading %v", final.pane, final.cur != nil)
	}
	if src.Calls() < 2 {
		t.Errorf("%d readings: the Processes pane should have asked for one at once", src.Calls())
	}
}

func TestProgramQuitsWhileSourceHangs(t *testing.T) {
	snap := loadFixture(t)
	release := make(chan struct{})
	defer close(release)
	src := &fakeSource{snap: snap, block: release}
	opts := testOptions()
	opts.SlowAfter = 50 * time.Millisecond
	tm := teatest.NewTestModel(t, New(src, opts), teatest.WithInitialTermSize(100, 30))
	waitForText(t, tm, "collecting")
	tm.Type("?")
	waitForText(t, tm, "KEYS")
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(3*time.Second))
	if n := src.calls.Load(); n != 1 {
		t.Errorf("%d readings started; the first never returned, so there should be one", n)
	}
}

// TestNoRedrawWithoutChange proves the screen is quiet when nothing changes: readings of the
// same data every 20ms write nothing to the terminal (no clock, no spinner).
func TestNoRedrawWithoutChange(t *testing.T) {
	snap := loadFixture(t)
	src := fixture.New(snap)
	opts := testOptions()
	opts.Interval = 20 * time.Millisecond
	// 80 columns: no CPU-history column, whose sparkline grows with every reading.
	tm := teatest.NewTestModel(t, New(src, opts), teatest.WithInitialTermSize(80, 24))
	waitForText(t, tm, "7/8 running")
	time.Sleep(200 * time.Millisecond)
	_, _ = io.ReadAll(tm.Output()) // whatever the first frames wrote
	before := src.Calls()
	time.Sleep(400 * time.Millisecond)
	out, _ := io.ReadAll(tm.Output())
	if src.Calls()-before < 5 {
		t.Fatalf("only %d readings in 400ms at a 20ms interval", src.Calls()-before)
	}
	if len(out) != 0 {
		t.Errorf("%d readings of unchanged data wrote %q", src.Calls()-before, out)
	}
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(3*time.Second))
}
