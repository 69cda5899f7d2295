package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// cpuCounters are the cgroup's cumulative CPU figures, read by the test itself.
type cpuCounters struct{ usageNs, periods, throttled, throttledNs uint64 }

func readCPUCounters(t *testing.T, pid int) cpuCounters {
	t.Helper()
	if cgroupV2() {
		st := readKeyed(t, filepath.Join(cgroupDir(t, pid, ""), "cpu.stat"))
		return cpuCounters{st["usage_usec"] * 1000, st["nr_periods"], st["nr_throttled"], st["throttled_usec"] * 1000}
	}
	st := readKeyed(t, filepath.Join(cgroupDir(t, pid, "cpu"), "cpu.stat"))
	usage := readInt(t, filepath.Join(cgroupDir(t, pid, "cpuacct"), "cpuacct.usage"))
	return cpuCounters{uint64(usage), st["nr_periods"], st["nr_throttled"], st["throttled_time"]}
}

// readCPULimit returns the CFS quota and period in microseconds; quota < 0 means none.
func readCPULimit(t *testing.T, pid int) (quota, period int64) {
	t.Helper()
	if cgroupV2() {
		f := strings.Fields(readFileString(t, filepath.Join(cgroupDir(t, pid, ""), "cpu.max")))
		if len(f) != 2 {
			t.Fatalf("cpu.max: %q", f)
		}
		period, _ = strconv.ParseInt(f[1], 10, 64)
		if f[0] == "max" {
			return -1, period
		}
		quota, _ = strconv.ParseInt(f[0], 10, 64)
		return quota, period
	}
	dir := cgroupDir(t, pid, "cpu")
	return readInt(t, filepath.Join(dir, "cpu.cfs_quota_us")), readInt(t, filepath.Join(dir, "cpu.cfs_period_us"))
}

func readCpuset(t *testing.T, pid int) string {
	t.Helper()
	if cgroupV2() {
		return readFileString(t, filepath.Join(cgroupDir(t, pid, ""), "cpuset.cpus.effective"))
	}
	return readFileString(t, filepath.Join(cgroupDir(t, pid, "cpuset"), "cpuset.cpus"))
}

// memFiles are the memory cgroup's figures, read by the test itself; limit < 0 means none.
type memFiles struct {
	usage, inactiveFile, oomKills uint64
	limit                         int64
}

func readMemory(t *testing.T, pid int) memFiles {
	t.Helper()
	if cgroupV2() {
		dir := cgroupDir(t, pid, "")
		m := memFiles{usage: uint64(readInt(t, filepath.Join(dir, "memory.current"))), limit: -1}
		if s := readFileString(t, filepath.Join(dir, "memory.max")); s != "max" {
			m.limit, _ = strconv.ParseInt(s, 10, 64)
		}
		m.inactiveFile = readKeyed(t, filepath.Join(dir, "memory.stat"))["inactive_file"]
		m.oomKills = readKeyed(t, filepath.Join(dir, "memory.events"))["oom_kill"]
		return m
	}
	dir := cgroupDir(t, pid, "memory")
	m := memFiles{usage: uint64(readInt(t, filepath.Join(dir, "memory.usage_in_bytes")))}
	m.limit = readInt(t, filepath.Join(dir, "memory.limit_in_bytes"))
	if m.limit > 1<<62 { // v1 spells "no limit" as a huge page-rounded number
		m.limit = -1
	}
	m.inactiveFile = readKeyed(t, filepath.Join(dir, "memory.stat"))["total_inactive_file"]
	oom := readKeyed(t, filepath.Join(dir, "memory.oom_control"))
	if _, ok := oom["oom_kill"]; !ok {
		t.Fatalf("%s/memory.oom_control has no oom_kill line (kernel before 4.13?)", dir)
	}
	m.oomKills = oom["oom_kill"]
	return m
}

func readPids(t *testing.T, pid int) (current uint64, limit int64) {
	t.Helper()
	dir := cgroupDir(t, pid, "pids")
	if cgroupV2() {
		dir = cgroupDir(t, pid, "")
	}
	current = uint64(readInt(t, filepath.Join(dir, "pids.current")))
	limit = -1
	if s := readFileString(t, filepath.Join(dir, "pids.max")); s != "max" {
		limit, _ = strconv.ParseInt(s, 10, 64)
	}
	return current, limit
}

// between fails unless lo <= got <= hi: a cumulative counter read by boxtop must lie between the
// test's own readings of the same file just before and just after.
func between[T uint64 | int64 | float64](t *testing.T, what string, got, lo, hi T) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s = %v, want between the files' %v and %v", what, got, lo, hi)
	}
}

// A burner held to 0.2 cores reads about 20% of a core, is throttled, and every counter agrees
// with cpu.stat and cpuacct.usage read around boxtop's reading.
func testCPULimit(t *testing.T) {
	c := start(t, spec{name: "cpu", options: []string{"--cpus", "0.2"}, workload: []string{"-burn", "1"}})
	col := newCollector(t)
	sampleUntil(t, col, 20*time.Second, nil, running(c.ID))

	// On a loaded host the container's parent cgroup can be starved below the quota: measure
	// again (up to 4 windows of 2 s) until the files themselves show the burner got its 20%.
	var (
		s             snapshot.Snapshot
		before, after cpuCounters
		own           float64
	)
	for window := 1; ; window++ {
		// boxtop's rate is over the time since its previous reading: take that reading now, so
		// that its window and the files' window are the same two seconds.
		sample(t, col)
		before = readCPUCounters(t, c.Pid)
		start := time.Now()
		time.Sleep(2 * time.Second) // the window the rates are measured over
		s = sample(t, col)
		after = readCPUCounters(t, c.Pid)
		own = 100 * float64(after.usageNs-before.usageNs) / float64(time.Since(start).Nanoseconds())
		if own >= 12 || window == 4 {
			break
		}
		t.Logf("window %d: the burner got only %.1f%% of a core by cpuacct.usage (host busy); measuring again", window, own)
	}
	got := mustFind(t, s, c)
	if got.CPU == nil {
		t.Fatalf("cpu is null; errors %q", got.Errors)
	}
	cpu := got.CPU
	t.Logf("interval %.2fs usage %v%% (files %.1f%%) limit %v throttled %v%% periods %v throttled %v",
		s.IntervalSeconds, deref(cpu.UsagePercent), own, deref(cpu.LimitCores), deref(cpu.ThrottledPercent),
		deref(cpu.Periods), deref(cpu.ThrottledPeriods))

	quota, period := readCPULimit(t, c.Pid)
	if cpu.LimitCores == nil || !approx(*cpu.LimitCores, 0.2, 1e-9) ||
		!approx(*cpu.LimitCores, float64(quota)/float64(period), 1e-9) ||
		!approx(*cpu.LimitCores, float64(c.Inspect.HostConfig.NanoCpus)/1e9, 1e-9) {
		t.Errorf("limit_cores = %v, want 0.2 = quota %d / period %d = NanoCpus %d / 1e9",
			deref(cpu.LimitCores), quota, period, c.Inspect.HostConfig.NanoCpus)
	}
	if s.IntervalSeconds < 1.9 || s.IntervalSeconds > 5 {
		t.Errorf("interval_seconds = %v, want about 2", s.IntervalSeconds)
	}
	switch {
	case cpu.UsagePercent == nil:
		t.Errorf("usage_percent is null on a second reading")
	case !approx(*cpu.UsagePercent, own, 3):
		t.Errorf("usage_percent = %.2f, want cpuacct.usage's %.2f over the same window", *cpu.UsagePercent, own)
	case *cpu.UsagePercent < 10 || *cpu.UsagePercent > 30:
		t.Errorf("usage_percent = %.2f, want 10..30 for a busy loop held to 0.2 cores", *cpu.UsagePercent)
	case cpu.PercentOfLimit == nil || !approx(*cpu.PercentOfLimit, *cpu.UsagePercent / *cpu.LimitCores, 0.01):
		t.Errorf("percent_of_limit = %v, want usage %v / limit %v", deref(cpu.PercentOfLimit), *cpu.UsagePercent, deref(cpu.LimitCores))
	}
	between(t, "usage_ns", cpu.UsageNanoseconds, before.usageNs, after.usageNs)
	if cpu.Periods == nil || cpu.ThrottledPeriods == nil || cpu.ThrottledSeconds == nil {
		t.Fatalf("periods %v throttled_periods %v throttled_seconds %v: want all read from cpu.stat",
			deref(cpu.Periods), deref(cpu.ThrottledPeriods), deref(cpu.ThrottledSeconds))
	}
	between(t, "periods", *cpu.Periods, before.periods, after.periods)
	between(t, "throttled_periods", *cpu.ThrottledPeriods, before.throttled, after.throttled)
	between(t, "throttled_seconds", *cpu.ThrottledSeconds, float64(before.throttledNs)/1e9-1e-6, float64(after.throttledNs)/1e9+1e-6)
	if *cpu.ThrottledPeriods == 0 {
		t.Errorf("throttled_periods = 0 for a busy loop over its quota")
	}
	ownThrottled := 100 * float64(after.throttled-before.throttled) / float64(max(after.periods-before.periods, 1))
	if cpu.ThrottledPercent == nil || *cpu.ThrottledPercent <= 0 || *cpu.ThrottledPercent > 100 ||
		!approx(*cpu.ThrottledPercent, ownThrottled, 15) {
		t.Errorf("throttled_percent = %v, want > 0 and near the files' %.1f over the same window", deref(cpu.ThrottledPercent), ownThrottled)
	}
	if want := readCpuset(t, c.Pid); cpu.Cpuset == nil || *cpu.Cpuset != want {
		t.Errorf("cpuset = %v, want the file's %q", deref(cpu.Cpuset), want)
	}
}

// A 64 MiB limit and 16 MiB held: the limit equals inspect's and the file's, usage and working
// set agree with the files, and nothing was OOM-killed.
func testMemoryLimit(t *testing.T) {
	c := start(t, spec{name: "mem", options: []string{"--memory", "64m"}, workload: []string{"-alloc", "16"}})
	col := newCollector(t)
	var before memFiles
	s := sampleUntil(t, col, 30*time.Second, nil, func(s snapshot.Snapshot) error {
		if err := running(c.ID)(s); err != nil {
			return err
		}
		if m := find(s, c.ID).Memory; m == nil || m.UsageBytes < 16<<20 {
			return fmt.Errorf("memory %+v: want usage >= 16 MiB once the workload holds it", m)
		}
		return nil
	})
	before = readMemory(t, c.Pid) // a moment after the reading: usage moves by a few pages only
	got := mustFind(t, s, c)
	m := got.Memory
	const limit = 64 << 20
	if c.Inspect.HostConfig.Memory != limit || before.limit != limit {
		t.Fatalf("setup: inspect Memory %d, file limit %d, want %d", c.Inspect.HostConfig.Memory, before.limit, limit)
	}
	if m.LimitBytes == nil || *m.LimitBytes != uint64(c.Inspect.HostConfig.Memory) {
		t.Errorf("limit_bytes = %v, want inspect's HostConfig.Memory %d", deref(m.LimitBytes), c.Inspect.HostConfig.Memory)
	}
	const slack = 2 << 20
	between(t, "usage_bytes", m.UsageBytes, before.usage-slack, before.usage+slack)
	if m.WorkingSetBytes > m.UsageBytes || m.WorkingSetBytes < 16<<20 {
		t.Errorf("working_set_bytes = %d, want between the 16 MiB held and usage %d", m.WorkingSetBytes, m.UsageBytes)
	}
	wantWS := before.usage - min(before.inactiveFile, before.usage)
	between(t, "working_set_bytes", m.WorkingSetBytes, wantWS-slack, wantWS+slack)
	if m.PercentOfLimit == nil || !approx(*m.PercentOfLimit, 100*float64(m.WorkingSetBytes)/limit, 0.01) {
		t.Errorf("memory percent_of_limit = %v, want working set / limit = %.2f", deref(m.PercentOfLimit), 100*float64(m.WorkingSetBytes)/limit)
	}
	if m.OOMKills == nil || *m.OOMKills != before.oomKills || before.oomKills != 0 {
		t.Errorf("oom_kills = %v, want the file's %d (0)", deref(m.OOMKills), before.oomKills)
	}
}

// A child allocating 200 MiB under a 32 MiB limit is OOM-killed; init survives and keeps the
// cgroup, whose oom_kill counter boxtop must report, with the engine's oom event.
func testOOMKill(t *testing.T) {
	col := newCollector(t) // before the kill, so that its event stream sees it
	c := start(t, spec{name: "oom", options: []string{"--memory", "32m"}, workload: []string{"-alloc-child", "200"}})
	deadline := time.Now().Add(30 * time.Second)
	for readMemory(t, c.Pid).oomKills == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("setup: no OOM kill in the container's cgroup after 30s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	s := sampleUntil(t, col, 20*time.Second, nil, func(s snapshot.Snapshot) error {
		got := find(s, c.ID)
		if got == nil || got.Memory == nil || got.Memory.OOMKills == nil || *got.Memory.OOMKills == 0 {
			return fmt.Errorf("want memory.oom_kills >= 1, container %+v", got)
		}
		return nil
	})
	after := readMemory(t, c.Pid)
	got := mustFind(t, s, c)
	between(t, "oom_kills", *got.Memory.OOMKills, 1, after.oomKills)
	if got.Memory.LimitBytes == nil || *got.Memory.LimitBytes != 32<<20 {
		t.Errorf("limit_bytes = %v, want 32 MiB", deref(got.Memory.LimitBytes))
	}
	if in := dockerInspect(t, c.ID); got.State != "running" || !in.State.Running {
		t.Errorf("state = %q (inspect running=%v): init should survive its child's OOM kill", got.State, in.State.Running)
	}
	// The engine reports the OOM as an event; boxtop's events window must carry it.
	sampleUntil(t, col, 10*time.Second, nil, func(s snapshot.Snapshot) error {
		for _, e := range s.Events {
			if e.ContainerID == c.ID && e.Action == "oom" {
				return nil
			}
		}
		return fmt.Errorf("no oom event for %s among %d events", c.Name, len(s.Events))
	})
}

// The pids limit equals --pids-limit, inspect's and pids.max; the count agrees with pids.current.
func testPidsLimit(t *testing.T) {
	c := start(t, spec{name: "pids", options: []string{"--pids-limit", "40"}, workload: []string{"-fork", "2"}})
	col := newCollector(t)
	for attempt := 0; ; attempt++ {
		before, limit := readPids(t, c.Pid)
		s := sampleUntil(t, col, 20*time.Second, nil, running(c.ID))
		after, _ := readPids(t, c.Pid)
		got := mustFind(t, s, c)
		if got.Pids == nil {
			t.Fatalf("pids is null; errors %q", got.Errors)
		}
		if before != after && attempt < 5 { // threads came or went mid-reading: read again
			continue
		}
		if c.Inspect.HostConfig.PidsLimit == nil || *c.Inspect.HostConfig.PidsLimit != 40 || limit != 40 {
			t.Fatalf("setup: inspect PidsLimit %v, pids.max %d, want 40", deref(c.Inspect.HostConfig.PidsLimit), limit)
		}
		if got.Pids.Limit == nil || *got.Pids.Limit != 40 {
			t.Errorf("pids.limit = %v, want 40", deref(got.Pids.Limit))
		}
		between(t, "pids.current", got.Pids.Current, min(before, after), max(before, after))
		if got.Pids.Current < 3 {
			t.Errorf("pids.current = %d, want at least init and its 2 children", got.Pids.Current)
		}
		return
	}
}

// A -fork 2 container lists 3 processes (init with ns pid 1, two children of init) when asked
// for, matching cgroup.procs and /proc/<pid>/status; a container not asked for lists none.
func testProcesses(t *testing.T) {
	cs := startAll(t,
		spec{name: "procs", workload: []string{"-fork", "2"}},
		spec{name: "procs-unasked", workload: []string{"-fork", "1"}})
	c, other := cs[0], cs[1]
	col := newCollector(t)
	s := sampleUntil(t, col, 20*time.Second, []string{c.ID}, func(s snapshot.Snapshot) error {
		if err := running(c.ID, other.ID)(s); err != nil {
			return err
		}
		if n := len(find(s, c.ID).Processes); n != 3 {
			return fmt.Errorf("%d processes, want 3", n)
		}
		return nil
	})
	got := mustFind(t, s, c)
	if n := len(mustFind(t, s, other).Processes); n != 0 {
		t.Errorf("a container not asked for lists %d processes, want none", n)
	}

	procsFile := filepath.Join(cgroupDir(t, c.Pid, "pids"), "cgroup.procs")
	if cgroupV2() {
		procsFile = filepath.Join(cgroupDir(t, c.Pid, ""), "cgroup.procs")
	}
	wantPids := strings.Fields(readFileString(t, procsFile))
	var gotPids []string
	for _, p := range got.Processes {
		gotPids = append(gotPids, strconv.Itoa(p.Pid))
	}
	sort.Strings(wantPids)
	sort.Strings(gotPids)
	if !equalStrings(gotPids, wantPids) {
		t.Errorf("process pids %v, want cgroup.procs' %v", gotPids, wantPids)
	}

	inits := 0
	for _, p := range got.Processes {
		st := procStatus(t, p.Pid)
		nspids := strings.Fields(st["NSpid"])
		if len(nspids) < 2 || nspids[len(nspids)-1] != strconv.Itoa(p.NsPid) {
			t.Errorf("pid %d: ns_pid %d, want the last of NSpid %q", p.Pid, p.NsPid, st["NSpid"])
		}
		if ppid, _ := strconv.Atoi(st["PPid"]); p.PPid != ppid {
			t.Errorf("pid %d: ppid %d, want status PPid %d", p.Pid, p.PPid, ppid)
		}
		uids := strings.Fields(st["Uid"])
		if len(uids) == 0 || strconv.Itoa(p.UID) != uids[0] || p.HostUID != 0 {
			t.Errorf("pid %d: uid %d host_uid %d, want status Uid %q (root, no user namespace)", p.Pid, p.UID, p.HostUID, st["Uid"])
		}
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p.Pid))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.Command, "workload") || !strings.Contains(string(cmdline), "workload") {
			t.Errorf("pid %d: command %q, want the workload's (cmdline %q)", p.Pid, p.Command, cmdline)
		}
		if len(p.NamespacesDiffer) != 0 {
			t.Errorf("pid %d: namespaces_differ %v, want none (children share init's)", p.Pid, p.NamespacesDiffer)
		}
		if p.NsPid == 1 {
			inits++
			if p.Pid != c.Pid || (got.Pid != nil && *got.Pid != c.Pid) {
				t.Errorf("ns pid 1 is host pid %d, container pid %v, want inspect's State.Pid %d", p.Pid, deref(got.Pid), c.Pid)
			}
			continue
		}
		if p.PPid != c.Pid {
			t.Errorf("child %d: ppid %d, want init's host pid %d", p.Pid, p.PPid, c.Pid)
		}
		if !strings.Contains(p.Command, "-child") {
			t.Errorf("child %d: command %q, want the -child sleeper", p.Pid, p.Command)
		}
	}
	if inits != 1 {
		t.Errorf("%d processes with ns pid 1, want exactly init", inits)
	}
}

// Limits changed while the container runs show on the very next reading: by `docker update`
// (runc writes the cgroup files) and by a write to a limit file by hand. boxtop re-reads limit
// files only when told they were written to, so this is what proves the telling works on the
// real kernel.
func testLimitsFollowUpdates(t *testing.T) {
	c := start(t, spec{name: "update", options: []string{"--memory", "64m", "--memory-swap", "-1", "--cpus", "0.5", "--pids-limit", "40"}})
	col := newCollector(t)
	limits := func(s snapshot.Snapshot) (mem uint64, cores float64, pids uint64) {
		t.Helper()
		got := mustFind(t, s, c)
		if got.Memory == nil || got.Memory.LimitBytes == nil || got.CPU == nil || got.CPU.LimitCores == nil || got.Pids == nil || got.Pids.Limit == nil {
			t.Fatalf("limits missing: memory %+v cpu %+v pids %+v, errors %q", got.Memory, got.CPU, got.Pids, got.Errors)
		}
		return *got.Memory.LimitBytes, *got.CPU.LimitCores, *got.Pids.Limit
	}
	s := sampleUntil(t, col, 20*time.Second, nil, running(c.ID))
	if mem, cores, pids := limits(s); mem != 64<<20 || !approx(cores, 0.5, 1e-9) || pids != 40 {
		t.Fatalf("before the update: memory %d, cores %v, pids %d; want 64 MiB, 0.5, 40", mem, cores, pids)
	}
	sample(t, col)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "docker", "update", "--memory", "96m", "--memory-swap", "-1", "--cpus", "1.5", "--pids-limit", "50", c.ID).CombinedOutput(); err != nil {
		t.Fatalf("docker update: %v: %s", err, out)
	}
	if mem, cores, pids := limits(sample(t, col)); mem != 96<<20 || !approx(cores, 1.5, 1e-9) || pids != 50 {
		t.Errorf("the reading right after docker update: memory %d, cores %v, pids %d; want 96 MiB, 1.5, 50", mem, cores, pids)
	}

	dir := cgroupDir(t, c.Pid, "pids")
	if cgroupV2() {
		dir = cgroupDir(t, c.Pid, "")
	}
	if err := os.WriteFile(filepath.Join(dir, "pids.max"), []byte("60"), 0o644); err != nil {
		t.Fatalf("write pids.max: %v", err)
	}
	if _, _, pids := limits(sample(t, col)); pids != 60 {
		t.Errorf("the reading right after writing 60 to pids.max: pids limit %d", pids)
	}
}
