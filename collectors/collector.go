// Package collectors assembles one Snapshot from boxtop's sources: the engines' inventories (kept
// current by their events streams, never polled per tick), the containers' cgroup files (kept
// open and re-read), their /proc entries and network namespaces, and a scan of /proc for
// containers no engine lists. The sources live in their own packages; this one only joins them
// and derives what needs every container at once (who shares a namespace, a mount or a network
// with whom).
package collectors

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/boxtop/boxtop/collectors/cgroups"
	"github.com/boxtop/boxtop/collectors/engine"
	"github.com/boxtop/boxtop/collectors/proc"
	"github.com/boxtop/boxtop/collectors/sampler"
	"github.com/boxtop/boxtop/collectors/snapshot"
)

// Options says where boxtop reads from. Every path into the system is here so that a fixture
// tree or a test daemon can stand in, and so that boxtop can run in a container with the host's
// /proc and /sys/fs/cgroup mounted elsewhere.
type Options struct {
	ProcRoot   string // default "/proc"
	CgroupRoot string // default "/sys/fs/cgroup"
	// Host is the engine endpoint; "" means every local engine socket that exists (Docker,
	// Podman), unless DOCKER_HOST or a docker context names one.
	Host string
	// Processes reads every container's processes on every Sample (the snapshot command);
	// otherwise only those of the containers Sample is asked for.
	Processes bool
	// MeasureWritableLayers sums every running container's writable layer on every Sample
	// (`snapshot --size`). It walks directories: never for a live view.
	MeasureWritableLayers bool
	// StartInBackground returns from New before the engines' first inventories arrive, so a
	// viewer can draw at once; Changed fires when they are in. Otherwise New waits for them
	// (bounded by the watcher's start timeout), as a one-shot reading must.
	StartInBackground bool
	// Home and Getenv resolve the engine endpoint; defaults are the user's home and os.Getenv.
	Home   string
	Getenv func(string) string
}

// Collector takes readings. It is safe for concurrent use; Samples are serialised.
type Collector struct {
	opts          Options
	proc          proc.FS
	cgroupVersion int
	host          snapshot.Host
	hostNS        map[string]proc.NS
	hostNetns     string
	engines       []*engineSource
	endpointsErr  error // no endpoint could be worked out at all
	// remote is true when the one engine is on another machine: nothing local is read then.
	remote  bool
	changed <-chan struct{}
	stop    context.CancelFunc
	done    sync.WaitGroup

	// clock is time.Now but in tests, which move it to reach the re-reads that are due every
	// so often (namespaces, the /proc scan).
	clock func() time.Time

	mu      sync.Mutex
	tracked map[string]*tracked
	// settings tells which containers' cgroup limits were written to since the last reading.
	settings *cgroups.Watcher
	prev     snapshot.Snapshot
	scan     scanState
}

// New prepares a Collector: reads the host facts, finds the engine endpoints and takes each
// engine's first inventory. An engine that cannot be reached is not an error: the snapshots say
// so in their runtimes, and its watcher keeps trying in the background.
func New(ctx context.Context, opts Options) (*Collector, error) {
	if opts.ProcRoot == "" {
		opts.ProcRoot = "/proc"
	}
	if opts.CgroupRoot == "" {
		opts.CgroupRoot = "/sys/fs/cgroup"
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Home == "" {
		opts.Home, _ = os.UserHomeDir()
	}
	c := newCollector(ctx, opts)
	endpoints, err := engine.DiscoverEndpoints(opts.Host, opts.Getenv, opts.Home, nil)
	if err != nil {
		c.endpointsErr = err
		return c, nil
	}
	watchCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	c.stop = stop
	for _, ep := range endpoints {
		es := &engineSource{endpoint: ep}
		c.engines = append(c.engines, es)
		w, err := engine.NewWatcher(ep)
		if err != nil {
			es.err = err
			continue
		}
		es.source = w
		c.done.Add(1)
		start := func() {
			defer c.done.Done()
			w.Start(watchCtx)
		}
		if opts.StartInBackground {
			go start()
		} else {
			start()
		}
	}
	c.remote = len(endpoints) == 1 && endpoints[0].Remote
	c.changed = c.fanIn(watchCtx)
	return c, nil
}

// newCollector reads what does not change while boxtop runs: the host facts, the cgroup
// version and the host's namespaces.
func newCollector(ctx context.Context, opts Options) *Collector {
	c := &Collector{opts: opts, proc: proc.FS{Root: opts.ProcRoot}, tracked: map[string]*tracked{}, clock: time.Now}
	c.host = readHost(ctx, opts.ProcRoot)
	version, err := cgroups.DetectVersion(opts.CgroupRoot)
	if err != nil {
		c.host.Errors = append(c.host.Errors, fmt.Sprintf("cgroup version: %v", err))
	}
	c.cgroupVersion = version
	c.host.CgroupVersion = version
	c.settings = cgroups.NewWatcher()

	ns, ref, err := c.proc.HostReference(c.proc.PidsByComm("dockerd", "containerd", "podman"))
	if err != nil {
		c.host.Errors = append(c.host.Errors, fmt.Sprintf("host namespaces: %v", err))
	}
	c.hostNS = ns
	c.host.NamespacesReference = ref
	c.host.Namespaces = make(map[string]uint64, len(ns))
	for typ, n := range ns {
		c.host.Namespaces[typ] = n.Inode
	}
	c.hostNetns = hostNetnsPath(opts.ProcRoot, ref)
	return c
}

// hostNetnsPath is the ns/net link of the process the host namespaces were taken from, used to
// find the host-side end of a container's veth.
func hostNetnsPath(procRoot, ref string) string {
	var pid int
	if _, err := fmt.Sscanf(ref, "pid %d", &pid); err == nil {
		return filepath.Join(procRoot, fmt.Sprint(pid), "ns", "net")
	}
	return filepath.Join(procRoot, "self", "ns", "net")
}

// fanIn merges the engines' change notifications into one channel, coalesced like theirs.
func (c *Collector) fanIn(ctx context.Context) <-chan struct{} {
	var chans []<-chan struct{}
	for _, es := range c.engines {
		if es.source != nil {
			chans = append(chans, es.source.Changed())
		}
	}
	switch len(chans) {
	case 0:
		return nil
	case 1:
		return chans[0]
	}
	out := make(chan struct{}, 1)
	for _, ch := range chans {
		c.done.Add(1)
		go func(ch <-chan struct{}) {
			defer c.done.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case _, ok := <-ch:
					if !ok {
						return
					}
					select {
					case out <- struct{}{}:
					default:
					}
				}
			}
		}(ch)
	}
	return out
}

// Changed fires when an engine's inventory changed, so a viewer can sample at once.
func (c *Collector) Changed() <-chan struct{} { return c.changed }

// Close stops the engine watchers and closes every kept-open file.
func (c *Collector) Close() error {
	if c.stop != nil {
		c.stop()
	}
	c.done.Wait()
	var first error
	for _, es := range c.engines {
		if es.source != nil {
			if err := es.source.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, t := range c.tracked {
		t.close()
		delete(c.tracked, id)
	}
	c.settings.Close()
	return first
}

// Sample takes one reading, with rates against the previous Sample (nil rates on the first).
// processesFor lists the ids of containers whose processes to read; Options.Processes reads all.
func (c *Collector) Sample(ctx context.Context, processesFor []string) snapshot.Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	raw := c.read(ctx, processesFor)
	rated := sampler.Rates(c.prev, raw)
	c.prev = raw
	return rated
}

func (c *Collector) read(ctx context.Context, processesFor []string) snapshot.Snapshot {
	now := c.clock()
	invs := c.inventories()
	snap := snapshot.Snapshot{Schema: snapshot.Schema, Time: now, Host: c.hostFacts(invs)}
	wantProcs := make(map[string]bool, len(processesFor))
	for _, id := range processesFor {
		wantProcs[id] = true
	}
	if !c.remote {
		c.pollMounts()
		c.settings.Poll()
	}
	seen := map[string]bool{}
	networks := map[string][]engine.NetworkInfo{}
	var generation uint64
	for i, es := range c.engines {
		inv := invs[i]
		rt := es.runtime(inv)
		snap.Runtimes = append(snap.Runtimes, rt)
		snap.Events = append(snap.Events, inv.Events...)
		networks[rt.Name] = inv.Networks
		generation += inv.Generation
		var remoteIDs []string
		first := len(snap.Containers)
		for j := range inv.Containers {
			info := &inv.Containers[j]
			seen[info.ID] = true
			ct := containerFromInventory(info)
			ct.Runtime = rt.Name
			running := info.State == "running" && info.Pid > 0
			switch {
			case ctx.Err() != nil:
				ct.Errors = append(ct.Errors, fmt.Sprintf("not read: %v", ctx.Err()))
			case c.remote:
				if running {
					remoteIDs = append(remoteIDs, info.ID)
				}
			case running:
				c.readRunning(&ct, info, now, c.opts.Processes || wantProcs[info.ID])
			default:
				c.forget(info.ID)
			}
			snap.Containers = append(snap.Containers, ct)
		}
		if len(remoteIDs) > 0 {
			readRemote(ctx, es.source, snap.Containers[first:], remoteIDs)
		}
	}
	if c.endpointsErr != nil {
		msg := c.endpointsErr.Error()
		snap.Runtimes = append(snap.Runtimes, snapshot.Runtime{Name: "docker", Endpoint: c.opts.Host, Error: &msg})
	}
	if !c.remote {
		c.addFoundOnly(ctx, &snap, now, generation, seen, wantProcs)
	}
	for id := range c.tracked {
		if !seen[id] {
			c.forget(id)
		}
	}
	sortEvents(snap.Events)
	relate(&snap, networks)
	if snap.Host.CgroupDriver == nil {
		snap.Host.CgroupDriver = driverFromContainers(snap.Containers)
	}
	if c.opts.MeasureWritableLayers && !c.remote {
		c.measureWritableLayers(ctx, snap.Containers)
	}
	return snap
}

// inventories asks each engine's watcher for its inventory: a copy, no API call.
func (c *Collector) inventories() []engine.Inventory {
	invs := make([]engine.Inventory, len(c.engines))
	for i, es := range c.engines {
		if es.source != nil {
			invs[i] = es.source.Inventory()
		}
	}
	return invs
}

// addFoundOnly appends the containers the /proc scan finds that no engine listed.
func (c *Collector) addFoundOnly(ctx context.Context, snap *snapshot.Snapshot, now time.Time, generation uint64, seen, wantProcs map[string]bool) {
	c.scanIfDue(ctx, now, generation)
	if c.scan.err != nil {
		snap.Host.Errors = append(snap.Host.Errors, scanError(c.scan.err))
	}
	for _, fc := range c.foundOnly(seen) {
		seen[fc.info.ID] = true
		ct := containerFromInventory(&fc.info)
		markFound(&ct, fc.found)
		c.readRunning(&ct, &fc.info, now, c.opts.Processes || wantProcs[fc.info.ID])
		if ct.Namespaces["net"].SharedWithHost {
			ct.Network.Mode = "host"
		}
		snap.Containers = append(snap.Containers, ct)
	}
}

func (c *Collector) measureWritableLayers(ctx context.Context, cs []snapshot.Container) {
	ctx, cancel := context.WithTimeout(ctx, writableLayerTimeout)
	defer cancel()
	for i := range cs {
		st := cs[i].Storage
		if st == nil || st.UpperDir == nil {
			continue
		}
		size, err := dirSize(ctx, *st.UpperDir)
		if err != nil {
			cs[i].Errors = append(cs[i].Errors, fmt.Sprintf("writable layer: %v", err))
			continue
		}
		st.WritableLayerBytes = &size
	}
}

// driverFromContainers guesses the cgroup driver from the containers' paths when no engine
// says: systemd names scopes and slices, cgroupfs plain directories.
func driverFromContainers(cs []snapshot.Container) *string {
	for _, ct := range cs {
		if ct.CgroupPath != nil {
			if d := cgroups.DriverFromPath(*ct.CgroupPath); d != "" {
				return &d
			}
		}
	}
	return nil
}

// pollMounts asks the kernel, in one call, which containers' mount tables changed since the
// last reading.
func (c *Collector) pollMounts() {
	tables := make([]*mountTable, 0, len(c.tracked))
	for _, t := range c.tracked {
		tables = append(tables, t.mounts)
	}
	pollMountTables(tables)
}

// hostFacts is the header: the local machine's facts, or for a remote engine what it reports
// of its own host (its namespaces cannot be seen from here).
func (c *Collector) hostFacts(invs []engine.Inventory) snapshot.Host {
	h := c.host
	h.Errors = append(make([]string, 0, len(c.host.Errors)), c.host.Errors...)
	for _, inv := range invs {
		if d := inv.Engine.CgroupDriver; d != "" && h.CgroupDriver == nil {
			h.CgroupDriver = &d
		}
	}
	if !c.remote || len(invs) == 0 {
		return h
	}
	e := invs[0].Engine
	h = snapshot.Host{Hostname: e.Hostname, Kernel: e.Kernel, CgroupVersion: e.CgroupVersion, CgroupDriver: h.CgroupDriver,
		CPUs: e.CPUs, MemoryBytes: e.MemoryBytes, Namespaces: map[string]uint64{}, Remote: true,
		NamespacesReference: "not available for a remote host", Errors: []string{}}
	return h
}
