package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const (
	termWidth, termHeight = 160, 50
	firstFramePoll        = 15 * time.Millisecond
	startupTimeout        = 60 * time.Second
	churnEvery            = 3 * time.Second
	soakSampleEvery       = 10 * time.Second
	// coolDown lets the daemon finish what a watcher that just quit left it (docker stats's
	// streams close one by one) before the next window starts.
	coolDown = 3 * time.Second
	// Before each window the harness waits for quietBefore without events of other containers,
	// at most quietLimit.
	quietBefore = 10 * time.Second
	quietLimit  = 60 * time.Second
)

// bench holds what every measurement needs; it is set up once by run.
type bench struct {
	procRoot  string
	clockTick float64 // clock ticks per second (getconf CLK_TCK)
	tmp       string
	boxtop    string
	hasRecord bool
	interval  time.Duration
	settle    time.Duration
	window    time.Duration
	image     string
	term      tmux
	log       io.Writer
	// events is nil when the daemon's events could not be followed.
	events *foreignEvents
	// tmuxServer is the pid of the harness's tmux server: the parent of its own docker stats.
	tmuxServer int
}

func (b *bench) logf(format string, a ...any) {
	fmt.Fprintf(b.log, "bench: "+format+"\n", a...)
}

// command is how w is started; "" for the idle baseline.
func (b *bench) command(w watcher) []string {
	interval := b.interval.String()
	switch w {
	case boxtopTUI:
		return []string{b.boxtop, "--interval", interval}
	case boxtopRecord:
		return []string{b.boxtop, "record", "-o", os.DevNull, "--interval", interval}
	case dockerStats:
		return []string{"docker", "stats"}
	}
	return nil
}

// shellCommand is w's command for a tmux pane: exec'd, so the pane's process is the watcher, with
// its stderr kept in a file to explain an early exit.
func (b *bench) shellCommand(w watcher, errFile string) string {
	var words []string
	for _, a := range b.command(w) {
		words = append(words, shellQuote(a))
	}
	return "exec " + strings.Join(words, " ") + " 2>" + shellQuote(errFile)
}

// reading is one look at the CPU counters of everything the harness measures.
type reading struct {
	at              time.Time
	watcher, daemon ticks
	tmuxServer      ticks
}

func (b *bench) read(watcherPID, serverPID int) (reading, error) {
	procs, err := readProcs(b.procRoot)
	if err != nil {
		return reading{}, err
	}
	r := reading{at: time.Now(), daemon: selectTicks(procs, func(p procStat) bool { return isDaemonStack(p.Comm) })}
	if watcherPID > 0 {
		r.watcher = selectTicks(procs, treeOf(procs, watcherPID))
	}
	if serverPID > 0 {
		r.tmuxServer = selectTicks(procs, func(p procStat) bool { return p.PID == serverPID })
	}
	return r, nil
}

// rate is CPU ms per wall second between two readings.
func (b *bench) rate(before, after ticks, elapsed time.Duration) float64 {
	return float64(usedBetween(before, after)) / b.clockTick * 1000 / elapsed.Seconds()
}

// measure runs one window with w watching n containers.
func (b *bench) measure(ctx context.Context, w watcher, n int) (sample, error) {
	switch w {
	case idleBaseline:
		return b.window1(ctx, 0, 0, nil)
	case boxtopRecord:
		return b.measureRecord(ctx)
	default:
		return b.measureTerminal(ctx, w, n)
	}
}

// window1 reads, waits one window, reads again. pipe, when set, runs right at the start and the
// end of the window (the terminal capture).
func (b *bench) window1(ctx context.Context, watcherPID, serverPID int, pipe *pipeWindow) (sample, error) {
	s := sample{TmuxCPU: -1, TermBytes: -1, PeakRSS: -1}
	if b.events != nil {
		busy := func() bool { return foreignDockerStats(b.procRoot, b.tmuxServer) > 0 }
		if waited, err := b.events.waitQuiet(ctx, quietBefore, quietLimit, busy); err != nil {
			return s, err
		} else if waited > time.Second {
			b.logf("waited %v for other people's container events and docker stats to pause", waited.Round(time.Second))
		}
	}
	foreignAtStart := foreignDockerStats(b.procRoot, b.tmuxServer)
	if pipe != nil {
		if err := pipe.start(ctx); err != nil {
			return s, err
		}
	}
	before, err := b.read(watcherPID, serverPID)
	if err != nil {
		return s, err
	}
	if err := sleep(ctx, b.window); err != nil {
		return s, err
	}
	after, err := b.read(watcherPID, serverPID)
	if err != nil {
		return s, err
	}
	if pipe != nil {
		n, err := pipe.stop(ctx)
		if err != nil {
			return s, err
		}
		s.TermBytes = n
	}
	s.Window = after.at.Sub(before.at)
	if b.events != nil {
		s.ForeignEvents = b.events.between(before.at, after.at)
	}
	s.ForeignStats = max(foreignAtStart, foreignDockerStats(b.procRoot, b.tmuxServer))
	s.DaemonCPU = b.rate(before.daemon, after.daemon, s.Window)
	if watcherPID > 0 {
		if len(after.watcher) == 0 {
			return s, fmt.Errorf("the watcher (pid %d) exited during the window", watcherPID)
		}
		s.WatcherCPU = b.rate(before.watcher, after.watcher, s.Window)
		mem, err := readMem(b.procRoot, watcherPID)
		if err != nil {
			return s, err
		}
		s.PeakRSS = mem.Peak
	}
	if serverPID > 0 {
		s.TmuxCPU = b.rate(before.tmuxServer, after.tmuxServer, s.Window)
	}
	return s, nil
}

// pipeWindow captures a pane's output into a file over the window.
type pipeWindow struct {
	term    tmux
	session string
	file    string
}

func (p *pipeWindow) start(ctx context.Context) error {
	if err := os.WriteFile(p.file, nil, 0o644); err != nil {
		return err
	}
	return p.term.pipeTo(ctx, p.session, p.file)
}

// stop ends the capture and returns its size once the pipe's cat has written everything: the
// size stops changing.
func (p *pipeWindow) stop(ctx context.Context) (int64, error) {
	if err := p.term.pipeStop(ctx, p.session); err != nil {
		return 0, err
	}
	last := int64(-1)
	for i := 0; i < 50; i++ {
		fi, err := os.Stat(p.file)
		if err != nil {
			return 0, err
		}
		if fi.Size() == last {
			return last, nil
		}
		last = fi.Size()
		if err := sleep(ctx, 50*time.Millisecond); err != nil {
			return 0, err
		}
	}
	return last, nil
}

// measureTerminal runs w in a 160x50 tmux pane: waits until it shows one of the scene's
// containers, lets it settle, then measures one window.
func (b *bench) measureTerminal(ctx context.Context, w watcher, n int) (sample, error) {
	session := "watch"
	errFile := filepath.Join(b.tmp, "watch.err")
	if err := b.term.start(ctx, session, termWidth, termHeight, b.shellCommand(w, errFile)); err != nil {
		return sample{}, err
	}
	defer b.term.kill(context.WithoutCancel(ctx), session)
	if err := b.waitForScene(ctx, session, errFile, w); err != nil {
		return sample{}, err
	}
	if err := sleep(ctx, b.settle); err != nil {
		return sample{}, err
	}
	pid, err := b.term.panePID(ctx, session)
	if err != nil {
		return sample{}, err
	}
	server, err := b.term.serverPID(ctx, session)
	if err != nil {
		return sample{}, err
	}
	pipe := &pipeWindow{term: b.term, session: session, file: filepath.Join(b.tmp, "term.out")}
	s, err := b.window1(ctx, pid, server, pipe)
	if err != nil {
		return s, fmt.Errorf("%v; %s", err, b.stderrOf(errFile))
	}
	return s, nil
}

// waitForScene waits until the pane shows one of the benchmark's containers: the watcher has
// started and drawn real data.
func (b *bench) waitForScene(ctx context.Context, session, errFile string, w watcher) error {
	deadline := time.Now().Add(startupTimeout)
	for {
		screen, err := b.term.capture(ctx, session)
		if err != nil {
			return fmt.Errorf("%v; %s", err, b.stderrOf(errFile))
		}
		if strings.Contains(screen, "bx-0") {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s showed none of the containers within %v; screen:\n%s", w, startupTimeout, screen)
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

// measureRecord runs `boxtop record` to /dev/null as a plain child: it has no terminal.
func (b *bench) measureRecord(ctx context.Context) (sample, error) {
	args := b.command(boxtopRecord)
	errFile := filepath.Join(b.tmp, "record.err")
	stderr, err := os.Create(errFile)
	if err != nil {
		return sample{}, err
	}
	defer stderr.Close()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Start(); err != nil {
		return sample{}, fmt.Errorf("start %s: %w", strings.Join(args, " "), err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	// No screen to watch: give it the terminal watchers' start-up allowance plus the settle time.
	select {
	case err := <-exited:
		exited <- err
		return sample{}, fmt.Errorf("boxtop record exited at start (%v); %s", err, b.stderrOf(errFile))
	case <-time.After(2*time.Second + b.settle):
	case <-ctx.Done():
		return sample{}, ctx.Err()
	}
	s, err := b.window1(ctx, cmd.Process.Pid, 0, nil)
	if err != nil {
		return s, fmt.Errorf("%v; %s", err, b.stderrOf(errFile))
	}
	return s, nil
}

// stderrOf says what a watcher wrote to its stderr file, for an error message.
func (b *bench) stderrOf(file string) string {
	data, err := os.ReadFile(file)
	if err != nil || len(strings.TrimSpace(string(data))) == 0 {
		return "it wrote nothing to stderr"
	}
	text := strings.TrimSpace(string(data))
	if len(text) > 400 {
		text = text[len(text)-400:]
	}
	return "its stderr: " + text
}

// firstFrame starts w in a pane tall enough for every container and times how long until all of
// bx-000 ... bx-(n-1) are on screen.
func (b *bench) firstFrame(ctx context.Context, w watcher, n, height int) (time.Duration, error) {
	session := "first"
	errFile := filepath.Join(b.tmp, "first.err")
	names := make([]string, n)
	for i := range names {
		names[i] = idleName(i)
	}
	start := time.Now()
	if err := b.term.start(ctx, session, termWidth, height, b.shellCommand(w, errFile)); err != nil {
		return 0, err
	}
	defer b.term.kill(context.WithoutCancel(ctx), session)
	for {
		screen, err := b.term.capture(ctx, session)
		if err != nil {
			return 0, fmt.Errorf("%v; %s", err, b.stderrOf(errFile))
		}
		if missing := missingNames(screen, names); missing == 0 {
			return time.Since(start), nil
		} else if time.Since(start) > startupTimeout {
			return 0, fmt.Errorf("%d of %d containers still missing after %v", missing, n, startupTimeout)
		}
		if err := sleep(ctx, firstFramePoll); err != nil {
			return 0, err
		}
	}
}

// missingNames counts the names that are not on screen as whole words.
func missingNames(screen string, names []string) int {
	seen := map[string]bool{}
	for _, f := range strings.Fields(screen) {
		seen[f] = true
	}
	missing := 0
	for _, name := range names {
		if !seen[name] {
			missing++
		}
	}
	return missing
}

// soak watches n containers with the TUI for d while a churn loop creates one container and
// removes the previous one every churnEvery, reading boxtop's VmRSS every soakSampleEvery.
func (b *bench) soak(ctx context.Context, n int, d time.Duration) (res soakResult) {
	// res is named so that the deferred stop of the churn loop can still set Churned.
	res = soakResult{N: n, Duration: d}
	session := "soak"
	errFile := filepath.Join(b.tmp, "soak.err")
	if err := b.term.start(ctx, session, termWidth, termHeight, b.shellCommand(boxtopTUI, errFile)); err != nil {
		res.Err = err.Error()
		return res
	}
	defer b.term.kill(context.WithoutCancel(ctx), session)
	if err := b.waitForScene(ctx, session, errFile, boxtopTUI); err != nil {
		res.Err = err.Error()
		return res
	}
	pid, err := b.term.panePID(ctx, session)
	if err != nil {
		res.Err = err.Error()
		return res
	}

	churnCtx, stopChurn := context.WithCancel(ctx)
	churned := make(chan int, 1)
	go func() { churned <- churn(churnCtx, b.image, b.logf) }()
	defer func() {
		stopChurn()
		res.Churned = <-churned
	}()

	start := time.Now()
	tick := time.NewTicker(soakSampleEvery)
	defer tick.Stop()
	for {
		mem, err := readMem(b.procRoot, pid)
		if err != nil {
			res.Err = fmt.Sprintf("%v; %s", err, b.stderrOf(errFile))
			return res
		}
		at := time.Since(start)
		res.Samples = append(res.Samples, soakSample{At: at, RSS: mem.RSS})
		if len(res.Samples)%6 == 1 {
			b.logf("soak %v: RSS %.1f MiB", at.Round(time.Second), float64(mem.RSS)/(1<<20))
		}
		if at >= d {
			return res
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			res.Err = "interrupted"
			return res
		}
	}
}

// churn creates a container and removes the one before it every churnEvery until ctx ends, and
// returns how many it created. Failures are logged, not fatal: the soak is about boxtop.
func churn(ctx context.Context, image string, logf func(string, ...any)) int {
	tick := time.NewTicker(churnEvery)
	defer tick.Stop()
	created, attempts, previous := 0, 0, ""
	cleanup := context.WithoutCancel(ctx)
	defer func() {
		if previous != "" {
			_, _ = docker(cleanup, "rm", "-f", "-v", previous)
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return created
		case <-tick.C:
		}
		name := fmt.Sprintf("%s%d", churnStem, attempts)
		attempts++
		if _, err := docker(ctx, runArgs(name, image)...); err != nil {
			if !errors.Is(ctx.Err(), context.Canceled) {
				logf("churn: %v", err)
			}
			continue
		}
		created++
		if previous != "" {
			if _, err := docker(ctx, "rm", "-f", "-v", previous); err != nil && ctx.Err() == nil {
				logf("churn: %v", err)
			}
		}
		previous = name
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
