package collectors

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/boxtop/boxtop/collectors/engine"
	"github.com/boxtop/boxtop/collectors/snapshot"
)

// inventorySource is what the collector needs of an engine: its inventory, without an API
// call, word when it changed, and (for a remote engine only) one-shot stats. engine.Watcher is
// one; tests use a fake.
type inventorySource interface {
	Inventory() engine.Inventory
	Changed() <-chan struct{}
	StatsEach(ctx context.Context, ids []string) ([]engine.Stats, []error)
	Close() error
}

// engineSource is one engine boxtop watches.
type engineSource struct {
	endpoint engine.Endpoint
	source   inventorySource // nil when no watcher could be made
	err      error           // why not
}

// runtime is the engine's line in the snapshot.
func (es *engineSource) runtime(inv engine.Inventory) snapshot.Runtime {
	rt := snapshot.Runtime{Name: es.endpoint.Runtime, Endpoint: es.endpoint.Host}
	if rt.Name == "" {
		rt.Name = "docker"
	}
	if es.err != nil {
		msg := es.err.Error()
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
		msg := "no answer yet from " + es.endpoint.Host
		rt.Error = &msg
	}
	return rt
}

// readRemote fills the running containers of a remote engine from its stats API, one call per
// container, all at once: there are no cgroup files or /proc of that host to read here.
// Namespaces, processes and pressure stay empty; the views say they are not available.
func readRemote(ctx context.Context, src inventorySource, cs []snapshot.Container, ids []string) {
	stats, errs := src.StatsEach(ctx, ids)
	byID := make(map[string]int, len(ids))
	for i, id := range ids {
		byID[id] = i
	}
	for i := range cs {
		ct := &cs[i]
		k, ok := byID[ct.ID]
		if !ok || k >= len(stats) {
			continue
		}
		if k < len(errs) && errs[k] != nil {
			if errors.Is(errs[k], engine.ErrNotRunning) {
				ct.Errors = append(ct.Errors, "stopped while being read")
			} else {
				ct.Errors = append(ct.Errors, fmt.Sprintf("stats: %v", errs[k]))
			}
			continue
		}
		s := stats[k]
		ct.CPU, ct.Memory, ct.Pids, ct.IO = s.CPU, s.Memory, s.Pids, s.IO
		if ct.Network != nil {
			ct.Network.Interfaces = remoteInterfaces(s.Networks)
		}
	}
}

func remoteInterfaces(nets map[string]engine.NetCounters) []snapshot.Interface {
	out := make([]snapshot.Interface, 0, len(nets))
	for name, n := range nets {
		iface := snapshot.Interface{Name: name, Addresses: []string{}}
		iface.RxBytes, iface.TxBytes = n.RxBytes, n.TxBytes
		iface.RxPackets, iface.TxPackets = n.RxPackets, n.TxPackets
		iface.RxErrors, iface.TxErrors = n.RxErrors, n.TxErrors
		iface.RxDropped, iface.TxDropped = n.RxDropped, n.TxDropped
		out = append(out, iface)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// sortEvents orders the engines' events by time, oldest first, as one stream.
func sortEvents(evs []snapshot.Event) {
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Time.Before(evs[j].Time) })
}
