package main

import (
	"context"

	"github.com/boxtop/boxtop/collectors"
	"github.com/boxtop/boxtop/tui"
)

// runTUI starts the live view on the local engine and kernel files. The engine's first
// inventory arrives in the background, so the screen comes up at once.
func runTUI(ctx context.Context, cfg config) error {
	col, err := collectors.New(ctx, collectors.Options{
		ProcRoot: cfg.procRoot, CgroupRoot: cfg.cgroupRoot, Host: cfg.host, StartInBackground: true,
	})
	if err != nil {
		return err
	}
	defer col.Close()
	return tui.Run(ctx, col, tui.Options{Interval: cfg.interval, NoColor: cfg.noColor})
}
