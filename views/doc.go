// Package views turns boxtop's data into the text of its screens. Every exported function is a
// pure function of (data, width, height, styles) to a string: no Bubble Tea, no I/O, no package
// state. That keeps the screens testable as golden files at any size, and lets the TUI stay a
// thin loop around them.
//
// Rules every view keeps: no line is wider than the width it is given and none wraps; a view
// returns at most height lines; meaning never rests on colour alone (every coloured state also
// has a word or a symbol); "unlimited" reads "-" or "none", never a huge number; what cannot
// be known for a remote engine's host (its /proc: namespaces, processes, pressure, interface
// addresses, veth peers) says "not available for a remote host", never a dash that would read
// as data.
package views
