package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestResize shrinks and grows the terminal under a running boxtop: each time the whole frame
// is drawn again at the new size, its footer on the last line and no line wider than the
// terminal. boxtop handles the resize signal itself, so this is what proves it does.
func TestResize(t *testing.T) {
	needDaemon(t)
	tm := openTerm(t, 120, 30, boxtopCommand())
	tm.waitText(t, firstScreen, "[1 Resources]", "every 1s")
	for _, size := range [][2]int{{90, 20}, {140, 40}, {100, 24}} {
		w, h := size[0], size[1]
		if _, err := tmux("resize-window", "-t", tm.name, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h)); err != nil {
			t.Fatal(err)
		}
		tm.width, tm.height = w, h
		tm.waitFor(t, fmt.Sprintf("the frame at %dx%d", w, h), nextScreen, func(s screen) error {
			if len(s) != h {
				return fmt.Errorf("%d lines on screen, want the frame's footer on line %d", len(s), h)
			}
			if last := s[h-1]; !strings.Contains(last, "? help") {
				return fmt.Errorf("the last line is %q, not the footer", last)
			}
			if !strings.Contains(s[0], "every 1s") || !strings.Contains(s.String(), "[1 Resources]") {
				return fmt.Errorf("the header or the tabs are missing")
			}
			return nil
		})
	}
	tm.quit(t, "boxtop after the resizes")
}
