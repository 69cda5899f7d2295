package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/boxtop/boxtop/collectors"
	"github.com/boxtop/boxtop/collectors/record"
	"github.com/boxtop/boxtop/collectors/snapshot"
	"github.com/boxtop/boxtop/tui"
)

// runRecord appends a reading every --interval to the file until ctrl+c or --duration. Each
// reading is written whole, so a crash loses at most the one being written.
func runRecord(ctx context.Context, cfg config, stderr io.Writer) error {
	col, err := collectors.New(ctx, collectors.Options{ProcRoot: cfg.procRoot, CgroupRoot: cfg.cgroupRoot, Host: cfg.host, Processes: cfg.processes})
	if err != nil {
		return err
	}
	defer col.Close()
	if cfg.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.duration)
		defer cancel()
	}

	first := col.Sample(ctx, nil)
	w, err := record.Create(cfg.output, record.Header{Hostname: first.Host.Hostname, Kernel: first.Host.Kernel, Started: first.Time})
	if err != nil {
		return err
	}
	for _, rt := range first.Runtimes {
		if rt.Error != nil {
			fmt.Fprintf(stderr, "boxtop: %s: %s\n", rt.Name, *rt.Error)
		}
	}
	count := 0
	tick := time.NewTicker(cfg.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := w.Close(); err != nil {
				return err
			}
			fmt.Fprintf(stderr, "boxtop: recorded %d readings to %s\n", count, cfg.output)
			return nil
		case <-tick.C:
		}
		// The first reading has no rates; every later one has them against the one before.
		s := col.Sample(ctx, nil)
		if ctx.Err() != nil {
			continue // cut short by ctrl+c or --duration: not a whole reading
		}
		if err := w.Append(s); err != nil {
			if errors.Is(err, record.ErrClockStepped) {
				fmt.Fprintf(stderr, "boxtop: skipped a reading: %v\n", err)
				continue
			}
			w.Close()
			return err
		}
		count++
	}
}

// openRecording opens a recording; a corrupt record leaves the readings before it usable, with
// a warning on stderr.
func openRecording(path string, stderr io.Writer) (*record.Reader, error) {
	r, err := record.Open(path)
	var corrupt *record.CorruptError
	if errors.As(err, &corrupt) && r != nil {
		fmt.Fprintf(stderr, "boxtop: %v\n", err)
		err = nil
	}
	if err != nil {
		return nil, err
	}
	if off, cut := r.Truncated(); cut {
		fmt.Fprintf(stderr, "boxtop: %s ends inside a reading at offset %d (cut short while recording); the %d readings before it are shown\n", path, off, r.Len())
	}
	if r.Len() == 0 {
		r.Close()
		return nil, fmt.Errorf("%s: no whole reading in the recording", path)
	}
	return r, nil
}

// runReplay browses a recording in the TUI.
func runReplay(ctx context.Context, cfg config, stderr io.Writer) error {
	r, err := openRecording(cfg.file, stderr)
	if err != nil {
		return err
	}
	defer r.Close()
	return tui.Run(ctx, record.NewPlayer(r), tui.Options{Interval: cfg.interval, NoColor: cfg.noColor, Replay: true, Label: cfg.file})
}

// readingFrom picks the reading of a recording at --at (the last one at or before it), or the
// last reading.
func readingFrom(cfg config, stderr io.Writer) (snapshot.Snapshot, error) {
	r, err := openRecording(cfg.from, stderr)
	if err != nil {
		return snapshot.Snapshot{}, err
	}
	defer r.Close()
	i := r.Len() - 1
	if cfg.at != "" {
		t, err := parseAt(cfg.at, r.Time(0))
		if err != nil {
			return snapshot.Snapshot{}, err
		}
		if t.Before(r.Time(0)) {
			return snapshot.Snapshot{}, fmt.Errorf("--at %s is before the recording starts (%s)", cfg.at, r.Time(0).Format(time.RFC3339))
		}
		i = r.Index(t)
	}
	return r.At(i)
}

// parseAt reads --at as an RFC 3339 time, a time of day on the recording's first day
// ("14:05:00"), or an offset from its start ("+90s").
func parseAt(s string, start time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if len(s) > 0 && s[0] == '+' {
		if d, err := time.ParseDuration(s[1:]); err == nil {
			return start.Add(d), nil
		}
	}
	for _, layout := range []string{"15:04:05", "15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			y, m, d := start.Date()
			return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, start.Location()), nil
		}
	}
	return time.Time{}, fmt.Errorf("--at %q: want an RFC 3339 time, a time of day like 14:05:00, or an offset like +90s", s)
}
