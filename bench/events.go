package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// foreignEvents follows the daemon's container events and remembers when a container that is
// not the benchmark's had one. The daemon is shared (other people's tests create and remove
// containers on it), and such work lands in the daemon stack's CPU: the harness waits for a
// quiet moment before each window and counts what still happened during it.
type foreignEvents struct {
	mu    sync.Mutex
	times []time.Time
	cmd   *exec.Cmd
	done  chan struct{}
}

// watchForeignEvents starts `docker events`; stop ends it.
func watchForeignEvents(ctx context.Context) (*foreignEvents, error) {
	cmd := exec.CommandContext(ctx, "docker", "events", "--filter", "type=container",
		"--format", "{{.Actor.Attributes.name}}")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("docker events: %w", err)
	}
	e := &foreignEvents{cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if !isBenchName(strings.TrimSpace(sc.Text())) {
				e.mu.Lock()
				e.times = append(e.times, time.Now())
				e.mu.Unlock()
			}
		}
	}()
	return e, nil
}

func isBenchName(name string) bool { return strings.HasPrefix(name, "bx-") }

func (e *foreignEvents) stop() {
	_ = e.cmd.Process.Kill()
	<-e.done
	_ = e.cmd.Wait()
}

// between counts the foreign events from t0 to t1.
func (e *foreignEvents) between(t0, t1 time.Time) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, t := range e.times {
		if !t.Before(t0) && !t.After(t1) {
			n++
		}
	}
	return n
}

// last is the time of the latest foreign event (zero if none).
func (e *foreignEvents) last() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.times) == 0 {
		return time.Time{}
	}
	return e.times[len(e.times)-1]
}

// waitQuiet waits until no foreign event has come for quiet and busy (when set) has said no for
// as long, giving up after limit (the other work may never pause); it returns how long it waited.
func (e *foreignEvents) waitQuiet(ctx context.Context, quiet, limit time.Duration, busy func() bool) (time.Duration, error) {
	start := time.Now()
	lastBusy := time.Time{}
	for {
		if busy != nil && busy() {
			lastBusy = time.Now()
		}
		last := e.last()
		if lastBusy.After(last) {
			last = lastBusy
		}
		since := time.Since(last)
		if since >= quiet || time.Since(start) >= limit {
			return time.Since(start), nil
		}
		if err := sleep(ctx, min(quiet-since, limit-time.Since(start), time.Second)); err != nil {
			return time.Since(start), err
		}
	}
}

// foreignDockerStats counts the `docker stats` commands running that the harness did not start
// (their parent is not its tmux server): someone else's makes the daemon read the stats of every
// container it names, work that comes and goes and that no baseline can subtract.
func foreignDockerStats(procRoot string, ourServer int) int {
	procs, err := readProcs(procRoot)
	if err != nil {
		return 0
	}
	n := 0
	for _, p := range procs {
		if p.Comm != "docker" || p.PPID == ourServer {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join(procRoot, fmt.Sprint(p.PID), "cmdline"))
		if err != nil {
			continue
		}
		if isDockerStats(cmdline) {
			n++
		}
	}
	return n
}

// isDockerStats reads a NUL-separated command line: docker [global flags] stats ...
func isDockerStats(cmdline []byte) bool {
	args := bytes.Split(bytes.TrimRight(cmdline, "\x00"), []byte{0})
	if len(args) < 2 || filepath.Base(string(args[0])) != "docker" {
		return false
	}
	for _, a := range args[1:] {
		if len(a) > 0 && a[0] == '-' {
			continue
		}
		return string(a) == "stats" || string(a) == "container" && bytes.Contains(cmdline, []byte("\x00stats"))
	}
	return false
}
