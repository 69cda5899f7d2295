package collectors

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/boxtop/boxtop/collectors/engine"
	"github.com/boxtop/boxtop/collectors/netns"
	"github.com/boxtop/boxtop/collectors/snapshot"
)

// fakeSource stands in for the engine watcher: it hands out a fixed inventory and counts how
// often it is asked, which costs no API call in the real watcher either.
type fakeSource struct {
	inv     engine.Inventory
	asked   atomic.Int64
	changed chan struct{}
	closed  atomic.Bool
	// stats is what StatsEach answers, by container id.
	stats      map[string]engine.Stats
	statsCalls atomic.Int64
}

func (f *fakeSource) Inventory() engine.Inventory { f.asked.Add(1); return f.inv }
func (f *fakeSource) Changed() <-chan struct{}    { return f.changed }
func (f *fakeSource) Close() error                { f.closed.Store(true); return nil }

// StatsEach answers from f.stats; the remote path is the only caller.
func (f *fakeSource) StatsEach(ctx context.Context, ids []string) ([]engine.Stats, []error) {
	f.statsCalls.Add(1)
	out, errs := make([]engine.Stats, len(ids)), make([]error, len(ids))
	for i, id := range ids {
		s, ok := f.stats[id]
		if !ok {
			errs[i] = engine.ErrNotRunning
		}
		out[i] = s
	}
	return out, errs
}

// hostTree is a fixture of one host: a /proc and a cgroup v2 (or v1) tree in a temp dir, written
// in the kernel's formats, with the containers' inits and their namespace links.
type hostTree struct {
	t                    *testing.T
	procRoot, cgroupRoot string
	version              int
	nsDir                string
}

func newHostTree(t testing.TB, version int) *hostTree {
	dir := t.TempDir()
	h := &hostTree{procRoot: filepath.Join(dir, "proc"), cgroupRoot: filepath.Join(dir, "cgroup"), version: version, nsDir: filepath.Join(dir, "nsfs")}
	write(t, filepath.Join(h.procRoot, "sys/kernel/hostname"), "fixture-host\n")
	write(t, filepath.Join(h.procRoot, "sys/kernel/osrelease"), "6.1.0-18-amd64\n")
	write(t, filepath.Join(h.procRoot, "meminfo"), "MemTotal:       32768000 kB\nMemFree:        1000 kB\nMemAvailable:   2000 kB\n")
	if version == 2 {
		write(t, filepath.Join(h.cgroupRoot, "cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n")
	} else {
		for _, c := range []string{"cpu", "cpuacct", "cpuset", "memory", "blkio", "pids"} {
			if err := os.MkdirAll(filepath.Join(h.cgroupRoot, c), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	// PID 1 is missing from the fixture, so the host reference falls back to "self".
	h.process(t, "self", "host", 0, "")
	return h
}

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// process writes /proc/<pid>: status, namespace links (each type links to nsfs/<type>-<group>,
// so processes of one group share every namespace), net/dev and cgroup membership.
func (h *hostTree) process(t testing.TB, pid, nsGroup string, capEff uint64, cgroupPath string, nsOverride ...string) {
	dir := filepath.Join(h.procRoot, pid)
	write(t, filepath.Join(dir, "status"), fmt.Sprintf("Name:\tworkload\nPPid:\t1\nUid:\t0\t0\t0\t0\nNSpid:\t%s\t1\nCapEff:\t%016x\n", pid, capEff))
	write(t, filepath.Join(dir, "cmdline"), "/workload\x00-sleep\x00")
	write(t, filepath.Join(dir, "uid_map"), "         0          0 4294967295\n")
	write(t, filepath.Join(dir, "net/dev"), "Inter-|   Receive                                                |  Transmit\n"+
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"+
		"    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n"+
		"  eth0:    1000      10    1    2    0     0          0         0     2000      20    3    4    0     0       0          0\n")
	write(t, filepath.Join(dir, "mountinfo"), minimalMountinfo)
	groups := map[string]string{}
	for _, o := range nsOverride {
		typ, group, _ := strings.Cut(o, "=")
		groups[typ] = group
	}
	for _, typ := range snapshot.NamespaceTypes {
		group := nsGroup
		if g, ok := groups[typ]; ok {
			group = g
		}
		target := filepath.Join(h.nsDir, typ+"-"+group)
		if _, err := os.Stat(target); err != nil {
			write(t, target, typ+":[fixture]\n")
		}
		link := filepath.Join(dir, "ns", typ)
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	if cgroupPath != "" {
		if h.version == 2 {
			write(t, filepath.Join(dir, "cgroup"), "0::"+cgroupPath+"\n")
		} else {
			write(t, filepath.Join(dir, "cgroup"), "12:pids:"+cgroupPath+"\n6:blkio:"+cgroupPath+"\n4:memory:"+cgroupPath+
				"\n3:cpuset:"+cgroupPath+"\n2:cpuacct:"+cgroupPath+"\n1:cpu:"+cgroupPath+"\n0::/\n")
		}
	}
}

// fixtureMountinfo is a container's mount table as the kernel shows it: the overlay root, the
// runtime's own mounts, a read-only volume at /data, and /mnt/extra that no engine listed.
const fixtureMountinfo = `76 50 0:39 / / rw,relatime master:3 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/A:/var/lib/docker/overlay2/l/B,upperdir=/var/lib/docker/overlay2/abc/diff,workdir=/var/lib/docker/overlay2/abc/work
77 76 0:42 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
78 76 0:43 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
80 76 0:45 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro
93 76 254:0 /var/lib/docker/volumes/data/_data /data ro,relatime master:1 - ext4 /dev/vda rw
96 76 254:0 /var/lib/docker/containers/x/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda rw
99 76 254:0 /srv/secret\040files /mnt/extra rw,relatime - ext4 /dev/vda rw
51 77 0:42 /bus /proc/bus ro,nosuid,nodev,noexec,relatime - proc proc rw
`

// minimalMountinfo is the table of a container with no mounts of its own.
const minimalMountinfo = `76 50 0:39 / / rw,relatime - overlay overlay rw,upperdir=/u/diff,workdir=/u/work
77 76 0:42 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
`

// cgroupV2 writes a v2 container cgroup with a 0.5-core quota and a 64 MiB limit.
func (h *hostTree) cgroupV2(t testing.TB, path string, usageUsec uint64) {
	d := filepath.Join(h.cgroupRoot, path)
	write(t, filepath.Join(d, "cpu.stat"), fmt.Sprintf("usage_usec %d\nuser_usec %d\nsystem_usec 0\nnr_periods 100\nnr_throttled 40\nthrottled_usec 2000000\n", usageUsec, usageUsec))
	write(t, filepath.Join(d, "cpu.max"), "50000 100000\n")
	write(t, filepath.Join(d, "cpuset.cpus.effective"), "0-3\n")
	write(t, filepath.Join(d, "memory.current"), "52428800\n")
	write(t, filepath.Join(d, "memory.max"), "67108864\n")
	write(t, filepath.Join(d, "memory.high"), "max\n")
	write(t, filepath.Join(d, "memory.stat"), "anon 41943040\nfile 10485760\ninactive_file 10485760\nactive_file 0\n")
	write(t, filepath.Join(d, "memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
	write(t, filepath.Join(d, "pids.current"), "3\n")
	write(t, filepath.Join(d, "pids.max"), "33\n")
	write(t, filepath.Join(d, "io.stat"), "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n")
	write(t, filepath.Join(d, "cgroup.procs"), "")
}

func containerInfo(id, name string, pid int, extra func(*engine.ContainerInfo)) engine.ContainerInfo {
	c := engine.ContainerInfo{ID: id, Name: name, Image: "fixture:1", State: "running", Pid: pid,
		StartedAt: time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC), NetworkMode: "bridge"}
	if extra != nil {
		extra(&c)
	}
	return c
}

func hexID(n int) string { return fmt.Sprintf("%064x", n) }

func newFixtureCollector(t testing.TB, h *hostTree, inv engine.Inventory) (*Collector, *fakeSource) {
	c := newCollector(context.Background(), Options{ProcRoot: h.procRoot, CgroupRoot: h.cgroupRoot, Getenv: func(string) string { return "" }})
	src := &fakeSource{inv: inv, changed: make(chan struct{})}
	c.engines = []*engineSource{{endpoint: engine.Endpoint{Host: "unix:///fake/docker.sock", Runtime: "docker"}, source: src}}
	c.changed = src.changed
	t.Cleanup(func() { c.Close() })
	return c, src
}

func TestSampleFromFixtureTree(t *testing.T) {
	h := newHostTree(t, 2)
	web, db, host, gone := hexID(1), hexID(2), hexID(3), hexID(4)
	for i, id := range []string{web, db, host} {
		h.cgroupV2(t, "/system.slice/docker-"+id+".scope", uint64(1_000_000*(i+1)))
	}
	h.process(t, "101", "web", 1<<10, "/system.slice/docker-"+web+".scope")
	write(t, filepath.Join(h.procRoot, "101", "mountinfo"), fixtureMountinfo)
	h.process(t, "102", "db", 0, "/system.slice/docker-"+db+".scope", "net=web")
	h.process(t, "103", "host", 0, "/system.slice/docker-"+host+".scope", "mnt=hostbox")
	sock := "/var/run/docker.sock"
	vol := "data"
	inv := engine.Inventory{
		Engine:    engine.EngineInfo{Name: "docker", Version: "20.10.24", APIVersion: "1.41", CgroupDriver: "systemd"},
		Reachable: true, Generation: 1,
		Containers: []engine.ContainerInfo{
			containerInfo(web, "web", 101, func(c *engine.ContainerInfo) {
				c.Mounts = []snapshot.Mount{{Type: "volume", Source: "/var/lib/docker/volumes/data/_data", Destination: "/data", VolumeName: &vol}}
				c.Networks = []engine.Attachment{{Name: "bridge", NetworkID: "n1", IPAddress: "172.17.0.2/16"}}
				c.Security.CapAdd = []string{"NET_BIND_SERVICE"}
				c.PidMode, c.IpcMode = "host", "shareable"
			}),
			containerInfo(db, "db", 102, func(c *engine.ContainerInfo) {
				c.NetworkMode = "container:web"
				c.Mounts = []snapshot.Mount{{Type: "volume", Source: "/var/lib/docker/volumes/data/_data", Destination: "/var/db", VolumeName: &vol},
					{Type: "bind", Source: sock, Destination: sock}}
			}),
			containerInfo(host, "hostnet", 103, func(c *engine.ContainerInfo) {
				c.NetworkMode = "host"
				c.Networks = []engine.Attachment{{Name: "bridge", NetworkID: "n1"}}
			}),
			containerInfo(gone, "stopped", 0, func(c *engine.ContainerInfo) { c.State = "exited" }),
		},
		Networks: []engine.NetworkInfo{{ID: "n1", Name: "bridge", Driver: "bridge", Containers: []string{web, host}}},
	}
	c, src := newFixtureCollector(t, h, inv)

	first := c.Sample(context.Background(), nil)
	// Half a core for one second: 500000 µs more.
	h.cgroupV2(t, "/system.slice/docker-"+web+".scope", 1_500_000)
	time.Sleep(20 * time.Millisecond)
	snap := c.Sample(context.Background(), []string{web})

	if first.Containers[0].CPU.UsagePercent != nil {
		t.Error("the first sample has no predecessor and must carry no rates")
	}
	if got := snap.Host; got.Hostname != "fixture-host" || got.Kernel != "6.1.0-18-amd64" || got.CgroupVersion != 2 ||
		got.CgroupDriver == nil || *got.CgroupDriver != "systemd" || got.NamespacesReference != "self" || got.MemoryBytes != 32768000*1024 {
		t.Errorf("host = %+v", got)
	}
	if rt := snap.Runtimes[0]; !rt.Reachable || *rt.Version != "20.10.24" || *rt.APIVersion != "1.41" || rt.Error != nil {
		t.Errorf("runtime = %+v", rt)
	}
	byName := map[string]snapshot.Container{}
	for _, ct := range snap.Containers {
		byName[ct.Name] = ct
	}
	w := byName["web"]
	if len(w.Errors) > 0 && !onlyInterfaceErrors(w.Errors) {
		t.Errorf("web errors: %v", w.Errors)
	}
	if w.CPU == nil || w.CPU.UsageNanoseconds != 1_500_000_000 || *w.CPU.LimitCores != 0.5 || *w.CPU.Cpuset != "0-3" {
		t.Fatalf("web cpu = %+v", w.CPU)
	}
	// 0.5 s of CPU over the ~20 ms between the samples: far above 100%, which proves the rate
	// came from the two readings and the wall time between them.
	if w.CPU.UsagePercent == nil || *w.CPU.UsagePercent < 100 {
		t.Errorf("web usage_percent = %v, want a rate from the rewritten cpu.stat", w.CPU.UsagePercent)
	}
	if m := w.Memory; m == nil || m.UsageBytes != 52428800 || m.WorkingSetBytes != 41943040 || *m.LimitBytes != 67108864 ||
		m.HighBytes != nil || *m.OOMKills != 1 || *m.OOMEvents != 1 {
		t.Errorf("web memory = %+v", w.Memory)
	}
	if p := w.Pids; p == nil || p.Current != 3 || *p.Limit != 33 {
		t.Errorf("web pids = %+v", w.Pids)
	}
	if w.IO == nil || w.IO.ReadBytes != 4096 || w.IO.WriteBytes != 8192 {
		t.Errorf("web io = %+v", w.IO)
	}
	if got := w.Security.CapEffective; len(got) != 1 || got[0] != "CAP_NET_BIND_SERVICE" {
		t.Errorf("web cap_effective = %v, want the bit 10 of CapEff decoded", got)
	}
	if m := w.Security.NamespaceModes; m["pid"] != "host" || m["ipc"] != "shareable" || len(m) != 2 {
		t.Errorf("web namespace modes = %v, want the engine's pid and ipc modes", m)
	}
	if w.Processes == nil || byName["db"].Processes != nil {
		t.Errorf("processes are read for the asked container only: web %v, db %v", w.Processes, byName["db"].Processes)
	}
	eth0 := findInterface(w.Network.Interfaces, "eth0")
	if eth0 == nil || eth0.RxBytes != 1000 || eth0.TxBytes != 2000 || eth0.RxErrors != 1 || eth0.TxDropped != 4 {
		t.Errorf("web eth0 = %+v", eth0)
	}

	if got := w.Namespaces["net"].SharedWith; strings.Join(got, ",") != "db" {
		t.Errorf("web net shared_with = %v, want [db]", got)
	}
	if got := byName["db"].Namespaces["net"].SharedWith; strings.Join(got, ",") != "web" {
		t.Errorf("db net shared_with = %v, want [web]", got)
	}
	if got := byName["db"].Namespaces["pid"]; got.SharedWithHost || len(got.SharedWith) != 0 {
		t.Errorf("db pid = %+v, want private", got)
	}
	hn := byName["hostnet"].Namespaces
	if !hn["net"].SharedWithHost || hn["mnt"].SharedWithHost {
		t.Errorf("hostnet namespaces = %+v: net is the host's, mnt its own", hn)
	}
	if got := byName["db"].Mounts; len(got) != 2 || strings.Join(got[0].SharedWith, ",") != "web" || got[1].Sensitive == nil || *got[1].Sensitive != "container engine socket" {
		t.Errorf("db mounts = %+v", got)
	}
	if got := w.Networks; len(got) != 1 || got[0].Driver != "bridge" || strings.Join(got[0].Containers, ",") != "hostnet,web" {
		t.Errorf("web networks = %+v", got)
	}
	if got := w.Mounts; len(got) != 2 || !got[0].ReadOnly || got[0].NotInEngine ||
		got[1].Destination != "/mnt/extra" || got[1].Source != "/srv/secret files" || !got[1].NotInEngine || got[1].Type != "bind" {
		t.Errorf("web mounts = %+v: want the volume read-only (the kernel says ro) and /mnt/extra marked as unknown to the engine", got)
	}
	if u := w.Storage.UpperDir; u == nil || *u != "/var/lib/docker/overlay2/abc/diff" {
		t.Errorf("web upper dir = %v", u)
	}
	st := byName["stopped"]
	if st.Pid != nil || st.CPU != nil || st.Namespaces != nil {
		t.Errorf("a stopped container has nothing to read: %+v", st)
	}
	if len(c.tracked) != 3 {
		t.Errorf("tracked = %d containers, want the 3 running", len(c.tracked))
	}
	if src.asked.Load() != 2 {
		t.Errorf("inventory asked %d times for 2 samples", src.asked.Load())
	}
}

// onlyInterfaceErrors accepts the one error a fixture tree must give: its namespace links are
// plain files, so no netlink socket can be opened in them.
func onlyInterfaceErrors(errs []string) bool {
	for _, e := range errs {
		if !strings.HasPrefix(e, "interfaces: ") {
			return false
		}
	}
	return true
}

func findInterface(ifaces []snapshot.Interface, name string) *snapshot.Interface {
	for i := range ifaces {
		if ifaces[i].Name == name {
			return &ifaces[i]
		}
	}
	return nil
}

// TestContainersFoundWithoutEngine: what only the /proc scan finds (a Podman container whose API
// boxtop was not given, a Kubernetes pod's container) is read like any other and marked.
func TestContainersFoundWithoutEngine(t *testing.T) {
	h := newHostTree(t, 2)
	listed, podman, kube := hexID(11), hexID(12), hexID(13)
	kubePath := "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_5678.slice/cri-containerd-" + kube + ".scope"
	for pid, path := range map[string]string{
		"111": "/system.slice/docker-" + listed + ".scope",
		"112": "/machine.slice/libpod-" + podman + ".scope",
		"113": kubePath,
	} {
		h.cgroupV2(t, path, 5000)
		h.process(t, pid, pid, 0, path)
	}
	// A host process in a service cgroup is no container.
	h.process(t, "114", "host", 0, "/system.slice/cron.service")
	inv := engine.Inventory{Reachable: true, Generation: 1, Containers: []engine.ContainerInfo{containerInfo(listed, "listed", 111, nil)}}
	c, _ := newFixtureCollector(t, h, inv)
	snap := c.Sample(context.Background(), nil)
	if len(snap.Containers) != 3 {
		t.Fatalf("got %d containers, want the listed one and two found by the scan: %+v", len(snap.Containers), snap.Containers)
	}
	byID := map[string]snapshot.Container{}
	for _, ct := range snap.Containers {
		byID[ct.ID] = ct
	}
	if l := byID[listed]; l.FoundWithoutEngine || l.Name != "listed" {
		t.Errorf("the engine's container must keep the engine's name and not be marked: %+v", l)
	}
	p := byID[podman]
	if !p.FoundWithoutEngine || p.Runtime != "podman" || p.Pid == nil || *p.Pid != 112 || p.CPU == nil || p.CPU.UsageNanoseconds != 5_000_000 {
		t.Errorf("podman container = %+v", p)
	}
	k := byID[kube]
	if !k.FoundWithoutEngine || k.Runtime != "containerd" || k.Pod == nil || k.Pod.UID != "1234-5678" || k.Pod.QoSClass != "burstable" ||
		k.CgroupPath == nil || *k.CgroupPath != kubePath {
		t.Errorf("kubernetes container = %+v (pod %+v)", k, k.Pod)
	}

	// The found container's init exits: it is gone from the next reading without an error.
	if err := os.RemoveAll(filepath.Join(h.procRoot, "112")); err != nil {
		t.Fatal(err)
	}
	snap = c.Sample(context.Background(), nil)
	for _, ct := range snap.Containers {
		if ct.ID == podman {
			t.Fatalf("a found container whose init exited is still listed: %+v", ct)
		}
	}
}

func TestContainerThatExitsBetweenSamples(t *testing.T) {
	h := newHostTree(t, 2)
	id := hexID(9)
	path := "/system.slice/docker-" + id + ".scope"
	h.cgroupV2(t, path, 1000)
	h.process(t, "109", "x", 0, path)
	c, _ := newFixtureCollector(t, h, engine.Inventory{Reachable: true, Generation: 1,
		Containers: []engine.ContainerInfo{containerInfo(id, "short-lived", 109, nil)}})
	fdsBefore := openFDs(t)
	c.Sample(context.Background(), nil)
	if len(c.tracked) != 1 {
		t.Fatal("the running container was not tracked")
	}

	t.Run("cgroup removed, process still listed", func(t *testing.T) {
		if err := os.RemoveAll(filepath.Join(h.cgroupRoot, path)); err != nil {
			t.Fatal(err)
		}
		snap := c.Sample(context.Background(), nil)
		errs := snap.Containers[0].Errors
		if len(errs) != 1 || !strings.Contains(errs[0], "is gone") || !strings.Contains(errs[0], path) {
			t.Fatalf("errors = %q, want one naming the vanished cgroup", errs)
		}
		if len(c.tracked) != 0 {
			t.Fatal("the files of a gone container must be closed")
		}
	})
	t.Run("process gone before the engine said so", func(t *testing.T) {
		if err := os.RemoveAll(filepath.Join(h.procRoot, "109")); err != nil {
			t.Fatal(err)
		}
		snap := c.Sample(context.Background(), nil)
		errs := snap.Containers[0].Errors
		if len(errs) != 1 || !strings.Contains(errs[0], "init pid 109 has exited") {
			t.Fatalf("errors = %q, want exactly one saying the init exited", errs)
		}
	})
	c.Close()
	if after := openFDs(t); after > fdsBefore {
		t.Errorf("open fds: %d before, %d after", fdsBefore, after)
	}
}

func openFDs(t testing.TB) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestCloseClosesFilesAndSource(t *testing.T) {
	h := newHostTree(t, 2)
	inv := engine.Inventory{Reachable: true, Generation: 1}
	for i := 0; i < 5; i++ {
		id := hexID(100 + i)
		path := "/system.slice/docker-" + id + ".scope"
		h.cgroupV2(t, path, 10)
		pid := fmt.Sprint(200 + i)
		h.process(t, pid, pid, 0, path)
		inv.Containers = append(inv.Containers, containerInfo(id, "c"+pid, 200+i, nil))
	}
	before := openFDs(t)
	c, src := newFixtureCollector(t, h, inv)
	c.Sample(context.Background(), nil)
	if openFDs(t) <= before {
		t.Fatal("a sample should keep the containers' files open")
	}
	c.Close()
	if after := openFDs(t); after != before || !src.closed.Load() {
		t.Errorf("after Close: %d fds (before %d), source closed %v", after, before, src.closed.Load())
	}
}

func TestSensitivePath(t *testing.T) {
	for source, want := range map[string]string{
		"/var/run/docker.sock": "container engine socket",
		"/":                    "host root filesystem",
		"/etc":                 "host /etc",
		"/etc/shadow":          "host /etc",
		"/etcetera":            "",
		"/proc/sys/":           "host /proc",
		"/home":                "host /home",
		"/home/alice/project":  "",
		"/srv/data":            "",
		"/lib/modules":         "host /lib/modules",
		"":                     "",
	} {
		if got := SensitivePath(source); got != want {
			t.Errorf("SensitivePath(%q) = %q, want %q", source, got, want)
		}
	}
}

// TestNewWithDeadEngine runs the real constructor against a socket nobody listens on: the
// collector still reads the host and says in the runtime why the engine is missing, and Close
// stops the watcher's goroutines (goleak checks it in TestMain).
func TestNewWithDeadEngine(t *testing.T) {
	h := newHostTree(t, 2)
	sock := filepath.Join(t.TempDir(), "absent.sock")
	c, err := New(context.Background(), Options{ProcRoot: h.procRoot, CgroupRoot: h.cgroupRoot, Host: "unix://" + sock,
		Getenv: func(string) string { return "" }, Home: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	snap := c.Sample(context.Background(), nil)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	rt := snap.Runtimes[0]
	if rt.Reachable || rt.Error == nil || !strings.Contains(*rt.Error, sock) || rt.Endpoint != "unix://"+sock {
		t.Fatalf("runtime = %+v, want unreachable with an error naming %s", rt, sock)
	}
	if snap.Host.Hostname != "fixture-host" || len(snap.Containers) != 0 {
		t.Fatalf("host facts should still be read: %+v", snap.Host)
	}
}

// TestRemoteEngineReadsStatsOnly: a remote engine's containers get their figures from the
// stats API, one batch per reading, and nothing local (cgroups, /proc, the scan) is read for
// them, since local pids are another machine's.
func TestRemoteEngineReadsStatsOnly(t *testing.T) {
	h := newHostTree(t, 2)
	// A local container the scan would find: in remote mode it must not show.
	local := hexID(21)
	h.cgroupV2(t, "/system.slice/docker-"+local+".scope", 1)
	h.process(t, "121", "121", 0, "/system.slice/docker-"+local+".scope")
	remoteID, stopped := hexID(22), hexID(23)
	limit := uint64(64 << 20)
	inv := engine.Inventory{Reachable: true, Generation: 1,
		Engine: engine.EngineInfo{Name: "docker", Hostname: "far-away", Kernel: "6.1.0", CPUs: 16, MemoryBytes: 1 << 36, CgroupVersion: 2, CgroupDriver: "systemd"},
		Containers: []engine.ContainerInfo{
			containerInfo(remoteID, "remote-web", 121, nil), // the same pid as the local process, on purpose
			containerInfo(stopped, "remote-gone", 999, nil),
		}}
	c, src := newFixtureCollector(t, h, inv)
	c.remote = true
	src.stats = map[string]engine.Stats{remoteID: {
		CPU:      &snapshot.CPU{UsageNanoseconds: 1e9},
		Memory:   &snapshot.Memory{UsageBytes: 1 << 20, WorkingSetBytes: 1 << 19, LimitBytes: &limit},
		Networks: map[string]engine.NetCounters{"eth0": {RxBytes: 10, TxBytes: 20}},
	}}
	snap := c.Sample(context.Background(), nil)
	if !snap.Host.Remote || snap.Host.Hostname != "far-away" || snap.Host.CPUs != 16 || len(snap.Host.Namespaces) != 0 {
		t.Errorf("host = %+v, want the remote engine's host", snap.Host)
	}
	if len(snap.Containers) != 2 || src.statsCalls.Load() != 1 {
		t.Fatalf("containers %d (want the engine's 2, no scan), stats batches %d (want 1)", len(snap.Containers), src.statsCalls.Load())
	}
	w := snap.Containers[0]
	if w.CPU == nil || w.CPU.UsageNanoseconds != 1e9 || *w.Memory.LimitBytes != limit || w.Namespaces != nil || w.CgroupPath != nil ||
		len(w.Network.Interfaces) != 1 || w.Network.Interfaces[0].TxBytes != 20 {
		t.Errorf("remote container = %+v", w)
	}
	if g := snap.Containers[1]; len(g.Errors) != 1 || g.Errors[0] != "stopped while being read" {
		t.Errorf("a container that stopped mid-read: %v", g.Errors)
	}
	if len(c.tracked) != 0 {
		t.Error("no local files may be opened for a remote engine")
	}
}

// TestInterfacesListedOnlyWhenTheContainersNetworksChange: another container's event must not
// make every container's interfaces be listed again (a netlink round trip each).
func TestInterfacesListedOnlyWhenTheContainersNetworksChange(t *testing.T) {
	h := newHostTree(t, 2)
	id := hexID(31)
	path := "/system.slice/docker-" + id + ".scope"
	h.cgroupV2(t, path, 1)
	h.process(t, "131", "131", 0, path)
	info := containerInfo(id, "steady", 131, func(c *engine.ContainerInfo) {
		c.Networks = []engine.Attachment{{Name: "bridge", NetworkID: "n1", IPAddress: "172.17.0.9/16"}}
	})
	c, src := newFixtureCollector(t, h, engine.Inventory{Reachable: true, Generation: 1, Containers: []engine.ContainerInfo{info}})
	c.Sample(context.Background(), nil)
	first := c.tracked[id]
	first.links = []netns.Link{{Name: "marker"}} // what a new listing would replace

	src.inv.Generation = 2 // some other container's event
	c.Sample(context.Background(), nil)
	if len(first.links) != 1 || first.links[0].Name != "marker" {
		t.Fatal("the interfaces were listed again although this container's networks did not change")
	}
	src.inv.Generation = 3
	src.inv.Containers[0].Networks = append(src.inv.Containers[0].Networks, engine.Attachment{Name: "back", NetworkID: "n2", IPAddress: "10.0.0.2/24"})
	c.Sample(context.Background(), nil)
	if len(first.links) == 1 && first.links[0].Name == "marker" {
		t.Fatal("a network connect must list the interfaces again")
	}
}

// TestNamespacesReadOnSchedule: a container's namespaces are read when it is first seen, again
// at its spread offset and then every recheckEvery, not on every reading; a restart (a new init)
// reads them at once.
func TestNamespacesReadOnSchedule(t *testing.T) {
	h := newHostTree(t, 2)
	id := hexID(21)
	offset := spread(id, recheckEvery)
	if offset < time.Second {
		t.Fatalf("fixture: pick an id whose offset is over a second, not %v", offset)
	}
	path := "/system.slice/docker-" + id + ".scope"
	h.cgroupV2(t, path, 1000)
	h.process(t, "121", "ns-a", 0, path)
	c, src := newFixtureCollector(t, h, engine.Inventory{Reachable: true, Generation: 1,
		Containers: []engine.ContainerInfo{containerInfo(id, "moves", 121, nil)}})
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	c.clock = func() time.Time { return now }
	netInode := func(at time.Time) uint64 {
		t.Helper()
		now = at
		snap := c.Sample(context.Background(), nil)
		ns, ok := snap.Containers[0].Namespaces["net"]
		if !ok {
			t.Fatalf("no net namespace: %+v", snap.Containers[0])
		}
		return ns.Inode
	}
	// moveNet points the init's net link at a new namespace (as a setns would) and returns its
	// inode.
	moveNet := func(pid, name string) uint64 {
		t.Helper()
		link := filepath.Join(h.procRoot, pid, "ns", "net")
		target := filepath.Join(h.nsDir, name)
		write(t, target, "net:[fixture]\n")
		if err := os.Remove(link); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		return inodeOf(t, target)
	}

	first := netInode(start)
	second := moveNet("121", "net-moved")
	if got := netInode(start.Add(offset - time.Nanosecond)); got != first {
		t.Fatalf("net inode %d just before the re-read is due, want the first reading's %d", got, first)
	}
	if got := netInode(start.Add(offset)); got != second {
		t.Fatalf("net inode %d when the re-read is due, want the new namespace's %d", got, second)
	}
	third := moveNet("121", "net-moved-again")
	if got := netInode(start.Add(offset + recheckEvery - time.Nanosecond)); got != second {
		t.Fatalf("net inode %d just before the next re-read, want %d", got, second)
	}
	if got := netInode(start.Add(offset + recheckEvery)); got != third {
		t.Fatalf("net inode %d at the next re-read, want %d", got, third)
	}

	// A restart is a new init: its namespaces are read on the first reading that sees it.
	h.process(t, "122", "ns-b", 0, path)
	src.inv = engine.Inventory{Reachable: true, Generation: 2,
		Containers: []engine.ContainerInfo{containerInfo(id, "moves", 122, nil)}}
	if got, want := netInode(start.Add(offset+recheckEvery+time.Second)), inodeOf(t, filepath.Join(h.nsDir, "net-ns-b")); got != want {
		t.Fatalf("net inode %d after the restart, want the new init's %d", got, want)
	}
}

func inodeOf(t *testing.T, path string) uint64 {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

// TestScanFoundThenListed: a container the /proc scan found before the engine's inventory came
// in keeps its open files when the engine lists it with the same init, and is opened anew when
// the engine's init differs (a restart in between).
func TestScanFoundThenListed(t *testing.T) {
	h := newHostTree(t, 2)
	id := hexID(31)
	path := "/system.slice/docker-" + id + ".scope"
	h.cgroupV2(t, path, 1000)
	h.process(t, "131", "early", 0, path)
	h.process(t, "132", "later", 0, path)
	c, src := newFixtureCollector(t, h, engine.Inventory{Reachable: false, Generation: 0})
	snap := c.Sample(context.Background(), nil)
	if len(snap.Containers) != 1 || !snap.Containers[0].FoundWithoutEngine {
		t.Fatalf("before the engine's inventory: %+v, want the container found by the scan", snap.Containers)
	}
	found := c.tracked[id]
	if found == nil || found.pid != 131 {
		t.Fatalf("tracked %+v, want the scan's init 131", found)
	}

	src.inv = engine.Inventory{Reachable: true, Generation: 1, Containers: []engine.ContainerInfo{containerInfo(id, "named", 131, nil)}}
	snap = c.Sample(context.Background(), nil)
	if len(snap.Containers) != 1 || snap.Containers[0].Name != "named" || snap.Containers[0].FoundWithoutEngine {
		t.Fatalf("after the engine listed it: %+v", snap.Containers)
	}
	if c.tracked[id] != found || found.startedAt.IsZero() {
		t.Fatalf("the engine's listing of the same init opened the container anew (or kept no start time)")
	}

	src.inv = engine.Inventory{Reachable: true, Generation: 2, Containers: []engine.ContainerInfo{containerInfo(id, "named", 132, nil)}}
	c.Sample(context.Background(), nil)
	if got := c.tracked[id]; got == found || got.pid != 132 {
		t.Fatalf("a different init must be tracked anew: %+v", got)
	}
}
