package views

import (
	"slices"
	"strings"
	"testing"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

func TestMountsSummary(t *testing.T) {
	socket, root := "container engine socket", "host root filesystem"
	sec := &snapshot.Security{}
	tests := []struct {
		name   string
		c      snapshot.Container
		width  int
		want   string
		tone   Tone
		reason string
	}{
		{"nothing known", snapshot.Container{}, 20, "-", ToneNone, "a container found without an engine has no mount list"},
		{"no mounts", snapshot.Container{Mounts: []snapshot.Mount{}, Security: sec}, 20, "0", ToneNone, ""},
		{"plain mounts", snapshot.Container{Mounts: []snapshot.Mount{{Type: "volume"}, {Type: "tmpfs"}}}, 20, "2", ToneNone, ""},
		{"the socket in full", snapshot.Container{Mounts: []snapshot.Mount{{Type: "bind", Sensitive: &socket}}}, 40, "1 ⚠ container engine socket", ToneBad, ""},
		{"the socket in a word", snapshot.Container{Mounts: []snapshot.Mount{{Type: "bind", Sensitive: &socket}}}, 12, "1 ⚠ socket", ToneBad, "80 columns"},
		{"the host's root in a word", snapshot.Container{Mounts: []snapshot.Mount{{Type: "bind", Sensitive: &root}}}, 12, "1 ⚠ host /", ToneBad, ""},
		{"two sensitive", snapshot.Container{Mounts: []snapshot.Mount{{Sensitive: &root}, {Sensitive: &socket}}}, 40, "2 ⚠ host root filesystem +1", ToneBad, ""},
		{"not in the engine", snapshot.Container{Mounts: []snapshot.Mount{{Type: "bind", NotInEngine: true}}}, 20, "1 ◇ not in engine", ToneWarn, ""},
		{"both, narrow", snapshot.Container{Mounts: []snapshot.Mount{{Sensitive: &socket}, {NotInEngine: true}}}, 8, "2 ⚠ ◇", ToneBad, "the symbols stay when no word fits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := mountsSummary(&tc.c, tc.width)
			if got != tc.want {
				t.Errorf("mountsSummary at %d = %q, want %q %s", tc.width, got, tc.want, tc.reason)
			}
			if Width(got) > tc.width && tc.width >= Width(tc.want) {
				t.Errorf("%q is wider than %d", got, tc.width)
			}
			if tone := mountsTone(&tc.c); tone != tc.tone {
				t.Errorf("tone %v, want %v", tone, tc.tone)
			}
		})
	}
}

func TestMountWarning(t *testing.T) {
	etc := "host /etc"
	m := snapshot.Mount{Type: "bind", Source: "/etc", Sensitive: &etc, NotInEngine: true}
	tests := []struct {
		width int
		want  string
	}{
		{100, "⚠ host /etc; ◇ not in engine (added after start)"},
		{30, "⚠ host /etc; ◇ not in engine"},
		{10, "⚠ /etc; ◇ added"}, // the shortest form, cut by the table if need be
	}
	for _, tc := range tests {
		c := mountWarning(&m, tc.width)
		if c.Text != tc.want || c.Tone != ToneBad {
			t.Errorf("at %d: %q (%v), want %q in the bad tone", tc.width, c.Text, c.Tone, tc.want)
		}
	}
	if c := mountWarning(&snapshot.Mount{Type: "volume"}, 40); c.Text != "" {
		t.Errorf("a plain volume is warned about: %q", c.Text)
	}
}

func TestStateOfContainerFoundWithoutEngine(t *testing.T) {
	pid := 4410
	c := &snapshot.Container{State: "running", Pid: &pid, FoundWithoutEngine: true}
	if got := stateCell(c, 30).Text; got != "running (no engine)" {
		t.Errorf("with room: %q", got)
	}
	if got := stateCell(c, 8).Text; got != "running†" {
		t.Errorf("at 8 cells: %q", got)
	}
	c.FoundWithoutEngine = false
	if got := stateCell(c, 30).Text; got != "running" {
		t.Errorf("an engine's container: %q", got)
	}
}

func TestMultipleRuntimes(t *testing.T) {
	tests := []struct {
		name string
		snap snapshot.Snapshot
		want bool
	}{
		{"one engine", snapshot.Snapshot{Runtimes: []snapshot.Runtime{{Name: "docker", Reachable: true}},
			Containers: []snapshot.Container{{Runtime: "docker"}, {Runtime: "docker"}}}, false},
		{"two engines answer", snapshot.Snapshot{Runtimes: []snapshot.Runtime{{Name: "docker", Reachable: true}, {Name: "podman", Reachable: true}}}, true},
		{"a second one down, one runtime's containers", snapshot.Snapshot{Runtimes: []snapshot.Runtime{{Name: "docker", Reachable: true}, {Name: "podman"}},
			Containers: []snapshot.Container{{Runtime: "docker"}}}, false},
		{"containerd found beside docker", snapshot.Snapshot{Runtimes: []snapshot.Runtime{{Name: "docker", Reachable: true}},
			Containers: []snapshot.Container{{Runtime: "docker"}, {Runtime: "containerd", FoundWithoutEngine: true}}}, true},
	}
	for _, tc := range tests {
		if got := multipleRuntimes(&tc.snap); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if multipleRuntimes(nil) {
		t.Error("no reading has several runtimes")
	}
}

func TestLayerText(t *testing.T) {
	size := int64(7 << 30)
	c := &snapshot.Container{ID: "a", Storage: &snapshot.Storage{WritableLayerBytes: &size}}
	bare := &snapshot.Container{ID: "b", Storage: &snapshot.Storage{}}
	tests := []struct {
		name   string
		c      *snapshot.Container
		layers map[string]LayerMeasurement
		want   string
	}{
		{"from the reading (snapshot --size)", c, nil, "7.0GiB"},
		{"not measured", bare, nil, "-"},
		{"measuring", bare, map[string]LayerMeasurement{"b": {Measuring: true}}, "measuring…"},
		{"failed", bare, map[string]LayerMeasurement{"b": {Err: "no answer within 30s"}}, "failed"},
		{"measured takes the reading's place", c, map[string]LayerMeasurement{"a": {Bytes: 4096}}, "4.0KiB"},
	}
	for _, tc := range tests {
		s := &State{Layers: tc.layers}
		if got, _ := layerText(s, tc.c); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestReachesAndMountKinds(t *testing.T) {
	c := &snapshot.Container{Name: "api",
		Networks: []snapshot.NetworkMembership{
			{Name: "bridge", Driver: "bridge", Containers: []string{"api", "web"}},
			{Name: "backend", Driver: "bridge", Containers: []string{"api", "db", "web"}},
			{Name: "host", Driver: "host", Containers: []string{"api", "metrics"}},
		},
		Mounts: []snapshot.Mount{{Type: "volume"}, {Type: "bind"}, {Type: "volume"}},
	}
	if got := reaches(c); !slices.Equal(got, []string{"db", "web"}) {
		t.Errorf("reaches %v, want db and web once each, not the host network's members", got)
	}
	if got := mountKinds(c); got != "3: 1 bind, 2 volume" {
		t.Errorf("mountKinds %q", got)
	}
	if got := mountKinds(&snapshot.Container{}); got != "0" {
		t.Errorf("no mounts: %q", got)
	}
}

func TestFormatSpeed(t *testing.T) {
	for v, want := range map[float64]string{0.25: "0.25×", 0.5: "0.5×", 1: "1×", 64: "64×", 1.0 / 3: "0.33×", 0: "-", -2: "-"} {
		if got := FormatSpeed(v); got != want {
			t.Errorf("FormatSpeed(%v) = %q, want %q", v, got, want)
		}
	}
}

// Where a remote engine's host would have to be read, the views say so in words.
func TestRemoteSaysNotAvailable(t *testing.T) {
	s := listState(t, loadSnapshot(t, "remote.json"), false)
	selectByName(t, &s, "postgres")
	for _, tc := range []struct {
		pane Pane
		mode Mode
	}{{PaneIsolation, ModePane}, {PaneNetwork, ModePane}, {PaneProcesses, ModePane}, {PaneResources, ModeDetail}} {
		s.Pane, s.Mode = tc.pane, tc.mode
		out := Render(s, 120, 40, Styles{})
		if !strings.Contains(out, "not available for a remote host") {
			t.Errorf("pane %v mode %v does not say what is not available:\n%s", tc.pane, tc.mode, out)
		}
		if !strings.HasPrefix(out, "remote db-3") {
			t.Errorf("the header does not say remote: %q", strings.SplitN(out, "\n", 2)[0])
		}
	}
	s.Pane, s.Mode = PaneIsolation, ModePane
	if out := Render(s, 120, 40, Styles{}); strings.Contains(out, "host namespaces taken from") {
		t.Error("the remote host's namespaces reference is read as a process")
	}
}
