// Package tui is boxtop's live terminal UI: a Bubble Tea model around the pure views.
//
// The model holds what the screen needs between frames (the current and previous readings, a
// bounded history per container, the selection, filter, marks, sort, pane, pause and interval)
// and nothing else. Readings come from a Source, always inside a tea.Cmd with a context and a
// timeout, never in Update or View, so a slow or hung engine never freezes the keys. Only one
// reading is in flight at a time; ticks, inventory changes and keys that need fresh data all
// go through the same gate.
package tui
