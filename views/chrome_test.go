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
	// Both engines answer, so both are named at 80 columns: their API versions go first,
	// and the cgroup version stays.
	line := headerLine(&s, 80, Styles{})
	for _, want := range []string{"docker 20.10.24+dfsg1 · ", "podman 4.3.1 · ", "cgroup v1"} {
		if !strings.Contains(line, want) {
			t.Errorf("%q at 80 lacks %q", line, want)
		}
	}
	if strings.Contains(line, "API") || Width(line) > 80 {
		t.Errorf("%q: want the engines' short forms within 80 cells", line)
	}
	if line := headerLine(&s, 200, Styles{}); !strings.Contains(line, "docker 20.10.24+dfsg1 API 1.41 · podman 4.3.1 API 1.41") {
		t.Errorf("%q: both engines in full at 200", line)
	}
	// One engine unreachable: it is named as such beside the one that answers.
	why := "dial unix /run/podman/podman.sock: connect: permission denied"
	snap.Runtimes[1] = snapshot.Runtime{Name: "podman", Error: &why}
	if line := headerLine(&s, 120, Styles{}); !strings.Contains(line, "docker 20.10.24+dfsg1") || !strings.Contains(line, "podman unreachable") {
		t.Errorf("%q: want docker's version and podman unreachable", line)
	}
}

func TestHeaderRemoteAndReplay(t *testing.T) {
	remote := liveHost()
	remote.Host.Remote = true
	recorded := liveHost()
	recorded.Time = time.Date(2026, 11, 27, 7, 0, 5, 0, time.UTC)
	remote.Runtimes[0].Endpoint = "ssh://admin@vm.example:22"
	tests := []struct {
		name    string
		state   State
		width   int
		want    []string
		missing []string
	}{
		{"remote names the engine's host and how it is reached", State{Snapshot: remote, Interval: time.Second}, 200,
			[]string{"remote vm via ssh://admin@vm.example:22 · "}, nil},
		{"remote stays at 80 in its short form", State{Snapshot: remote, Interval: time.Second}, 80,
			[]string{"remote vm · "}, []string{"via"}},
		{"replay paused", State{Snapshot: recorded, Interval: time.Second, Replay: true,
			Playback: &Playback{Index: 0, Count: 14, Speed: 1}}, 80,
			[]string{"REPLAY 2026-11-27 07:00:05 · 1/14 · ⏸ paused 1× · vm"}, []string{"every", "step"}},
		{"replay playing fast", State{Snapshot: recorded, Interval: time.Second, Replay: true,
			Playback: &Playback{Index: 6, Count: 14, Playing: true, Speed: 16}}, 120,
			[]string{"REPLAY 2026-11-27 07:00:05 · 7/14 · ▶ playing 16× · "}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			line := headerLine(&tc.state, tc.width, Styles{})
			if w := Width(line); w > tc.width {
				t.Fatalf("%d cells wide at %d: %q", w, tc.width, line)
			}
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("%q lacks %q", line, w)
				}
			}
			for _, m := range tc.missing {
				if strings.Contains(line, m) {
					t.Errorf("%q has %q", line, m)
				}
			}
		})
	}
}

func TestEndpointHost(t *testing.T) {
	for in, want := range map[string]string{
		"ssh://admin@web-1":      "web-1",
		"ssh://admin@web-1:2222": "web-1",
		"tcp://10.0.0.5:2376":    "10.0.0.5",
		"tcp://[fd00::5]:2376":   "fd00::5",
		"unix:///var/run/x.sock": "",
		"no scheme":              "",
		"ssh://web-1/some/path":  "web-1",
	} {
		if got := endpointHost(in); got != want {
			t.Errorf("endpointHost(%q) = %q, want %q", in, got, want)
		}
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
