// Package collectors assembles one Snapshot from boxtop's sources: the engine's inventory (kept
// current by its events stream, never polled per tick), the container's cgroup files (kept open
// and re-read), its /proc entries and its network namespace. The sources live in their own
// packages; this one only joins them and derives what needs every container at once (who shares
// a namespace, a mount or a network with whom).
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
	// Host is the engine endpoint; "" resolves it from DOCKER_HOST, the docker context, then the
	// default sockets.
	Host string
	// Processes reads every container's processes on every Sample (the snapshot command);
	// otherwise only those of the containers Sample is asked for.
	Processes bool
	// MeasureWritableLayers sums every running container's writable layer on every Sample
	// (`snapshot --size`). It walks directories: never for a live view.
	MeasureWritableLayers bool
	// StartInBackground returns from New before the engine's first inventory arrives, so a
	// viewer can draw at once; Changed fires when it is in. Otherwise New waits for it (bounded
	// by the watcher's start timeout), as a one-shot reading must.
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
	endpoint      engine.Endpoint
	source        inventorySource // nil when no endpoint could be resolved
	sourceErr     error
	stop          context.CancelFunc
	started       chan struct{} // closed when the watcher's Start has returned

	mu      sync.Mutex
	tracked map[string]*tracked
	prev    snapshot.Snapshot
	scan    scanState
}

// inventorySource is what the collector needs of an engine: its inventory, without an API
// call, and word when it changed. engine.Watcher is one; tests use a fake.
type inventorySource interface {
	Inventory() engine.Inventory
	Changed() <-chan struct{}
	Close() error
}

// New prepares a Collector: reads the host facts, resolves the engine endpoint and takes the
// engine's first inventory. An engine that cannot be reached is not an error: the snapshots say
// so in their runtimes, and the watcher keeps trying in the background.
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
	ep, err := engine.ResolveEndpoint(opts.Host, opts.Getenv, opts.Home)
	if err != nil {
		c.sourceErr = err
		return c, nil
	}
	c.endpoint = ep
	w, err := engine.NewWatcher(ep)
	if err != nil {
		c.sourceErr = err
		return c, nil
	}
	watchCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	c.stop = stop
	c.source = w
	c.started = make(chan struct{})
	if opts.StartInBackground {
		go func() {
			defer close(c.started)
			w.Start(watchCtx)
		}()
	} else {
		w.Start(watchCtx)
		close(c.started)
	}
	return c, nil
}

// newCollector reads what does not change while boxtop runs: the host facts, the cgroup
// version and the host's namespaces.
func newCollector(ctx context.Context, opts Options) *Collector {
	c := &Collector{opts: opts, proc: proc.FS{Root: opts.ProcRoot}, tracked: map[string]*tracked{}}
	c.host = readHost(ctx, opts.ProcRoot)
	version, err := cgroups.DetectVersion(opts.CgroupRoot)
	if err != nil {
		c.host.Errors = append(c.host.Errors, fmt.Sprintf("cgroup version: %v", err))
	}
	c.cgroupVersion = version
	c.host.CgroupVersion = version

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

// Changed fires when the engine's inventory changed, so a viewer can sample at once.
func (c *Collector) Changed() <-chan struct{} {
	if c.source == nil {
		return nil
	}
	return c.source.Changed()
}

// Close stops the engine watcher and closes every kept-open file.
func (c *Collector) Close() error {
	if c.stop != nil {
		c.stop()
		<-c.started
	}
	var err error
	if c.source != nil {
		err = c.source.Close()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, t := range c.tracked {
		t.close()
		delete(c.tracked, id)
	}
	return err
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
	now := time.Now()
	var inv engine.Inventory
	if c.source != nil {
		inv = c.source.Inventory()
	}
	snap := snapshot.Snapshot{
		Schema:   snapshot.Schema,
		Time:     now,
		Host:     c.hostFacts(inv),
		Runtimes: []snapshot.Runtime{c.runtime(inv)},
		Events:   inv.Events,
	}
	wantProcs := make(map[string]bool, len(processesFor))
	for _, id := range processesFor {
		wantProcs[id] = true
	}
	c.pollMounts()
	seen := make(map[string]bool, len(inv.Containers))
	snap.Containers = make([]snapshot.Container, 0, len(inv.Containers))
	for i := range inv.Containers {
		info := &inv.Containers[i]
		seen[info.ID] = true
		ct := containerFromInventory(info)
		ct.Runtime = snap.Runtimes[0].Name
		if ctx.Err() != nil {
			ct.Errors = append(ct.Errors, fmt.Sprintf("not read: %v", ctx.Err()))
		} else if info.State == "running" && info.Pid > 0 {
			c.readRunning(&ct, info, inv.Generation, c.opts.Processes || wantProcs[info.ID])
		} else {
			c.forget(info.ID)
		}
		snap.Containers = append(snap.Containers, ct)
	}
	c.scanIfDue(ctx, now, inv.Generation)
	if c.scan.err != nil {
		snap.Host.Errors = append(snap.Host.Errors, scanError(c.scan.err))
	}
	for _, fc := range c.foundOnly(seen) {
		seen[fc.info.ID] = true
		ct := containerFromInventory(&fc.info)
		markFound(&ct, fc.found)
		c.readRunning(&ct, &fc.info, inv.Generation, c.opts.Processes || wantProcs[fc.info.ID])
		if ct.Namespaces["net"].SharedWithHost {
			ct.Network.Mode = "host"
		}
		snap.Containers = append(snap.Containers, ct)
	}
	for id := range c.tracked {
		if !seen[id] {
			c.forget(id)
		}
	}
	relate(&snap, inv.Networks)
	if snap.Host.CgroupDriver == nil {
		snap.Host.CgroupDriver = driverFromContainers(snap.Containers)
	}
	if c.opts.MeasureWritableLayers {
		c.measureWritableLayers(ctx, snap.Containers)
	}
	return snap
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

func (c *Collector) hostFacts(inv engine.Inventory) snapshot.Host {
	h := c.host
	h.Errors = append(make([]string, 0, len(c.host.Errors)), c.host.Errors...)
	if inv.Engine.CgroupDriver != "" {
		d := inv.Engine.CgroupDriver
		h.CgroupDriver = &d
	}
	return h
}

func (c *Collector) runtime(inv engine.Inventory) snapshot.Runtime {
	rt := snapshot.Runtime{Name: c.endpoint.Runtime, Endpoint: c.endpoint.Host}
	if rt.Name == "" {
		rt.Name = "docker"
	}
	if c.sourceErr != nil {
		msg := c.sourceErr.Error()
		rt.Error = &msg
		return rt
	}
	if inv.Engine.Name != "" {
		rt.Name = inv.Engine.Name
	}
	rt.Reachable = inv.Reachable
	if v := inv.Engine.Version; v != "" {
		rt.Version = &v
	}
	if v := inv.Engine.APIVersion; v != "" {
		rt.APIVersion = &v
	}
	if v := inv.Engine.CgroupDriver; v != "" {
		rt.CgroupDriver = &v
	}
	switch {
	case inv.Err != nil:
		msg := inv.Err.Error()
		rt.Error = &msg
	case !inv.Reachable:
		msg := "no answer yet from " + c.endpoint.Host
		rt.Error = &msg
	}
	return rt
}
