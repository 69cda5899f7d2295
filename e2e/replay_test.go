package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// recorded matches record's last word on stderr: "boxtop: recorded 14 readings to FILE".
var recorded = regexp.MustCompile(`recorded (\d+) readings to `)

// TestReplay records three seconds of the daemon while one of the run's containers works,
// then browses the recording in the terminal: the header says REPLAY and where the play head
// is, → steps one reading, space plays, q quits.
func TestReplay(t *testing.T) {
	needDaemon(t)
	c := start(t, spec{role: "rec", options: []string{"--cpus", "0.5"}, workload: []string{"-fork", "1"}})[0]
	file := filepath.Join(t.TempDir(), "e2e.bxr")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, env.boxtop, "record", "-o", file, "--interval", "200ms", "--duration", "3s").CombinedOutput()
	if err != nil {
		t.Fatalf("boxtop record: %v\n%s", err, out)
	}
	m := recorded.FindSubmatch(out)
	if m == nil {
		t.Fatalf("boxtop record did not say how many readings it wrote:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	if n < 5 {
		t.Fatalf("%d readings in 3s at 200ms; want at least 5 to step through:\n%s", n, out)
	}
	count := "/" + strconv.Itoa(n)

	tm := openTerm(t, 120, 40, boxtopCommand()+" replay "+file)
	tm.waitFor(t, "the first reading, paused", firstScreen, func(s screen) error {
		if len(s) == 0 || !regexp.MustCompile(`^REPLAY \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · 1`+count+` · ⏸ paused 1×`).MatchString(s[0]) {
			return fmt.Errorf("the header does not start with REPLAY, the reading's time, 1%s and paused", count)
		}
		if _, ok := s.row(c.Name); !ok {
			return fmt.Errorf("no row of %s, which ran while recording", c.Name)
		}
		return nil
	})

	tm.keys(t, "Right")
	tm.waitFor(t, "the second reading", nextScreen, func(s screen) error {
		if !regexp.MustCompile(`· 2` + count + ` · ⏸ paused`).MatchString(s[0]) {
			return fmt.Errorf("→ did not move the play head to 2%s", count)
		}
		return nil
	})

	tm.keys(t, "Space")
	tm.waitText(t, nextScreen, "▶ playing")

	tm.quit(t, "boxtop replay")
}
