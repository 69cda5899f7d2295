package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	liveProcRoot   = "/proc"
	liveCgroupRoot = "/sys/fs/cgroup"
)

func liveVersion(t *testing.T) int {
	t.Helper()
	v, err := DetectVersion(liveCgroupRoot)
	if err != nil {
		t.Skipf("no cgroup hierarchy on this machine: %v", err)
	}
	return v
}

// TestLiveSelf reads this test process's own cgroup on the real hierarchy.
func TestLiveSelf(t *testing.T) {
	v := liveVersion(t)
	p, err := Locate(liveProcRoot, liveCgroupRoot, os.Getpid(), v)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("version %d, path %s, controllers %v, unified %s", v, p.Path, p.Controllers, p.Unified)
	before := countFDs(t)
	h := Open(p)
	r := h.Read()
	if len(r.Errors) > 0 || r.Gone {
		t.Fatalf("errors %v gone %v", r.Errors, r.Gone)
	}
	if r.CPU == nil || r.CPU.UsageNanoseconds == 0 {
		t.Fatalf("cpu usage: %s", asJSON(r.CPU))
	}
	if r.Memory == nil || r.Memory.UsageBytes == 0 {
		t.Fatalf("memory usage: %s", asJSON(r.Memory))
	}
	if r.Memory.WorkingSetBytes > r.Memory.UsageBytes {
		t.Errorf("working set %d above usage %d", r.Memory.WorkingSetBytes, r.Memory.UsageBytes)
	}
	// A root v1 pids cgroup (as this process's may be) has no pids.current: then Pids is
	// absent, not an error.
	pidsDir := p.Unified
	if v == 1 {
		pidsDir = p.Controllers["pids"]
	}
	if _, err := os.Stat(filepath.Join(pidsDir, "pids.current")); err == nil {
		if r.Pids == nil || r.Pids.Current < 1 {
			t.Errorf("pids: %s", asJSON(r.Pids))
		}
	} else if r.Pids != nil {
		t.Errorf("pids.current absent but Pids = %s", asJSON(r.Pids))
	}
	if v == 1 && r.Pressure != nil {
		t.Errorf("pressure on v1: %s", asJSON(r.Pressure))
	}

	// The kept-open kernfs files are regenerated on each pread: burn some CPU and the usage
	// read through the same descriptors grows.
	deadline := time.Now().Add(50 * time.Millisecond)
	for n := 0; time.Now().Before(deadline); n++ {
		_ = strconv.Itoa(n)
	}
	r2 := h.Read()
	if r2.CPU == nil || r2.CPU.UsageNanoseconds <= r.CPU.UsageNanoseconds {
		t.Errorf("cpu usage did not grow: %d then %s", r.CPU.UsageNanoseconds, asJSON(r2.CPU))
	}

	// One pread at offset 0 of a kept kernfs file returns the whole file: the same lines (by
	// key; the values move) as a fresh open and read to the end.
	checked := 0
	for _, k := range h.all {
		if k.r == nil {
			continue
		}
		data, ok := h.read(k)
		fresh, err := os.ReadFile(k.path)
		if !ok || err != nil {
			t.Fatalf("%s: kept ok=%v, fresh %v", k.path, ok, err)
		}
		if got, want := lineKeys(string(data)), lineKeys(string(fresh)); !slices.Equal(got, want) {
			t.Errorf("%s: kept read gave keys %v, a fresh read %v", k.path, got, want)
		}
		checked++
	}
	if checked < 5 {
		t.Errorf("only %d kept files compared", checked)
	}

	pids, err := h.Procs()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(pids, os.Getpid()) {
		t.Errorf("cgroup.procs (%d pids) lacks this process %d", len(pids), os.Getpid())
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if after := countFDs(t); after != before {
		t.Errorf("%d fds before, %d after Close", before, after)
	}
}

// TestLiveV1ChildCgroup makes a v1 cgroup with limits in every controller boxtop reads, puts a
// sleeping child process in it and reads it as a container: limits, a live limit change, the
// process list, and the removal of the cgroup (kernfs answers ENODEV on the kept files).
func TestLiveV1ChildCgroup(t *testing.T) {
	if testing.Short() {
		t.Skip("creates cgroups")
	}
	if liveVersion(t) != 1 {
		t.Skip("the host is not cgroup v1")
	}
	if os.Geteuid() != 0 {
		t.Skip("creating cgroups needs root")
	}
	name := fmt.Sprintf("boxtop-test-%d", os.Getpid())
	var dirs []string
	removeDirs := func() error {
		var errs []error
		for _, d := range dirs {
			var err error
			for i := 0; i < 50; i++ {
				if err = os.Remove(d); err == nil || errors.Is(err, fs.ErrNotExist) {
					err = nil
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	}
	t.Cleanup(func() { removeDirs() })
	for _, c := range V1Controllers() {
		d := filepath.Join(liveCgroupRoot, c, name)
		if err := os.Mkdir(d, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			t.Skipf("cannot create a cgroup: %v", err)
		}
		dirs = append(dirs, d)
	}
	write := func(c, file, value string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(liveCgroupRoot, c, name, file), []byte(value), 0); err != nil {
			t.Fatalf("write %s/%s: %v", c, file, err)
		}
	}
	mems, err := os.ReadFile(filepath.Join(liveCgroupRoot, "cpuset", "cpuset.mems"))
	if err != nil {
		t.Fatal(err)
	}
	write("cpuset", "cpuset.cpus", "0")
	write("cpuset", "cpuset.mems", strings.TrimSpace(string(mems)))
	write("cpu", "cpu.cfs_period_us", "100000")
	write("cpu", "cpu.cfs_quota_us", "50000")
	write("memory", "memory.limit_in_bytes", "67108864")
	write("pids", "pids.max", "50")

	// Counted before the child starts: its pidfd is released by Wait.
	before := countFDs(t)
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sleep: %v", err)
	}
	pid := cmd.Process.Pid
	stop := func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
	t.Cleanup(stop)
	for _, c := range V1Controllers() {
		write(c, "cgroup.procs", strconv.Itoa(pid))
	}

	p, err := Locate(liveProcRoot, liveCgroupRoot, pid, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Path != "/"+name {
		t.Errorf("Path = %q, want /%s", p.Path, name)
	}
	h := Open(p)
	r := h.Read()
	if len(r.Errors) > 0 || r.Gone {
		t.Fatalf("errors %v gone %v", r.Errors, r.Gone)
	}
	if r.CPU == nil || r.CPU.LimitCores == nil || *r.CPU.LimitCores != 0.5 || r.CPU.Cpuset == nil || *r.CPU.Cpuset != "0" || r.CPU.Periods == nil {
		t.Errorf("cpu: %s", asJSON(r.CPU))
	}
	if r.Memory == nil || r.Memory.LimitBytes == nil || *r.Memory.LimitBytes != 64<<20 || r.Memory.HighBytes != nil || r.Memory.OOMEvents != nil {
		t.Errorf("memory: %s", asJSON(r.Memory))
	}
	if r.Pids == nil || r.Pids.Current != 1 || r.Pids.Limit == nil || *r.Pids.Limit != 50 {
		t.Errorf("pids: %s", asJSON(r.Pids))
	}
	if r.IO == nil {
		t.Error("no io")
	}

	// Limits changed on the live cgroup are seen through the kept descriptors.
	write("memory", "memory.limit_in_bytes", "33554432")
	write("pids", "pids.max", "max")
	write("cpu", "cpu.cfs_quota_us", "-1")
	r = h.Read()
	if r.Memory == nil || r.Memory.LimitBytes == nil || *r.Memory.LimitBytes != 32<<20 {
		t.Errorf("memory after the change: %s", asJSON(r.Memory))
	}
	if r.Pids == nil || r.Pids.Limit != nil || r.CPU == nil || r.CPU.LimitCores != nil {
		t.Errorf("limits not lifted: pids %s cpu %s", asJSON(r.Pids), asJSON(r.CPU))
	}
	if procs, err := h.Procs(); err != nil || !slices.Equal(procs, []int{pid}) {
		t.Errorf("Procs = %v, %v; want [%d]", procs, err, pid)
	}

	// The container exits and its cgroup is removed: the handle reports Gone.
	stop()
	if err := removeDirs(); err != nil {
		t.Fatalf("remove the test cgroup: %v", err)
	}
	if r := h.Read(); !r.Gone || len(r.Errors) > 0 {
		t.Errorf("after removal: %s", asJSON(r))
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if after := countFDs(t); after != before {
		t.Errorf("%d fds before, %d after Close", before, after)
	}
}

// lineKeys is the first field of every line that has more than one ("value" for a line that
// is a single value, which changes between reads).
func lineKeys(s string) []string {
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		f, _, found := strings.Cut(line, " ")
		if !found {
			f = "value"
		}
		keys = append(keys, f)
	}
	return keys
}
