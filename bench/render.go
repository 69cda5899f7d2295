package main

import (
	"fmt"
	"strings"
	"time"
)

// render writes the report as the markdown of docs/benchmarks.md.
func render(rep report) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }

	p("# Benchmarks: what watching containers costs\n\n")
	p("What it costs the machine to watch its containers with boxtop, next to `docker stats`, on the\n")
	p("real daemon. Written by `make bench` (the program in `bench/`); do not edit by hand.\n\n")
	p("Each figure is the median over the rounds with the lowest and highest round in brackets. \"vs\n")
	p("docker stats\" says how boxtop's median compares with `docker stats`'s. CPU is milliseconds of\n")
	p("CPU time per second of wall time: 10 ms/s is 1%% of one core.\n\n")

	p("## Machine\n\n")
	m := rep.Machine
	p("| | |\n|---|---|\n")
	p("| CPU | %s (%d CPUs) |\n", m.CPU, m.CPUs)
	p("| memory | %s |\n", m.Memory)
	p("| kernel | %s |\n", m.Kernel)
	p("| cgroup | %s |\n", m.Cgroup)
	p("| daemon | dockerd %s, containerd %s, runc %s, cgroup driver %s |\n", m.Docker, m.Containerd, m.Runc, m.CgroupDriver)
	p("| terminal | tmux %s, TERM=%s |\n", m.Tmux, m.Term)
	p("| boxtop | %s, built with %s |\n", m.Boxtop, m.Go)
	p("| date | %s |\n", m.Date)
	p("\n")

	p("## Reproduce\n\n```\n%s\n```\n\n", rep.Command)
	p("`go run ./bench -clean` (`make bench-clean`) removes the benchmark's containers; between runs\n")
	p("they are kept, stopped, and started again.\n\n")

	p("## Goals\n\n")
	p("| goal | target | measured | result |\n|---|---|---|---|\n")
	for _, g := range rep.goals() {
		measured := g.Measured
		if measured == "" {
			measured = "-"
		}
		p("| %s | %s | %s | %s |\n", g.Name, g.Target, measured, g.Status)
	}
	p("\n")

	p("## Figures\n\n")
	p("%d round(s) of %s windows at each container count, %s after start-up; boxtop refreshes every %s.\n\n",
		rep.Rounds, shortDuration(rep.Window), shortDuration(rep.Settle), shortDuration(rep.Interval))
	p("The daemon is shared: the containers column counts the benchmark's idle containers, and\n")
	p("\"+N others\" the containers of other people that were running too (both tools watch them).\n")
	p("Before each window the harness waits for %s without events of other containers and without\n", shortDuration(quietBefore))
	p("anyone else's `docker stats` (at most %s).", shortDuration(quietLimit))
	var disturbed []string
	for _, sc := range rep.Scenes {
		windows, hit, events := disturbance(sc)
		_, dropped := undisturbed(sc)
		disturbed = append(disturbed, fmt.Sprintf("%d of %d windows at %d containers (%d events; %d left out)", hit, windows, sc.N, events, dropped))
	}
	if len(disturbed) > 0 {
		p(" Windows that still saw such events or another `docker stats`: %s. A disturbed window is left\n", strings.Join(disturbed, ", "))
		p("out of the figures where the same watcher has an undisturbed one, and a left-out idle baseline\n")
		p("is replaced by the median of the kept ones.")
	}
	p("\n\n")
	if rep.RecordSkipped != "" {
		p("boxtop record was not measured: %s.\n\n", rep.RecordSkipped)
	}
	all := []watcher{boxtopTUI, boxtopRecord, dockerStats}
	scenes := rep.figures()
	terminals := []watcher{boxtopTUI, dockerStats}

	p("### Total CPU: the watcher plus the daemon stack above idle (ms/s)\n\n")
	p("What watching costs the machine: each round's watcher CPU plus its daemon stack's CPU above\n")
	p("the same round's idle window. The daemon stack's own CPU moves by several ms/s from one 20 s\n")
	p("window to the next with nobody watching (see the idle baselines below), so for a watcher\n")
	p("that makes no API calls the difference is noise on either side of zero. It is kept signed, so\n")
	p("the brackets can go below the watcher's own CPU; the median is floored at the watcher's own\n")
	p("median (no watcher makes the daemon do less than idle).\n\n")
	figureTable(&b, scenes, all, totalOver, 1)

	p("### The watcher's own CPU (ms/s)\n\n")
	p("utime+stime of the watcher's process and its children.\n\n")
	figureTable(&b, scenes, all, per(watcherCPU), 1)

	p("### The daemon stack's CPU above idle (ms/s)\n\n")
	p("dockerd, containerd and every containerd-shim while the watcher runs, minus the same round's idle\n")
	p("window (no watcher). Noise on this shared machine can push a figure below zero.\n\n")
	p("| containers | idle baseline (absolute) |\n|---|---|\n")
	for _, sc := range scenes {
		p("| %s | %s |\n", sceneLabel(sc), over(sc, idleBaseline, daemonRaw).format(1))
	}
	p("\n")
	figureTable(&b, scenes, all, per(daemonAboveIdle), 1)

	p("### Bytes written to the terminal (KiB per minute)\n\n")
	p("Everything the watcher wrote to its 160x50 tmux pane during the window, scaled to a minute.\n\n")
	figureTable(&b, scenes, terminals, per(termKiBPerMinute), 1)

	p("### The terminal's CPU: the tmux server drawing it (ms/s)\n\n")
	p("Not part of the goals: what the terminal pays to parse and draw the watcher's output.\n\n")
	figureTable(&b, scenes, terminals, per(tmuxCPU), 1)

	p("### Peak RSS of the watcher (MiB)\n\n")
	p("VmHWM at the end of the window.\n\n")
	figureTable(&b, scenes, all, per(peakRSSMiB), 1)

	p("### Time to the first frame that lists every container (ms)\n\n")
	p("From starting the watcher in a fresh tmux pane (tall enough for every row) until every\n")
	p("container's name is on screen, polling the pane every %s.\n\n", shortDuration(firstFramePoll))
	p("| containers | pane | boxtop TUI | docker stats | boxtop vs docker stats |\n|---|---|---|---|---|\n")
	for _, sc := range rep.Scenes {
		bs, ds := firstFrames(sc, boxtopTUI), firstFrames(sc, dockerStats)
		p("| %s | 160x%d | %s | %s | %s |\n", sceneLabel(sc), sc.FirstHeight, bs.format(0), ds.format(0), compare(bs.Median, ds.Median))
	}
	p("\n")

	if s := rep.Soak; s != nil {
		renderSoak(&b, *s)
	}

	p("## Method\n\n")
	p("- The scene: N idle containers (`bx-000`...) of a static workload image made with `docker import`,\n")
	p("  plus two busy ones: `bx-burn` burns a core under a 0.5-CPU quota, `bx-mem` holds 128 MiB under\n")
	p("  a 256 MiB limit. All carry the label `boxtop.bench=1`.\n")
	p("- Each round runs the idle baseline, the boxtop TUI (tmux, 160x50), `boxtop record -o /dev/null`\n")
	p("  and `docker stats` (tmux, 160x50) one after another, the order rotating from round to round.\n")
	p("- A window starts once the watcher has drawn (record: has run for 2 s) and then run for the\n")
	p("  settle time, long enough for boxtop's CPU sparklines to fill: the window sees the steady\n")
	p("  state of a long watch, not the start-up.\n")
	p("- CPU is utime+stime from /proc/<pid>/stat at the start and end of the window. The daemon\n")
	p("  stack is found by command name at each reading, since shims come and go.\n")
	p("- Terminal bytes come from `tmux pipe-pane` over the window.\n")
	p("- The soak watches with the TUI while a container is created and another removed every %s,\n", shortDuration(churnEvery))
	p("  reading VmRSS every %s.\n\n", shortDuration(soakSampleEvery))

	if len(rep.Notes) > 0 {
		p("## Notes\n\n")
		for _, n := range rep.Notes {
			p("- %s\n", n)
		}
		p("\n")
	}
	return b.String()
}

// sceneLabel is the containers cell: the benchmark's idle containers, and the others running.
func sceneLabel(sc scene) string {
	if sc.Others > 0 {
		return fmt.Sprintf("%d (+%d others)", sc.N, sc.Others)
	}
	return fmt.Sprint(sc.N)
}

// disturbance counts the windows of a scene, those during which other containers had events,
// and those events.
func disturbance(sc scene) (windows, disturbed, events int) {
	for _, r := range sc.Rounds {
		for _, s := range r.Samples {
			if s.Err != "" {
				continue
			}
			windows++
			if s.ForeignEvents > 0 || s.ForeignStats > 0 {
				disturbed++
				events += s.ForeignEvents
			}
		}
	}
	return windows, disturbed, events
}

// figureTable writes one row per container count: each watcher's summary, then how each boxtop
// watcher compares with docker stats.
func figureTable(b *strings.Builder, scenes []scene, ws []watcher, figure func(scene, watcher) summary, decimals int) {
	header := []string{"containers"}
	for _, w := range ws {
		header = append(header, w.String())
	}
	for _, w := range ws {
		if w != dockerStats {
			header = append(header, w.String()+" vs docker stats")
		}
	}
	fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat("---|", len(header)))
	for _, sc := range scenes {
		cells := []string{sceneLabel(sc)}
		sums := map[watcher]summary{}
		for _, w := range ws {
			sums[w] = figure(sc, w)
			cells = append(cells, sums[w].format(decimals))
		}
		for _, w := range ws {
			if w != dockerStats {
				cells = append(cells, compare(sums[w].Median, sums[dockerStats].Median))
			}
		}
		fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
	}
	b.WriteString("\n")
}

func renderSoak(b *strings.Builder, s soakResult) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	p("### boxtop's RSS over %s at %d containers with churn\n\n", shortDuration(s.Duration), s.N)
	if s.Err != "" {
		p("The soak stopped early: %s.\n\n", s.Err)
	}
	if len(s.Samples) == 0 {
		p("No samples.\n\n")
		return
	}
	first, last, peak := s.Samples[0].RSS, s.Samples[len(s.Samples)-1].RSS, int64(0)
	for _, x := range s.Samples {
		peak = max(peak, x.RSS)
	}
	mib := func(v int64) string { return fmt.Sprintf("%.1f", float64(v)/(1<<20)) }
	p("| first (MiB) | max (MiB) | last (MiB) | slope over the last half (KiB/min) | containers churned |\n|---|---|---|---|---|\n")
	slopeText := "n/a"
	if len(s.Samples) >= 2 {
		slopeText = signedKiB(s.lastHalfSlope())
	}
	churned := "not counted"
	if s.Churned >= 0 {
		churned = fmt.Sprint(s.Churned)
	}
	p("| %s | %s | %s | %s | %s |\n\n", mib(first), mib(peak), mib(last), slopeText, churned)
	var perMinute []string
	next := time.Duration(0)
	for _, x := range s.Samples {
		if x.At >= next {
			perMinute = append(perMinute, mib(x.RSS))
			next = x.At.Truncate(time.Minute) + time.Minute
		}
	}
	p("RSS (MiB) about once a minute: %s.\n\n", strings.Join(perMinute, ", "))
}
