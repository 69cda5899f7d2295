// Command bench measures what watching containers costs on the real daemon: boxtop's TUI,
// `boxtop record` and `docker stats`, each watching the same scene of idle and busy containers,
// in interleaved rounds. It measures the watcher's CPU, the CPU it makes the daemon stack spend,
// the bytes it writes to its terminal, its memory, the time to its first full frame and boxtop's
// memory over a long watch with churn, and writes docs/benchmarks.md with the goals checked.
//
//	go run ./bench                 # the full run, about 30 minutes (make bench)
//	go run ./bench -quick          # one small round, to check the harness in a minute
//	go run ./bench -clean          # remove the benchmark's containers (make bench-clean)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/boxtop/boxtop/internal/testimage"
)

// config is the parsed command line.
type config struct {
	counts   []int
	rounds   int
	window   time.Duration
	settle   time.Duration
	interval time.Duration
	soak     time.Duration
	quick    bool
	clean    bool
	// boxtop is a binary to measure instead of a fresh build of ./cmd/boxtop.
	boxtop string
	// out is where the report goes, relative to the module root; "" prints it only.
	out string
	// raw is where the measurements go as JSON ("" nowhere); render reads such a file instead
	// of measuring.
	raw, render string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	counts := fs.String("n", "10,50,100", "container counts to measure, comma-separated (at most 1000)")
	fs.IntVar(&cfg.rounds, "rounds", 3, "interleaved rounds at each container count")
	fs.DurationVar(&cfg.window, "window", 20*time.Second, "length of each measurement window")
	fs.DurationVar(&cfg.settle, "settle", 20*time.Second, "wait after a watcher has drawn before its window: long enough for boxtop's CPU sparklines to fill, so the window sees the steady state of a long watch")
	fs.DurationVar(&cfg.interval, "interval", time.Second, "boxtop's refresh interval")
	fs.DurationVar(&cfg.soak, "soak", 10*time.Minute, "length of the RSS run with churn at the largest count (0 skips it)")
	fs.BoolVar(&cfg.quick, "quick", false, "one round at 10 containers, 5 s windows, no soak, report printed only (flags given explicitly still count)")
	fs.BoolVar(&cfg.clean, "clean", false, "remove the benchmark's containers and image, then exit")
	fs.StringVar(&cfg.boxtop, "boxtop", "", "measure this boxtop binary instead of building ./cmd/boxtop")
	fs.StringVar(&cfg.raw, "raw", "", "also write the measurements as JSON to this file")
	fs.StringVar(&cfg.render, "render", "", "measure nothing: render the report from a -raw JSON file")
	fs.StringVar(&cfg.out, "out", "docs/benchmarks.md", "the report's file, relative to the module root (\"\" prints it only)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if cfg.quick {
		quick := map[string]func(){
			"n":      func() { *counts = "10" },
			"rounds": func() { cfg.rounds = 1 },
			"window": func() { cfg.window = 5 * time.Second },
			"settle": func() { cfg.settle = 3 * time.Second },
			"soak":   func() { cfg.soak = 0 },
			"out":    func() { cfg.out = "" },
		}
		for name, apply := range quick {
			if !set[name] {
				apply()
			}
		}
	}
	var err error
	if cfg.counts, err = parseCounts(*counts); err != nil {
		return cfg, err
	}
	switch {
	case cfg.rounds < 1:
		return cfg, errors.New("-rounds must be at least 1")
	case cfg.window < time.Second:
		return cfg, errors.New("-window must be at least 1s")
	case cfg.settle < 0 || cfg.soak < 0:
		return cfg, errors.New("-settle and -soak cannot be negative")
	case cfg.interval < 100*time.Millisecond:
		return cfg, errors.New("-interval must be at least 100ms (boxtop's floor)")
	}
	return cfg, nil
}

// parseCounts reads "10,50,100" into sorted distinct counts: the scene only grows during a run,
// so containers are started, never stopped, between counts.
func parseCounts(s string) ([]int, error) {
	seen := map[int]bool{}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1000 {
			return nil, fmt.Errorf("-n: %q is not a count from 1 to 1000", f)
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 2
	}
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	if cfg.clean {
		if err := cleanAll(ctx, stdout); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
		return 0
	}
	var rep report
	if cfg.render != "" {
		rep, err = readRaw(cfg.render)
	} else {
		rep, err = runBench(ctx, cfg, root, args, stderr)
		if cfg.raw != "" {
			if werr := writeRaw(cfg.raw, rep); werr != nil {
				fmt.Fprintf(stderr, "bench: %v\n", werr)
			}
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	text := render(rep)
	fmt.Fprint(stdout, text)
	if cfg.out != "" {
		path := cfg.out
		if !filepath.IsAbs(path) {
			path = filepath.Join(root, path)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "bench: wrote %s\n", path)
	}
	missed := 0
	for _, g := range rep.goals() {
		if g.Status == miss {
			missed++
			fmt.Fprintf(stderr, "bench: MISS %s: %s (target %s)\n", g.Name, g.Measured, g.Target)
		}
	}
	fmt.Fprintf(stderr, "bench: %d goal(s) missed\n", missed)
	return 0
}

func writeRaw(path string, rep report) error {
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the measurements: %w", err)
	}
	return os.WriteFile(path, data, 0o644)
}

func readRaw(path string) (report, error) {
	var rep report
	data, err := os.ReadFile(path)
	if err != nil {
		return rep, err
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return rep, fmt.Errorf("read %s: %w", path, err)
	}
	return rep, nil
}

// moduleRoot finds boxtop's go.mod from the working directory up: `go run ./bench` runs there.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/boxtop/boxtop\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the boxtop module: run from its checkout (go run ./bench)")
		}
		dir = parent
	}
}

// runBench sets the machine up, runs every measurement and returns the report.
func runBench(ctx context.Context, cfg config, root string, args []string, log io.Writer) (report, error) {
	rep := report{
		Command:  commandLine(args),
		Rounds:   cfg.rounds,
		Window:   cfg.window,
		Settle:   cfg.settle,
		Interval: cfg.interval,
	}
	for _, tool := range []string{"docker", "tmux", "go", "getconf"} {
		if _, err := exec.LookPath(tool); err != nil {
			return rep, fmt.Errorf("%s is not installed: the benchmark needs it", tool)
		}
	}
	if _, err := docker(ctx, "info", "--format", "{{.ServerVersion}}"); err != nil {
		return rep, fmt.Errorf("no Docker daemon answers (make docker-up starts one): %w", err)
	}
	tmp, err := os.MkdirTemp("", "boxtop-bench-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(tmp)

	b := &bench{
		procRoot:  "/proc",
		clockTick: clockTicks(ctx),
		tmp:       tmp,
		boxtop:    filepath.Join(tmp, "boxtop"),
		interval:  cfg.interval,
		settle:    cfg.settle,
		window:    cfg.window,
		term:      tmux{socket: fmt.Sprintf("boxtop-bench-%d", os.Getpid())},
		log:       log,
	}
	defer b.term.killServer(context.WithoutCancel(ctx))
	if err := b.term.keepServer(ctx); err != nil {
		return rep, err
	}
	if b.tmuxServer, err = b.term.serverPID(ctx, "keep"); err != nil {
		return rep, err
	}

	if cfg.boxtop != "" {
		if b.boxtop, err = filepath.Abs(cfg.boxtop); err != nil {
			return rep, err
		}
		b.logf("measuring %s; building the workload image", b.boxtop)
	} else {
		b.logf("building boxtop and the workload image")
		if out, err := testimage.GoBuild(ctx, root, b.boxtop, "./cmd/boxtop", false); err != nil {
			return rep, fmt.Errorf("go build ./cmd/boxtop: %v\n%s", err, out)
		}
	}
	if reason := recordMissing(ctx, b.boxtop); reason != "" {
		rep.RecordSkipped = reason
		b.logf("skipping boxtop record: %s", reason)
	} else {
		b.hasRecord = true
	}
	if b.image, _, err = testimage.Build(ctx, root, tmp, "docker", "boxtop-bench-workload"); err != nil {
		return rep, err
	}
	rep.Machine = machineFacts(ctx, b.procRoot, "/sys/fs/cgroup", root, b.term)

	if b.events, err = watchForeignEvents(ctx); err != nil {
		b.logf("not following the daemon's events (%v): windows will not wait for a quiet daemon", err)
		b.events = nil
	} else {
		defer b.events.stop()
	}

	defer func() {
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		b.logf("stopping the benchmark's containers (kept for the next run; -clean removes them)")
		if err := stopScene(cleanup); err != nil {
			b.logf("%v", err)
		}
	}()

	watchers := []watcher{idleBaseline, boxtopTUI, boxtopRecord, dockerStats}
	if !b.hasRecord {
		watchers = []watcher{idleBaseline, boxtopTUI, dockerStats}
	}
	for _, n := range cfg.counts {
		sc, err := b.measureScene(ctx, cfg, n, watchers, &rep.Notes)
		rep.Scenes = append(rep.Scenes, sc)
		if err != nil {
			return rep, err
		}
	}
	if cfg.soak > 0 {
		n := cfg.counts[len(cfg.counts)-1]
		b.logf("soak: %d containers for %v with churn", n, cfg.soak)
		if err := setScene(ctx, b.image, n); err != nil {
			return rep, err
		}
		s := b.soak(ctx, n, cfg.soak)
		rep.Soak = &s
	}
	return rep, ctx.Err()
}

// measureScene makes the scene of n containers and runs the first-frame starts and the rounds
// on it. A failed measurement becomes a note and a gap in the figures; only an interrupt stops.
func (b *bench) measureScene(ctx context.Context, cfg config, n int, watchers []watcher, notes *[]string) (scene, error) {
	sc := scene{N: n, First: map[watcher][]firstFrame{}}
	b.logf("scene: %d idle containers and 2 busy ones", n)
	started := time.Now()
	if err := setScene(ctx, b.image, n); err != nil {
		return sc, err
	}
	b.logf("scene ready in %v", time.Since(started).Round(time.Second))
	// Starting containers keeps the daemon busy for a while after the last start returns.
	if err := sleep(ctx, 10*time.Second); err != nil {
		return sc, err
	}
	if others, err := othersRunning(ctx); err == nil {
		sc.Others = others
	}
	sc.FirstHeight = max(termHeight, n+2+sc.Others+20)

	for r := 0; r < cfg.rounds; r++ {
		for i, w := range []watcher{boxtopTUI, dockerStats} {
			if r%2 == 1 { // alternate which starts first
				w = []watcher{dockerStats, boxtopTUI}[i]
			}
			d, err := b.firstFrame(ctx, w, n, sc.FirstHeight)
			if ctx.Err() != nil {
				return sc, ctx.Err()
			}
			f := firstFrame{Millis: float64(d) / float64(time.Millisecond)}
			if err != nil {
				f.Err = err.Error()
				*notes = append(*notes, fmt.Sprintf("%d containers, round %d, first frame of %s: %v", n, r+1, w, err))
				b.logf("first frame %s: %v", w, err)
			} else {
				b.logf("%d containers, round %d: first frame of %s in %.0f ms", n, r+1, w, f.Millis)
			}
			sc.First[w] = append(sc.First[w], f)
			if err := sleep(ctx, time.Second); err != nil {
				return sc, err
			}
		}

		rd := round{Samples: map[watcher]sample{}}
		for i := range watchers {
			w := watchers[(i+r)%len(watchers)]
			if err := sleep(ctx, coolDown); err != nil {
				return sc, err
			}
			s, err := b.measure(ctx, w, n)
			if ctx.Err() != nil {
				return sc, ctx.Err()
			}
			if err != nil {
				s.Err = err.Error()
				*notes = append(*notes, fmt.Sprintf("%d containers, round %d, %s: %v", n, r+1, w, err))
				b.logf("%s: %v", w, err)
			} else if w == idleBaseline {
				b.logf("%d containers, round %d, %s: daemon stack %.1f ms/s, %d foreign events, %d foreign docker stats", n, r+1, w, s.DaemonCPU, s.ForeignEvents, s.ForeignStats)
			} else {
				b.logf("%d containers, round %d, %s: watcher %.1f ms/s, daemon stack %.1f ms/s, terminal %d bytes, peak RSS %.1f MiB, %d foreign events, %d foreign docker stats",
					n, r+1, w, s.WatcherCPU, s.DaemonCPU, s.TermBytes, float64(s.PeakRSS)/(1<<20), s.ForeignEvents, s.ForeignStats)
			}
			rd.Samples[w] = s
		}
		sc.Rounds = append(sc.Rounds, rd)
	}
	return sc, nil
}

// recordMissing says why `boxtop record` cannot be measured, or "" when it can: a binary that
// knows the command answers `record --help` with status 0.
func recordMissing(ctx context.Context, boxtop string) string {
	out, err := exec.CommandContext(ctx, boxtop, "record", "--help").CombinedOutput()
	if err == nil {
		return ""
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return fmt.Sprintf("this build has no record command (`boxtop record --help`: %s)", first)
}

// commandLine is the command that reproduces the run: its arguments less -raw, which only
// saves a copy of the measurements.
func commandLine(args []string) string {
	words := []string{"go", "run", "./bench"}
	var kept []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-raw" || a == "--raw":
			i++ // and its value
		case strings.HasPrefix(a, "-raw=") || strings.HasPrefix(a, "--raw="):
		default:
			kept = append(kept, a)
		}
	}
	args = kept
	for _, a := range args {
		if strings.ContainsAny(a, " '\"$") {
			a = shellQuote(a)
		}
		words = append(words, a)
	}
	line := strings.Join(words, " ")
	if len(args) == 0 {
		line += "   # make bench"
	}
	return line
}
