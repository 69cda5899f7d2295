package tui

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

func newTestScreen(out *bytes.Buffer, w, h int) *screen {
	s := newScreen(out, []string{"TERM=xterm-256color"}, colorprofile.ANSI256, "boxtop")
	s.resize(w, h)
	return s
}

// TestScreenWritesOnlyChanges: the first frame is drawn whole, the same frame again writes
// nothing, a frame with one changed word writes far less than the whole, and a resize draws
// the next frame whole again.
func TestScreenWritesOnlyChanges(t *testing.T) {
	var out bytes.Buffer
	s := newTestScreen(&out, 40, 5)
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	start := out.String()
	for _, seq := range []string{ansi.SetModeAltScreenSaveCursor, ansi.ResetModeTextCursorEnable, ansi.SetWindowTitle("boxtop")} {
		if !strings.Contains(start, seq) {
			t.Errorf("start wrote %q, missing %q", start, seq)
		}
	}
	out.Reset()

	frame := "web   running  12.5%\ndb    running   3.1%\ncache exited\n\nfooter"
	if err := s.draw(frame); err != nil {
		t.Fatal(err)
	}
	first := out.String()
	for _, word := range []string{"web", "running", "12.5%", "cache", "footer"} {
		if !strings.Contains(first, word) {
			t.Errorf("the first frame wrote %q, missing %q", first, word)
		}
	}
	out.Reset()
	if err := s.draw(frame); err != nil || out.Len() != 0 {
		t.Fatalf("the same frame again wrote %q (err %v), want nothing", out.String(), err)
	}
	if err := s.draw(strings.Replace(frame, "12.5%", "17.0%", 1)); err != nil {
		t.Fatal(err)
	}
	if changed := out.String(); !strings.Contains(changed, "7.0%") || strings.Contains(changed, "cache") || len(changed) >= len(first)/2 {
		t.Fatalf("one changed figure wrote %d bytes (%q), the whole frame %d", len(changed), changed, len(first))
	}
	out.Reset()
	s.resize(50, 6)
	if err := s.draw(strings.Replace(frame, "12.5%", "17.0%", 1)); err != nil {
		t.Fatal(err)
	}
	if redrawn := out.String(); !strings.Contains(redrawn, "cache") || !strings.Contains(redrawn, "footer") {
		t.Fatalf("after a resize the frame was not drawn whole: %q", redrawn)
	}
	out.Reset()

	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	stop := out.String()
	for _, seq := range []string{ansi.ResetModeAltScreenSaveCursor, ansi.SetModeTextCursorEnable, ansi.SetWindowTitle("")} {
		if !strings.Contains(stop, seq) {
			t.Errorf("stop wrote %q, missing %q", stop, seq)
		}
	}
	out.Reset()
	if err := s.draw("late frame"); err != nil || out.Len() != 0 {
		t.Errorf("a frame after stop wrote %q (err %v)", out.String(), err)
	}
}

// TestScreenNoColor: with the ASCII profile the colors of a frame are dropped, the text kept.
func TestScreenNoColor(t *testing.T) {
	var out bytes.Buffer
	s := newScreen(&out, []string{"TERM=xterm-256color"}, colorprofile.Ascii, "boxtop")
	s.resize(20, 2)
	s.start()
	out.Reset()
	s.draw("\x1b[31mred\x1b[0m plain")
	got := out.String()
	if !strings.Contains(got, "red") || strings.Contains(got, "31m") || strings.Contains(got, "38;") {
		t.Fatalf("frame without color wrote %q", got)
	}
}

type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	f.n++
	return 0, errors.New("terminal gone")
}

// TestScreenWriteFails: a failed write is kept and returned, later frames are not tried, and
// stop still tries to restore the terminal.
func TestScreenWriteFails(t *testing.T) {
	w := &failingWriter{}
	s := newScreen(w, nil, colorprofile.Ascii, "boxtop")
	s.resize(10, 2)
	if err := s.start(); err == nil {
		t.Fatal("start on a failing terminal returned no error")
	}
	tries := w.n
	if err := s.draw("frame"); err == nil || w.n != tries {
		t.Fatalf("draw after a failure: err %v, %d more writes", err, w.n-tries)
	}
	if err := s.stop(); err == nil || w.n != tries+1 {
		t.Fatalf("stop: err %v, %d writes, want one more try", err, w.n-tries)
	}
}
