package main

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// watcher is what runs during one measurement window.
type watcher int

const (
	// idleBaseline is no watcher at all: what the daemon stack costs on its own in this scene.
	idleBaseline watcher = iota
	boxtopTUI
	boxtopRecord
	dockerStats
)

func (w watcher) String() string {
	switch w {
	case idleBaseline:
		return "idle baseline"
	case boxtopTUI:
		return "boxtop TUI"
	case boxtopRecord:
		return "boxtop record"
	case dockerStats:
		return "docker stats"
	}
	return fmt.Sprintf("watcher(%d)", int(w))
}

// sample is one measurement window. CPU figures are milliseconds of CPU per second of wall time
// (10 ms/s is 1% of one core). A figure that does not apply is NaN (CPU) or -1 (sizes).
type sample struct {
	Window     time.Duration
	WatcherCPU float64
	// DaemonCPU is the whole daemon stack (dockerd, containerd, shims) as measured, the idle
	// baseline included: the report subtracts the same round's baseline.
	DaemonCPU float64
	// TmuxCPU is the tmux server drawing the watcher's output: a cost a real terminal pays too.
	// Negative without a terminal (NaN would not survive the JSON of -raw).
	TmuxCPU   float64
	TermBytes int64
	PeakRSS   int64
	// ForeignEvents counts events of other people's containers during the window: work the
	// daemon did that no watcher asked for.
	ForeignEvents int
	// ForeignStats counts the docker stats commands of other people running at the start or end.
	ForeignStats int
	Err          string
}

// round is one pass over every watcher at one container count, in an interleaved order.
type round struct {
	Samples map[watcher]sample
}

// firstFrame is one start of a watcher timed until every container's name was on screen.
type firstFrame struct {
	Millis float64
	Err    string
}

// scene is everything measured at one container count.
type scene struct {
	N      int
	Rounds []round
	First  map[watcher][]firstFrame
	// FirstHeight is the terminal height of the first-frame runs: tall enough for every row.
	FirstHeight int
	// Others is how many containers that are not the benchmark's were running: both tools
	// watch those too.
	Others int
}

type soakSample struct {
	At  time.Duration
	RSS int64
}

// soakResult is boxtop's memory over a long watch of a churning scene.
type soakResult struct {
	N        int
	Duration time.Duration
	Churned  int
	Samples  []soakSample
	Err      string
}

// machine is what the figures depend on besides boxtop.
type machine struct {
	CPU, Memory, Kernel, Cgroup            string
	CPUs                                   int
	Docker, Containerd, Runc, CgroupDriver string
	Tmux, Term, Go, Boxtop, Date           string
}

// report is the whole outcome of a run; render turns it into docs/benchmarks.md.
type report struct {
	Machine  machine
	Command  string
	Rounds   int
	Window   time.Duration
	Settle   time.Duration
	Interval time.Duration
	// RecordSkipped says why boxtop record was not measured ("" when it was).
	RecordSkipped string
	Scenes        []scene
	Soak          *soakResult
	Notes         []string
}

// Figures of one round for one watcher; NaN where the round has no such value.

func watcherCPU(r round, w watcher) float64 {
	s, ok := r.Samples[w]
	if !ok || s.Err != "" {
		return math.NaN()
	}
	return s.WatcherCPU
}

// daemonAboveIdle is the daemon stack's CPU while w watched minus the same round's baseline.
func daemonAboveIdle(r round, w watcher) float64 {
	s, ok := r.Samples[w]
	base, okBase := r.Samples[idleBaseline]
	if !ok || !okBase || s.Err != "" || base.Err != "" {
		return math.NaN()
	}
	return s.DaemonCPU - base.DaemonCPU
}

func daemonRaw(r round, w watcher) float64 {
	s, ok := r.Samples[w]
	if !ok || s.Err != "" {
		return math.NaN()
	}
	return s.DaemonCPU
}

// totalCPU is what watching costs the machine in one round: the watcher plus what the daemon
// stack did above the round's idle window. The daemon stack's own CPU moves by several ms/s from
// one window to the next whatever watches it, so the difference is noise around the true cost
// and can come out below zero; it is kept signed here so that the noise averages out over the
// rounds instead of only ever adding (see totalOver).
func totalCPU(r round, w watcher) float64 {
	return watcherCPU(r, w) + daemonAboveIdle(r, w)
}

// totalOver summarizes the total over a scene's rounds. Its median is never below the
// watcher's own median CPU: no watcher makes the daemon do less than idle.
func totalOver(sc scene, w watcher) summary {
	s := over(sc, w, totalCPU)
	if own := over(sc, w, watcherCPU); s.ok() && own.ok() && s.Median < own.Median {
		s.Median = own.Median
	}
	return s
}

// per summarizes a per-round figure over a scene's rounds.
func per(figure func(round, watcher) float64) func(scene, watcher) summary {
	return func(sc scene, w watcher) summary { return over(sc, w, figure) }
}

func tmuxCPU(r round, w watcher) float64 {
	s, ok := r.Samples[w]
	if !ok || s.Err != "" || s.TmuxCPU < 0 {
		return math.NaN()
	}
	return s.TmuxCPU
}

// termKiBPerMinute scales the bytes written during the window to a minute.
func termKiBPerMinute(r round, w watcher) float64 {
	s, ok := r.Samples[w]
	if !ok || s.Err != "" || s.TermBytes < 0 || s.Window <= 0 {
		return math.NaN()
	}
	return float64(s.TermBytes) / s.Window.Seconds() * 60 / 1024
}

func peakRSSMiB(r round, w watcher) float64 {
	s, ok := r.Samples[w]
	if !ok || s.Err != "" || s.PeakRSS < 0 {
		return math.NaN()
	}
	return float64(s.PeakRSS) / (1 << 20)
}

// over summarizes one figure of one watcher across a scene's rounds.
func over(sc scene, w watcher, figure func(round, watcher) float64) summary {
	xs := make([]float64, 0, len(sc.Rounds))
	for _, r := range sc.Rounds {
		xs = append(xs, figure(r, w))
	}
	return summarize(xs)
}

func firstFrames(sc scene, w watcher) summary {
	var xs []float64
	for _, f := range sc.First[w] {
		if f.Err == "" {
			xs = append(xs, f.Millis)
		}
	}
	return summarize(xs)
}

// disturbed says whether other people's work on the shared daemon reached into the window.
func (s sample) disturbed() bool { return s.ForeignEvents > 0 || s.ForeignStats > 0 }

// undisturbed is the scene the figures are taken from: a window that other people's work
// disturbed is left out wherever the same watcher has an undisturbed window in another round,
// and a round whose idle baseline is left out is measured against the median of the kept
// baselines. Where every window of a watcher was disturbed, all of them stay.
func undisturbed(sc scene) (scene, int) {
	clean := map[watcher]bool{}
	for _, r := range sc.Rounds {
		for w, s := range r.Samples {
			if s.Err == "" && !s.disturbed() {
				clean[w] = true
			}
		}
	}
	var idles []float64
	for _, r := range sc.Rounds {
		if s, ok := r.Samples[idleBaseline]; ok && s.Err == "" && !s.disturbed() {
			idles = append(idles, s.DaemonCPU)
		}
	}
	baseline := summarize(idles)

	out := sc
	out.Rounds = make([]round, len(sc.Rounds))
	dropped := 0
	for i, r := range sc.Rounds {
		kept := round{Samples: map[watcher]sample{}}
		for w, s := range r.Samples {
			if s.Err == "" && s.disturbed() && clean[w] {
				dropped++
				if w == idleBaseline && baseline.ok() {
					kept.Samples[w] = sample{Window: s.Window, DaemonCPU: baseline.Median, TmuxCPU: -1, TermBytes: -1, PeakRSS: -1}
				}
				continue
			}
			kept.Samples[w] = s
		}
		out.Rounds[i] = kept
	}
	return out, dropped
}

// figures is the scenes as the figures and goals see them (see undisturbed).
func (rep report) figures() []scene {
	out := make([]scene, len(rep.Scenes))
	for i, sc := range rep.Scenes {
		out[i], _ = undisturbed(sc)
	}
	return out
}

func (rep report) scene(n int) (scene, bool) {
	for _, sc := range rep.figures() {
		if sc.N == n {
			return sc, true
		}
	}
	return scene{}, false
}

// goal is one promise of the product checked against this run.
type goal struct {
	Name, Target, Measured string
	// Status is PASS, MISS or "not measured".
	Status string
}

const (
	pass        = "PASS"
	miss        = "MISS"
	notMeasured = "not measured"
)

// Goal thresholds.
const (
	goalTotalCPURatio  = 20.0  // docker stats's whole-stack CPU over boxtop's
	goalOwnCPU         = 10.0  // ms/s: 1% of one core
	goalTermRatio      = 300.0 // docker stats's terminal bytes over boxtop's
	goalFirstFrameMS   = 300.0
	goalSoakRSSMiB     = 40.0
	goalSoakGrowthHour = 0.10 // at the last half's slope, an hour adds less than 10% of the RSS
)

func statusOf(ok bool) string {
	if ok {
		return pass
	}
	return miss
}

// goals checks the product's promises with the medians of this run.
func (rep report) goals() []goal {
	var out []goal
	for _, n := range []int{50, 100} {
		g := goal{
			Name:   fmt.Sprintf("total CPU (watcher + daemon stack) at %d containers, 1 s refresh", n),
			Target: fmt.Sprintf("%.0fx less than docker stats", goalTotalCPURatio),
			Status: notMeasured,
		}
		if sc, ok := rep.scene(n); ok {
			b, d := totalOver(sc, boxtopTUI), totalOver(sc, dockerStats)
			if b.ok() && d.ok() {
				g.Measured = fmt.Sprintf("%s vs %s ms/s: %s", formatFloat(b.Median, 1), formatFloat(d.Median, 1), compare(b.Median, d.Median))
				g.Status = statusOf(b.Median <= 0 || d.Median/b.Median >= goalTotalCPURatio)
			}
		}
		out = append(out, g)
	}

	g := goal{Name: "boxtop's own CPU at 100 containers", Target: fmt.Sprintf("at most %.0f ms/s (1%% of one core)", goalOwnCPU), Status: notMeasured}
	if sc, ok := rep.scene(100); ok {
		if b := over(sc, boxtopTUI, watcherCPU); b.ok() {
			g.Measured = fmt.Sprintf("%s ms/s (%.2f%% of a core)", formatFloat(b.Median, 1), b.Median/10)
			g.Status = statusOf(b.Median <= goalOwnCPU)
		}
	}
	out = append(out, g)

	for _, sc := range rep.figures() {
		g := goal{
			Name:   fmt.Sprintf("terminal bytes per minute at %d containers (mostly idle scene)", sc.N),
			Target: fmt.Sprintf("at most 1/%.0f of docker stats", goalTermRatio),
			Status: notMeasured,
		}
		b, d := over(sc, boxtopTUI, termKiBPerMinute), over(sc, dockerStats, termKiBPerMinute)
		if b.ok() && d.ok() {
			g.Measured = fmt.Sprintf("%s vs %s KiB/min: %s", formatFloat(b.Median, 1), formatFloat(d.Median, 1), compare(b.Median, d.Median))
			g.Status = statusOf(b.Median*goalTermRatio <= d.Median)
		}
		out = append(out, g)
	}

	g = goal{Name: "first frame listing 100 containers", Target: fmt.Sprintf("within %.0f ms of start", goalFirstFrameMS), Status: notMeasured}
	if sc, ok := rep.scene(100); ok {
		if b := firstFrames(sc, boxtopTUI); b.ok() {
			g.Measured = fmt.Sprintf("%s ms (median; slowest %s)", formatFloat(b.Median, 0), formatFloat(b.Hi, 0))
			g.Status = statusOf(b.Median <= goalFirstFrameMS)
		}
	}
	out = append(out, g)

	g = goal{Name: "RSS after 10 minutes at 100 containers with churn", Target: fmt.Sprintf("at most %.0f MiB, and not growing", goalSoakRSSMiB), Status: notMeasured}
	if s := rep.Soak; s != nil && len(s.Samples) >= 2 {
		last := float64(s.Samples[len(s.Samples)-1].RSS) / (1 << 20)
		perMin := s.lastHalfSlope()
		growing := !math.IsNaN(perMin) && perMin*60/1024 > goalSoakGrowthHour*last
		g.Name = fmt.Sprintf("RSS after %s at %d containers with churn", shortDuration(s.Duration), s.N)
		g.Measured = fmt.Sprintf("%.1f MiB, last half %s KiB/min", last, signedKiB(perMin))
		g.Status = statusOf(last <= goalSoakRSSMiB && !growing)
		if s.N < 100 || s.Duration < 10*time.Minute {
			g.Measured += " (shorter or smaller than the goal's run)"
		}
	}
	out = append(out, g)
	return out
}

// signedKiB writes a slope with its sign, and a slope that rounds to nothing as "0" rather
// than "-0".
func signedKiB(v float64) string {
	if math.Abs(v) < 0.5 {
		return "0"
	}
	return fmt.Sprintf("%+.0f", v)
}

// lastHalfSlope is the RSS trend over the second half of the soak, in KiB per minute: the first
// half holds the warm-up (caches filling, the heap finding its size).
func (s soakResult) lastHalfSlope() float64 {
	half := s.Samples[len(s.Samples)/2:]
	var xs, ys []float64
	for _, p := range half {
		xs = append(xs, p.At.Minutes())
		ys = append(ys, float64(p.RSS)/1024)
	}
	return slope(xs, ys)
}

func shortDuration(d time.Duration) string {
	if d < time.Second {
		return d.String()
	}
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
