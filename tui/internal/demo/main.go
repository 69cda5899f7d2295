// Command demo runs the TUI on snapshots from a JSON file, for trying the screen by hand:
//
//	go run ./tui/internal/demo views/testdata/fixture.json
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/boxtop/boxtop/tui"
	"github.com/boxtop/boxtop/tui/fixture"
)

func main() {
	interval := flag.Duration("interval", time.Second, "refresh interval")
	noColor := flag.Bool("no-color", false, "no colours")
	replay := flag.Bool("replay", false, "show the data as a replay")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: demo [flags] SNAPSHOT.json")
		os.Exit(2)
	}
	src, err := fixture.Load(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	opts := tui.Options{Interval: *interval, NoColor: *noColor, Replay: *replay, Label: flag.Arg(0), Location: time.UTC}
	if err := tui.Run(context.Background(), src, opts); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
