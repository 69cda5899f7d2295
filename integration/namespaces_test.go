package integration

import (
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/snapshot"
)

// Containers joined to another's net and ipc namespaces, and one in the host's net and pid
// namespaces: every namespace boxtop reports equals the inode and device of the init's own link,
// "shared with host" agrees with the host's reference process, and shared_with names the partner.
func testNamespaces(t *testing.T) {
	cs := startAll(t,
		spec{name: "ns-owner", options: []string{"--ipc", "shareable"}},
		spec{name: "ns-host", options: []string{"--network", "host", "--pid", "host"}},
		spec{name: "ns-plain"})
	owner, host, plain := cs[0], cs[1], cs[2]
	joiner := start(t, spec{name: "ns-joiner", options: []string{
		"--network", "container:" + owner.Name, "--ipc", "container:" + owner.Name}})
	all := []container{owner, host, plain, joiner}

	col := newCollector(t)
	s := sampleUntil(t, col, 20*time.Second, nil, running(owner.ID, host.ID, plain.ID, joiner.ID))

	refPid := hostReferencePid(t)
	types := namespaceTypes(t)
	for _, typ := range types {
		want := mustNS(t, refPid, typ)
		if got, ok := s.Host.Namespaces[typ]; !ok || got != want.Inode {
			t.Errorf("host namespaces[%s] = %d (present %v), want pid %d's inode %d", typ, got, ok, refPid, want.Inode)
		}
	}

	byID := map[string]*snapshot.Container{}
	for _, c := range all {
		got := mustFind(t, s, c)
		byID[c.ID] = got
		for _, typ := range types {
			want := mustNS(t, c.Pid, typ)
			ns, ok := got.Namespaces[typ]
			if !ok {
				t.Errorf("%s: no %s namespace", c.Name, typ)
				continue
			}
			if ns.Inode != want.Inode || ns.Device != want.Device {
				t.Errorf("%s: %s namespace %d (dev %d), want /proc/%d/ns/%s's %d (dev %d)",
					c.Name, typ, ns.Inode, ns.Device, c.Pid, typ, want.Inode, want.Device)
			}
			if wantHost := want == mustNS(t, refPid, typ); ns.SharedWithHost != wantHost {
				t.Errorf("%s: %s shared_with_host = %v, want %v", c.Name, typ, ns.SharedWithHost, wantHost)
			}
			if !equalStrings(ns.SharedWith, sortedCopy(ns.SharedWith)) {
				t.Errorf("%s: %s shared_with %v is not sorted", c.Name, typ, ns.SharedWith)
			}
		}
	}

	// What the options promise, checked on the verdicts themselves.
	expect := []struct {
		name     string
		c        container
		typ      string
		host     bool
		with     []string // exactly these partners (none for a namespace that is the host's)
		withSome string   // at least this partner
	}{
		{"owner net shared with joiner", owner, "net", false, []string{joiner.Name}, ""},
		{"joiner net shared with owner", joiner, "net", false, []string{owner.Name}, ""},
		{"owner ipc shared with joiner", owner, "ipc", false, []string{joiner.Name}, ""},
		{"joiner ipc shared with owner", joiner, "ipc", false, []string{owner.Name}, ""},
		{"joiner has its own pid", joiner, "pid", false, []string{}, ""},
		{"plain net is private", plain, "net", false, []string{}, ""},
		{"plain pid is private", plain, "pid", false, []string{}, ""},
		{"--network host", host, "net", true, []string{}, ""},
		{"--pid host", host, "pid", true, []string{}, ""},
		{"user namespace is the host's: no partner list", plain, "user", true, []string{}, ""},
	}
	for _, e := range expect {
		ns := byID[e.c.ID].Namespaces[e.typ]
		if ns.SharedWithHost != e.host {
			t.Errorf("%s: %s %s shared_with_host = %v, want %v", e.name, e.c.Name, e.typ, ns.SharedWithHost, e.host)
		}
		if e.with != nil && !equalStrings(ns.SharedWith, e.with) && !(len(e.with) == 0 && ns.SharedWith == nil) {
			t.Errorf("%s: %s %s shared_with = %v, want %v", e.name, e.c.Name, e.typ, ns.SharedWith, e.with)
		}
		if e.withSome != "" && !contains(ns.SharedWith, e.withSome) {
			t.Errorf("%s: %s %s shared_with = %v, want it to include %s", e.name, e.c.Name, e.typ, ns.SharedWith, e.withSome)
		}
	}

	modes := []struct {
		c    container
		want string
	}{{owner, "bridge"}, {plain, "bridge"}, {host, "host"}, {joiner, "container:" + owner.Name}}
	for _, m := range modes {
		if n := byID[m.c.ID].Network; n == nil || n.Mode != m.want {
			t.Errorf("%s: network %+v, want mode %q (inspect NetworkMode %q)", m.c.Name, n, m.want, m.c.Inspect.HostConfig.NetworkMode)
		}
	}
}
