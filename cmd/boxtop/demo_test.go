package main

import (
	"strings"
	"testing"

	"github.com/boxtop/boxtop/collectors/record"
	"github.com/boxtop/boxtop/collectors/snapshot"
)

// TestDemoRecording checks the recording demo.tape replays: every reading decodes, and the
// scene it is meant to show is in it (scripts/record-demo.sh makes it).
func TestDemoRecording(t *testing.T) {
	r, err := record.Open("../../testdata/demo.bxr")
	if err != nil {
		t.Fatalf("the demo recording does not open (make demo-record makes it): %v", err)
	}
	defer r.Close()
	if off, cut := r.Truncated(); cut || r.Corrupt() != nil || r.Len() < 20 {
		t.Fatalf("demo recording: %d readings, cut at %d (%v), corrupt %v", r.Len(), off, cut, r.Corrupt())
	}
	var last snapshot.Snapshot
	for i := 0; i < r.Len(); i++ {
		if last, err = r.At(i); err != nil {
			t.Fatalf("reading %d: %v", i, err)
		}
	}
	byName := map[string]snapshot.Container{}
	for _, c := range last.Containers {
		byName[c.Name] = c
	}
	for _, name := range []string{"web", "sidecar", "batch", "node-agent", "locked", "cache", "old-job"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("the demo scene lacks %s", name)
		}
	}
	if c := byName["batch"]; c.CPU == nil || c.CPU.ThrottledPercent == nil || *c.CPU.ThrottledPercent < 10 {
		t.Errorf("batch should be throttled: %+v", c.CPU)
	}
	if c := byName["cache"]; c.Memory == nil || c.Memory.OOMKills == nil || *c.Memory.OOMKills < 1 {
		t.Errorf("cache should show an OOM kill: %+v", c.Memory)
	}
	if ns := byName["sidecar"].Namespaces["net"]; strings.Join(ns.SharedWith, ",") != "web" {
		t.Errorf("sidecar's netns should be web's: %+v", ns)
	}
	if ns := byName["node-agent"].Namespaces["net"]; !ns.SharedWithHost {
		t.Errorf("node-agent runs in the host's netns: %+v", ns)
	}
	if len(byName["web"].Network.Ports) == 0 || len(byName["web"].Processes) < 3 {
		t.Errorf("web publishes a port and forks two children: %+v, %d processes", byName["web"].Network.Ports, len(byName["web"].Processes))
	}
	var oom, exit3 bool
	for _, e := range last.Events {
		oom = oom || e.Action == "oom"
		exit3 = exit3 || (e.Action == "die" && e.ExitCode != nil && *e.ExitCode == 3)
	}
	if !oom || !exit3 {
		t.Errorf("events: oom %v, a die with exit code 3 %v", oom, exit3)
	}
	for _, c := range last.Containers {
		if strings.HasPrefix(c.Name, "bx") || strings.HasPrefix(c.Name, "e2e") {
			t.Errorf("the demo recorded a test's container: %s", c.Name)
		}
	}
}
