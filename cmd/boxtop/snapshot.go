package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/boxtop/boxtop/collectors"
	"github.com/boxtop/boxtop/collectors/snapshot"
)

// runSnapshot takes two readings --interval apart so that rates are filled, and prints the
// second one. An engine that cannot be reached is said on stderr; the host facts still print.
func runSnapshot(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	if cfg.from != "" {
		snap, err := readingFrom(cfg, stderr)
		if err != nil {
			return err
		}
		if cfg.json {
			return writeJSON(stdout, snap)
		}
		return writeTable(stdout, snap)
	}
	col, err := collectors.New(ctx, collectors.Options{
		ProcRoot: cfg.procRoot, CgroupRoot: cfg.cgroupRoot, Host: cfg.host, Processes: true,
		MeasureWritableLayers: cfg.size,
	})
	if err != nil {
		return err
	}
	defer col.Close()

	col.Sample(ctx, nil)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(cfg.interval):
	}
	snap := col.Sample(ctx, nil)

	for _, rt := range snap.Runtimes {
		if rt.Error != nil {
			fmt.Fprintf(stderr, "boxtop: %s: %s\n", rt.Name, *rt.Error)
		}
	}
	if cfg.json {
		return writeJSON(stdout, snap)
	}
	return writeTable(stdout, snap)
}

func writeJSON(w io.Writer, snap snapshot.Snapshot) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(snap)
}
