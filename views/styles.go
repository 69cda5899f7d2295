package views

import (
	"image/color"

	"github.com/charmbracelet/x/ansi"
)

// Paint is one text style, kept as the SGR sequence that opens it so that painting a table
// cell is a string concatenation rather than a layout pass. The zero Paint leaves text as it is,
// which is how the plain (golden-file) rendering gets no escape codes at all.
type Paint struct{ open string }

// NewPaint precomputes the escape sequence of an ANSI style.
func NewPaint(s ansi.Style) Paint {
	if len(s) == 0 {
		return Paint{}
	}
	return Paint{open: s.String()}
}

// Render wraps s in the style. Text that is empty or unstyled comes back unchanged.
func (p Paint) Render(s string) string {
	if p.open == "" || s == "" {
		return s
	}
	return p.open + s + ansi.ResetStyle
}

// Plain reports whether the paint adds no escape codes.
func (p Paint) Plain() bool { return p.open == "" }

// Tone is the kind of emphasis a cell asks for; Styles decides what it looks like. Tones add
// colour to a state that the text already names (a word or a symbol), never replace it.
type Tone uint8

const (
	ToneNone   Tone = iota
	ToneDim         // absent, stopped, or unimportant
	ToneGood        // running, within limits
	ToneWarn        // near a limit, shared with the host, an unusual setting
	ToneBad         // at a limit, OOM, privileged, an error, config and kernel disagree
	ToneAccent      // something to act on: a command line, the active item
)

// Styles is every style the views use, passed in as a value: there are no package-level styles
// to reset between tests. The zero Styles renders plain text with no escape codes.
type Styles struct {
	Header      Paint // the host line
	Replay      Paint // REPLAY and PAUSED in the header
	Tab         Paint
	TabActive   Paint
	TableHeader Paint
	Selected    Paint // the selected row
	Section     Paint // section titles inside a pane or the detail view
	Key         Paint // key names in hints and help
	Footer      Paint
	Error       Paint // the footer's error text
	Differs     Paint // compare rows whose values differ

	Dim    Paint
	Good   Paint
	Warn   Paint
	Bad    Paint
	Accent Paint

	// GaugeFull and GaugeEmpty paint the two parts of a gauge; the parts also use different
	// characters, so a gauge reads the same without colour.
	GaugeFull  Paint
	GaugeEmpty Paint
}

// Tone returns the paint for a tone.
func (s Styles) Tone(t Tone) Paint {
	switch t {
	case ToneDim:
		return s.Dim
	case ToneGood:
		return s.Good
	case ToneWarn:
		return s.Warn
	case ToneBad:
		return s.Bad
	case ToneAccent:
		return s.Accent
	}
	return Paint{}
}

// DefaultStyles uses the 16 basic ANSI colours, so that the terminal's own theme (dark or light)
// decides the actual shades.
func DefaultStyles() Styles {
	fg := func(c color.Color) ansi.Style { return ansi.NewStyle().ForegroundColor(c) }
	return Styles{
		Header:      NewPaint(ansi.NewStyle().Bold()),
		Replay:      NewPaint(fg(ansi.Black).BackgroundColor(ansi.Yellow).Bold()),
		Tab:         NewPaint(fg(ansi.BrightBlack)),
		TabActive:   NewPaint(fg(ansi.Cyan).Bold().Underline(true)),
		TableHeader: NewPaint(ansi.NewStyle().Bold().Underline(true)),
		Selected:    NewPaint(ansi.NewStyle().Reverse(true)),
		Section:     NewPaint(fg(ansi.Cyan).Bold()),
		Key:         NewPaint(fg(ansi.Cyan).Bold()),
		Footer:      NewPaint(fg(ansi.BrightBlack)),
		Error:       NewPaint(fg(ansi.BrightRed).Bold()),
		Differs:     NewPaint(fg(ansi.Yellow).Bold()),
		Dim:         NewPaint(fg(ansi.BrightBlack)),
		Good:        NewPaint(fg(ansi.Green)),
		Warn:        NewPaint(fg(ansi.Yellow)),
		Bad:         NewPaint(fg(ansi.BrightRed).Bold()),
		Accent:      NewPaint(fg(ansi.Cyan)),
		GaugeFull:   NewPaint(fg(ansi.Green)),
		GaugeEmpty:  NewPaint(fg(ansi.BrightBlack)),
	}
}

// NoColorStyles is for NO_COLOR and --no-color: text attributes only (bold, underline,
// reverse), never a colour escape code.
func NoColorStyles() Styles {
	bold := NewPaint(ansi.NewStyle().Bold())
	return Styles{
		Header:      bold,
		Replay:      NewPaint(ansi.NewStyle().Reverse(true).Bold()),
		TabActive:   NewPaint(ansi.NewStyle().Bold().Underline(true)),
		TableHeader: NewPaint(ansi.NewStyle().Bold().Underline(true)),
		Selected:    NewPaint(ansi.NewStyle().Reverse(true)),
		Section:     bold,
		Key:         bold,
		Error:       bold,
		Differs:     bold,
		Bad:         bold,
	}
}
