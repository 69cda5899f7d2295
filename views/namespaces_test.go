package views

import (
	"strings"
	"testing"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

func TestNamespaceVerdict(t *testing.T) {
	host := snapshot.Host{Namespaces: map[string]uint64{"net": 100, "pid": 101, "ipc": 102, "user": 103}}
	other := snapshot.Container{ID: "bbbbbbbbbbbbbbbbbbbb", Name: "db", State: "running", Pid: ptr(20)}
	stopped := snapshot.Container{ID: "cccccccccccccccccccc", Name: "old", State: "exited"}
	snap := &snapshot.Snapshot{Host: host, Containers: []snapshot.Container{other, stopped}}
	s := &State{Snapshot: snap}
	netMode := func(mode string) *snapshot.Network { return &snapshot.Network{Mode: mode} }
	tests := []struct {
		name     string
		typ      string
		ns       *snapshot.Namespace
		network  *snapshot.Network
		security *snapshot.Security
		want     string
		mismatch string // a phrase of the explanation; empty for none
	}{
		{"not read", "net", nil, nil, nil, "-", ""},
		{"private", "net", &snapshot.Namespace{Inode: 5}, netMode("bridge"), nil, "own", ""},
		{"the host's", "net", &snapshot.Namespace{Inode: 100, SharedWithHost: true}, netMode("host"), nil, "host", ""},
		{"shared", "net", &snapshot.Namespace{Inode: 5, SharedWith: []string{"db"}}, netMode("container:db"), nil, "=db", ""},
		{"shared by id", "net", &snapshot.Namespace{Inode: 5, SharedWith: []string{"db"}}, netMode("container:bbbbbbbbbbbbbbbbbbbb"), nil, "=db", ""},
		{"shared with several", "ipc", &snapshot.Namespace{Inode: 5, SharedWith: []string{"a", "b", "c"}}, nil, nil, "=a+2", ""},
		{"host mode but private", "net", &snapshot.Namespace{Inode: 5}, netMode("host"), nil, "own!", "configured as host"},
		{"bridge but the host's", "net", &snapshot.Namespace{Inode: 100, SharedWithHost: true}, netMode("bridge"), nil, "host!", "in the host's namespace"},
		{"engine network but the host's", "net", &snapshot.Namespace{Inode: 100, SharedWithHost: true}, netMode("backend"), nil, "host!", "configured as backend"},
		{"joins db but does not", "net", &snapshot.Namespace{Inode: 5}, netMode("container:db"), nil, "own!", "configured to join db"},
		{"joins a stopped one", "net", &snapshot.Namespace{Inode: 5}, netMode("container:old"), nil, "own", ""},
		{"pid host mode", "pid", &snapshot.Namespace{Inode: 101, SharedWithHost: true}, nil,
			&snapshot.Security{NamespaceModes: map[string]string{"pid": "host"}}, "host", ""},
		{"ipc host mode but private", "ipc", &snapshot.Namespace{Inode: 9}, nil,
			&snapshot.Security{NamespaceModes: map[string]string{"ipc": "host"}}, "own!", "(inode 102)"},
		{"ipc private but the host's", "ipc", &snapshot.Namespace{Inode: 102, SharedWithHost: true}, nil,
			&snapshot.Security{NamespaceModes: map[string]string{"ipc": "private"}}, "host!", "configured as private"},
		{"userns host but private", "user", &snapshot.Namespace{Inode: 7}, nil,
			&snapshot.Security{UsernsMode: ptr("host")}, "own!", "configured as host"},
		{"userns remapped by the daemon", "user", &snapshot.Namespace{Inode: 7}, nil, &snapshot.Security{}, "own", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &snapshot.Container{Name: "web", State: "running", Pid: ptr(10), Network: tc.network, Security: tc.security,
				Namespaces: map[string]snapshot.Namespace{}}
			if tc.ns != nil {
				c.Namespaces[tc.typ] = *tc.ns
			}
			v := namespaceVerdict(s, c, tc.typ)
			if v.Text != tc.want {
				t.Errorf("verdict %q, want %q", v.Text, tc.want)
			}
			switch {
			case tc.mismatch == "" && v.Mismatch != "":
				t.Errorf("unexpected disagreement: %s", v.Mismatch)
			case tc.mismatch != "" && !strings.Contains(v.Mismatch, tc.mismatch):
				t.Errorf("explanation %q does not say %q", v.Mismatch, tc.mismatch)
			case tc.mismatch != "" && v.Tone != ToneBad:
				t.Errorf("a disagreement is toned %v", v.Tone)
			}
		})
	}
}

func TestCapsSummary(t *testing.T) {
	tests := []struct {
		name string
		sec  snapshot.Security
		want string
	}{
		{"default", snapshot.Security{}, "default"},
		{"privileged", snapshot.Security{Privileged: true, CapAdd: []string{"NET_ADMIN"}}, "all (privileged)"},
		{"drop all add one", snapshot.Security{CapDrop: []string{"ALL"}, CapAdd: []string{"CAP_NET_BIND_SERVICE"}}, "-ALL +NET_BIND_SERVICE"},
		{"drops", snapshot.Security{CapDrop: []string{"net_raw", "MKNOD"}}, "-NET_RAW,-MKNOD"},
	}
	for _, tc := range tests {
		if got, _ := capsSummary(&tc.sec); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestProcessTree(t *testing.T) {
	procs := []snapshot.Process{
		{Pid: 30, PPid: 10, Command: "worker b"},
		{Pid: 10, PPid: 1, Command: "init"},
		{Pid: 20, PPid: 10, Command: "worker a"},
		{Pid: 25, PPid: 20, Command: "child"},
		{Pid: 50, PPid: 51, Command: "cycle a"}, // a PID reused between reads: no root
		{Pid: 51, PPid: 50, Command: "cycle b"},
		{Pid: 60, PPid: 60, Command: "own parent"},
	}
	var got []string
	for _, r := range processTree(procs) {
		got = append(got, r.prefix+r.p.Command)
	}
	want := []string{"init", "├─ worker a", "│  └─ child", "└─ worker b", "own parent", "cycle a", "└─ cycle b"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("tree\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(processTree(nil)) != 0 {
		t.Error("no processes, yet a tree")
	}
}

func TestEmptyStates(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		filter  string
		want    []string
	}{
		{"no engine", "no-engine.json", "", []string{
			"no container engine answered",
			"docker at unix:///var/run/docker.sock: dial unix /var/run/docker.sock: connect: no such file or directory",
			"podman at unix:///run/podman/podman.sock: dial unix /run/podman/podman.sock: connect: permission denied",
			"boxtop replay testdata/demo.bxr",
		}},
		{"engine runs nothing", "idle.json", "", []string{"no running containers on podman 4.3.1 (unix:///run/podman/podman.sock)", "press a to show the 2 stopped"}},
		{"filter matches nothing", "fixture.json", "zzz", []string{"no containers match /zzz", "esc clears"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := listState(t, loadSnapshot(t, tc.fixture), false)
			if tc.filter != "" {
				s.Filter, s.Containers, s.Selected, s.Focus = tc.filter, nil, -1, nil
			}
			out := Render(s, 200, 30, Styles{})
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("the screen does not say %q:\n%s", w, out)
				}
			}
			// The host line is there whatever the state.
			if !strings.HasPrefix(out, s.Snapshot.Host.Hostname) {
				t.Errorf("no host line: %q", strings.SplitN(out, "\n", 2)[0])
			}
		})
	}
}
