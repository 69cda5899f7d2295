package tui

import (
	"charm.land/bubbles/v2/key"

	"github.com/boxtop/boxtop/views"
)

// keyMap is every key boxtop answers to. The help overlay is built from it, so a key cannot
// work without being listed.
type keyMap struct {
	Quit, ForceQuit, Help               key.Binding
	Pane, NextPane, PrevPane            key.Binding
	Down, Up, Top, Bottom               key.Binding
	Detail, Back, Filter, Sort, Reverse key.Binding
	Mark, Compare, ShowAll, Pause       key.Binding
	Slower, Faster                      key.Binding
	PrevContainer, NextContainer        key.Binding
	Measure                             key.Binding

	// The replay controls, answered only when the data is a recording that can be played.
	// They come before the keys they share (space marks, p pauses and ←/→ switch containers
	// in the live view).
	Play, StepBack, StepForward, SpeedDown, SpeedUp key.Binding
	// ReplayContainer is ←/→'s job in the Processes pane taken by h/l alone.
	ReplayContainer key.Binding
}

func newKeyMap() keyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return keyMap{
		Quit:          b([]string{"q"}, "q ctrl+c", "quit"),
		ForceQuit:     b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		Help:          b([]string{"?"}, "?", "this help"),
		Pane:          b([]string{"1", "2", "3", "4", "5", "6"}, "1-6", "switch pane"),
		NextPane:      b([]string{"tab"}, "tab shift+tab", "next / previous pane"),
		PrevPane:      b([]string{"shift+tab"}, "shift+tab", "previous pane"),
		Down:          b([]string{"j", "down"}, "j k ↓ ↑", "move, scroll"),
		Up:            b([]string{"k", "up"}, "k ↑", "up"),
		Top:           b([]string{"g", "home"}, "g G home end", "top / bottom"),
		Bottom:        b([]string{"G", "end"}, "G", "bottom"),
		Detail:        b([]string{"enter"}, "enter", "detail view"),
		Back:          b([]string{"esc"}, "esc", "back / clear filter"),
		Filter:        b([]string{"/"}, "/", "filter by name"),
		Sort:          b([]string{"s"}, "s S", "sort column / reverse"),
		Reverse:       b([]string{"S"}, "S", "reverse sort"),
		Mark:          b([]string{"space", "m"}, "space m", "mark for compare"),
		Compare:       b([]string{"c"}, "c", "compare marked"),
		ShowAll:       b([]string{"a"}, "a", "show / hide stopped"),
		Pause:         b([]string{"p"}, "p", "pause / resume"),
		Slower:        b([]string{"+"}, "+ -", "interval up / down"),
		Faster:        b([]string{"-"}, "-", "shorter interval"),
		PrevContainer: b([]string{"left", "h"}, "← → h l", "processes: container"),
		NextContainer: b([]string{"right", "l"}, "→ l", "next container"),
		Measure:       b([]string{"w"}, "w", "measure writable layer"),

		Play:            b([]string{"space", "p"}, "space p", "play / pause the recording"),
		StepBack:        b([]string{"left"}, "← →", "step one reading back / on"),
		StepForward:     b([]string{"right"}, "→", "step one reading on"),
		SpeedDown:       b([]string{"["}, "[ ]", "playback slower / faster"),
		SpeedUp:         b([]string{"]"}, "]", "playback faster"),
		ReplayContainer: b([]string{"h", "l"}, "h l", "processes: container"),
	}
}

// helpEntries are the help overlay's lines: one per key or pair of keys. A recording that can
// be played lists its controls and the keys that make way for them (marking on m alone);
// w is listed where a writable layer can be measured.
func (k keyMap) helpEntries(replay, measure bool) []views.KeyHelp {
	list := []key.Binding{k.Quit, k.Help, k.Pane, k.NextPane, k.Down, k.Top, k.Detail, k.Back, k.Filter, k.Sort}
	if replay {
		mark := key.NewBinding(key.WithKeys("m"), key.WithHelp("m", k.Mark.Help().Desc))
		list = append(list, k.Play, k.StepBack, k.SpeedDown, mark, k.Compare, k.ShowAll, k.Slower, k.ReplayContainer)
	} else {
		list = append(list, k.Mark, k.Compare, k.ShowAll, k.Pause, k.Slower, k.PrevContainer)
	}
	if measure {
		list = append(list, k.Measure)
	}
	out := make([]views.KeyHelp, 0, len(list))
	for _, b := range list {
		h := b.Help()
		out = append(out, views.KeyHelp{Keys: h.Key, Desc: h.Desc})
	}
	return out
}
