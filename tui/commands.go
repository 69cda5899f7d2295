package tui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/boxtop/boxtop/collectors/snapshot"
	"github.com/boxtop/boxtop/views"
)

// sampleMsg carries a finished reading, and for a recording where its play head was then.
type sampleMsg struct {
	seq      int
	snap     snapshot.Snapshot
	playback *views.Playback
}

// playbackMsg says where a recording's play head is after one of the replay keys.
type playbackMsg struct {
	action   playerAction
	playback views.Playback
}

// layerMsg carries a finished measurement of a container's writable layer. seq and identity
// tie it to the request: an answer for a container since restarted is dropped.
type layerMsg struct {
	id, identity string
	seq          int
	bytes        int64
	err          error
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
		msg := sampleMsg{seq: seq, snap: src.Sample(ctx, ids)}
		if p, ok := src.(Player); ok {
			pos := position(p)
			msg.playback = &pos
		}
		return msg
	}
}

// playerAction is what a replay key asks of the player.
type playerAction int

const (
	actTogglePlay playerAction = iota
	actStepBack
	actStepForward
	actSlower
	actFaster
)

// playerCmd moves a recording's play head; Update then takes a reading at the new place.
func playerCmd(p Player, action playerAction) tea.Cmd {
	return func() tea.Msg {
		switch action {
		case actTogglePlay:
			p.TogglePlay()
		case actStepBack:
			p.Step(-1)
		case actStepForward:
			p.Step(1)
		case actSlower:
			p.Slower()
		case actFaster:
			p.Faster()
		}
		return playbackMsg{action: action, playback: position(p)}
	}
}

func position(p Player) views.Playback {
	index, count, _, playing, speed := p.Position()
	return views.Playback{Index: index, Count: count, Playing: playing, Speed: speed}
}

// measureCmd measures one container's writable layer within timeout. It runs beside the
// readings, not through their gate: a walk of a large layer must not hold the screen still.
func measureCmd(ctx context.Context, m LayerMeasurer, id, identity string, seq int, timeout time.Duration) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		type result struct {
			n   int64
			err error
		}
		// A walk stuck in a hung filesystem does not look at ctx: the answer comes at the
		// deadline all the same, and the walk is left to finish on its own.
		done := make(chan result, 1)
		go func() {
			n, err := m.MeasureWritableLayer(ctx, id)
			done <- result{n, err}
		}()
		msg := layerMsg{id: id, identity: identity, seq: seq}
		select {
		case r := <-done:
			msg.bytes, msg.err = r.n, r.err
		case <-ctx.Done():
			if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil // the program is ending
			}
			msg.err = fmt.Errorf("no answer within %s", views.FormatInterval(timeout))
		}
		return msg
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
	if msg.playback != nil {
		m.playback = msg.playback
	}
	m.hist.add(m.cur)
	m.series = m.hist.series()
	m.pruneMarks()
	m.pruneMeasured()
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

// pruneMeasured forgets the measurements of containers that are gone or have changed identity
// (restarted: a new writable layer), so a stale size is never shown and the map stays bounded.
func (m *Model) pruneMeasured() {
	if len(m.measured) == 0 {
		return
	}
	current := make(map[string]string, len(m.cur.Containers))
	for i := range m.cur.Containers {
		current[m.cur.Containers[i].ID] = identity(&m.cur.Containers[i])
	}
	for id, e := range m.measured {
		if ident, ok := current[id]; !ok || ident != e.identity {
			delete(m.measured, id)
		}
	}
}
