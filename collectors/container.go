package collectors

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/boxtop/boxtop/collectors/cgroups"
	"github.com/boxtop/boxtop/collectors/engine"
	"github.com/boxtop/boxtop/collectors/netns"
	"github.com/boxtop/boxtop/collectors/proc"
	"github.com/boxtop/boxtop/collectors/snapshot"
)

// linksTimeout bounds one netlink listing of a container's interfaces.
const linksTimeout = 2 * time.Second

// recheckEvery is how often what seldom changes is read again after the first reading: the
// namespaces of a container's init, and its cgroup limits when no write to them was seen.
// A process changes namespace only by calling setns or unshare itself, which a container's init
// does not do once it runs, while reading the ten links costs about as much as every cgroup file
// of the container together. The limits are watched (cgroups.Watcher), so a write through this
// host's cgroup mount shows on the next tick; the recheck catches writes made through another
// mount. Containers are spread over the interval so the re-reads do not all fall on one tick.
const recheckEvery = 10 * time.Second

// tracked is what boxtop keeps between readings for one running container: its open cgroup and
// net/dev files, and what changes only when the engine says so (interfaces, capabilities).
type tracked struct {
	pid       int
	startedAt time.Time
	paths     cgroups.Paths
	locateErr error
	cg        *cgroups.Handle
	netdev    *proc.NetDevReader
	netdevErr error
	mounts    *mountTable
	ns        *proc.NamespaceReader
	nsErr     error
	exited    bool // the init was gone before anything could be opened

	// The init's namespaces as last read, and when to read them and the limits again (see
	// recheckEvery).
	nsByType   map[string]proc.NS
	nsReadErr  error
	recheckDue time.Time

	linksKey     string // the engine's view of the container's networks when the links were read
	linksRead    bool
	links        []netns.Link
	linksErr     error
	capEffective []string
	statusErr    error
}

func (t *tracked) close() {
	if t.cg != nil {
		t.cg.Close()
		t.cg = nil
	}
	if t.netdev != nil {
		t.netdev.Close()
		t.netdev = nil
	}
	t.mounts.close()
	t.ns.Close()
}

func (c *Collector) forget(id string) {
	if t, ok := c.tracked[id]; ok {
		t.close()
		delete(c.tracked, id)
	}
}

// track returns the kept state of a running container, opening it on first sight and again
// when the container restarted (its init pid changed).
func (c *Collector) track(info *engine.ContainerInfo, now time.Time) *tracked {
	if t, ok := c.tracked[info.ID]; ok && t.pid == info.Pid {
		if t.startedAt.Equal(info.StartedAt) {
			return t
		}
		if t.startedAt.IsZero() {
			// Found by the /proc scan before the engine listed it (at start, while the engine's
			// inventory is on its way): the same init, so the same files. Only the start time
			// was unknown.
			t.startedAt = info.StartedAt
			return t
		}
	}
	c.forget(info.ID)
	t := &tracked{pid: info.Pid, startedAt: info.StartedAt}
	t.ns, t.nsErr = proc.OpenNamespaces(c.proc, info.Pid)
	if errors.Is(t.nsErr, fs.ErrNotExist) {
		t.exited = true
		return t
	}
	t.readNamespaces()
	t.recheckDue = now.Add(spread(info.ID, recheckEvery))
	t.paths, t.locateErr = cgroups.Locate(c.opts.ProcRoot, c.opts.CgroupRoot, info.Pid, c.cgroupVersion)
	if t.locateErr == nil {
		t.cg = cgroups.OpenWatched(t.paths, c.settings)
	}
	t.netdev, t.netdevErr = proc.OpenNetDev(c.proc, info.Pid)
	t.mounts = openMountTable(c.opts.ProcRoot, info.Pid)
	if st, err := c.proc.Status(info.Pid); err == nil {
		t.capEffective = proc.CapabilityNames(st.CapEff)
	} else {
		t.statusErr = err
	}
	c.tracked[info.ID] = t
	return t
}

// exitedWhileRead reports, as the container's only error, an init process that is gone
// although the engine still calls the container running: it exited moments ago and its "die"
// event is on its way. Its files would only give a list of "no such file" errors.
func (c *Collector) exitedWhileRead(ct *snapshot.Container, info *engine.ContainerInfo) {
	ct.Errors = append(ct.Errors[:0], fmt.Sprintf("init pid %d has exited: the container stopped while being read", info.Pid))
	ct.CPU, ct.Memory, ct.Pids, ct.IO, ct.Pressure, ct.Namespaces = nil, nil, nil, nil, nil, nil
	c.forget(info.ID)
}

// readRunning fills the per-tick figures of a running container: cgroup files, namespaces,
// network counters, and its processes when asked.
func (c *Collector) readRunning(ct *snapshot.Container, info *engine.ContainerInfo, now time.Time, withProcesses bool) {
	t := c.track(info, now)
	if t.exited {
		c.exitedWhileRead(ct, info)
		return
	}
	if !now.Before(t.recheckDue) {
		t.recheckDue = now.Add(recheckEvery)
		t.readNamespaces()
		if t.cg != nil {
			t.cg.RecheckSettings()
		}
	}
	if t.locateErr != nil {
		ct.Errors = append(ct.Errors, fmt.Sprintf("cgroup: %v", t.locateErr))
	} else {
		path := t.paths.Path
		ct.CgroupPath = &path
		r := t.cg.Read()
		if r.Gone {
			ct.Errors = append(ct.Errors, fmt.Sprintf("cgroup %s is gone: the container exited while being read", path))
			c.forget(info.ID)
			return
		}
		ct.CPU, ct.Memory, ct.Pids, ct.IO, ct.Pressure = r.CPU, r.Memory, r.Pids, r.IO, r.Pressure
		ct.Errors = append(ct.Errors, r.Errors...)
	}

	nsByType, err := t.nsByType, t.nsReadErr
	if errors.Is(err, fs.ErrNotExist) {
		c.exitedWhileRead(ct, info)
		return
	}
	if err != nil {
		ct.Errors = append(ct.Errors, fmt.Sprintf("namespaces: %v", err))
	}
	if len(nsByType) > 0 {
		ct.Namespaces = make(map[string]snapshot.Namespace, len(nsByType))
		for typ, n := range nsByType {
			host, ok := c.hostNS[typ]
			ct.Namespaces[typ] = snapshot.Namespace{Inode: n.Inode, Device: n.Device, SharedWithHost: ok && host == n, SharedWith: []string{}}
		}
	}

	if ct.Security != nil {
		ct.Security.CapEffective = t.capEffective
		if t.statusErr != nil {
			ct.Errors = append(ct.Errors, fmt.Sprintf("capabilities: %v", t.statusErr))
		}
	}

	c.readNetwork(ct, t, info)

	t.mounts.read()
	if t.mounts.err != nil {
		ct.Errors = append(ct.Errors, fmt.Sprintf("mounts: %v", t.mounts.err))
	} else {
		applyMountTable(ct, t.mounts.mounts)
	}

	if withProcesses {
		c.readProcesses(ct, t, nsByType)
	}
}

// readNamespaces reads the init's namespace links.
func (t *tracked) readNamespaces() {
	if t.ns == nil {
		t.nsByType, t.nsReadErr = nil, t.nsErr
		return
	}
	t.nsByType, t.nsReadErr = t.ns.Read()
}

// spread places a container's periodic re-read within every: the same offset for the same id,
// different ones across ids, so the re-reads of many containers spread evenly over the interval.
func spread(id string, every time.Duration) time.Duration {
	h := fnv.New64a()
	h.Write([]byte(id))
	return time.Duration(h.Sum64() % uint64(every))
}

func (c *Collector) readNetwork(ct *snapshot.Container, t *tracked, info *engine.ContainerInfo) {
	key := networksKey(info)
	if t.linksRead && t.linksKey == "" {
		// Listed while only the /proc scan knew the container (the engine's view has at least
		// a network mode): what the kernel said then stands until the engine reports a change.
		t.linksKey = key
	}
	if !t.linksRead || t.linksKey != key {
		// Interfaces and addresses change through the engine (connect, disconnect; a restart
		// is a new tracked state), so they are listed again only when the engine's view of
		// this container's networks changed, not on every event of every other container.
		ctx, cancel := context.WithTimeout(context.Background(), linksTimeout)
		t.links, t.linksErr = netns.Links(ctx, c.opts.ProcRoot, info.Pid, c.hostNetns)
		cancel()
		t.linksKey, t.linksRead = key, true
	}
	if t.linksErr != nil {
		ct.Errors = append(ct.Errors, fmt.Sprintf("interfaces: %v", t.linksErr))
	}
	var counters map[string]proc.NetDevCounters
	if t.netdevErr != nil {
		ct.Errors = append(ct.Errors, fmt.Sprintf("network counters: %v", t.netdevErr))
	} else if counters, t.netdevErr = t.netdev.Read(); t.netdevErr != nil {
		ct.Errors = append(ct.Errors, fmt.Sprintf("network counters: %v", t.netdevErr))
	}
	ct.Network.Interfaces = mergeInterfaces(t.links, counters)
}

// networksKey sums up what the engine says of a container's networks; a change means its
// interfaces may have changed.
func networksKey(info *engine.ContainerInfo) string {
	var b strings.Builder
	b.WriteString(info.NetworkMode)
	for _, a := range info.Networks {
		b.WriteString("|" + a.NetworkID + " " + a.IPAddress + " " + a.MAC)
	}
	return b.String()
}

// mergeInterfaces joins the netlink view of the links (addresses, peer) with the counters of
// net/dev. A link only one side knows of still shows.
func mergeInterfaces(links []netns.Link, counters map[string]proc.NetDevCounters) []snapshot.Interface {
	out := make([]snapshot.Interface, 0, len(links))
	known := make(map[string]bool, len(links))
	for _, l := range links {
		known[l.Name] = true
		iface := snapshot.Interface{Name: l.Name, MAC: l.MAC, Addresses: l.Addresses}
		if iface.Addresses == nil {
			iface.Addresses = []string{}
		}
		if l.HostPeer != "" {
			peer := l.HostPeer
			iface.HostPeer = &peer
		}
		if l.Bridge != "" {
			bridge := l.Bridge
			iface.Bridge = &bridge
		}
		setCounters(&iface, counters[l.Name])
		out = append(out, iface)
	}
	for name, n := range counters {
		if !known[name] {
			iface := snapshot.Interface{Name: name, Addresses: []string{}}
			setCounters(&iface, n)
			out = append(out, iface)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func setCounters(iface *snapshot.Interface, n proc.NetDevCounters) {
	iface.RxBytes, iface.TxBytes = n.RxBytes, n.TxBytes
	iface.RxPackets, iface.TxPackets = n.RxPackets, n.TxPackets
	iface.RxErrors, iface.TxErrors = n.RxErrors, n.TxErrors
	iface.RxDropped, iface.TxDropped = n.RxDropped, n.TxDropped
}

func (c *Collector) readProcesses(ct *snapshot.Container, t *tracked, initNS map[string]proc.NS) {
	if t.cg == nil {
		return
	}
	pids, err := t.cg.Procs()
	if err != nil {
		ct.Errors = append(ct.Errors, fmt.Sprintf("processes: %v", err))
		return
	}
	procs, errs := c.proc.Processes(pids, initNS)
	for _, err := range errs {
		ct.Errors = append(ct.Errors, fmt.Sprintf("processes: %v", err))
	}
	ct.Processes = procs
}

// containerFromInventory is what the engine says of a container, before anything is read.
func containerFromInventory(info *engine.ContainerInfo) snapshot.Container {
	ct := snapshot.Container{
		ID: info.ID, Name: info.Name, Image: info.Image, State: info.State,
		Labels: info.Labels, Errors: []string{},
	}
	if info.Pid > 0 && info.State == "running" {
		pid := info.Pid
		ct.Pid = &pid
	}
	if !info.StartedAt.IsZero() {
		started := info.StartedAt
		ct.StartedAt = &started
	}
	sec := info.Security
	sec.CapAdd = nonNil(sec.CapAdd)
	sec.CapDrop = nonNil(sec.CapDrop)
	sec.CapEffective = nil
	sec.NamespaceModes = map[string]string{}
	for typ, mode := range map[string]string{"pid": info.PidMode, "ipc": info.IpcMode, "uts": info.UTSMode, "cgroup": info.CgroupnsMode} {
		if mode != "" {
			sec.NamespaceModes[typ] = mode
		}
	}
	ct.Security = &sec
	ports := info.Ports
	if ports == nil {
		ports = []snapshot.Port{}
	}
	ct.Network = &snapshot.Network{Mode: info.NetworkMode, Interfaces: []snapshot.Interface{}, Ports: ports}
	if info.StorageDriver != "" {
		driver := info.StorageDriver
		ct.Storage = &snapshot.Storage{Driver: &driver}
	} else {
		ct.Storage = &snapshot.Storage{}
	}
	ct.Mounts = make([]snapshot.Mount, len(info.Mounts))
	copy(ct.Mounts, info.Mounts)
	ct.Networks = []snapshot.NetworkMembership{}
	for _, a := range info.Networks {
		ct.Networks = append(ct.Networks, snapshot.NetworkMembership{Name: a.Name, ID: a.NetworkID, IPAddress: a.IPAddress, Gateway: a.Gateway})
	}
	return ct
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
