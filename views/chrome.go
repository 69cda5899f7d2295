package views

import (
	"sort"
	"strconv"
	"strings"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// segment is one part of a line that may be shortened or left out when the line is too narrow.
type segment struct {
	text string
	// short, if set, says the same in fewer cells ("6.1.0-18-amd64" for "kernel
	// 6.1.0-18-amd64"); it is used before any segment is left out.
	short    string
	paint    Paint
	priority int // 0 stays; higher goes first
}

// fitSegments joins segments with sep. While the line is too wide it first puts the short
// forms in, least important first, then leaves out the least important segments; then it
// takes back those left out that fit after all and gives back the full forms it has room
// for, most important first, and truncates whatever still does not fit.
func fitSegments(segs []segment, sep string, width int) string {
	keep := make([]bool, len(segs))
	short := make([]bool, len(segs))
	for i := range keep {
		keep[i] = true
	}
	text := func(i int) string {
		if short[i] {
			return segs[i].short
		}
		return segs[i].text
	}
	total := func() int {
		n, first := 0, true
		for i := range segs {
			if !keep[i] {
				continue
			}
			if !first {
				n += Width(sep)
			}
			n += Width(text(i))
			first = false
		}
		return n
	}
	// least picks the kept segment that goes first (the highest priority, the later of a
	// tie) among those ok accepts, or -1.
	least := func(ok func(i int) bool) int {
		worst := -1
		for i, s := range segs {
			if keep[i] && ok(i) && (worst < 0 || s.priority >= segs[worst].priority) {
				worst = i
			}
		}
		return worst
	}
	for total() > width {
		i := least(func(i int) bool { return segs[i].short != "" && !short[i] })
		if i < 0 {
			break
		}
		short[i] = true
	}
	for total() > width {
		i := least(func(i int) bool { return segs[i].priority > 0 })
		if i < 0 {
			break
		}
		keep[i] = false
	}
	// A segment left out may fit again once a wider one has gone (the cgroup version once a
	// second engine's name is out), and a full form may fit again: most important first.
	dropped := make([]int, 0, len(segs))
	for i := range segs {
		if !keep[i] {
			dropped = append(dropped, i)
		}
	}
	sort.SliceStable(dropped, func(a, b int) bool { return segs[dropped[a]].priority < segs[dropped[b]].priority })
	for _, i := range dropped {
		keep[i] = true
		if total() > width {
			keep[i] = false
		}
	}
	for i := range segs {
		if keep[i] && short[i] {
			short[i] = false
			if total() > width {
				short[i] = true
			}
		}
	}
	var b strings.Builder
	used, first := 0, true
	for i, s := range segs {
		if !keep[i] || used >= width {
			continue
		}
		if !first {
			b.WriteString(sep)
			used += Width(sep)
		}
		t := Truncate(text(i), width-used)
		b.WriteString(s.paint.Render(t))
		used += Width(t)
		first = false
	}
	return b.String()
}

// headerLine is the host line: what this machine is, and how boxtop is reading it.
func headerLine(s *State, width int, st Styles) string {
	var segs []segment
	if s.Replay {
		when := "REPLAY"
		if s.Snapshot != nil && !s.Snapshot.Time.IsZero() {
			when += " " + s.Snapshot.Time.In(s.location()).Format("2006-01-02 15:04:05")
		}
		segs = append(segs, segment{text: when, paint: st.Replay})
		if p := s.Playback; p != nil {
			segs = append(segs, playbackSegments(p, st)...)
		}
	}
	if s.Snapshot == nil {
		segs = append(segs, segment{text: "boxtop", paint: st.Header})
	} else {
		h := s.Snapshot.Host
		segs = append(segs, hostSegment(s.Snapshot, st))
		if h.Kernel != "" {
			// Next to the host name, as uname -nr puts it; the bare release still reads as one.
			segs = append(segs, segment{text: "kernel " + h.Kernel, short: h.Kernel, priority: 5})
		}
		running, total := 0, len(s.Snapshot.Containers)
		for i := range s.Snapshot.Containers {
			if s.Snapshot.Containers[i].Running() {
				running++
			}
		}
		segs = append(segs, segment{text: strconv.Itoa(running) + "/" + strconv.Itoa(total) + " running", priority: 1})
		segs = append(segs, runtimeSegments(s, st)...)
		cg := "cgroup v" + strconv.Itoa(h.CgroupVersion)
		if h.CgroupVersion == 0 {
			cg = "cgroup ?"
		}
		cgSeg := segment{text: cg, priority: 3}
		if h.CgroupDriver != nil {
			// The version matters more than the driver when room is short.
			cgSeg.text, cgSeg.short = cg+" "+*h.CgroupDriver, cg
		}
		segs = append(segs, cgSeg)
		if h.CPUs > 0 || h.MemoryBytes > 0 {
			segs = append(segs, segment{text: strconv.Itoa(h.CPUs) + " CPUs " + FormatBytes(h.MemoryBytes), priority: 4})
		}
	}
	if s.Paused {
		segs = append(segs, segment{text: "PAUSED", paint: st.Replay})
	}
	switch {
	case !s.Replay || s.Paused:
		segs = append(segs, segment{text: "every " + FormatInterval(s.Interval), priority: 1})
	case s.Playback == nil:
		segs = append(segs, segment{text: "step " + FormatInterval(s.Interval), priority: 2})
	}
	if s.Collecting {
		segs = append(segs, segment{text: "collecting…", paint: st.Warn, priority: 1})
	}
	if s.Label != "" {
		segs = append(segs, segment{text: s.Label, paint: st.Dim, priority: 6})
	}
	return fitSegments(segs, " · ", width)
}

// hostSegment names the machine. A remote engine's host says so, with how it is reached, so
// that nobody takes its figures for this machine's.
func hostSegment(snap *snapshot.Snapshot, st Styles) segment {
	h := snap.Host
	if !h.Remote {
		return segment{text: orAbsent(h.Hostname), paint: st.Header}
	}
	endpoint := ""
	for _, r := range snap.Runtimes {
		if r.Endpoint != "" && (endpoint == "" || r.Reachable) {
			endpoint = r.Endpoint
		}
	}
	name := h.Hostname
	if name == "" {
		name = endpointHost(endpoint)
	}
	seg := segment{text: "remote " + orAbsent(name), paint: st.Header}
	if endpoint != "" {
		seg.text, seg.short = seg.text+" via "+endpoint, seg.text
	}
	return seg
}

// endpointHost is the machine of an engine address: "web-1" of "ssh://admin@web-1:22".
func endpointHost(endpoint string) string {
	_, rest, ok := strings.Cut(endpoint, "://")
	if !ok {
		return ""
	}
	if _, after, ok := strings.Cut(rest, "@"); ok {
		rest = after
	}
	rest, _, _ = strings.Cut(rest, "/")
	if inner, ok := strings.CutPrefix(rest, "["); ok { // [::1]:2376
		host, _, _ := strings.Cut(inner, "]")
		return host
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && strings.Count(rest, ":") == 1 {
		return rest[:i]
	}
	return rest
}

// playbackSegments say where a recording's play head is: the reading of how many, whether it
// plays (in a word as well as the symbol) and how fast.
func playbackSegments(p *Playback, st Styles) []segment {
	state := "⏸ paused"
	if p.Playing {
		state = "▶ playing"
	}
	return []segment{
		{text: strconv.Itoa(p.Index+1) + "/" + strconv.Itoa(p.Count)},
		{text: state + " " + FormatSpeed(p.Speed), paint: st.Replay},
	}
}

// runtimeSegments name the engines: version and API where one answered, "unreachable" where not.
func runtimeSegments(s *State, st Styles) []segment {
	if len(s.Snapshot.Runtimes) == 0 {
		return []segment{{text: "no engine", paint: st.Warn, priority: 2}}
	}
	var segs []segment
	several := len(s.Snapshot.Runtimes) > 1
	for _, r := range s.Snapshot.Runtimes {
		if !r.Reachable {
			segs = append(segs, segment{text: r.Name + " unreachable", paint: st.Bad, priority: 2})
			continue
		}
		text := r.Name
		if r.Version != nil {
			text += " " + *r.Version
		}
		// The API version is what goes first when two engines share a narrow line: both
		// names then still fit at 80 columns. One engine keeps it before the CPUs.
		seg := segment{text: text, priority: 2}
		if r.APIVersion != nil {
			seg.text = text + " API " + *r.APIVersion
			if several {
				seg.short = text
			}
		}
		segs = append(segs, seg)
	}
	return segs
}

// tabsLine lists the panes with the active one bracketed (readable without colour), or in the
// detail and compare views, where the user is and how to go back.
func tabsLine(s *State, width int, st Styles) string {
	if !s.Help && s.Mode != ModePane {
		what := "detail"
		if s.Mode == ModeCompare {
			what = "compare: " + strconv.Itoa(len(s.Compared)) + " marked"
		} else if s.Focus != nil {
			what = "detail: " + s.Focus.Name
		}
		return fitSegments([]segment{
			{text: "[" + what + "]", paint: st.TabActive},
			{text: "esc back to " + s.Pane.Title(), paint: st.Tab, priority: 1},
		}, "  ", width)
	}
	build := func(short bool) []segment {
		segs := make([]segment, 0, PaneCount+1)
		for p := Pane(1); p <= PaneCount; p++ {
			title := p.Title()
			if short {
				title = p.shortTitle()
			}
			label := strconv.Itoa(int(p)) + " " + title
			if p == s.Pane {
				segs = append(segs, segment{text: "[" + label + "]", paint: st.TabActive})
			} else {
				segs = append(segs, segment{text: " " + label + " ", paint: st.Tab})
			}
		}
		return segs
	}
	segs := build(false)
	if segmentsWidth(segs, "") > width {
		segs = build(true)
	}
	line := fitSegments(segs, "", width)
	if extra := listSummary(s); extra != "" && Width(line)+2+Width(extra) <= width {
		line += strings.Repeat(" ", width-Width(line)-Width(extra)) + st.Dim.Render(extra)
	}
	return line
}

// listSummary says what shapes the list: stopped containers shown, marks.
func listSummary(s *State) string {
	var parts []string
	if s.ShowAll {
		parts = append(parts, "all")
	}
	if n := len(s.Marked); n > 0 {
		parts = append(parts, strconv.Itoa(n)+" marked")
	}
	return strings.Join(parts, " · ")
}

func segmentsWidth(segs []segment, sep string) int {
	n := 0
	for i, s := range segs {
		if i > 0 {
			n += Width(sep)
		}
		n += Width(s.text)
	}
	return n
}

// footerLine shows the filter being typed, or the latest status or error, then as many key
// hints as fit.
func footerLine(s *State, width int, st Styles) string {
	if s.Filtering {
		prompt := "/" + s.Filter + "█"
		return fitSegments([]segment{
			{text: prompt, paint: st.Accent},
			{text: "enter keep · esc clear", paint: st.Footer, priority: 1},
		}, "   ", width)
	}
	var segs []segment
	if s.Filter != "" {
		segs = append(segs, segment{text: "/" + s.Filter, paint: st.Accent})
	}
	if s.Status != "" {
		status := compactIDs(sanitize(s.Status))
		if s.StatusIsError {
			segs = append(segs, segment{text: "error: " + status, paint: st.Error})
		} else {
			segs = append(segs, segment{text: status, paint: st.Footer})
		}
	}
	left := fitSegments(segs, "  ", max(width-8, 1))
	used := Width(left)
	var hints []string
	for i, h := range footerHints(s) {
		text := st.Key.Render(h.Keys) + " " + st.Footer.Render(h.Desc)
		need := Width(h.Keys) + 1 + Width(h.Desc)
		if used > 0 || i > 0 {
			need += 2
		}
		if used+need > width {
			break
		}
		hints = append(hints, text)
		used += need
	}
	if len(hints) == 0 {
		return left
	}
	joined := strings.Join(hints, "  ")
	if left == "" {
		return joined
	}
	return left + strings.Repeat(" ", max(width-used, 0)+2) + joined
}

// footerHints are the keys worth a reminder in the current view, most useful first. A
// recording that can be played puts its controls first, and takes space for them, so marking
// is on m there.
func footerHints(s *State) []KeyHelp {
	play := s.Playback != nil
	var controls []KeyHelp
	if play {
		controls = []KeyHelp{{"space", "play/pause"}, {"←/→", "step"}, {"[/]", "speed"}}
	}
	measure := s.CanMeasureLayers && !s.remote()
	switch {
	case s.Help:
		return []KeyHelp{{"esc", "close"}, {"q", "quit"}}
	case s.Mode == ModeDetail:
		hints := append([]KeyHelp{{"esc", "back"}, {"j/k", "scroll"}}, controls...)
		if measure {
			hints = append(hints, KeyHelp{"w", "measure layer"})
		}
		return append(hints, KeyHelp{"?", "help"}, KeyHelp{"q", "quit"})
	case s.Mode == ModeCompare:
		return append(append([]KeyHelp{{"esc", "back"}, {"j/k", "scroll"}}, controls...), KeyHelp{"?", "help"}, KeyHelp{"q", "quit"})
	}
	hints := append([]KeyHelp{{"?", "help"}, {"q", "quit"}}, controls...)
	hints = append(hints, KeyHelp{"enter", "detail"})
	if s.Pane == PaneProcesses {
		if play {
			hints = append(hints, KeyHelp{"h/l", "container"})
		} else {
			hints = append(hints, KeyHelp{"←/→", "container"})
		}
	}
	if s.Pane == PaneStorage && measure {
		hints = append(hints, KeyHelp{"w", "measure layer"})
	}
	hints = append(hints, KeyHelp{"/", "filter"}, KeyHelp{"s", "sort"})
	if play {
		return append(hints, KeyHelp{"m", "mark"}, KeyHelp{"c", "compare"}, KeyHelp{"a", "all"}, KeyHelp{"+/-", "interval"})
	}
	return append(hints, KeyHelp{"space", "mark"}, KeyHelp{"c", "compare"}, KeyHelp{"a", "all"}, KeyHelp{"p", "pause"},
		KeyHelp{"+/-", "interval"})
}
