package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchContainers is the idle scene of BenchmarkTerminalBytes.
const benchContainers = 50

// BenchmarkTerminalBytes measures what watching a mostly idle host costs a remote terminal:
// the bytes written to the terminal per minute while 50 idle containers are shown at 1 s, by
// boxtop and by `docker stats`, side by side in the same run, both in tmux at 160x50, both
// recorded with `tmux pipe-pane` for 60 s after a 5 s warm-up.
//
//	go test ./e2e -run '^$' -bench TerminalBytes -benchtime 1x
//
// BOXTOP_BENCH_SECONDS shortens or lengthens the recording; BOXTOP_BENCH_KEEP=DIR keeps the
// raw recordings there, to see what was written. The measurement runs once whatever b.N is.
func BenchmarkTerminalBytes(b *testing.B) {
	needDaemon(b)
	seconds := 60
	if v, err := strconv.Atoi(os.Getenv("BOXTOP_BENCH_SECONDS")); err == nil && v > 0 {
		seconds = v
	}
	specs := make([]spec, benchContainers)
	names := make([]string, benchContainers)
	for i := range specs {
		specs[i] = spec{role: fmt.Sprintf("idle%02d", i)}
		names[i] = name(specs[i].role)
	}
	startedAt := time.Now()
	start(b, specs...)
	b.Logf("started %d idle containers in %v", benchContainers, time.Since(startedAt).Round(time.Second))

	// The same scene for both: exactly these containers. boxtop is filtered to them (its
	// header still describes the whole host), docker stats is given their names.
	prefix := env.names + "-idle"
	boxtop := openTerm(b, 160, 50, boxtopCommand())
	boxtop.waitText(b, firstScreen, "[1 Resources]")
	boxtop.keys(b, "/")
	boxtop.typeText(b, prefix)
	boxtop.keys(b, "Enter")
	boxtop.waitFor(b, "the idle containers listed", firstScreen, func(s screen) error {
		n := 0
		for _, line := range s {
			if strings.Contains(line, prefix) && strings.Contains(line, "running") {
				n++
			}
		}
		if want := min(benchContainers, 50-4); n < want {
			return fmt.Errorf("%d of %d rows", n, want)
		}
		return nil
	})
	stats := openTerm(b, 160, 50, "docker stats "+strings.Join(names, " "))
	// 50 containers and a title take 51 lines: the title scrolls off, the last row stays.
	stats.waitText(b, firstScreen, names[len(names)-1])

	time.Sleep(5 * time.Second) // warm-up: first readings, first rates, settled layout
	dir := b.TempDir()
	if keep := os.Getenv("BOXTOP_BENCH_KEEP"); keep != "" {
		dir = keep
	}
	boxtopOut, statsOut := boxtop.pipe(b, dir), stats.pipe(b, dir)
	b.ResetTimer()
	time.Sleep(time.Duration(seconds) * time.Second)
	boxtop.unpipe(b)
	stats.unpipe(b)
	b.StopTimer()

	perMinute := func(path string) float64 {
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		return float64(fi.Size()) * 60 / float64(seconds)
	}
	boxtopRate, statsRate := perMinute(boxtopOut), perMinute(statsOut)
	b.ReportMetric(boxtopRate, "boxtop-B/min")
	b.ReportMetric(statsRate, "docker-stats-B/min")
	if boxtopRate > 0 {
		b.ReportMetric(statsRate/boxtopRate, "stats/boxtop")
	}
	b.Logf("%d idle containers at 160x50 for %d s: boxtop %.0f B/min, docker stats %.0f B/min (recordings: %s, %s)",
		benchContainers, seconds, boxtopRate, statsRate, filepath.Base(boxtopOut), filepath.Base(statsOut))
}
