package integration

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors"
)

// TestFoundWithoutEngine points boxtop at a socket nobody serves: the Docker containers that run
// are still found by their cgroups, read like any other, and marked; the runtime line says why
// the engine is missing.
func TestFoundWithoutEngine(t *testing.T) {
	limited := start(t, spec{name: "daemonless", options: []string{"--memory", "40m", "--cpus", "0.3"}, workload: []string{"-sleep"}})
	dead := "unix://" + filepath.Join(t.TempDir(), "dead.sock")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := collectors.New(ctx, collectors.Options{Host: dead})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := sampleUntil(t, c, 10*time.Second, nil, running(limited.ID))

	if len(s.Runtimes) != 1 || s.Runtimes[0].Reachable || s.Runtimes[0].Error == nil || !strings.Contains(*s.Runtimes[0].Error, "dead.sock") {
		t.Errorf("runtimes = %s, want the dead socket named as unreachable", describeRuntimes(s))
	}
	got := find(s, limited.ID)
	if !got.FoundWithoutEngine || got.Runtime != "docker" || *got.Pid != limited.Pid {
		t.Errorf("found container: without engine %v, runtime %q, pid %v (docker says %d)", got.FoundWithoutEngine, got.Runtime, deref(got.Pid), limited.Pid)
	}
	if got.Memory == nil || got.Memory.LimitBytes == nil || *got.Memory.LimitBytes != 40<<20 || got.CPU == nil || got.CPU.LimitCores == nil || *got.CPU.LimitCores != 0.3 {
		t.Errorf("limits read from its cgroup: memory %+v cpu %+v", got.Memory, got.CPU)
	}
	if ns, ok := got.Namespaces["net"]; !ok || ns.SharedWithHost {
		t.Errorf("net namespace = %+v, want its own", ns)
	}
	if got.Name != limited.ID[:12] {
		t.Errorf("without an engine the name is the short id: %q", got.Name)
	}
}
