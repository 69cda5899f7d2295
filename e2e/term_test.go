package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// term is one tmux session of the run's private server: a terminal of a fixed size running
// one command.
type term struct {
	name          string
	width, height int
}

// tmux runs a tmux command on the run's server.
func tmux(args ...string) ([]byte, error) {
	args = append([]string{"-S", env.tmuxSocket, "-f", env.tmuxConf}, args...)
	out, err := exec.Command("tmux", args...).CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("tmux %s: %v: %s", strings.Join(args[4:], " "), err, strings.TrimSpace(string(out)))
	}
	return out, nil
}

// openTerm starts command in a new width x height session, and kills the session when the
// test ends.
func openTerm(t testing.TB, width, height int, command string) *term {
	t.Helper()
	tm := &term{name: "boxtop-" + randomHex(4), width: width, height: height}
	if _, err := tmux("new-session", "-d", "-s", tm.name, "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), command); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = tmux("kill-session", "-t", tm.name) })
	return tm
}

// boxtopCommand is the shell command that runs the built boxtop with a fixed time zone and
// the given environment (NO_COLOR=1, ...), never the test process's NO_COLOR.
func boxtopCommand(envVars ...string) string {
	return "env -u NO_COLOR TZ=UTC " + strings.Join(envVars, " ") + " " + env.boxtop
}

// keys sends tmux key names: "1", "Enter", "Escape", "Space", "C-c".
func (tm *term) keys(t testing.TB, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, err := tmux("send-keys", "-t", tm.name, k); err != nil {
			t.Fatal(err)
		}
		if k == "Escape" {
			// An escape directly followed by another key reads as alt+key.
			time.Sleep(150 * time.Millisecond)
		}
	}
}

// keysAtOnce sends keys in one tmux command, so they reach the program in one write, as keys
// typed quickly over a slow SSH link do: "Escape", "1" then reads as alt+1.
func (tm *term) keysAtOnce(t testing.TB, keys ...string) {
	t.Helper()
	if _, err := tmux(append([]string{"send-keys", "-t", tm.name}, keys...)...); err != nil {
		t.Fatal(err)
	}
}

// typeText types text literally.
func (tm *term) typeText(t testing.TB, text string) {
	t.Helper()
	if _, err := tmux("send-keys", "-t", tm.name, "-l", text); err != nil {
		t.Fatal(err)
	}
}

// screen is one capture of the pane: its lines, trailing blanks cut.
type screen []string

func (s screen) String() string { return strings.Join(s, "\n") }

// contains reports whether any line has text.
func (s screen) contains(text string) bool { return strings.Contains(s.String(), text) }

// capture returns the pane's text; with escapes it keeps the SGR sequences (capture-pane -e).
func (tm *term) capture(t testing.TB, escapes bool) screen {
	t.Helper()
	args := []string{"capture-pane", "-p", "-t", tm.name}
	if escapes {
		args = append(args, "-e")
	}
	out, err := tmux(args...)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(out), "\n"), "\n")
}

// waitFor captures the pane until ok accepts it, and fails the test with the last capture
// after timeout. It also fails on any line wider than the terminal.
func (tm *term) waitFor(t testing.TB, what string, timeout time.Duration, ok func(screen) error) screen {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := tm.capture(t, false)
		for i, line := range s {
			if w := ansi.StringWidth(line); w > tm.width {
				t.Fatalf("line %d is %d cells wide in a %d-cell terminal:\n%s", i+1, w, tm.width, s)
			}
		}
		err := ok(s)
		if err == nil {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting %v for %s: %v\nscreen:\n%s", timeout, what, err, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitText waits until every text appears on the screen.
func (tm *term) waitText(t testing.TB, timeout time.Duration, texts ...string) screen {
	t.Helper()
	return tm.waitFor(t, strings.Join(texts, ", "), timeout, func(s screen) error {
		for _, text := range texts {
			if !s.contains(text) {
				return fmt.Errorf("no %q", text)
			}
		}
		return nil
	})
}

// paneState reports whether the pane's program has exited, and how: its exit status, or
// "signal N". tmux may see the terminal close a moment before it reaps the program, so a
// dead pane can have no status yet.
func (tm *term) paneState(t testing.TB) (dead bool, status string) {
	t.Helper()
	out, err := tmux("display-message", "-p", "-t", tm.name, "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Split(strings.TrimSpace(string(out)), ":")
	if len(f) != 3 {
		t.Fatalf("tmux display-message printed %q", out)
	}
	switch {
	case f[1] != "":
		status = f[1]
	case f[2] != "":
		status = "signal " + f[2]
	}
	return f[0] == "1", status
}

// waitExit waits until the pane's program has exited and returns its exit status, or ""
// when tmux has not recorded one (it marks the pane dead when the terminal closes, and now
// and then reports no status for it; the tests then check the process is gone instead).
func (tm *term) waitExit(t testing.TB, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var deadSince time.Time
	for {
		dead, status := tm.paneState(t)
		if dead && status != "" {
			return status
		}
		if dead && deadSince.IsZero() {
			deadSince = time.Now()
		}
		if dead && time.Since(deadSince) > time.Second {
			return ""
		}
		if time.Now().After(deadline) {
			t.Fatalf("the program in the pane did not exit within %v; screen:\n%s", timeout, tm.capture(t, false))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pipe copies everything the program writes to the terminal to a file, from now on, and
// returns the file's path (tmux pipe-pane -o).
func (tm *term) pipe(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, tm.name+".out")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := tmux("pipe-pane", "-o", "-t", tm.name, "cat >> '"+path+"'"); err != nil {
		t.Fatal(err)
	}
	return path
}

// unpipe stops pipe-pane.
func (tm *term) unpipe(t testing.TB) {
	t.Helper()
	if _, err := tmux("pipe-pane", "-t", tm.name); err != nil {
		t.Fatal(err)
	}
}

// row finds the line on which a whole word is name: a container's row.
func (s screen) row(name string) (string, bool) {
	for _, line := range s {
		for _, f := range strings.Fields(line) {
			if f == name {
				return line, true
			}
		}
	}
	return "", false
}

// headerOf finds the table's title row: the line with every title on it as a word.
func (s screen) headerOf(titles ...string) (string, bool) {
	for _, line := range s {
		found := true
		for _, title := range titles {
			if titleAt(line, title) < 0 {
				found = false
				break
			}
		}
		if found {
			return line, true
		}
	}
	return "", false
}

// titleAt is where title stands on a title row as whole words, in cells, or -1.
func titleAt(header, title string) int {
	h, tt := []rune(header), []rune(title)
	for i := 0; i+len(tt) <= len(h); i++ {
		if string(h[i:i+len(tt)]) != title {
			continue
		}
		before := i == 0 || h[i-1] == ' '
		after := i+len(tt) == len(h) || h[i+len(tt)] == ' ' || h[i+len(tt)] == '▲' || h[i+len(tt)] == '▼'
		if before && after {
			return i
		}
	}
	return -1
}

// cell reads a row's cell in the column under title: for a left-aligned column the word
// that starts where the title starts, for a right-aligned one the word that ends where the
// title ends. That checks the value is in its column, not merely somewhere on the row.
func cell(header, row, title string, right bool) string {
	at := titleAt(header, title)
	if at < 0 {
		return ""
	}
	r := []rune(row)
	blank := func(i int) bool { return i < 0 || i >= len(r) || r[i] == ' ' }
	if right {
		end := at + len([]rune(title))
		if blank(end-1) || !blank(end) {
			return ""
		}
		start := end
		for !blank(start - 1) {
			start--
		}
		return string(r[start:end])
	}
	if blank(at) || !blank(at-1) {
		return ""
	}
	end := at
	for !blank(end) {
		end++
	}
	return string(r[at:end])
}

// sgr matches one SGR sequence and captures its parameters.
var sgr = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// colourCodes lists the SGR sequences of text that set a colour: a parameter 30-38 or 40-48
// (foreground, background; 38 and 48 the extended forms), 58 (underline colour), 90-97 or
// 100-107 (bright). 39 and 49 reset to the default colour, which tmux's capture writes after
// every attribute change (bold, reverse) even when no colour was ever set: they are not
// colour, and neither is 4 (underline), so a plain prefix match on "\x1b[4" would mislead.
func colourCodes(text string) []string {
	var found []string
	for _, m := range sgr.FindAllStringSubmatch(text, -1) {
		params := strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' })
		for i := 0; i < len(params); i++ {
			n, err := strconv.Atoi(params[i])
			if err != nil {
				continue
			}
			colour := (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || n == 58 || (n >= 90 && n <= 97) || (n >= 100 && n <= 107)
			if colour {
				found = append(found, strconv.Quote(m[0]))
				break
			}
		}
	}
	return found
}

// processesOf lists the pids of the processes running binary (by /proc/PID/exe), to see that
// a program the test started has really gone.
func processesOf(binary string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && exe == binary {
			pids = append(pids, pid)
		}
	}
	return pids
}

// quit presses q and checks that what runs in the pane (boxtop, or the ssh session around it)
// ended with status 0 and that no boxtop process is left.
func (tm *term) quit(t testing.TB, what string) {
	t.Helper()
	tm.keys(t, "q")
	if status := tm.waitExit(t, nextScreen); status != "" && status != "0" {
		t.Errorf("%s ended with status %s, want 0", what, status)
	}
	if pids := processesOf(env.boxtop); len(pids) > 0 {
		t.Errorf("boxtop still runs after q: pids %v", pids)
	}
}

// waitGone waits until text is no longer on the screen.
func (tm *term) waitGone(t testing.TB, what, text string) {
	t.Helper()
	tm.waitFor(t, what, nextScreen, func(s screen) error {
		if s.contains(text) {
			return fmt.Errorf("%q is still on the screen", text)
		}
		return nil
	})
}
