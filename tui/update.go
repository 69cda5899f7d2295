package tui

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/boxtop/boxtop/views"
)

// Update handles one message. It never reads anything: readings come back as sampleMsg from
// the commands it returns.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	if !keepsFrame(msg) || next.slow != m.slow {
		next.frame = &frame{}
	}
	return next, cmd
}

// keepsFrame reports the messages after which the screen is the same as before, whatever the
// model did with them, so long as the collecting indicator did not change: the tick that only
// starts a reading and the timer that marks a reading slow. Bubble Tea asks for a View after
// every message; without this each second would draw the whole screen three times over.
func keepsFrame(msg tea.Msg) bool {
	switch msg.(type) {
	case tickMsg, slowMsg:
		return true
	}
	return false
}

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.fixSelection()
		return m, nil
	case sampleMsg:
		return m.applySample(msg)
	case playbackMsg:
		return m.applyPlayback(msg)
	case layerMsg:
		return m.applyLayer(msg), nil
	case tickMsg:
		if msg.seq != m.tickSeq || m.paused {
			return m, nil
		}
		return m.startSample()
	case slowMsg:
		if m.sampling && msg.seq == m.sampleSeq {
			m.slow = true
		}
		return m, nil
	case changedMsg:
		wait := waitChanged(m.ctx, m.src.Changed())
		if m.paused {
			return m, wait
		}
		m, cmd := m.startSample()
		return m, tea.Batch(cmd, wait)
	case tea.KeyPressMsg:
		if esc, key, ok := splitAlt(msg); ok {
			next, first := m.handleKey(esc)
			next, second := next.handleKey(key)
			return next, tea.Batch(first, second)
		}
		return m.handleKey(msg)
	}
	return m, nil
}

// splitAlt undoes what a terminal does to "esc, then a key" typed quickly or sent in one
// packet over a slow SSH link: both arrive together and read as alt+key. boxtop binds
// nothing to alt, so alt+key is taken as the two keys the user pressed.
func splitAlt(msg tea.KeyPressMsg) (esc, key tea.KeyPressMsg, ok bool) {
	k := msg.Key()
	if k.Mod&tea.ModAlt == 0 || k.Mod&^(tea.ModAlt|tea.ModShift) != 0 {
		return esc, key, false
	}
	k.Mod &^= tea.ModAlt
	if k.Text == "" {
		// The decoder drops the text of an alt key; a printable key gets it back.
		switch {
		case k.Mod&tea.ModShift != 0 && k.ShiftedCode != 0:
			k.Text = string(k.ShiftedCode)
		case k.Mod == 0 && k.Code <= unicode.MaxRune && unicode.IsPrint(k.Code):
			k.Text = string(k.Code)
		}
	}
	return tea.KeyPressMsg{Code: tea.KeyEscape}, tea.KeyPressMsg(k), true
}

// handleKey answers a key press, then fetches a reading at once if the key changed whose
// processes are wanted (so the Processes pane fills without waiting for a tick).
func (m Model) handleKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	before := m.processesFor()
	m.notice = ""
	next, cmd := m.key(msg)
	if cmd == nil && !next.paused && !next.sampling {
		if after := next.processesFor(); len(after) > 0 && !slices.Equal(before, after) {
			return next.startSample()
		}
	}
	return next, cmd
}

func (m Model) key(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	if key.Matches(msg, k.ForceQuit) {
		return m, tea.Quit
	}
	if m.filtering {
		return m.filterKey(msg), nil
	}
	if m.help {
		switch {
		case key.Matches(msg, k.Quit):
			return m, tea.Quit
		case key.Matches(msg, k.Help, k.Back):
			m.help = false
		}
		return m, nil
	}
	if m.player != nil {
		// The replay controls come first: they take space, p and ←/→ from marking, pausing
		// and switching containers, which keep m, nothing and h/l.
		switch {
		case key.Matches(msg, k.Play):
			return m, playerCmd(m.player, actTogglePlay)
		case key.Matches(msg, k.StepBack):
			return m, playerCmd(m.player, actStepBack)
		case key.Matches(msg, k.StepForward):
			return m, playerCmd(m.player, actStepForward)
		case key.Matches(msg, k.SpeedDown):
			return m, playerCmd(m.player, actSlower)
		case key.Matches(msg, k.SpeedUp):
			return m, playerCmd(m.player, actFaster)
		}
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.help = true
	case key.Matches(msg, k.Pane):
		m.setPane(views.Pane(msg.String()[0] - '0'))
	case key.Matches(msg, k.NextPane):
		m.setPane(m.pane%views.PaneCount + 1)
	case key.Matches(msg, k.PrevPane):
		m.setPane((m.pane+views.PaneCount-2)%views.PaneCount + 1)
	case key.Matches(msg, k.Back):
		switch {
		case m.mode != views.ModePane:
			m.mode = views.ModePane
			m.fixSelection()
		case m.spec.filter != "":
			m.spec.filter = ""
			m.fixSelection()
		}
	case key.Matches(msg, k.Filter):
		m.mode, m.filtering = views.ModePane, true
		m.fixSelection()
	case key.Matches(msg, k.Sort):
		cols := views.SortColumns()
		i := slices.Index(cols, m.spec.column)
		m.spec.column = cols[(i+1)%len(cols)]
		m.spec.descending = defaultDescending(m.spec.column)
		m.notice = "sorted by " + m.spec.column + direction(m.spec.descending)
		m.fixSelection()
	case key.Matches(msg, k.Reverse):
		m.spec.descending = !m.spec.descending
		m.notice = "sorted by " + m.spec.column + direction(m.spec.descending)
		m.fixSelection()
	case key.Matches(msg, k.ShowAll):
		m.spec.showAll = !m.spec.showAll
		m.notice = "hiding stopped containers"
		if m.spec.showAll {
			m.notice = "showing stopped containers"
		}
		m.fixSelection()
	case key.Matches(msg, k.Mark):
		if c := m.focus(); c != nil {
			if m.marks[c.ID] {
				delete(m.marks, c.ID)
			} else {
				m.marks[c.ID] = true
			}
		}
	case key.Matches(msg, k.Measure):
		return m.measureLayer()
	case key.Matches(msg, k.Compare):
		markKey := "space"
		if m.player != nil {
			markKey = "m"
		}
		if n := len(m.compared()); n < 2 {
			m.notice = "compare needs two marked containers: press " + markKey + " on each (" + strconv.Itoa(n) + " marked)"
		} else {
			m.mode, m.compareOffset = views.ModeCompare, 0
		}
	case key.Matches(msg, k.Detail):
		if m.focus() != nil {
			m.mode, m.detailOffset = views.ModeDetail, 0
		}
	case key.Matches(msg, k.Pause):
		m.paused = !m.paused
		if m.paused {
			m.tickSeq++ // the pending tick no longer counts
			m.notice = "paused: press p to resume"
			return m, nil
		}
		m.notice = "resumed"
		return m.startSample()
	case key.Matches(msg, k.Slower, k.Faster):
		return m.stepInterval(key.Matches(msg, k.Slower))
	case key.Matches(msg, k.Down, k.Up, k.Top, k.Bottom, k.PrevContainer, k.NextContainer):
		m.move(msg)
	}
	return m, nil
}

// filterKey edits the filter while it is typed: esc clears it, enter keeps it.
func (m Model) filterKey(msg tea.KeyPressMsg) Model {
	switch msg.String() {
	case "esc":
		m.filtering, m.spec.filter = false, ""
	case "enter":
		m.filtering = false
	case "backspace":
		if _, size := utf8.DecodeLastRuneInString(m.spec.filter); size > 0 {
			m.spec.filter = m.spec.filter[:len(m.spec.filter)-size]
		}
	default:
		if text := msg.Key().Text; text != "" && utf8.RuneCountInString(m.spec.filter) < 64 {
			m.spec.filter += strings.Map(func(r rune) rune {
				if r < 0x20 || r == 0x7f {
					return -1
				}
				return r
			}, text)
		}
	}
	m.fixSelection()
	return m
}

// setPane switches to a pane and leaves the detail and compare views.
func (m *Model) setPane(p views.Pane) {
	if p < 1 || p > views.PaneCount {
		return
	}
	m.pane, m.mode = p, views.ModePane
	m.fixSelection()
	if p == views.PaneProcesses {
		m.procCursor = 0
	}
}

// stepInterval moves the refresh interval one step along intervalSteps.
func (m Model) stepInterval(longer bool) (Model, tea.Cmd) {
	steps := intervalSteps()
	next := m.interval
	if longer {
		for _, s := range steps {
			if s > m.interval {
				next = s
				break
			}
		}
	} else {
		for i := len(steps) - 1; i >= 0; i-- {
			if steps[i] < m.interval {
				next = steps[i]
				break
			}
		}
	}
	if next == m.interval {
		edge := "longest"
		if !longer {
			edge = "shortest"
		}
		m.notice = "refresh interval stays at " + views.FormatInterval(next) + " (the " + edge + ")"
		return m, nil
	}
	m.interval = next
	m.notice = "refresh every " + views.FormatInterval(next)
	if m.paused || m.sampling {
		return m, nil // the next reading's completion schedules the tick
	}
	return m.scheduleTick()
}

// move handles j/k/g/G and the arrows: in the detail and compare views they scroll, in the
// Processes pane they move among processes (←/→ among containers), in the Events pane they
// scroll the events, elsewhere they move the selection.
func (m *Model) move(msg tea.KeyPressMsg) {
	k := m.keys
	step := 0
	switch {
	case key.Matches(msg, k.Down):
		step = 1
	case key.Matches(msg, k.Up):
		step = -1
	case key.Matches(msg, k.Top):
		step = -1 << 30
	case key.Matches(msg, k.Bottom):
		step = 1 << 30
	}
	body := views.BodyHeight(m.height)
	clamp := func(v, hi int) int { return min(max(v, 0), max(hi, 0)) }
	switch {
	case m.mode == views.ModeDetail:
		st := m.state()
		m.detailOffset = clamp(m.detailOffset+step, views.DetailLineCount(st, m.width)-body)
		return
	case m.mode == views.ModeCompare:
		m.compareOffset = clamp(m.compareOffset+step, views.CompareLineCount(m.state())-(body-1))
		return
	case m.pane == views.PaneProcesses:
		if key.Matches(msg, k.PrevContainer, k.NextContainer) {
			dir := 1
			if key.Matches(msg, k.PrevContainer) {
				dir = -1
			}
			m.moveSelection(dir)
			m.procCursor = 0
			return
		}
		m.procCursor = clamp(m.procCursor+step, views.ProcessCount(m.focus())-1)
		return
	case m.pane == views.PaneEvents:
		n := 0
		if m.cur != nil {
			n = len(views.FilterEvents(m.cur.Events, m.spec.filter))
		}
		m.eventsOffset = clamp(m.eventsOffset+step, n-views.ListRows(m.height))
		return
	}
	if step != 0 {
		m.moveSelection(step)
	}
}

// moveSelection moves the selection by step entries of the list, within its ends.
func (m *Model) moveSelection(step int) {
	list := m.visible()
	if len(list) == 0 {
		return
	}
	_, i := m.selected(list)
	if i < 0 {
		i = m.selIndex
	}
	i = min(max(i+step, 0), len(list)-1)
	m.selectedID, m.selIndex = list[i].ID, i
	m.fixSelection()
}

func direction(descending bool) string {
	if descending {
		return " ▼ (S reverses)"
	}
	return " ▲ (S reverses)"
}

// applyPlayback takes in where a replay key moved the play head, and reads the recording there
// at once rather than at the next tick.
func (m Model) applyPlayback(msg playbackMsg) (Model, tea.Cmd) {
	before := m.playback
	pb := msg.playback
	m.playback = &pb
	at := "reading " + strconv.Itoa(pb.Index+1) + "/" + strconv.Itoa(pb.Count)
	switch msg.action {
	case actTogglePlay:
		if pb.Playing {
			m.notice = "playing at " + views.FormatSpeed(pb.Speed) + " from " + at + " (space pauses)"
		} else {
			m.notice = "paused at " + at + " (space plays, ←/→ step)"
		}
	case actStepBack, actStepForward:
		m.notice = at
		if before != nil && before.Index == pb.Index {
			edge := "the first"
			if msg.action == actStepForward {
				edge = "the last"
			}
			m.notice = at + " is " + edge + " reading"
		}
	case actSlower, actFaster:
		m.notice = "playback at " + views.FormatSpeed(pb.Speed)
		if before != nil && before.Speed == pb.Speed {
			edge := "slowest"
			if msg.action == actFaster {
				edge = "fastest"
			}
			m.notice = "playback stays at " + views.FormatSpeed(pb.Speed) + " (the " + edge + ")"
		}
	}
	if m.paused {
		return m, nil
	}
	return m.startSample()
}

// measureLayer starts a measurement of the focused container's writable layer in a command,
// beside the readings; the keys keep working while it walks the files.
func (m Model) measureLayer() (Model, tea.Cmd) {
	c := m.focus()
	switch {
	case c == nil:
		m.notice = "select a container to measure its writable layer"
		return m, nil
	case m.cur != nil && m.cur.Host.Remote:
		m.notice = "writable layer of " + c.Name + ": not available for a remote host"
		return m, nil
	case m.layers == nil:
		m.notice = "writable layers are measured only on a live host, not in a recording"
		return m, nil
	}
	if e, ok := m.measured[c.ID]; ok && e.result.Measuring {
		m.notice = "already measuring the writable layer of " + c.Name
		return m, nil
	}
	m.measureSeq++
	ident := identity(c)
	m.measured[c.ID] = layerEntry{identity: ident, seq: m.measureSeq, name: c.Name, result: views.LayerMeasurement{Measuring: true}}
	m.notice = "measuring the writable layer of " + c.Name + "… (it walks the layer's files; keys keep working)"
	return m, measureCmd(m.ctx, m.layers, c.ID, ident, m.measureSeq, m.opts.LayerTimeout)
}

// applyLayer takes in a measurement, unless it answers an older request or the container has
// changed since (the reading dropped the entry then).
func (m Model) applyLayer(msg layerMsg) Model {
	e, ok := m.measured[msg.id]
	if !ok || e.seq != msg.seq || e.identity != msg.identity {
		return m
	}
	if msg.err != nil {
		e.result = views.LayerMeasurement{Err: msg.err.Error()}
		m.notice = "writable layer of " + e.name + " not measured: " + msg.err.Error()
	} else {
		e.result = views.LayerMeasurement{Bytes: msg.bytes}
		m.notice = "writable layer of " + e.name + ": " + views.FormatBytes(uint64(max(msg.bytes, 0)))
	}
	m.measured[msg.id] = e
	return m
}
