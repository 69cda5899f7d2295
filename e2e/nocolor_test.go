package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestNoColor80x24 runs boxtop at the smallest common size with NO_COLOR=1 (and with
// --no-color) and goes through every pane, the detail view and the help: the terminal must
// hold no colour at all, and no line may be wider than 80 cells. A run without either is the
// control: the same check must find colour there, or the check proves nothing.
func TestNoColor80x24(t *testing.T) {
	needDaemon(t)
	c := start(t, spec{role: "plain", options: []string{"--cpus", "0.25", "-m", "32m"}, workload: []string{"-fork", "1"}})[0]

	steps := []struct {
		keys []string
		want string
	}{
		{[]string{"1"}, "[1 Resources]"},
		{[]string{"2"}, "[2 Isolation]"},
		{[]string{"3"}, "[3 Network]"},
		{[]string{"4"}, "[4 Processes]"},
		{[]string{"5"}, "[5 Events]"},
		{[]string{"6"}, "[6 Storage]"},
		{[]string{"1", "Enter"}, "[detail: " + c.Name + "]"},
		{[]string{"Escape", "?"}, "KEYS"},
	}
	for _, tc := range []struct {
		name    string
		command string
	}{
		{"NO_COLOR=1", boxtopCommand("NO_COLOR=1")},
		{"--no-color", boxtopCommand() + " --no-color"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm := openTerm(t, 80, 24, tc.command)
			tm.waitText(t, firstScreen, "[1 Resources]", "every 1s")
			tm.keys(t, "/")
			tm.typeText(t, c.Name)
			tm.keys(t, "Enter")
			for _, v := range steps {
				tm.keys(t, v.keys...)
				tm.waitText(t, nextScreen, v.want, c.Name)
				styled := tm.capture(t, true)
				if codes := colourCodes(styled.String()); len(codes) > 0 {
					t.Errorf("after %v, colour codes on the screen: %s\n%s", v.keys, strings.Join(codes, " "), styled)
				}
				for i, line := range styled {
					if w := ansi.StringWidth(line); w > 80 {
						t.Errorf("after %v, line %d is %d cells wide: %q", v.keys, i+1, w, ansi.Strip(line))
					}
				}
			}
		})
	}

	t.Run("control: colour without NO_COLOR", func(t *testing.T) {
		tm := openTerm(t, 80, 24, boxtopCommand())
		tm.waitFor(t, "colour on the screen", firstScreen, func(screen) error {
			if codes := colourCodes(tm.capture(t, true).String()); len(codes) == 0 {
				return fmt.Errorf("no colour codes found")
			}
			return nil
		})
	})
}
