package views

import (
	"strings"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// liveHost is the header's data as a Debian host with a long engine version reports it: the
// line that left the kernel out at 120 columns.
func liveHost() *snapshot.Snapshot {
	driver, version, api := "cgroupfs", "20.10.24+dfsg1", "1.41"
	return &snapshot.Snapshot{
		Host: snapshot.Host{Hostname: "vm", Kernel: "6.18.44-fc-v657", CgroupVersion: 1, CgroupDriver: &driver,
			CPUs: 2, MemoryBytes: 24 << 30},
		Runtimes:   []snapshot.Runtime{{Name: "docker", Reachable: true, Version: &version, APIVersion: &api}},
		Containers: make([]snapshot.Container, 12),
	}
}

func TestHeaderLine(t *testing.T) {
	tests := []struct {
		name    string
		width   int
		want    []string // in this order
		missing []string
	}{
		{"everything at 200", 200, []string{"vm", "kernel 6.18.44-fc-v657", "0/12 running", "docker 20.10.24+dfsg1 API 1.41",
			"cgroup v1 cgroupfs", "2 CPUs 24GiB", "every 1s"}, nil},
		{"the kernel's short form at 120", 120, []string{"vm · 6.18.44-fc-v657 · ", "docker 20.10.24+dfsg1 API 1.41",
			"cgroup v1 cgroupfs", "2 CPUs 24GiB", "every 1s"}, []string{"kernel "}},
		{"at 80 the least important go, the cgroup version stays", 80, []string{"vm", "0/12 running", "docker 20.10.24+dfsg1 API 1.41",
			"cgroup v1", "every 1s"}, []string{"6.18", "CPUs", "cgroupfs"}},
		// The engine is too wide for 40; the cgroup version, less important, fits where it was.
		{"at 40 what fits once the engine is out", 40, []string{"vm", "0/12 running", "cgroup v1", "every 1s"}, []string{"6.18", "docker"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := State{Snapshot: liveHost(), Interval: time.Second}
			line := headerLine(&s, tc.width, Styles{})
			if w := Width(line); w > tc.width {
				t.Fatalf("%d cells wide at %d: %q", w, tc.width, line)
			}
			rest := line
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("%q lacks %q (or it is out of order)", line, w)
				}
				rest = rest[i+len(w):]
			}
			for _, m := range tc.missing {
				if strings.Contains(line, m) {
					t.Errorf("%q has %q, which should have made room", line, m)
				}
			}
		})
	}
}

func TestHeaderTwoEngines(t *testing.T) {
	snap := liveHost()
	podman, api := "4.3.1", "1.41"
	snap.Runtimes = append(snap.Runtimes, snapshot.Runtime{Name: "podman", Reachable: true, Version: &podman, APIVersion: &api})
	s := State{Snapshot: snap, Interval: time.Second}
	// The second engine does not fit at 80; the cgroup version, left out before it, does.
	line := headerLine(&s, 80, Styles{})
	if !strings.Contains(line, "cgroup v1") || strings.Contains(line, "podman") || Width(line) > 80 {
		t.Errorf("%q: want the cgroup version back once podman is left out", line)
	}
	if line := headerLine(&s, 200, Styles{}); !strings.Contains(line, "podman 4.3.1 API 1.41") {
		t.Errorf("%q: both engines at 200", line)
	}
}

func TestFitSegmentsGivesFullFormsBack(t *testing.T) {
	segs := []segment{
		{text: "host"},
		{text: "long form of a", short: "a", priority: 2},
		{text: "something wide that goes", priority: 3},
	}
	// Shortening a is not enough; dropping the wide one is, and then a's full form fits again.
	got := fitSegments(segs, " · ", 24)
	if got != "host · long form of a" {
		t.Errorf("got %q", got)
	}
	if got := fitSegments(segs, " · ", 10); got != "host · a" {
		t.Errorf("at 10 got %q, want the short form", got)
	}
}
