package views

import (
	"strconv"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// The Resources pane's column ids; the TUI sorts by them.
const (
	ColName          = "NAME"
	ColState         = "STATE"
	ColCPU           = "CPU%"
	ColCPULimit      = "CPU LIM"
	ColThrottled     = "THROT%"
	ColMemory        = "MEM"
	ColMemoryLimit   = "MEM LIM"
	ColMemoryPercent = "MEM%"
	ColOOM           = "OOM"
	ColPids          = "PIDS"
	ColNetRx         = "NET RX/s"
	ColNetTx         = "NET TX/s"
	ColIORead        = "IO R/s"
	ColIOWrite       = "IO W/s"
	colGutter        = ""
	colCPUHistory    = "CPU HISTORY"
	colRuntime       = "RUNTIME"
)

// SortColumns lists the columns `s` steps through, in screen order.
func SortColumns() []string {
	return []string{ColName, ColState, ColCPU, ColCPULimit, ColThrottled, ColMemory, ColMemoryLimit,
		ColMemoryPercent, ColOOM, ColPids, ColNetRx, ColNetTx, ColIORead, ColIOWrite}
}

// gutterWidth holds three one-cell markers before every row: selected, marked, has errors.
const gutterWidth = 3

// gutter marks a row: ">" selected, "*" marked, "!" the container has errors.
func gutter(s *State, c *snapshot.Container, selected bool) Cell {
	b := []byte("   ")
	if selected {
		b[0] = '>'
	}
	if s.Marked[c.ID] {
		b[1] = '*'
	}
	if len(c.Errors) > 0 {
		b[2] = '!'
	}
	tone := ToneNone
	if len(c.Errors) > 0 {
		tone = ToneBad
	}
	return Cell{Text: string(b), Tone: tone}
}

// sortTitle adds the sort direction to the title of the sort column.
func sortTitle(s *State, id, title string) string {
	if s.SortColumn != id {
		return title
	}
	if s.SortDescending {
		return title + "▼"
	}
	return title + "▲"
}

// nameClaimWidth bounds the room a NAME column claims ahead of less important columns: most
// names fit in it, and one very long name is cut rather than pushing several columns out.
const nameClaimWidth = 20

// nameWidth is the width the NAME column may grow to: the longest name shown, within bounds.
func nameWidth(cs []*snapshot.Container, limit int) int {
	w := 4
	for _, c := range cs {
		if n := len(c.Name); n > w {
			w = n
		}
		if w >= limit {
			return limit
		}
	}
	return w + 1
}

func resourcesColumns(s *State) []Column {
	col := func(id string, width int, align Align, prio int) Column {
		return Column{ID: id, Title: sortTitle(s, id, id), Width: width, Align: align, Priority: prio}
	}
	state := col(ColState, 8, AlignLeft, 1)
	// A container found without an engine says so in words where the column has room for
	// them, else with a mark the legend under the table explains.
	for _, c := range s.Containers {
		if c.FoundWithoutEngine {
			state.Grow, state.MaxWidth = true, 20
			state.Want = max(state.Want, Width(c.State+noEngineWords))
		}
	}
	cols := []Column{
		{ID: colGutter, Width: gutterWidth},
		{ID: ColName, Title: sortTitle(s, ColName, ColName), Width: 12, Grow: true, MaxWidth: 40, Want: nameWidth(s.Containers, 40)},
		state,
	}
	if multipleRuntimes(s.Snapshot) {
		cols = append(cols, Column{ID: colRuntime, Title: colRuntime, Width: min(max(runtimeWidth(s.Containers), len(colRuntime)), 10), Priority: 3,
			Grow: true, MaxWidth: 14, Want: runtimeWidth(s.Containers)})
	}
	cols = append(cols,
		col(ColCPU, 6, AlignRight, 0),
		col(ColCPULimit, 8, AlignRight, 2),
		col(ColThrottled, 7, AlignRight, 2),
		col(ColMemory, 7, AlignRight, 0),
		col(ColMemoryLimit, 8, AlignRight, 2),
		col(ColMemoryPercent, 5, AlignRight, 1),
		col(ColOOM, 4, AlignRight, 1),
		col(ColPids, 9, AlignRight, 3),
		col(ColNetRx, 9, AlignRight, 4),
		col(ColNetTx, 9, AlignRight, 4),
		col(ColIORead, 7, AlignRight, 5),
		col(ColIOWrite, 7, AlignRight, 5),
		Column{ID: colCPUHistory, Title: colCPUHistory, Width: 11, Priority: 6, Grow: true, MaxWidth: 60},
	)
	return cols
}

// noEngineWords follow the state of a container that no engine lists; noEngineMark stands
// for them where the column is narrow.
const (
	noEngineWords = " (no engine)"
	noEngineMark  = "†"
	noEngineNote  = noEngineMark + " found by its cgroup alone: no engine lists it (no name, image or config)"
)

// stateCell is a container's state, with what marks one found without an engine.
func stateCell(c *snapshot.Container, width int) Cell {
	text := c.State
	if c.FoundWithoutEngine {
		if Width(text+noEngineWords) <= width {
			text += noEngineWords
		} else {
			text += noEngineMark
		}
	}
	return Cell{Text: text, Tone: stateTone(c.State)}
}

// multipleRuntimes reports whether the reading holds more than one engine's containers, or
// more than one engine answered: the Resources pane then says whose each container is.
func multipleRuntimes(snap *snapshot.Snapshot) bool {
	if snap == nil {
		return false
	}
	names := map[string]bool{}
	for i := range snap.Containers {
		if r := snap.Containers[i].Runtime; r != "" {
			names[r] = true
		}
	}
	reachable := 0
	for _, r := range snap.Runtimes {
		if r.Reachable {
			reachable++
		}
	}
	return len(names) > 1 || reachable > 1
}

func runtimeWidth(cs []*snapshot.Container) int {
	w := 0
	for _, c := range cs {
		w = max(w, Width(c.Runtime))
	}
	return w
}

// resourcesPane draws pane 1: one row per container with its use against its limits.
func resourcesPane(s *State, width, height int, st Styles) []string {
	if len(s.Containers) == 0 {
		return emptyState(s, width, height, st)
	}
	cols := resourcesColumns(s)
	rows := height - 1
	legend := ""
	if height >= 4 {
		legend = resourcesLegend(s, cols, width)
	}
	if legend != "" {
		rows--
	}
	t := Table{
		Columns:  cols,
		Rows:     len(s.Containers),
		Offset:   windowStart(s.Offset, s.Selected, len(s.Containers), rows),
		Selected: func(r int) bool { return r == s.Selected },
		Cell: func(r, col, w int) Cell {
			return resourcesCell(s, s.Containers[r], cols[col].ID, r == s.Selected, w)
		},
	}
	if legend == "" {
		return t.Render(width, height, st)
	}
	lines := t.Render(width, height-1, st)
	for len(lines) < height-1 {
		lines = append(lines, "")
	}
	return append(lines, st.Dim.Render(Truncate(legend, width)))
}

// resourcesLegend explains the mark of containers found without an engine, when a row on the
// list carries it rather than the words.
func resourcesLegend(s *State, cols []Column, width int) string {
	kept, widths := Table{Columns: cols}.Layout(width)
	stateWidth := 0
	for k, i := range kept {
		if cols[i].ID == ColState {
			stateWidth = widths[k]
		}
	}
	for _, c := range s.Containers {
		if c.FoundWithoutEngine && Width(c.State+noEngineWords) > stateWidth {
			return noEngineNote
		}
	}
	return ""
}

func resourcesCell(s *State, c *snapshot.Container, id string, selected bool, width int) Cell {
	if id == colGutter {
		return gutter(s, c, selected)
	}
	running := c.Running()
	switch id {
	case ColName:
		if !running {
			return Cell{Text: c.Name, Tone: ToneDim}
		}
		return Cell{Text: c.Name}
	case ColState:
		return stateCell(c, width)
	case colRuntime:
		return Cell{Text: orAbsent(c.Runtime)}
	}
	if !running {
		return Cell{Text: absent, Tone: ToneDim}
	}
	switch id {
	case ColCPU:
		if c.CPU == nil {
			return Cell{Text: absent}
		}
		return Cell{Text: FormatPercent(c.CPU.UsagePercent), Tone: percentTone(c.CPU.PercentOfLimit, 70, 90)}
	case ColCPULimit:
		if c.CPU == nil {
			return Cell{Text: absent}
		}
		return Cell{Text: FormatCores(c.CPU.LimitCores)}
	case ColThrottled:
		if c.CPU == nil {
			return Cell{Text: absent}
		}
		return Cell{Text: FormatPercent(c.CPU.ThrottledPercent), Tone: percentTone(c.CPU.ThrottledPercent, 5, 25)}
	case ColMemory:
		if c.Memory == nil {
			return Cell{Text: absent}
		}
		return Cell{Text: FormatBytes(c.Memory.WorkingSetBytes)}
	case ColMemoryLimit:
		if c.Memory == nil {
			return Cell{Text: absent}
		}
		return Cell{Text: FormatLimitBytes(c.Memory.LimitBytes)}
	case ColMemoryPercent:
		pct, ofLimit := MemoryPercent(c, s.Snapshot)
		if !ofLimit {
			return Cell{Text: FormatPercent(pct)}
		}
		return Cell{Text: FormatPercent(pct), Tone: percentTone(pct, 75, 90)}
	case ColOOM:
		n := OOMKills(c)
		if n == nil {
			return Cell{Text: absent}
		}
		if *n > 0 {
			return Cell{Text: strconv.FormatUint(*n, 10), Tone: ToneBad}
		}
		return Cell{Text: "0"}
	case ColPids:
		return pidsCell(c)
	case ColNetRx, ColNetTx:
		if SharesHostNetwork(c) {
			return Cell{Text: "host", Tone: ToneDim}
		}
		if c.Network != nil && c.Network.Mode == "none" {
			return Cell{Text: "none", Tone: ToneDim} // loopback only: nothing to count
		}
		rx, tx := NetworkRates(c)
		if id == ColNetRx {
			return Cell{Text: FormatRate(rx)}
		}
		return Cell{Text: FormatRate(tx)}
	case ColIORead, ColIOWrite:
		if c.IO == nil {
			return Cell{Text: absent}
		}
		if id == ColIORead {
			return Cell{Text: FormatRate(c.IO.ReadBytesPerSecond)}
		}
		return Cell{Text: FormatRate(c.IO.WriteBytesPerSecond)}
	case colCPUHistory:
		return Cell{Text: Sparkline(s.history(c.ID).CPUPercent, width, cpuScale(c)), Tone: ToneAccent}
	}
	return Cell{}
}

// stateTone colours a container state; the state is always written out too.
func stateTone(state string) Tone {
	switch state {
	case "running":
		return ToneGood
	case "paused", "restarting", "removing":
		return ToneWarn
	case "dead":
		return ToneBad
	}
	return ToneDim
}

// percentTone warns at warn percent and alarms at bad percent.
func percentTone(v *float64, warn, bad float64) Tone {
	switch {
	case v == nil:
		return ToneNone
	case *v >= bad:
		return ToneBad
	case *v >= warn:
		return ToneWarn
	}
	return ToneNone
}

func pidsCell(c *snapshot.Container) Cell {
	if c.Pids == nil {
		return Cell{Text: absent}
	}
	text := strconv.FormatUint(c.Pids.Current, 10) + "/"
	if c.Pids.Limit == nil {
		return Cell{Text: text + absent}
	}
	text += strconv.FormatUint(*c.Pids.Limit, 10)
	if *c.Pids.Limit > 0 {
		pct := float64(c.Pids.Current) / float64(*c.Pids.Limit) * 100
		return Cell{Text: text, Tone: percentTone(&pct, 75, 90)}
	}
	return Cell{Text: text}
}

// cpuScale is the top of a CPU sparkline: the limit if there is one, else one core (busier
// readings fill the bar).
func cpuScale(c *snapshot.Container) float64 {
	if c.CPU != nil && c.CPU.LimitCores != nil && *c.CPU.LimitCores > 0 {
		return *c.CPU.LimitCores * 100
	}
	return 100
}

// windowStart is the first of rows list entries to show so that sel is visible, moving the
// previous start as little as possible.
func windowStart(offset, sel, n, rows int) int {
	if rows <= 0 {
		return 0
	}
	if sel >= 0 {
		if sel < offset {
			offset = sel
		}
		if sel >= offset+rows {
			offset = sel - rows + 1
		}
	}
	if offset > n-rows {
		offset = n - rows
	}
	if offset < 0 {
		offset = 0
	}
	return offset
}

// ListRows is how many list entries a one-row-per-container pane shows at a terminal height:
// the TUI uses it to page and to keep its scroll offset in step with the screen.
func ListRows(height int) int {
	return max(height-chromeLines-1, 1)
}
