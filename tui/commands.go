package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// sampleMsg carries a finished reading.
type sampleMsg struct {
	seq  int
	snap snapshot.Snapshot
}

// tickMsg says the interval since the last reading is over.
type tickMsg struct{ seq int }

// slowMsg says a reading has been in flight for SlowAfter.
type slowMsg struct{ seq int }

// changedMsg says the engine's inventory changed.
type changedMsg struct{}

// sampleCmd takes one reading. It captures its inputs as values, never the model, so it can
// run in its own goroutine while Update goes on.
func sampleCmd(ctx context.Context, src Source, ids []string, timeout time.Duration, seq int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return sampleMsg{seq: seq, snap: src.Sample(ctx, ids)}
	}
}

func tickCmd(d time.Duration, seq int) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return tickMsg{seq: seq} })
}

func slowCmd(d time.Duration, seq int) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return slowMsg{seq: seq} })
}

// waitChanged waits for one inventory change; Update re-arms it. A nil channel (nothing ever
// changes) waits for nothing; a closed one ends the listening; the program's end stops it.
func waitChanged(ctx context.Context, ch <-chan struct{}) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case _, ok := <-ch:
			if !ok {
				return nil
			}
			return changedMsg{}
		case <-ctx.Done():
			return nil
		}
	}
}

// startSample asks for a reading unless one is in flight, in which case it notes that
// another is wanted as soon as that one is done.
func (m Model) startSample() (Model, tea.Cmd) {
	if m.sampling {
		m.pending = true
		return m, nil
	}
	m.sampling, m.pending, m.slow = true, false, false
	m.sampleSeq++
	return m, tea.Batch(
		sampleCmd(m.ctx, m.src, m.processesFor(), m.opts.SampleTimeout, m.sampleSeq),
		slowCmd(m.opts.SlowAfter, m.sampleSeq),
	)
}

// scheduleTick starts the wait for the next reading, cancelling any earlier wait.
func (m Model) scheduleTick() (Model, tea.Cmd) {
	m.tickSeq++
	return m, tickCmd(m.interval, m.tickSeq)
}

// applySample takes a finished reading in and decides when the next one comes.
func (m Model) applySample(msg sampleMsg) (Model, tea.Cmd) {
	if msg.seq != m.sampleSeq {
		return m, nil // not the reading in flight: a leftover, ignore it
	}
	m.sampling, m.slow = false, false
	if m.paused {
		// Paused while it was in flight: the screen stays as it was.
		return m, nil
	}
	snap := msg.snap
	m.prev, m.cur = m.cur, &snap
	m.hist.add(m.cur)
	m.series = m.hist.series()
	m.pruneMarks()
	m.fixSelection()
	if m.pending {
		return m.startSample()
	}
	return m.scheduleTick()
}

// pruneMarks forgets marks of containers that are gone, so the marks stay bounded.
func (m *Model) pruneMarks() {
	if len(m.marks) == 0 {
		return
	}
	present := make(map[string]bool, len(m.cur.Containers))
	for i := range m.cur.Containers {
		present[m.cur.Containers[i].ID] = true
	}
	for id := range m.marks {
		if !present[id] {
			delete(m.marks, id)
		}
	}
}
