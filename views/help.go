package views

import (
	"strings"
)

// helpLegend explains the markers the panes use, since none of them rests on colour.
func helpLegend() []KeyHelp {
	return []KeyHelp{
		{">", "selected"},
		{"*", "marked"},
		{"!", "row: read errors (see detail)"},
		{"x!", "value: config and kernel disagree"},
		{"host/own/=NAME", "namespace: the host's, private, shared with NAME"},
		{"◆", "process namespaces differ from init's"},
		{"⚠", "sensitive host path mounted"},
		{"◇", "mount the engine does not list"},
		{"†", "found by cgroup alone, no engine lists it"},
		{"n/a (remote)", "needs the remote host's /proc"},
		{"≠", "containers differ"},
		{"-", "unlimited, n/a or not read"},
	}
}

// helpView draws the help overlay in a box in the middle of the body: every key (in two
// columns when one does not fit the height), then a legend of the markers.
func helpView(s *State, width, height int, st Styles) []string {
	inner := min(width-4, 96)
	keyWidth := 0
	for _, e := range s.Keys {
		keyWidth = max(keyWidth, Width(e.Keys))
	}
	keyWidth = min(keyWidth, 16)
	entry := func(e KeyHelp, w int) string {
		return st.Key.Render(padRight(e.Keys, keyWidth)) + " " + Truncate(e.Desc, max(w-keyWidth-1, 1))
	}
	legend := wrapItems(helpLegend(), " · ", inner)
	maxRows := height - 2 // the box's borders
	var body []string
	oneColumn := 1 + len(s.Keys) + 1 + len(legend)
	if oneColumn <= maxRows || inner < 2*(keyWidth+12)+3 {
		body = append(body, st.Section.Render("KEYS"))
		for _, e := range s.Keys {
			body = append(body, entry(e, inner))
		}
	} else {
		body = append(body, st.Section.Render("KEYS"))
		colWidth := (inner - 3) / 2
		half := (len(s.Keys) + 1) / 2
		for i := 0; i < half; i++ {
			left := padRight(entry(s.Keys[i], colWidth), colWidth)
			if i+half < len(s.Keys) {
				left += "   " + entry(s.Keys[i+half], colWidth)
			}
			body = append(body, left)
		}
	}
	body = append(body, st.Section.Render("MARKERS"))
	body = append(body, legend...)
	if len(body) > maxRows {
		body = append(body[:max(maxRows-1, 0)], st.Dim.Render("… (a taller terminal shows the rest)"))
	}
	used := 0
	for _, l := range body {
		used = max(used, Width(l))
	}
	inner = min(used, inner)
	box := make([]string, 0, len(body)+2)
	pad := strings.Repeat(" ", max((width-inner-4)/2, 0))
	box = append(box, pad+"┌"+strings.Repeat("─", inner+2)+"┐")
	for _, l := range body {
		box = append(box, pad+"│ "+padRight(l, inner)+" │")
	}
	return append(box, pad+"└"+strings.Repeat("─", inner+2)+"┘")
}

// wrapItems flows "KEY meaning" items into lines of at most width cells.
func wrapItems(items []KeyHelp, sep string, width int) []string {
	var lines []string
	var cur strings.Builder
	curWidth := 0
	for _, it := range items {
		text := it.Keys + " " + it.Desc
		w := Width(text)
		if curWidth > 0 && curWidth+Width(sep)+w > width {
			lines = append(lines, cur.String())
			cur.Reset()
			curWidth = 0
		}
		if curWidth > 0 {
			cur.WriteString(sep)
			curWidth += Width(sep)
		}
		cur.WriteString(Truncate(text, width))
		curWidth += min(w, width)
	}
	if curWidth > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
