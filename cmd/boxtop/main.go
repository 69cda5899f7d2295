// Command boxtop shows the containers on a Linux host: what each is allowed, what it uses, and
// what it shares with the host and with other containers. It never changes a container.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"
)

const usage = `boxtop: see inside the containers on this host (read-only)

Usage:
  boxtop [flags]                          the live TUI
  boxtop snapshot [--json] [--size]       one reading on stdout, rates over --interval
  boxtop snapshot --from FILE [--at TIME] one reading of a recording (the last, or the one at TIME)
  boxtop record -o FILE [--duration D] [--processes]
                                          append a reading every --interval to FILE until ctrl+c
  boxtop replay FILE                      browse a recording in the TUI

Flags (every command):
`

// config is the parsed command line.
type config struct {
	command    string
	host       string
	interval   time.Duration
	noColor    bool
	procRoot   string
	cgroupRoot string
	json       bool
	size       bool
	output     string        // record -o
	duration   time.Duration // record --duration
	processes  bool          // record --processes
	file       string        // replay FILE
	from, at   string        // snapshot --from FILE --at TIME
	cpuProfile string        // --cpuprofile: where to write a CPU profile of boxtop itself
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "boxtop: %v\n", err)
		return 2
	}
	if cfg.cpuProfile != "" {
		stopProfile, err := startCPUProfile(cfg.cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "boxtop: %v\n", err)
			return 1
		}
		defer stopProfile()
	}
	switch cfg.command {
	case "snapshot":
		err = runSnapshot(ctx, cfg, stdout, stderr)
	case "record":
		err = runRecord(ctx, cfg, stderr)
	case "replay":
		err = runReplay(ctx, cfg, stderr)
	case "":
		err = runTUI(ctx, cfg)
	}
	if err != nil {
		fmt.Fprintf(stderr, "boxtop: %v\n", err)
		return 1
	}
	return 0
}

// startCPUProfile profiles boxtop until the returned function is called: for measuring what
// watching costs on a real host, where a benchmark's fixtures fall short.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

var commands = map[string]bool{"snapshot": true, "record": true, "replay": true}

// parseArgs accepts the command anywhere among the flags: `boxtop --json snapshot` and
// `boxtop snapshot --json` mean the same.
func parseArgs(args []string, stderr io.Writer) (config, error) {
	cfg := config{}
	fs := flag.NewFlagSet("boxtop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.host, "host", "", "engine endpoint, e.g. unix:///var/run/docker.sock (default: $DOCKER_HOST, the docker context, then the local Docker or Podman socket)")
	fs.DurationVar(&cfg.interval, "interval", time.Second, "time between readings")
	fs.BoolVar(&cfg.noColor, "no-color", os.Getenv("NO_COLOR") != "", "no colour (also when NO_COLOR is set)")
	fs.StringVar(&cfg.procRoot, "proc-root", "/proc", "the host's /proc (set when boxtop runs in a container)")
	fs.StringVar(&cfg.cgroupRoot, "cgroup-root", "/sys/fs/cgroup", "the host's cgroup mount")
	fs.BoolVar(&cfg.json, "json", false, "snapshot: print the JSON document instead of a table")
	fs.BoolVar(&cfg.size, "size", false, "snapshot: measure each container's writable layer (walks its files)")
	fs.StringVar(&cfg.from, "from", "", "snapshot: read from this recording instead of the host")
	fs.StringVar(&cfg.at, "at", "", "snapshot --from: the reading at this time (RFC 3339, 14:05:00, or +90s from the start)")
	fs.StringVar(&cfg.output, "o", "", "record: the file to write (.bxr)")
	fs.DurationVar(&cfg.duration, "duration", 0, "record: stop after this long (default: until ctrl+c)")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of boxtop itself to this file (go tool pprof reads it)")
	fs.BoolVar(&cfg.processes, "processes", false, "record: also read every container's processes on every reading (costs more)")

	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return cfg, err
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		switch {
		case cfg.command == "replay" && cfg.file == "":
			cfg.file, rest = rest[0], rest[1:]
		case cfg.command != "" || !commands[rest[0]]:
			return cfg, fmt.Errorf("unknown command or argument %q (try boxtop --help)", rest[0])
		default:
			cfg.command, rest = rest[0], rest[1:]
		}
	}
	if cfg.interval < 100*time.Millisecond {
		return cfg, fmt.Errorf("--interval %v is too short: 100ms at least", cfg.interval)
	}
	if (cfg.json || cfg.size || cfg.from != "" || cfg.at != "") && cfg.command != "snapshot" {
		return cfg, errors.New("--json, --size, --from and --at go with the snapshot command")
	}
	if cfg.at != "" && cfg.from == "" {
		return cfg, errors.New("--at goes with --from FILE")
	}
	if (cfg.output != "" || cfg.duration != 0 || cfg.processes) && cfg.command != "record" {
		return cfg, errors.New("-o, --duration and --processes go with the record command")
	}
	if cfg.command == "record" && cfg.output == "" {
		return cfg, errors.New("record needs -o FILE")
	}
	if cfg.command == "replay" && cfg.file == "" {
		return cfg, errors.New("replay needs a FILE, e.g. boxtop replay testdata/demo.bxr")
	}
	return cfg, nil
}
