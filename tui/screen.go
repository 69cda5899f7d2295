package tui

import (
	"bytes"
	"io"

	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// screen puts frames on the terminal as soon as they are drawn: it keeps what the terminal
// shows and writes only the cells that changed.
//
// Bubble Tea's own renderer writes frames from a ticker that wakes up many times a second
// whether or not anything changed (20 wake-ups cost more CPU than a whole reading of 50
// containers), and delays a key's effect until the next tick. Drawing from View, which Bubble
// Tea calls after every message, costs nothing between messages and answers a key at once.
type screen struct {
	out     io.Writer
	scr     *uv.TerminalRenderer
	pending bytes.Buffer // what scr wrote, sent to out in one write per frame
	cells   uv.ScreenBuffer
	title   string

	width, height int
	drawn         string // the frame on the terminal
	started       bool
	err           error // the first failed write; later frames are not tried
}

func newScreen(out io.Writer, env []string, profile colorprofile.Profile, title string) *screen {
	s := &screen{out: out, title: title}
	s.scr = uv.NewTerminalRenderer(&s.pending, env)
	s.scr.SetColorProfile(profile)
	s.scr.SetFullscreen(true)
	s.scr.SetRelativeCursor(false)
	s.scr.SetScrollOptim(true)
	return s
}

// start switches to the alternate screen with the cursor hidden.
func (s *screen) start() error {
	if s.started {
		return nil
	}
	s.started = true
	s.scr.SaveCursor()
	s.scr.Erase()
	s.pending.WriteString(ansi.SetModeAltScreenSaveCursor + ansi.ResetModeTextCursorEnable + ansi.SetWindowTitle(s.title))
	return s.send()
}

// resize takes the terminal's new size; the next frame is drawn whole.
func (s *screen) resize(width, height int) {
	if width == s.width && height == s.height {
		return
	}
	s.width, s.height = width, height
	s.scr.Resize(width, height)
	s.scr.Erase()
	s.drawn = ""
	if width > 0 && height > 0 {
		s.cells = uv.NewScreenBuffer(width, height)
	}
}

// draw shows frame, writing what differs from the frame on the terminal.
func (s *screen) draw(frame string) error {
	if !s.started || s.err != nil || s.width <= 0 || s.height <= 0 || frame == s.drawn {
		return s.err
	}
	s.drawn = frame
	s.cells.Clear()
	uv.NewStyledString(frame).Draw(s.cells, s.cells.Bounds())
	s.scr.Render(s.cells.RenderBuffer)
	if err := s.scr.Flush(); err != nil {
		return s.fail(err)
	}
	return s.send()
}

// stop leaves the alternate screen, showing the cursor again and clearing the title: the
// terminal is as it was before start.
func (s *screen) stop() error {
	if !s.started {
		return nil
	}
	s.started = false
	if s.height > 0 {
		s.scr.MoveTo(0, s.height-1)
	}
	s.scr.Erase()
	_ = s.scr.Flush()
	s.pending.WriteString(ansi.ResetModeAltScreenSaveCursor + ansi.SetModeTextCursorEnable + ansi.SetWindowTitle(""))
	s.scr.RestoreCursor()
	s.err = nil // restoring is worth a try whatever happened to the frames
	return s.send()
}

// send writes what is pending in one write.
func (s *screen) send() error {
	if s.pending.Len() == 0 {
		return nil
	}
	_, err := s.out.Write(s.pending.Bytes())
	s.pending.Reset()
	if err != nil {
		return s.fail(err)
	}
	return nil
}

func (s *screen) fail(err error) error {
	if s.err == nil {
		s.err = err
	}
	s.pending.Reset()
	return s.err
}
