// Package tui is boxtop's live terminal UI: a Bubble Tea model around the pure views.
//
// The model holds what the screen needs between frames (the current and previous readings, a
// bounded history per container, the selection, filter, marks, sort, pane, pause and interval)
// and nothing else. Readings come from a Source, always inside a tea.Cmd with a context and a
// timeout, never in Update or View, so a slow or hung engine never freezes the keys. Only one
// reading is in flight at a time; ticks, inventory changes and keys that need fresh data all
// go through the same gate.
//
// Two optional interfaces widen what a Source can do, declared here so that the TUI imports
// no collector: a Player (a recording) gets the replay keys (space or p play and pause, ←/→
// step one reading, [ and ] change the speed; marking moves to m), and a LayerMeasurer (the
// live collector) measures a container's writable layer when w is pressed, in a command of its
// own with a time limit, beside the readings rather than through their gate. A measurement is
// kept per container until the container's identity (id, start, init pid) changes.
package tui
