package views

import (
	"fmt"
	"strings"
)

// The smallest terminal boxtop draws in; below it one line asks for a larger one.
const (
	MinWidth  = 40
	MinHeight = 10
)

// chromeLines are the lines around the body: the header, the tabs and the footer.
const chromeLines = 3

// BodyHeight is the number of lines the pane (or detail, compare, help) gets at a terminal height.
func BodyHeight(height int) int { return max(height-chromeLines, 0) }

// Render draws the whole screen: the header, the tabs, the body and the footer, in exactly
// height lines of at most width cells (one line when the terminal is too small).
func Render(s State, width, height int, st Styles) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	if width < MinWidth || height < MinHeight {
		return Truncate(fmt.Sprintf("terminal too small (%dx%d): boxtop needs at least %dx%d", width, height, MinWidth, MinHeight), width)
	}
	bodyHeight := BodyHeight(height)
	lines := make([]string, 0, height)
	lines = append(lines, headerLine(&s, width, st), tabsLine(&s, width, st))
	body := fitLines(renderBody(&s, width, bodyHeight, st), width, bodyHeight)
	lines = append(lines, body...)
	for range bodyHeight - len(body) {
		lines = append(lines, "")
	}
	lines = append(lines, footerLine(&s, width, st))
	return strings.Join(fitLines(lines, width, height), "\n")
}

// renderBody draws what sits between the tabs and the footer.
func renderBody(s *State, width, height int, st Styles) []string {
	switch {
	case s.Help:
		return helpView(s, width, height, st)
	case s.Mode == ModeDetail:
		return detailView(s, width, height, st)
	case s.Mode == ModeCompare:
		return compareView(s, width, height, st)
	}
	if s.Snapshot == nil {
		return []string{st.Dim.Render("collecting the first reading…")}
	}
	switch s.Pane {
	case PaneIsolation:
		return isolationPane(s, width, height, st)
	case PaneNetwork:
		return networkPane(s, width, height, st)
	case PaneProcesses:
		return processesPane(s, width, height, st)
	case PaneEvents:
		return eventsPane(s, width, height, st)
	case PaneStorage:
		return storagePane(s, width, height, st)
	}
	return resourcesPane(s, width, height, st)
}
